/**
 * x86-64 instruction decoder for 64-bit mode (SDM Vol. 2 §2.1–2.2, APX REX2
 * per the Intel APX architecture specification §3.1): legacy prefixes, REX,
 * REX2, VEX (C4/C5, decode-vex.ts), opcode maps 0 (one byte), 1 (0F), 2 (0F 38)
 * and 3 (0F 3A), the mandatory prefix, ModRM/SIB/displacement, immediates. It finds lengths and
 * fields once and picks the opcode-table row (`Insn.row`); it binds no
 * handler (dispatch.ts does, for cpu.ts) and imports no executor.
 * Invalid encodings leave `row` undefined (#UD); they never throw, except the
 * #GP of an instruction longer than 15 bytes and #PF from fetching its bytes.
 */
import { c5AsC4, vexFits } from './decode-vex.ts';
import { GP, GuestFault } from './fault.ts';
import { HIGH_BYTE, Insn, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, UNBOUND } from './insn.ts';
import {
  I_B, I_MOFFS, I_NONE, I_REL32, I_UB, I_V, I_W, I_WB, I_Z, M_MOD_IGNORED, M_NONE, PC_66, PC_F2, PC_F3, PC_NONE, type OpRow,
} from './opcodes/row.ts';
import { JMPABS_ROW, OPCODES, type OpTable } from './opcodes/table.ts';

export const MAX_INSN_LEN = 15;

/** Reads the k-th byte of the instruction (may raise #PF). */
export type ByteSource = (k: number) => number;

/**
 * Opcodes that REX2 may not prefix (APX spec §3.1.2.1: legacy map 0 rows 4, 7,
 * A and E, and map 1 rows 3 and 8), except JMPABS (REX2.M0=0, W=0, A1).
 */
export function rex2Allowed(map: number, op: number): boolean {
  const row = op >> 4;
  if (map === 0) return (row !== 0x4 && row !== 0x7 && row !== 0xa && row !== 0xe) || op === 0xa1;
  return row !== 0x3 && row !== 0x8;
}

/** Decodes one instruction into `i` (which is reset first). */
export type Decoder = (i: Insn, byte: ByteSource) => void;

/**
 * The decoder for an opcode table (tests build tables of their own). The
 * table is a constant of the closure: with one decoder in the process V8
 * specializes the code to it, as fast as a module constant and faster than a
 * table parameter.
 */
export function decoderFor(table: OpTable): Decoder {
  const slots = table.slots, vexSlots = table.vexSlots;
  return function decode(i: Insn, byte: ByteSource): void {
    reset(i);
    let k = 0;
    let rex = 0, rex2 = -1; // rex2: payload byte, or -1
    let pc = PC_NONE; // prefix class (as prefixClass(i)): F3 or F2, the last one written, beats 66
    let b = 0;
    // ---- prefixes
    for (;;) {
      if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
      b = byte(k++);
      switch (b) {
        case 0x66: i.opsizePrefix = true; if (pc === PC_NONE) pc = PC_66; rex = 0; continue;
        case 0x67: i.asz = 4; rex = 0; continue;
        case 0xf0: i.lock = true; rex = 0; continue;
        case 0xf2: i.rep = b; pc = PC_F2; rex = 0; continue;
        case 0xf3: i.rep = b; pc = PC_F3; rex = 0; continue;
        case 0x26: i.seg = i.seg < SEG_FS ? SEG_ES : i.seg; rex = 0; continue;
        case 0x2e: i.seg = i.seg < SEG_FS ? SEG_CS : i.seg; rex = 0; continue;
        case 0x36: i.seg = i.seg < SEG_FS ? SEG_SS : i.seg; rex = 0; continue;
        case 0x3e: i.seg = i.seg < SEG_FS ? SEG_DS : i.seg; rex = 0; continue;
        case 0x64: i.seg = SEG_FS; rex = 0; continue;
        case 0x65: i.seg = SEG_GS; rex = 0; continue;
      }
      if ((b & 0xf0) === 0x40) {
        rex = b;
        continue;
      }
      break;
    }
    let map = 0;
    let vex = false, vexW = 0, vexRxb = 0; // vexRxb: the C4 form's first payload byte
    if (b === 0xc4 || b === 0xc5) {
      // VEX (decode-vex.ts). A 66, F2, F3, LOCK or REX prefix in front of it is #UD (SDM Vol. 2 §2.3.2, §2.3.3).
      vex = true;
      if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
      let p = byte(k++);
      if (b === 0xc4) {
        vexRxb = p;
        if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
        p = byte(k++);
        vexW = p >> 7;
      } else {
        vexRxb = c5AsC4(p);
      }
      map = vexRxb & 0x1f;
      i.vex = true;
      i.vvvv = (~p >> 3) & 15;
      i.vexL = (p >> 2) & 1;
      pc = p & 3;
      if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
      b = byte(k++);
      if (map === 0 || map > 3 || rex !== 0 || i.opsizePrefix || i.rep !== 0 || i.lock) {
        i.op = b;
        i.map = map;
        return finish(i, k, undefined);
      }
    } else if (b === 0xd5) {
      // REX2: the payload follows; a REX before it is invalid.
      if (rex !== 0) return finish(i, k, undefined);
      if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
      rex2 = byte(k++);
      map = rex2 >> 7;
      if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
      b = byte(k++);
    } else if (b === 0x0f) {
      if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
      b = byte(k++);
      map = 1;
      if (b === 0x38 || b === 0x3a) {
        // Three-byte opcodes 0F 38 xx (map 2) and 0F 3A xx (map 3), SDM Vol. 2 §2.1.2.
        map = b === 0x38 ? 2 : 3;
        if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
        b = byte(k++);
      }
    }
    i.op = b;
    i.map = map;
    let W = 0, R = 0, X = 0, B = 0;
    if (vex) {
      W = vexW;
      R = ((~vexRxb >> 7) & 1) << 3;
      X = ((~vexRxb >> 6) & 1) << 3;
      B = ((~vexRxb >> 5) & 1) << 3;
    } else if (rex2 >= 0) {
      i.rex = i.rex2 = true;
      W = (rex2 >> 3) & 1;
      R = ((rex2 >> 2) & 1) << 3 | ((rex2 >> 6) & 1) << 4;
      X = ((rex2 >> 1) & 1) << 3 | ((rex2 >> 5) & 1) << 4;
      B = (rex2 & 1) << 3 | ((rex2 >> 4) & 1) << 4;
    } else if (rex !== 0) {
      i.rex = true;
      W = (rex >> 3) & 1;
      R = ((rex >> 2) & 1) << 3;
      X = ((rex >> 1) & 1) << 3;
      B = (rex & 1) << 3;
    }
    i.rexW = W === 1;
    i.osz = W ? 8 : i.opsizePrefix ? 2 : 4;
    i.opReg = (b & 7) | B;

    const slot = (vex ? vexSlots : slots)[(map << 10) | (pc << 8) | b];
    if (slot === undefined) return finish(i, k, undefined);
    if (rex2 >= 0 && !rex2Allowed(map, b)) return finish(i, k, undefined);
    let row: OpRow | undefined = slot.cells[0];

    // ---- ModRM, SIB, displacement
    if (slot.modrm !== M_NONE) {
      if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
      const m = byte(k++);
      const mod = m >> 6, regf = (m >> 3) & 7, rmf = m & 7;
      i.hasModrm = true;
      i.modrm = m;
      i.digit = regf;
      i.reg = regf | R;
      i.reg8 = !i.rex && regf >= 4 ? HIGH_BYTE | (regf - 4) : i.reg;
      row = slot.cells[(mod === 3 || slot.modrm === M_MOD_IGNORED ? 8 : 0) | regf];
      if (mod === 3 || slot.modrm === M_MOD_IGNORED) {
        i.regForm = true;
        i.rm = rmf | B;
        i.rm8 = !i.rex && rmf >= 4 ? HIGH_BYTE | (rmf - 4) : i.rm;
      } else {
        let dispSize = mod === 1 ? 1 : mod === 2 ? 4 : 0;
        if (rmf === 4) {
          if (k >= MAX_INSN_LEN) throw new GuestFault(GP, 0);
          const sib = byte(k++);
          const sbase = sib & 7, sidx = ((sib >> 3) & 7) | X;
          i.scale = sib >> 6;
          i.index = sidx === 4 ? -1 : sidx; // index 4 without X means none
          if (sbase === 5 && mod === 0) {
            i.base = -1;
            dispSize = 4;
          } else {
            i.base = sbase | B;
          }
        } else if (rmf === 5 && mod === 0) {
          i.ripRel = true;
          dispSize = 4;
        } else {
          i.base = rmf | B;
        }
        if (dispSize !== 0) {
          if (k + dispSize > MAX_INSN_LEN) throw new GuestFault(GP, 0);
          i.disp = dispSize === 1 ? (byte(k) << 24) >> 24 : byte(k) | byte(k + 1) << 8 | byte(k + 2) << 16 | byte(k + 3) << 24;
          k += dispSize;
        }
      }
    }

    let jmpabsUd = false;
    if (rex2 >= 0 && map === 0 && b === 0xa1) {
      // JMPABS: REX2 with M0=0 and W=0, A1, imm64; the R/X/B payload bits are
      // ignored. W=1 (a REX2 MOV moffs) and the prefixes 66/67/F0/F2/F3 are #UD
      // (APX spec, JMPABS). The length is the same either way.
      row = JMPABS_ROW;
      jmpabsUd = W === 1 || i.opsizePrefix || i.asz === 4 || i.lock || i.rep !== 0;
    }
    // f64: 64-bit operand size whatever 66 says (Intel; near branches).
    if (row !== undefined && row.f64) i.osz = 8;
    if (vex && row !== undefined && !vexFits(row, i.vexL, W, i.vvvv)) row = undefined;

    // ---- immediates (of the opcode's first row when no row was picked)
    const imm = (row ?? slot.shape).imm;
    if (imm !== I_NONE) {
      let n = 0;
      switch (imm) {
        case I_B: case I_UB: n = 1; break;
        case I_W: n = 2; break;
        case I_Z: n = i.osz === 2 ? 2 : 4; break;
        case I_REL32: n = 4; break;
        case I_V: n = i.osz; break;
        case I_WB: n = 3; break;
        case I_MOFFS: n = i.asz; break;
      }
      if (k + n > MAX_INSN_LEN) throw new GuestFault(GP, 0);
      switch (n) {
        case 1:
          i.imm = (byte(k) << 24) >> 24;
          break;
        case 2:
          i.imm = byte(k) | byte(k + 1) << 8;
          break;
        case 3:
          i.imm = byte(k) | byte(k + 1) << 8;
          i.imm2 = byte(k + 2);
          break;
        case 4:
          i.imm = byte(k) | byte(k + 1) << 8 | byte(k + 2) << 16 | byte(k + 3) << 24;
          break;
        case 8:
          i.imm = byte(k) | byte(k + 1) << 8 | byte(k + 2) << 16 | byte(k + 3) << 24;
          i.immHi = byte(k + 4) | byte(k + 5) << 8 | byte(k + 6) << 16 | byte(k + 7) << 24;
          break;
      }
      if (imm === I_UB) i.imm &= 0xff;
      else if (n === 1 || (n === 4 && imm !== I_MOFFS && imm !== I_V)) i.immHi = i.imm >> 31;
      k += n;
    }

    if (jmpabsUd) return finish(i, k, undefined);
    // LOCK only with a memory destination of a lockable instruction (SDM Vol. 2 LOCK).
    if (i.lock && (i.regForm || !i.hasModrm || row === undefined || !row.lock)) return finish(i, k, undefined);
    finish(i, k, row);
  };
}

/** The decoder of our instruction set (opcodes/table.ts). */
export const decode: Decoder = decoderFor(OPCODES);

function finish(i: Insn, len: number, row: OpRow | undefined): void {
  i.len = len;
  i.row = row;
}

function reset(i: Insn): void {
  i.h = UNBOUND;
  i.inner = UNBOUND;
  i.row = undefined;
  i.len = 0;
  i.op = 0;
  i.map = 0;
  i.osz = 4;
  i.asz = 8;
  i.rep = 0;
  i.opsizePrefix = false;
  i.lock = false;
  i.seg = -1;
  i.rex = false;
  i.rexW = false;
  i.rex2 = false;
  i.hasModrm = false;
  i.modrm = 0;
  i.regForm = false;
  i.reg = 0;
  i.digit = 0;
  i.rm = 0;
  i.reg8 = 0;
  i.rm8 = 0;
  i.base = -1;
  i.index = -1;
  i.scale = 0;
  i.disp = 0;
  i.ripRel = false;
  i.imm = 0;
  i.immHi = 0;
  i.imm2 = 0;
  i.opReg = 0;
  i.vex = false;
  i.vvvv = 0;
  i.vexL = 0;
}

/** Decode from a byte array (tests, disassembly of APX encodings). */
export function decodeBytes(bytes: ArrayLike<number>, i: Insn = new Insn(), decoder: Decoder = decode): Insn {
  decoder(i, (k) => {
    if (k >= bytes.length) throw new GuestFault(GP, 0);
    return bytes[k] & 0xff;
  });
  return i;
}
