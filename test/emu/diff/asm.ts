/**
 * A tiny x86-64 encoder for the differential generator: legacy prefixes,
 * REX, opcode bytes, ModRM/SIB/displacement and an immediate, from explicit
 * fields (no parsing). Every emitted instruction is re-decoded with iced-x86
 * by the generator's self-check, so an encoding slip here shows up as a
 * generator error, not as a bogus divergence.
 */

/** A register operand (0–15; with `byteRegs`, 16–19 are AH, CH, DH, BH). */
export interface RegOp {
  kind: 'reg';
  reg: number;
}

/**
 * A memory operand. `base`/`index` are GPR numbers or -1; `scale` is the SIB
 * shift (0–3). With `rip`, `disp` is the absolute target and the encoder
 * turns it into rel32 from the end of the instruction.
 */
export interface MemOp {
  kind: 'mem';
  base: number;
  index: number;
  scale: number;
  disp: number;
  rip?: boolean;
}

export type RmOp = RegOp | MemOp;

export interface Encoding {
  /** Legacy prefixes in order (F0, F2, F3, 66, 67, 64, 65…). */
  pfx?: number[];
  /** REX.W */
  w?: boolean;
  /** Opcode bytes (0F escapes included). */
  op: number[];
  /** ModRM.reg: a register number or a /digit. Omit for instructions without ModRM. */
  reg?: number;
  rm?: RmOp;
  /** Immediate bytes, little-endian. */
  imm?: number[];
  /** Register embedded in the low 3 opcode bits (B8+r, 50+r…), REX.B from bit 3. */
  opReg?: number;
  /** The byte registers SPL/BPL/SIL/DIL are used: REX is required even if otherwise 0x40. */
  rexByte?: boolean;
}

export const AH = 16;

/** Little-endian bytes of a value (number or bigint) in `size` bytes. */
export function le(v: number | bigint, size: number): number[] {
  let x = BigInt.asUintN(size * 8, BigInt(v));
  const out: number[] = [];
  for (let k = 0; k < size; k++) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  }
  return out;
}

function fitsI8(v: number): boolean {
  return v >= -128 && v <= 127;
}

/** Encodes at linear address `addr` (needed for RIP-relative operands). */
export function encode(e: Encoding, addr: number): number[] {
  let rex = e.w ? 8 : 0;
  let high = false;
  const regField = e.reg ?? 0;
  const fix = (r: number): number => {
    if (r >= AH) {
      high = true;
      return r - AH + 4;
    }
    return r;
  };
  const reg = fix(regField);
  if (e.reg !== undefined && reg & 8) rex |= 4;
  const tail: number[] = [];
  let ripAt = -1;
  if (e.rm) {
    const m = e.rm;
    if (m.kind === 'reg') {
      const r = fix(m.reg);
      if (r & 8) rex |= 1;
      tail.push(0xc0 | ((reg & 7) << 3) | (r & 7));
    } else if (m.rip) {
      tail.push(((reg & 7) << 3) | 5);
      ripAt = tail.length;
      tail.push(0, 0, 0, 0);
    } else {
      if (m.index >= 0 && (m.index & 8)) rex |= 2;
      if (m.base >= 0 && (m.base & 8)) rex |= 1;
      const needSib = m.index >= 0 || m.base < 0 || (m.base & 7) === 4;
      let mod: number;
      let dispBytes: number[];
      if (m.base < 0) {
        mod = 0;
        dispBytes = le(m.disp, 4);
      } else if (m.disp === 0 && (m.base & 7) !== 5) {
        mod = 0;
        dispBytes = [];
      } else if (fitsI8(m.disp)) {
        mod = 1;
        dispBytes = le(m.disp, 1);
      } else {
        mod = 2;
        dispBytes = le(m.disp, 4);
      }
      if (needSib) {
        tail.push((mod << 6) | ((reg & 7) << 3) | 4);
        const idx = m.index >= 0 ? m.index & 7 : 4;
        const base = m.base >= 0 ? m.base & 7 : 5;
        tail.push((m.scale << 6) | (idx << 3) | base);
      } else {
        tail.push((mod << 6) | ((reg & 7) << 3) | (m.base & 7));
      }
      tail.push(...dispBytes);
    }
  }
  let opBytes = e.op;
  if (e.opReg !== undefined) {
    const r = fix(e.opReg);
    if (r & 8) rex |= 1;
    opBytes = [...e.op.slice(0, -1), e.op[e.op.length - 1] | (r & 7)];
  }
  if (high && rex !== 0) throw new Error('AH/CH/DH/BH cannot be encoded with a REX prefix');
  const out = [...(e.pfx ?? [])];
  if (rex !== 0 || e.rexByte) out.push(0x40 | rex);
  out.push(...opBytes);
  const rmStart = out.length;
  out.push(...tail, ...(e.imm ?? []));
  if (ripAt >= 0 && e.rm?.kind === 'mem') {
    const rel = e.rm.disp - (addr + out.length);
    out.splice(rmStart + ripAt, 4, ...le(rel, 4));
  }
  return out;
}
