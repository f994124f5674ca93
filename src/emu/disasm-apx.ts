/**
 * Intel-syntax text for REX2 (APX) encodings, which iced-x86 cannot format
 * (design.md: the disassembly view uses iced-x86 and only these through our
 * decoder). It formats a decoded Insn; spelling follows llvm-mc 19 (the
 * reference checked in test/emu/apx.test.ts): `dword ptr [rbx + 4*r20 - 0x6a]`,
 * r16–r31 with d/w/b suffixes, immediates in hex.
 *
 * Covered rows: the ALU rows 00–3F, PUSH/POP(P) 50–5F and 8F, MOVSXD, IMUL,
 * groups 1/2/3/4/5/8, TEST/XCHG/MOV/LEA, MOV r, imm, JMPABS, and in map 1
 * CMOVcc, SETcc, BT*, SHLD/SHRD, IMUL, CMPXCHG, XADD, MOVZX/MOVSX, POPCNT,
 * BSF/BSR/TZCNT/LZCNT, BSWAP. Any other row is shown as its table mnemonic
 * followed by `…` (its operands are not spelled out).
 */
import { HIGH_BYTE, type Insn } from './insn.ts';
import { OPCODES, prefixClass } from './opcodes/table.ts';

const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const R8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const R8H = ['ah', 'ch', 'dh', 'bh'];
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFT = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'shl', 'sar'];
const GRP3 = ['test', 'test', 'not', 'neg', 'mul', 'imul', 'div', 'idiv'];
const GRP5 = ['inc', 'dec', 'call', 'call', 'jmp', 'jmp', 'push', ''];
const GRP8 = ['', '', '', '', 'bt', 'bts', 'btr', 'btc'];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const PTR: Record<number, string> = { 1: 'byte ptr ', 2: 'word ptr ', 4: 'dword ptr ', 8: 'qword ptr ' };
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

/** Name of GPR n (0–31) at a size in bytes; byte codes may be HIGH_BYTE|n (AH–BH). */
export function gprName(n: number, size: number): string {
  if (size === 1 && n & HIGH_BYTE) return R8H[n & 3];
  if (n < 8) return size === 8 ? R64[n] : size === 4 ? R32[n] : size === 2 ? R16[n] : R8[n];
  return `r${n}${size === 8 ? '' : size === 4 ? 'd' : size === 2 ? 'w' : 'b'}`;
}

const hex = (v: bigint) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`);
const imm64 = (i: Insn) => BigInt.asIntN(64, (BigInt(i.immHi >>> 0) << 32n) | BigInt(i.imm >>> 0));
/** An immediate as llvm-mc prints it: sign-extended for imm8 and 64-bit operands, else unsigned at the operand size. */
function immText(i: Insn, size: number, signed: boolean): string {
  if (size === 8) return hex(imm64(i));
  if (signed) return hex(BigInt(i.imm));
  return hex(BigInt(size === 4 ? i.imm >>> 0 : size === 2 ? i.imm & 0xffff : i.imm & 0xff));
}

function mem(i: Insn, size: number): string {
  const a = i.asz;
  const parts: string[] = [];
  if (i.ripRel) parts.push(a === 4 ? 'eip' : 'rip');
  else {
    if (i.base >= 0) parts.push(gprName(i.base, a));
    if (i.index >= 0) parts.push(`${i.scale ? `${1 << i.scale}*` : ''}${gprName(i.index, a)}`);
  }
  let s = parts.join(' + ');
  if (i.disp !== 0 || parts.length === 0) {
    const d = BigInt(i.disp);
    s = parts.length === 0 ? hex(BigInt(i.disp >>> 0)) : `${s} ${d < 0n ? '-' : '+'} 0x${(d < 0n ? -d : d).toString(16)}`;
  }
  const seg = i.seg >= 4 ? `${SEGS[i.seg]}:` : '';
  return `${size ? PTR[size] : ''}${seg}[${s}]`;
}

/** The r/m operand (register or memory) at a size. */
function rm(i: Insn, size: number): string {
  if (i.regForm) return gprName(size === 1 ? i.rm8 : i.rm, size);
  return mem(i, size);
}
function reg(i: Insn, size: number): string {
  return gprName(size === 1 ? i.reg8 : i.reg, size);
}
const v = (i: Insn) => i.osz;
const join = (m: string, ...ops: string[]) => (ops.length ? `${m} ${ops.join(', ')}` : m);

function map0(i: Insn): string | undefined {
  const op = i.op, s = v(i);
  if (op < 0x40 && (op & 7) < 6) {
    const m = ALU[op >> 3];
    switch (op & 7) {
      case 0: return join(m, rm(i, 1), reg(i, 1));
      case 1: return join(m, rm(i, s), reg(i, s));
      case 2: return join(m, reg(i, 1), rm(i, 1));
      case 3: return join(m, reg(i, s), rm(i, s));
    }
    return undefined;
  }
  if (op >= 0x50 && op <= 0x5f) return join(`${op < 0x58 ? 'push' : 'pop'}${i.rexW ? 'p' : ''}`, gprName(i.opReg, i.opsizePrefix ? 2 : 8));
  switch (op) {
    case 0x63: return join('movsxd', reg(i, s), rm(i, 4));
    case 0x69: case 0x6b: return join('imul', reg(i, s), rm(i, s), immText(i, s, op === 0x6b || s === 8));
    case 0x80: case 0x81: case 0x83: {
      const b = op === 0x80 ? 1 : s;
      return join(ALU[i.digit], rm(i, b), immText(i, b, op !== 0x81 || s === 8));
    }
    case 0x84: case 0x85: return join('test', rm(i, op & 1 ? s : 1), reg(i, op & 1 ? s : 1));
    case 0x86: case 0x87: return join('xchg', reg(i, op & 1 ? s : 1), rm(i, op & 1 ? s : 1));
    case 0x88: case 0x89: return join('mov', rm(i, op & 1 ? s : 1), reg(i, op & 1 ? s : 1));
    case 0x8a: case 0x8b: return join('mov', reg(i, op & 1 ? s : 1), rm(i, op & 1 ? s : 1));
    case 0x8d: return join('lea', reg(i, s), mem(i, 0));
    case 0x8f: return i.digit === 0 ? join('pop', rm(i, i.opsizePrefix ? 2 : 8)) : undefined;
    case 0xa1: return join('jmpabs', hex(BigInt.asUintN(64, imm64(i))));
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
      const b = op & 1 ? s : 1;
      const cnt = op >= 0xd2 ? ['cl'] : op >= 0xd0 ? [] : [immText(i, 1, false)];
      return join(SHIFT[i.digit], rm(i, b), ...cnt);
    }
    case 0xc6: case 0xc7: {
      const b = op & 1 ? s : 1;
      return i.digit === 0 ? join('mov', rm(i, b), immText(i, b, b === 1 || b === 8)) : undefined;
    }
    case 0xf6: case 0xf7: {
      const b = op & 1 ? s : 1;
      return i.digit < 2 ? join('test', rm(i, b), immText(i, b, b === 1 || b === 8)) : join(GRP3[i.digit], rm(i, b));
    }
    case 0xfe: return i.digit < 2 ? join(GRP5[i.digit], rm(i, 1)) : undefined;
    case 0xff: {
      const m = GRP5[i.digit];
      if (m === '' || ((i.digit === 3 || i.digit === 5) && i.regForm)) return undefined;
      return join(m, rm(i, i.digit >= 2 && i.digit !== 6 ? 8 : i.digit === 6 ? (i.opsizePrefix ? 2 : 8) : s));
    }
  }
  if (op >= 0x90 && op <= 0x97) return op === 0x90 && i.opReg === 0 ? 'nop' : join('xchg', gprName(0, s), gprName(i.opReg, s));
  if (op >= 0xb0 && op <= 0xb7) return join('mov', gprName(i.opReg, 1), immText(i, 1, true));
  if (op >= 0xb8 && op <= 0xbf) return join(s === 8 ? 'movabs' : 'mov', gprName(i.opReg, s), immText(i, s, false));
  return undefined;
}

function map1(i: Insn): string | undefined {
  const op = i.op, s = v(i);
  if (op >= 0x40 && op <= 0x4f) return join(`cmov${CC[op & 15]}`, reg(i, s), rm(i, s));
  if (op >= 0x90 && op <= 0x9f) return join(`set${CC[op & 15]}`, rm(i, 1));
  if (op >= 0xc8 && op <= 0xcf) return join('bswap', gprName(i.opReg, s === 8 ? 8 : 4));
  switch (op) {
    case 0xa3: case 0xab: case 0xb3: case 0xbb: return join(GRP8[4 + ((op >> 3) & 3)], rm(i, s), reg(i, s));
    case 0xba: return GRP8[i.digit] ? join(GRP8[i.digit], rm(i, s), immText(i, 1, false)) : undefined;
    case 0xa4: case 0xac: return join(op === 0xa4 ? 'shld' : 'shrd', rm(i, s), reg(i, s), immText(i, 1, false));
    case 0xa5: case 0xad: return join(op === 0xa5 ? 'shld' : 'shrd', rm(i, s), reg(i, s), 'cl');
    case 0xaf: return join('imul', reg(i, s), rm(i, s));
    case 0xb0: case 0xb1: return join('cmpxchg', rm(i, op & 1 ? s : 1), reg(i, op & 1 ? s : 1));
    case 0xc0: case 0xc1: return join('xadd', rm(i, op & 1 ? s : 1), reg(i, op & 1 ? s : 1));
    case 0xb6: case 0xbe: return join(op === 0xb6 ? 'movzx' : 'movsx', reg(i, s), rm(i, 1));
    case 0xb7: case 0xbf: return join(op === 0xb7 ? 'movzx' : 'movsx', reg(i, s), rm(i, 2));
    case 0xb8: return i.rep === 0xf3 ? join('popcnt', reg(i, s), rm(i, s)) : undefined;
    case 0xbc: case 0xbd: {
      const m = i.rep === 0xf3 ? (op === 0xbc ? 'tzcnt' : 'lzcnt') : op === 0xbc ? 'bsf' : 'bsr';
      return join(m, reg(i, s), rm(i, s));
    }
  }
  return undefined;
}

/**
 * Intel-syntax text of a decoded REX2 instruction (any decoded Insn works for
 * the covered rows). Prefixes shown: LOCK, and REP/REPNE on rows where they
 * are not mandatory.
 */
export function formatApx(i: Insn): string {
  const slot = OPCODES.slot(i.map, prefixClass(i), i.op);
  if (slot === undefined) return '(bad)';
  const body = (i.map === 0 ? map0(i) : i.map === 1 ? map1(i) : undefined) ?? `${(i.row ?? slot.shape).mnemonic} …`;
  return i.lock ? `lock ${body}` : body;
}
