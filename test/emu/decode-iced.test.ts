/**
 * Differential test of the decoder against iced-x86 (1.21, Intel decoder
 * options: 66 on near branches is ignored in 64-bit mode, as on Intel).
 *
 * A deterministic corpus of byte strings, biased toward valid encodings
 * (random legacy prefixes, an optional REX, an opcode row from our table,
 * random ModRM/SIB/displacement/immediate bytes), plus fully random strings.
 *
 * 1. Where iced decodes a valid legacy instruction whose opcode row is in our
 *    table, our decoder must agree on the length, the map and opcode, every
 *    register operand (ModRM.reg, ModRM.rm, opcode register; byte registers
 *    incl. AH–BH vs SPL–DIL), the memory operand (base, index, scale,
 *    displacement, RIP-relative), the immediates and branch targets, the
 *    FS/GS override and LOCK.
 * 2. The converse: where iced says the bytes are invalid in 64-bit mode, an
 *    opcode our table covers must bind to the #UD handler (unless listed in
 *    DOCUMENTED_DIFFERENCES).
 * REX2 (APX) encodings are out of scope here: iced does not know them
 * (see apx.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Code, CodeExt, Decoder, DecoderOptions, EncodingKind, OpCodeOperandKind, OpCodeTableKind, OpKind, Register } from 'iced-x86';
import { decodeBytes } from '../../src/emu/decode.ts';
import { bindInsn, UD_HANDLER } from '../../src/emu/dispatch.ts';
import type { Cpu } from '../../src/emu/cpu.ts';
import { EXIT_EXCEPTION } from '../../src/emu/exits.ts';
import { GuestFault, UD } from '../../src/emu/fault.ts';
import { HIGH_BYTE, Insn, SEG_FS, SEG_GS } from '../../src/emu/insn.ts';
import { OPCODES, prefixClass } from '../../src/emu/opcodes/table.ts';
import { CODE, makeMachine } from './machine.ts';
import { prng } from './prng.ts';

/**
 * Byte strings iced calls invalid but we deliberately execute. Each entry:
 * a predicate over our decoded Insn and the reason. (Empty so far.)
 */
const DOCUMENTED_DIFFERENCES: { why: string; match: (i: Insn, bytes: number[]) => boolean }[] = [];

const LEGACY_PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
/** map * 256 + opcode of every opcode in our table. */
const ROWS = OPCODES.opcodes;
/** The escape bytes in front of a map's opcode byte. */
const ESCAPES = [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a]];


function sample(ri: (n: number) => number): number[] {
  const b: number[] = [];
  if (ri(10) === 0) {
    while (b.length < 16) b.push(ri(256));
    return b;
  }
  const np = ri(3) === 0 ? 1 + ri(3) : 0;
  for (let k = 0; k < np; k++) b.push(LEGACY_PREFIXES[ri(LEGACY_PREFIXES.length)]);
  if (ri(3) === 0) b.push(0x40 | ri(16));
  if (ri(40) === 0) b.push(LEGACY_PREFIXES[ri(LEGACY_PREFIXES.length)]); // a prefix after REX cancels it
  const row = ROWS[ri(ROWS.length)];
  b.push(...ESCAPES[row >> 8], row & 0xff);
  // ModRM: favour memory forms with a SIB byte and every mod.
  if (ri(4) === 0) b.push((ri(4) << 6) | (ri(8) << 3) | 4);
  while (b.length < 16) b.push(ri(256));
  return b;
}

interface CodeInfo {
  table: number;
  op: number;
  enc: number;
  text: string;
  opKinds: string[];
}
const codeInfo = new Map<number, CodeInfo>();
function infoOf(code: number): CodeInfo {
  let c = codeInfo.get(code);
  if (c === undefined) {
    const o = CodeExt.opCode(code);
    const opKinds: string[] = [];
    for (let n = 0; n < o.opCount; n++) opKinds.push(OpCodeOperandKind[o.opKind(n)]);
    c = { table: o.table, op: o.opCode, enc: o.encoding, text: o.instructionString, opKinds };
    o.free();
    codeInfo.set(code, c);
  }
  return c;
}

/** An iced GPR as (width in bytes, number 0–15, or our byte-register code for width 1). */
function gpr(r: number): { size: number; num: number } | undefined {
  if (r >= Register.AL && r <= Register.BL) return { size: 1, num: r - Register.AL };
  if (r >= Register.AH && r <= Register.BH) return { size: 1, num: HIGH_BYTE | (r - Register.AH) };
  if (r >= Register.SPL && r <= Register.DIL) return { size: 1, num: 4 + r - Register.SPL };
  if (r >= Register.R8L && r <= Register.R15L) return { size: 1, num: 8 + r - Register.R8L };
  if (r >= Register.AX && r <= Register.R15W) return { size: 2, num: r - Register.AX };
  if (r >= Register.EAX && r <= Register.R15D) return { size: 4, num: r - Register.EAX };
  if (r >= Register.RAX && r <= Register.R15) return { size: 8, num: r - Register.RAX };
  return undefined;
}
function baseReg(r: number): number {
  if (r === Register.None) return -1;
  const g = gpr(r);
  if (g === undefined) throw new Error(`unexpected address register ${Register[r]}`);
  return g.num;
}

/**
 * A handler other than the decoder's #UD may still raise #UD itself (UD2):
 * execute the bytes on a test machine at CPL 0 and see.
 */
let machine: Cpu | undefined;
function raisesUd(bytes: number[]): boolean {
  machine ??= makeMachine([]);
  const cpu = machine;
  cpu.mem.u8.set(bytes, CODE);
  cpu.flushDecodeCache();
  cpu.rip = CODE;
  const exit = cpu.run(1);
  const ud = exit.reason === EXIT_EXCEPTION && exit.vector === UD;
  if (!ud) machine = undefined; // it ran: start the next check from a clean machine
  return ud;
}

const hex = (b: number[], n = b.length) => b.slice(0, n).map((v) => v.toString(16).padStart(2, '0')).join(' ');
const s32 = (v: bigint) => Number(BigInt.asIntN(32, v));
const u64 = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** Compare every field iced reports with ours; returns a list of differences. */
function compareFields(x: ReturnType<Decoder['decode']>, c: CodeInfo, i: Insn): string[] {
  const diffs: string[] = [];
  const want = (what: string, ours: unknown, theirs: unknown) => {
    if (ours !== theirs) diffs.push(`${what}: ours ${String(ours)}, iced ${String(theirs)}`);
  };
  const opCount = x.opCount;
  for (let n = 0; n < opCount; n++) {
    const kind = x.opKind(n);
    const ock = c.opKinds[n] ?? '';
    if (kind === OpKind.Register) {
      const m = /^r(8|16|32|64)_(or_mem|reg|rm|opcode)$/.exec(ock);
      if (!m) continue;
      const g = gpr(x.opRegister(n));
      if (g === undefined) continue;
      const byte = m[1] === '8';
      if (m[2] === 'reg') want(`op${n} reg`, byte ? i.reg8 : i.reg, g.num);
      else if (m[2] === 'opcode') want(`op${n} opcode reg`, byte && !i.rex && i.opReg >= 4 ? HIGH_BYTE | (i.opReg - 4) : i.opReg, g.num);
      else {
        want(`op${n} rm`, byte ? i.rm8 : i.rm, g.num);
        want(`op${n} regForm`, i.regForm, true);
      }
    } else if (kind === OpKind.Memory) {
      if (!i.hasModrm) {
        // moffs: the address is the immediate.
        want('moffs', u64(i.imm, i.immHi), x.memoryDisplacementU64 ?? x.memoryDisplacement);
        continue;
      }
      want('regForm', i.regForm, false);
      want('asz', i.asz, x.memoryBase === Register.RIP || (x.memoryBase >= Register.RAX && x.memoryBase <= Register.R15) || (x.memoryIndex >= Register.RAX && x.memoryIndex <= Register.R15) ? 8 : i.asz);
      const rip = x.memoryBase === Register.RIP || x.memoryBase === Register.EIP;
      want('ripRel', i.ripRel, rip);
      if (rip) {
        // iced reports the absolute address (ip 0 + length + disp).
        want('rip disp', i.disp, s32(x.memoryDisplacement) - x.length);
      } else {
        want('base', i.base, baseReg(x.memoryBase));
        want('index', i.index, baseReg(x.memoryIndex));
        if (x.memoryIndex !== Register.None) want('scale', 1 << i.scale, x.memoryIndexScale);
        want('disp', i.disp, s32(x.memoryDisplacement));
      }
    } else if (ock === 'imm8_const_1') {
      // D0/D1: the count 1 is implied, not encoded.
    } else if (kind === OpKind.Immediate8) want('imm8', i.imm & 0xff, Number(x.immediate(n)));
    else if (kind === OpKind.Immediate8_2nd) want('imm8 (2nd)', i.imm2, Number(x.immediate(n)));
    else if (kind === OpKind.Immediate16) want('imm16', i.imm & 0xffff, Number(x.immediate(n)));
    else if (kind === OpKind.Immediate32) want('imm32', i.imm >>> 0, Number(x.immediate(n)));
    else if (kind === OpKind.Immediate64) want('imm64', u64(i.imm, i.immHi), x.immediate(n));
    else if (kind === OpKind.Immediate8to16 || kind === OpKind.Immediate8to32 || kind === OpKind.Immediate8to64 || kind === OpKind.Immediate32to64) {
      want('imm (sign-extended)', i.imm, s32(x.immediate(n)));
      want('imm high half', i.immHi, i.imm >> 31);
    } else if (kind === OpKind.NearBranch64) {
      want('branch target', BigInt.asUintN(64, BigInt(x.length + i.imm)), x.nearBranch64);
    }
  }
  want('FS override', i.seg === SEG_FS, x.segmentPrefix === Register.FS);
  want('GS override', i.seg === SEG_GS, x.segmentPrefix === Register.GS);
  want('lock', i.lock, x.hasLockPrefix);
  return diffs;
}

describe('decoder vs iced-x86', () => {
  it('agrees on a 40 000-string corpus (fixed seed)', () => {
    const ri = prng(0x5eed1234);
    const i = new Insn();
    let compared = 0, invalidChecked = 0, ourUd = 0;
    const mismatches: string[] = [];
    const converse: string[] = [];
    const unimplemented = new Map<string, number>();
    const firstByKind = new Map<string, string>();
    for (let t = 0; t < 40_000; t++) {
      const b = sample(ri);
      const dec = new Decoder(64, new Uint8Array(b), DecoderOptions.None);
      const x = dec.decode();
      try {
        let threw: GuestFault | undefined;
        try {
          bindInsn(decodeBytes(b, i));
        } catch (e) {
          if (!(e instanceof GuestFault)) throw e;
          threw = e;
        }
        if (threw === undefined && i.rex2) continue; // APX: iced knows no REX2
        const def = threw === undefined ? OPCODES.slot(i.map, prefixClass(i), i.op)?.shape : undefined;
        if (x.code === Code.INVALID) {
          if (def === undefined) continue;
          invalidChecked++;
          if (i.h !== UD_HANDLER && !raisesUd(b) && !DOCUMENTED_DIFFERENCES.some((d) => d.match(i, b))) {
            converse.push(`${hex(b, i.len)}: iced invalid, ours ${def.mnemonic} (map ${i.map} op ${i.op.toString(16)}) binds a handler`);
          }
          continue;
        }
        const c = infoOf(x.code);
        if (c.enc !== EncodingKind.Legacy) continue;
        const map = [OpCodeTableKind.Normal, OpCodeTableKind.T0F, OpCodeTableKind.T0F38, OpCodeTableKind.T0F3A].indexOf(c.table);
        if (map < 0 || !OPCODES.hasOpcode(map, c.op)) continue;
        compared++;
        if (threw !== undefined) {
          mismatches.push(`${hex(b, x.length)} (${c.text}): ours raised ${threw.name}`);
          continue;
        }
        const diffs: string[] = [];
        if (i.len !== x.length) diffs.push(`length: ours ${i.len}, iced ${x.length}`);
        else if (i.map !== map || (i.op !== c.op && (i.op & 0xf8) !== c.op)) diffs.push(`opcode: ours ${i.map}:${i.op.toString(16)}`);
        else diffs.push(...compareFields(x, c, i));
        if (diffs.length > 0) {
          mismatches.push(`${hex(b, x.length)} (${c.text}): ${diffs.join('; ')}`);
          if (!firstByKind.has(c.text)) firstByKind.set(c.text, mismatches[mismatches.length - 1]);
        }
        if (i.h === UD_HANDLER) {
          ourUd++;
          unimplemented.set(c.text, (unimplemented.get(c.text) ?? 0) + 1);
        }
      } finally {
        x.free();
        dec.free();
      }
    }
    const top = [...unimplemented].sort((a, b) => b[1] - a[1]).slice(0, 25);
    console.log(
      `decoder vs iced-x86: ${compared} valid instructions compared, ${compared - mismatches.length} agree in every field; ` +
        `${invalidChecked} iced-invalid encodings of our opcodes checked, ${converse.length} bind a handler; ` +
        `${ourUd} valid instructions still #UD here (no family handler yet). Most frequent:\n  ` +
        top.map(([k, n]) => `${n}× ${k}`).join('\n  '),
    );
    expect(compared).toBeGreaterThan(25_000);
    expect([...firstByKind.values()].slice(0, 30), `${mismatches.length} mismatches; first of each kind`).toEqual([]);
    expect(mismatches.length).toBe(0);
    expect(converse.slice(0, 30)).toEqual([]);
  });
});
