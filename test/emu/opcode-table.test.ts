/**
 * The opcode table's shape (src/emu/opcodes/row.ts): mandatory prefixes,
 * /digit and register-vs-memory rows, maps 2 (0F 38) and 3 (0F 3A). Our
 * instruction set has no SSE rows yet, so the decoder runs here on a test
 * table written the way the SSE rows will be, and iced-x86 (Intel options)
 * says which instruction each byte string is: our picked row must carry
 * iced's mnemonic and length, and encodings iced calls invalid must pick no
 * row (#UD). The real table's own mandatory-prefix rows (POPCNT, TZCNT,
 * LZCNT) are checked by bytes.
 */
import { Code, Decoder, DecoderOptions, Mnemonic } from 'iced-x86';
import { describe, expect, it } from 'vitest';
import { decodeBytes, decoderFor } from '../../src/emu/decode.ts';
import { Insn } from '../../src/emu/insn.ts';
import {
  I_B, I_UB, M_MEM, M_MOD_IGNORED, M_NONE, M_REG, M_RM, P_66, P_F2, P_F3, P_NP, type RowSpec,
} from '../../src/emu/opcodes/row.ts';
import { OpTable } from '../../src/emu/opcodes/table.ts';
import { prng } from './prng.ts';

const bytes = (s: string) => s.trim().split(/\s+/).map((h) => parseInt(h, 16));

describe('the real table: mandatory-prefix rows', () => {
  it.each([
    ['0f bc c1', 'bsf', 3, 4],
    ['f3 0f bc c1', 'tzcnt', 4, 4],
    ['66 0f bc c1', 'bsf', 4, 2], // 66 is the operand size of a P_ANY row
    ['66 f3 0f bc c1', 'tzcnt', 5, 2], // F3 beats 66; 66 stays the operand size
    ['f2 0f bc c1', 'bsf', 4, 4], // no F2 row: the P_ANY row
    ['f2 f3 0f bd c1', 'lzcnt', 5, 4], // the last of F2/F3 counts
    ['f3 f2 0f bd c1', 'bsr', 5, 4],
    ['f3 48 0f b8 c1', 'popcnt', 5, 8],
  ])('%s → %s', (hex, mnemonic, len, osz) => {
    const i = decodeBytes(bytes(hex));
    expect({ m: i.row?.mnemonic, len: i.len, osz: i.osz }).toEqual({ m: mnemonic, len, osz });
  });
  it.each([
    ['0f b8 c1', 3, 'no F3: #UD, decoded with POPCNT\'s ModRM'],
    ['66 0f b8 00', 4, '66 alone is not F3'],
    ['f2 0f b8 c1', 4, 'F2 is not F3'],
    ['ff f8', 2, 'grp5 /7 has no row'],
    ['0f ba 00 01', 4, 'grp8 has rows for /4–/7 only; /0 still decodes its imm8'],
    ['0f 38 c8 00', 3, '0F 38 C8 (SHA1NEXTE: no SHA here) has no row: nothing after the opcode is known'],
    ['0f 3a 08 c1 08', 5, 'NP 0F 3A 08 (ROUNDPS needs 66) has no row: the 66 row gives ModRM and imm8'],
    ['66 0f 71 c1 08', 5, '66 0F 71 /0 has no row (only /2 /4 /6): the imm8 is still decoded'],
    ['66 0f 12 c1', 4, 'MOVLPD has only the memory form'],
  ])('%s: no row, length %d (%s)', (hex, len) => {
    const i = decodeBytes(bytes(hex));
    expect({ row: i.row, len: i.len }).toEqual({ row: undefined, len });
  });
});

describe('building a table', () => {
  const build = (...rows: RowSpec[]) => () => new OpTable([[], rows]);
  it('rejects two rows for one prefix, /digit and mod', () => {
    expect(build({ op: 0x10, mnemonic: 'a', modrm: M_RM }, { op: 0x10, mnemonic: 'b', modrm: M_REG })).toThrow(/defined twice/);
    expect(build({ op: 0x10, mnemonic: 'a', pfx: P_66, modrm: M_RM }, { op: 0x10, mnemonic: 'b', pfx: P_66, digit: 3, modrm: M_MEM })).toThrow(/defined twice/);
    expect(build({ op: 0x10, mnemonic: 'a' }, { op: 0x10, mnemonic: 'b' })).toThrow(/defined twice/);
  });
  it('accepts rows that split the cells: prefixes, mod, /digit', () => {
    expect(build(
      { op: 0x10, mnemonic: 'a', modrm: M_RM },
      { op: 0x10, mnemonic: 'b', pfx: P_F3, modrm: M_RM },
      { op: 0x12, mnemonic: 'c', pfx: P_NP, modrm: M_REG },
      { op: 0x12, mnemonic: 'd', pfx: P_NP, modrm: M_MEM },
      { op: 0x71, mnemonic: 'e', pfx: P_66, digit: [2, 3], modrm: M_REG, imm: I_B },
      { op: 0x71, mnemonic: 'f', pfx: P_66, digit: 4, modrm: M_REG, imm: I_B },
    )).not.toThrow();
  });
  it('rejects rows of one opcode that disagree on the ModRM byte, and /digits without one', () => {
    expect(build({ op: 0x10, mnemonic: 'a', modrm: M_RM }, { op: 0x10, pfx: P_66, mnemonic: 'b' })).toThrow(/ModRM/);
    expect(build({ op: 0x20, mnemonic: 'a', modrm: M_MOD_IGNORED }, { op: 0x20, pfx: P_66, mnemonic: 'b', modrm: M_RM })).toThrow(/ModRM/);
    expect(build({ op: 0x10, mnemonic: 'a', digit: 1, modrm: M_NONE })).toThrow(/digit/);
  });
  it('takes VEX rows in maps 1–3 with VEX.pp as pfx; rejects them in map 0 or without a pfx', () => {
    const andn: RowSpec = { op: 0xf2, mnemonic: 'andn', pfx: P_NP, modrm: M_RM, vex: { l: 0, w: 'ig', vvvv: true } };
    expect(build(andn)).not.toThrow();
    expect(() => new OpTable([[andn]])).toThrow(/VEX/);
    expect(build({ ...andn, pfx: undefined })).toThrow(/VEX/);
    // A VEX row and a legacy row of one opcode live in separate slots.
    const t = new OpTable([[], [andn, { op: 0xf2, mnemonic: 'legacy', modrm: M_RM }]]);
    expect(t.slot(1, 0, 0xf2)?.shape.mnemonic).toBe('legacy');
    expect(t.vexSlot(1, 0, 0xf2)?.shape.mnemonic).toBe('andn');
    expect(t.vexOpcodes).toEqual([0x1f2]);
  });
  it('lists its opcodes and expands runs', () => {
    const t = new OpTable([[{ op: [0x50, 0x52], mnemonic: 'push' }], [{ op: 0x05, mnemonic: 'syscall' }]]);
    expect(t.opcodes).toEqual([0x50, 0x51, 0x52, 0x105]);
    expect(t.rows.map((r) => r.op)).toEqual([0x50, 0x51, 0x52, 0x05]);
    expect(t.hasOpcode(1, 0x05)).toBe(true);
    expect(t.hasOpcode(1, 0x105)).toBe(false);
  });
});

/**
 * SSE-style rows as the next issue will write them (SDM Vol. 2 Tables;
 * mnemonics as iced-x86 names them).
 */
const SSE_MAP1: RowSpec[] = [
  { op: 0x10, pfx: P_NP, mnemonic: 'movups', modrm: M_RM },
  { op: 0x10, pfx: P_66, mnemonic: 'movupd', modrm: M_RM },
  { op: 0x10, pfx: P_F3, mnemonic: 'movss', modrm: M_RM },
  { op: 0x10, pfx: P_F2, mnemonic: 'movsd', modrm: M_RM },
  { op: 0x12, pfx: P_NP, mnemonic: 'movhlps', modrm: M_REG },
  { op: 0x12, pfx: P_NP, mnemonic: 'movlps', modrm: M_MEM },
  { op: 0x12, pfx: P_66, mnemonic: 'movlpd', modrm: M_MEM },
  { op: 0x12, pfx: P_F3, mnemonic: 'movsldup', modrm: M_RM },
  { op: 0x12, pfx: P_F2, mnemonic: 'movddup', modrm: M_RM },
  { op: 0x28, pfx: P_NP, mnemonic: 'movaps', modrm: M_RM },
  { op: 0x28, pfx: P_66, mnemonic: 'movapd', modrm: M_RM },
  { op: 0x58, pfx: P_NP, mnemonic: 'addps', modrm: M_RM },
  { op: 0x58, pfx: P_66, mnemonic: 'addpd', modrm: M_RM },
  { op: 0x58, pfx: P_F3, mnemonic: 'addss', modrm: M_RM },
  { op: 0x58, pfx: P_F2, mnemonic: 'addsd', modrm: M_RM },
  // Group 12 (SDM Table A-6): MMX and (66) XMM shifts by imm8, register forms only.
  { op: 0x71, pfx: P_NP, digit: 2, mnemonic: 'psrlw', modrm: M_REG, imm: I_UB },
  { op: 0x71, pfx: P_NP, digit: 4, mnemonic: 'psraw', modrm: M_REG, imm: I_UB },
  { op: 0x71, pfx: P_NP, digit: 6, mnemonic: 'psllw', modrm: M_REG, imm: I_UB },
  { op: 0x71, pfx: P_66, digit: 2, mnemonic: 'psrlw', modrm: M_REG, imm: I_UB },
  { op: 0x71, pfx: P_66, digit: 4, mnemonic: 'psraw', modrm: M_REG, imm: I_UB },
  { op: 0x71, pfx: P_66, digit: 6, mnemonic: 'psllw', modrm: M_REG, imm: I_UB },
  { op: 0xc2, pfx: P_NP, mnemonic: 'cmpps', modrm: M_RM, imm: I_UB },
  { op: 0xc2, pfx: P_66, mnemonic: 'cmppd', modrm: M_RM, imm: I_UB },
  { op: 0xc2, pfx: P_F3, mnemonic: 'cmpss', modrm: M_RM, imm: I_UB },
  { op: 0xc2, pfx: P_F2, mnemonic: 'cmpsd', modrm: M_RM, imm: I_UB },
];
const SSE_MAP2: RowSpec[] = [
  { op: 0x00, pfx: P_NP, mnemonic: 'pshufb', modrm: M_RM },
  { op: 0x00, pfx: P_66, mnemonic: 'pshufb', modrm: M_RM },
  { op: 0x17, pfx: P_66, mnemonic: 'ptest', modrm: M_RM },
  { op: [0xf0, 0xf1], pfx: P_NP, mnemonic: 'movbe', modrm: M_MEM },
  { op: [0xf0, 0xf1], pfx: P_66, mnemonic: 'movbe', modrm: M_MEM },
  { op: [0xf0, 0xf1], pfx: P_F2, mnemonic: 'crc32', modrm: M_RM },
];
const SSE_MAP3: RowSpec[] = [
  { op: 0x0a, pfx: P_66, mnemonic: 'roundss', modrm: M_RM, imm: I_UB },
  { op: 0x0f, pfx: P_NP, mnemonic: 'palignr', modrm: M_RM, imm: I_UB },
  { op: 0x0f, pfx: P_66, mnemonic: 'palignr', modrm: M_RM, imm: I_UB },
  { op: 0x63, pfx: P_66, mnemonic: 'pcmpistri', modrm: M_RM, imm: I_UB },
];
const SSE = new OpTable([[], SSE_MAP1, SSE_MAP2, SSE_MAP3]);
const decodeSse = decoderFor(SSE);
const ESCAPES = [[], [0x0f], [0x0f, 0x38], [0x0f, 0x3a]];
const PREFIXES = [0x66, 0xf2, 0xf3, 0x66, 0xf2, 0xf3, 0x67, 0x2e, 0x64, 0xf0];

describe('an SSE-shaped table in maps 1–3 agrees with iced-x86', () => {
  it('on 20 000 byte strings (fixed seed): row picked ⇔ iced valid, same mnemonic and length', () => {
    const ri = prng(0x0f38);
    const i = new Insn();
    const ops = SSE.opcodes;
    const mismatches: string[] = [];
    const seen = new Set<string>();
    let valid = 0, invalid = 0;
    for (let t = 0; t < 20_000; t++) {
      const b: number[] = [];
      for (let n = ri(4); n > 0; n--) b.push(PREFIXES[ri(PREFIXES.length)]);
      if (ri(3) === 0) b.push(0x40 | ri(16));
      const key = ops[ri(ops.length)];
      b.push(...ESCAPES[key >> 8], key & 0xff);
      b.push(ri(2) === 0 ? 0xc0 | ri(64) : ri(256)); // ModRM: half register forms
      while (b.length < 15) b.push(ri(256));
      decodeBytes(b, i, decodeSse);
      const dec = new Decoder(64, new Uint8Array(b), DecoderOptions.None);
      const x = dec.decode();
      const hex = b.slice(0, Math.max(i.len, x.length)).map((v) => v.toString(16).padStart(2, '0')).join(' ');
      if (x.code === Code.INVALID) {
        invalid++;
        if (i.row !== undefined) mismatches.push(`${hex}: iced invalid, ours ${i.row.mnemonic}`);
      } else {
        valid++;
        const name = Mnemonic[x.mnemonic].toLowerCase();
        seen.add(name);
        if (i.row?.mnemonic !== name || i.len !== x.length) mismatches.push(`${hex}: iced ${name} (${x.length} bytes), ours ${i.row?.mnemonic ?? '#UD'} (${i.len})`);
      }
      x.free();
      dec.free();
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    // Every row was reached, and both outcomes are well represented.
    expect([...seen].sort()).toEqual([...new Set(SSE.rows.map((r) => r.mnemonic))].sort());
    expect(valid).toBeGreaterThan(8_000);
    expect(invalid).toBeGreaterThan(1_000);
  });
});
