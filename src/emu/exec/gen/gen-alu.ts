/**
 * Generator of the hot ALU handlers, src/emu/exec/alu8.ts, alu16.ts, alu32.ts
 * and alu64.ts (style.md §4: one table generates the specialised code, as in
 * copy/v86 gen/x86_table.js + gen/generate_interpreter.js). Run
 * `npm run gen:alu` after editing; test/emu/exec/alu-generated.test.ts fails
 * when the committed files differ from `generate()`.
 *
 * The output stays one plain, allocation-free function per (operation, size,
 * form) with constant sizes and masks, so TurboFan sees small monomorphic code
 * (preamble rule 3). The template is OPS (one row per operation) × FORMS ×
 * SIZES; each operation has a ≤ 32-bit body parameterised by the size
 * (NARROW: mask, register getter/setter, memory accessor) and a 64-bit body
 * on int32 halves with the carry/borrow into the high half. ≤ 32-bit flags go
 * through setLazy32 (flags.ts), which skips the high-half slots only 64-bit
 * reads use.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Lazy-flag kind recorded by the operation (flags.ts). */
type Kind = 'ADD' | 'SUB' | 'LOGIC';

interface Op {
  name: string;
  kind: Kind;
  /** JS operator on the operands (low halves for 64-bit). */
  jsOp: '+' | '-' | '|' | '&' | '^';
  /** false for CMP/TEST: flags only. */
  writes: boolean;
}

/**
 * The ALU operations in encoding order (00–3F: add or adc sbb and sub xor cmp,
 * then TEST at index 8); `undefined` rows are generic handlers in alu.ts.
 */
const OPS: readonly (Op | { name: string; generic: true })[] = [
  { name: 'add', kind: 'ADD', jsOp: '+', writes: true },
  { name: 'or', kind: 'LOGIC', jsOp: '|', writes: true },
  { name: 'adc', generic: true },
  { name: 'sbb', generic: true },
  { name: 'and', kind: 'LOGIC', jsOp: '&', writes: true },
  { name: 'sub', kind: 'SUB', jsOp: '-', writes: true },
  { name: 'xor', kind: 'LOGIC', jsOp: '^', writes: true },
  { name: 'cmp', kind: 'SUB', jsOp: '-', writes: false },
  { name: 'test', kind: 'LOGIC', jsOp: '&', writes: false },
];

/** Forms in table order: [op * 6 + form]. */
const FORMS = ['rm_r', 'm_r', 'r_rm', 'r_m', 'rm_i', 'm_i'] as const;
type Form = (typeof FORMS)[number];
/** TEST has no "G ← E" encodings. */
const formExists = (op: Op, f: Form) => op.name !== 'test' || (f !== 'r_rm' && f !== 'r_m');

/** Register field of the ModRM byte. */
type Field = 'rm' | 'reg';

/** How a ≤ 32-bit size reads, writes and truncates values (all constants in the output). */
interface Narrow {
  sz: 8 | 16 | 32;
  /** Value of a register operand, already truncated to the size. */
  get(f: Field): string;
  /** Statement writing `v` to a register operand. */
  set(f: Field): string;
  imm: string;
  /** Truncation of an arithmetic result to the size (logic results need none). */
  trunc(e: string): string;
  importOperands: string;
  note: string;
}

const NARROW: readonly Narrow[] = [
  {
    sz: 8,
    get: (f) => `getReg8(cpu, i.${f}8)`,
    set: (f) => `setReg8(cpu, i.${f}8, v);`,
    imm: 'i.imm & 0xff',
    trunc: (e) => `(${e}) & 0xff`,
    importOperands: 'ea, getReg8, setReg8',
    note: 'Byte registers go through getReg8/setReg8 (AH–BH without REX).',
  },
  {
    sz: 16,
    get: (f) => `cpu.r[2 * i.${f}] & 0xffff`,
    set: (f) => `setReg16(cpu, i.${f}, v);`,
    imm: 'i.imm & 0xffff',
    trunc: (e) => `(${e}) & 0xffff`,
    importOperands: 'ea, setReg16',
    note: '16-bit values are kept zero-extended; register writes merge into bits 15:0.',
  },
  {
    sz: 32,
    get: (f) => `cpu.r[2 * i.${f}]`,
    set: (f) => `setReg32(cpu, i.${f}, v);`,
    imm: 'i.imm',
    trunc: (e) => `(${e}) | 0`,
    importOperands: 'ea, setReg32',
    note: '32-bit register writes zero-extend into the full register (SDM Vol. 1 §3.4.1.1).',
  },
];

const NOTE64 = 'Values are int32 halves; the carry/borrow into the high half is an unsigned compare of the low halves.';

/** Memory destination (m_r, m_i). */
const isMem = (f: Form) => f.startsWith('m_');
/** Any memory operand (m_r, m_i, r_m): the handler computes the address first. */
const hasMem = (f: Form) => isMem(f) || f === 'r_m';
/** Destination register field of a register form (the other register is the source). */
const dstField = (f: Form): Field => (f.startsWith('r_') ? 'reg' : 'rm');
const srcField = (f: Form): Field => (f.endsWith('_rm') ? 'rm' : 'reg');

function fn(name: string, body: string[]): string {
  return [`export function ${name}(cpu: Cpu, i: Insn): void {`, ...body.map((l) => `  ${l}`), '}'].join('\n');
}

// ---- ≤ 32-bit bodies ----

function narrowBinary(op: Op, n: Narrow, f: Form): string {
  const expr = op.kind === 'LOGIC' ? `d ${op.jsOp} s` : n.trunc(`d ${op.jsOp} s`);
  // A memory destination that is written back is read with write intent (mmu.rmw*: a fault reports W=1).
  const mem = `cpu.mmu.${op.writes && isMem(f) ? 'rmw' : 'read'}${n.sz}(la)`;
  const src = f.endsWith('_i') ? n.imm : n.get(srcField(f));
  // r_m reads memory (the source) first; the other memory forms read the destination.
  const operands =
    f === 'r_m' ? `s = ${mem}, d = ${n.get('reg')}` : `d = ${isMem(f) ? mem : n.get(dstField(f))}, s = ${src}`;
  const body = hasMem(f) ? ['const la = ea(cpu, i);'] : [];
  body.push(`const ${operands}, v = ${expr};`);
  if (op.writes) body.push(isMem(f) ? `cpu.mmu.write${n.sz}(la, v);` : n.set(dstField(f)));
  body.push(
    op.kind === 'LOGIC'
      ? `setLazy32(cpu.fl, LOGIC, ${n.sz}, v, 0, 0);`
      : `setLazy32(cpu.fl, ${op.kind}, ${n.sz}, v, d, s);`,
  );
  return fn(`${op.name}${n.sz}_${f}`, body);
}

function narrowIncDec(inc: boolean, n: Narrow, mem: boolean): string {
  const name = `${inc ? 'inc' : 'dec'}${n.sz}_${mem ? 'm' : 'r'}`;
  const v = n.trunc(`d ${inc ? '+' : '-'} 1`);
  const body = mem
    ? ['const la = ea(cpu, i);', `const d = cpu.mmu.rmw${n.sz}(la), v = ${v};`, `cpu.mmu.write${n.sz}(la, v);`]
    : [`const d = ${n.get('rm')}, v = ${v};`, n.set('rm')];
  body.push(`setIncDec(cpu.fl, ${inc ? 'INC' : 'DEC'}, ${n.sz}, v, 0, d, 0);`);
  return fn(name, body);
}

// ---- 64-bit bodies (int32 halves) ----

function wideOperands(f: Form, writes: boolean): string[] {
  const rd = writes ? 'rmw64' : 'read64';
  switch (f) {
    case 'rm_r':
    case 'r_rm':
      return [
        `const r = cpu.r, x = 2 * i.${dstField(f)}, y = 2 * i.${srcField(f)};`,
        'const dl = r[x], dh = r[x + 1], sl = r[y], sh = r[y + 1];',
      ];
    case 'm_r':
      return [
        'const la = ea(cpu, i);',
        `const dl = cpu.mmu.${rd}(la), dh = cpu.mmu.hi;`,
        'const r = cpu.r, y = 2 * i.reg, sl = r[y], sh = r[y + 1];',
      ];
    case 'r_m':
      return [
        'const la = ea(cpu, i);',
        'const sl = cpu.mmu.read64(la), sh = cpu.mmu.hi;',
        'const r = cpu.r, x = 2 * i.reg, dl = r[x], dh = r[x + 1];',
      ];
    case 'rm_i':
      return ['const r = cpu.r, x = 2 * i.rm;', 'const dl = r[x], dh = r[x + 1], sl = i.imm, sh = i.immHi;'];
    case 'm_i':
      return ['const la = ea(cpu, i);', `const dl = cpu.mmu.${rd}(la), dh = cpu.mmu.hi, sl = i.imm, sh = i.immHi;`];
  }
}

function wideResult(op: Op): string[] {
  if (op.kind === 'LOGIC') return [`const vl = dl ${op.jsOp} sl, vh = dh ${op.jsOp} sh;`];
  // Carry out of the low half: the sum wrapped below an addend; borrow: dl < sl unsigned.
  const carry = op.kind === 'ADD' ? 'vl >>> 0 < dl >>> 0' : 'dl >>> 0 < sl >>> 0';
  return [`const vl = (dl ${op.jsOp} sl) | 0;`, `const vh = (dh ${op.jsOp} sh ${op.jsOp} (${carry} ? 1 : 0)) | 0;`];
}

const wideWrite = (f: Form) => (isMem(f) ? ['cpu.mmu.write64(la, vl, vh);'] : ['r[x] = vl;', 'r[x + 1] = vh;']);

function wideBinary(op: Op, f: Form): string {
  const body = [...wideOperands(f, op.writes), ...wideResult(op)];
  if (op.writes) body.push(...wideWrite(f));
  body.push(
    op.kind === 'LOGIC'
      ? 'setLazy(cpu.fl, LOGIC, 64, vl, vh, 0, 0, 0, 0);'
      : `setLazy(cpu.fl, ${op.kind}, 64, vl, vh, dl, dh, sl, sh);`,
  );
  return fn(`${op.name}64_${f}`, body);
}

function wideIncDec(inc: boolean, mem: boolean): string {
  const name = `${inc ? 'inc' : 'dec'}64_${mem ? 'm' : 'r'}`;
  // The high half changes only when the low half wraps (to 0 for INC, from 0 for DEC).
  const result = inc
    ? 'const vl = (dl + 1) | 0, vh = vl === 0 ? (dh + 1) | 0 : dh;'
    : 'const vl = (dl - 1) | 0, vh = dl === 0 ? (dh - 1) | 0 : dh;';
  const body = mem
    ? ['const la = ea(cpu, i);', 'const dl = cpu.mmu.rmw64(la), dh = cpu.mmu.hi;', result, ...wideWrite('m_r')]
    : ['const r = cpu.r, x = 2 * i.rm, dl = r[x], dh = r[x + 1];', result, ...wideWrite('rm_r')];
  body.push(`setIncDec(cpu.fl, ${inc ? 'INC' : 'DEC'}, 64, vl, vh, dl, dh);`);
  return fn(name, body);
}

// ---- file assembly ----

const HEADER = '// GENERATED by src/emu/exec/gen/gen-alu.ts — do not edit; run npm run gen:alu';

function docComment(sz: number, note: string): string {
  return `/**
 * Hot ALU handlers at ${sz}-bit operand size (style.md src/emu §2, preamble rule 3): one
 * allocation-free function per (operation, form), chosen at bind time by
 * alu.ts. Forms: rm_r = ModRM.rm register ← op ModRM.reg; m_r = memory ← op
 * reg; r_rm = reg ← op rm register; r_m = reg ← op memory; rm_i = rm register
 * (or the accumulator for the short forms, whose rm field is 0) ← op imm;
 * m_i = memory ← op imm. Memory forms read, compute, write, then record the
 * flags, so a fault leaves every register and flag unchanged. Flags are lazy
 * (flags.ts): ADD/SUB (CMP, NEG) record operands, AND/OR/XOR/TEST record LOGIC
 * (CF = OF = 0, AF = 0 — AF is undefined for logic ops, SDM Vol. 2 AND/OR/XOR/TEST).
 * ${note}
 */`;
}

function tables(sz: number): string {
  const rows = OPS.map((op) => {
    if ('generic' in op) return `  ${FORMS.map(() => 'undefined').join(', ')}, // ${op.name} (alu.ts)`;
    return `  ${FORMS.map((f) => (formExists(op, f) ? `${op.name}${sz}_${f}` : 'undefined')).join(', ')}, // ${op.name}`;
  });
  return `/**
 * [op * 6 + form]: op 0–7 in the ALU encoding order (add or adc sbb and sub xor cmp) and 8 = test;
 * form 0 rm_r, 1 m_r, 2 r_rm, 3 r_m, 4 rm_i, 5 m_i. ADC/SBB are generic (alu.ts).
 */
export const ALU${sz}: readonly (Handler | undefined)[] = [
${rows.join('\n')}
];
/** [op]: inc_r, inc_m, dec_r, dec_m. */
export const INCDEC${sz}: readonly Handler[] = [inc${sz}_r, inc${sz}_m, dec${sz}_r, dec${sz}_m];
`;
}

function file(
  sz: number, note: string, importOperands: string,
  binary: (op: Op, f: Form) => string, incDec: (inc: boolean, mem: boolean) => string,
): string {
  const fns: string[] = [];
  for (const op of OPS) {
    if ('generic' in op) continue;
    for (const f of FORMS) if (formExists(op, f)) fns.push(binary(op, f));
  }
  for (const inc of [true, false]) for (const mem of [false, true]) fns.push(incDec(inc, mem));
  return `${HEADER}
${docComment(sz, note)}
import type { Cpu } from '../cpu.ts';
import { ADD, DEC, INC, LOGIC, SUB, setIncDec, ${sz === 64 ? 'setLazy' : 'setLazy32'} } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ${importOperands} } from '../operands.ts';

${fns.join('\n')}

${tables(sz)}`;
}

/** File name (relative to src/emu/exec) → contents. */
export function generate(): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of NARROW) {
    const binary = (op: Op, f: Form) => narrowBinary(op, n, f);
    out.set(`alu${n.sz}.ts`, file(n.sz, n.note, n.importOperands, binary, (inc, mem) => narrowIncDec(inc, n, mem)));
  }
  out.set('alu64.ts', file(64, NOTE64, 'ea', wideBinary, wideIncDec));
  return out;
}

/** Directory the generated files live in (src/emu/exec). */
export const EXEC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, text] of generate()) {
    writeFileSync(join(EXEC_DIR, name), text);
    console.log(`wrote src/emu/exec/${name} (${text.split('\n').length - 1} lines)`);
  }
}
