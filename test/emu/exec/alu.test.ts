/**
 * ALU family: ADD OR ADC SBB AND SUB XOR CMP TEST, INC DEC NOT NEG, CMPXCHG,
 * XADD — every encoding form at 8/16/32/64 bits over edge values, checked
 * against reference formulas written from the SDM definitions (BigInt), for
 * the result, untouched bits, the other operand and all six flags.
 */
import { describe, expect, it } from 'vitest';
import { GP, PF as PF_VEC, UD } from '../../../src/emu/fault.ts';
import {
  AF, ALL, Bench, CF, DATA, EDGES, OF, PF, RAX, RBX, RCX, RDX, SF, ZF, afterWrite, bit, expectFlags, getReg, hex,
  memAfter, peek, sx, szp, ux, withJunk,
} from './arith-harness.ts';
import { ALU_ROWS, TEST_ROWS, UNARY_ROWS, XCHG_ROWS, type AluOp, type AluRow } from './arith-encodings.ts';
import { PD } from '../machine.ts';

const outOfRange = (v: bigint, bits: number): boolean => v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits - 1);

/** SDM Vol. 2 ADD/ADC/SUB/SBB/CMP/AND/OR/XOR/TEST: result, flags, and which flags are defined. */
export function aluRef(op: AluOp, bits: number, d: bigint, s: bigint, c: number) {
  const cb = BigInt(c), lim = 1n << BigInt(bits);
  let res: bigint, flags = 0, mask = ALL;
  switch (op) {
    case 'add': case 'adc': {
      const ci = op === 'adc' ? cb : 0n;
      res = ux(d + s + ci, bits);
      if (d + s + ci >= lim) flags |= CF;
      if (outOfRange(sx(d, bits) + sx(s, bits) + ci, bits)) flags |= OF;
      if ((d & 15n) + (s & 15n) + ci > 15n) flags |= AF;
      break;
    }
    case 'sub': case 'sbb': case 'cmp': {
      const ci = op === 'sbb' ? cb : 0n;
      res = ux(d - s - ci, bits);
      if (d < s + ci) flags |= CF;
      if (outOfRange(sx(d, bits) - sx(s, bits) - ci, bits)) flags |= OF;
      if ((d & 15n) < (s & 15n) + ci) flags |= AF;
      break;
    }
    default:
      res = op === 'or' ? d | s : op === 'xor' ? d ^ s : d & s;
      mask &= ~AF; // AF undefined for logic ops; CF = OF = 0
  }
  return { res, flags: flags | szp(res, bits), mask, writes: op !== 'cmp' && op !== 'test' };
}

function runAluRow([op, bits, form, imm, bytes]: AluRow): void {
  const b = new Bench(bytes);
  const vals = EDGES[bits];
  const srcs = form.endsWith('_i') ? [ux(imm, bits)] : vals;
  const dstReg = form === 'acc_i' ? RAX : RCX;
  const dstMem = form === 'm_r' || form === 'm_i';
  const srcMem = form === 'r_m';
  let n = 0;
  for (const d of vals) {
    for (const s of srcs) {
      for (const c of op === 'adc' || op === 'sbb' ? [0, 1] : [n++ & 1]) {
        const init = c ? ALL : 0;
        const regD = withJunk(d, bits), regS = withJunk(s, bits);
        const memBefore = withJunk(dstMem ? d : s, bits) | (0x0123456789abcdefn << 64n);
        const cpu = b.run({
          flags: init,
          regs: [[dstReg, dstMem ? withJunk(0n, 64) : regD], [RDX, regS]],
          mem: memBefore,
        });
        const want = aluRef(op, bits, d, s, c);
        const what = `${op}${bits} ${form} d=${hex(d)} s=${hex(s)} c=${c}`;
        if (dstMem) {
          expect(peek(cpu, DATA, 16), what).toBe(want.writes ? memAfter(memBefore, want.res, bits) : memBefore);
        } else {
          expect(getReg(cpu, dstReg), what).toBe(want.writes ? afterWrite(regD, want.res, bits) : regD);
          if (srcMem) expect(peek(cpu, DATA, 16), what).toBe(memBefore);
        }
        if (!form.endsWith('_i') && !srcMem) expect(getReg(cpu, RDX), what).toBe(regS);
        expectFlags(cpu, want.flags, want.mask, what);
      }
    }
  }
}

describe('ALU ops: add/or/adc/sbb/and/sub/xor/cmp in every form', () => {
  for (const ops of [['add', 'adc'], ['sub', 'sbb', 'cmp'], ['and', 'or', 'xor']]) {
    it(ops.join('/'), () => {
      for (const row of ALU_ROWS) if (ops.includes(row[0])) runAluRow(row);
    });
  }
  it('test in every form (84/85, A8/A9, F6/F7 /0 and /1)', () => {
    for (const row of TEST_ROWS) runAluRow(row);
  });
});

describe('ALU register encodings and exactness', () => {
  const R8 = 8, R9 = 9, R10 = 10, R15 = 15, RSI = 6, RBXr = RBX;
  it('byte registers: AH–BH without REX, SIL/R9B with REX', () => {
    // add ah, dh (00 f4)
    let cpu = new Bench([0x00, 0xf4]).run({ regs: [[RAX, 0x1111_8022n], [RDX, 0x2222_9033n]] });
    expect(getReg(cpu, RAX)).toBe(0x1111_1022n);
    expectFlags(cpu, aluRef('add', 8, 0x80n, 0x90n, 0).flags, ALL, 'add ah, dh');
    // cmp ah, bh (38 fc): flags only
    cpu = new Bench([0x38, 0xfc]).run({ regs: [[RAX, 0x0100n], [RBXr, 0x0200n]] });
    expectFlags(cpu, aluRef('cmp', 8, 1n, 2n, 0).flags, ALL, 'cmp ah, bh');
    expect(getReg(cpu, RAX)).toBe(0x0100n);
    // sub al, ch (28 e8)
    cpu = new Bench([0x28, 0xe8]).run({ regs: [[RAX, 0xff05n], [RCX, 0x0700n]] });
    expect(getReg(cpu, RAX)).toBe(0xfffen);
    // add sil, r9b (44 00 ce)
    cpu = new Bench([0x44, 0x00, 0xce]).run({ regs: [[RSI, 0xabcd_00ffn], [R9, 0x7777_0001n]] });
    expect(getReg(cpu, RSI)).toBe(0xabcd_0000n);
    expectFlags(cpu, CF | ZF | PF | AF, ALL, 'add sil, r9b');
  });
  it('extended registers: add r9, r10 (4d 01 d1); sub r15d, r8d (45 29 c7) zero-extends', () => {
    let cpu = new Bench([0x4d, 0x01, 0xd1]).run({ regs: [[R9, 0xffff_ffff_ffff_ffffn], [R10, 2n]] });
    expect(getReg(cpu, R9)).toBe(1n);
    expectFlags(cpu, CF | AF, ALL, 'add r9, r10');
    cpu = new Bench([0x45, 0x29, 0xc7]).run({ regs: [[R15, 0xffff_ffff_0000_0000n], [R8, 1n]] });
    expect(getReg(cpu, R15)).toBe(0xffff_ffffn);
    expectFlags(cpu, aluRef('sub', 32, 0n, 1n, 0).flags, ALL, 'sub r15d, r8d');
  });
  it('adc qword ptr [rbx+rcx*8+0x10], r11 (4c 11 5c cb 10): SIB addressing, carry-in', () => {
    // RCX = -2: the address is DATA − 16 + 16 = DATA.
    const cpu = new Bench([0x4c, 0x11, 0x5c, 0xcb, 0x10]).run({
      regs: [[RCX, ux(-2n, 64)], [11, 0xffff_ffff_ffff_ffffn]], flags: CF, mem: 5n,
    });
    expect(peek(cpu, DATA, 16)).toBe(5n);
    expectFlags(cpu, aluRef('adc', 64, 5n, 0xffff_ffff_ffff_ffffn, 1).flags, ALL, 'adc mem');
  });
  it('opcode 82 is #UD in 64-bit mode', () => {
    new Bench([0x82, 0xc1, 0x01]).fault({}, UD);
  });
  it('LOCK: accepted with a memory destination, #UD otherwise', () => {
    // lock add dword ptr [rbx], edx (f0 01 13)
    const cpu = new Bench([0xf0, 0x01, 0x13]).run({ regs: [[RDX, 2n]], mem: 40n });
    expect(peek(cpu, DATA, 4)).toBe(42n);
    const ok = [
      [0xf0, 0x48, 0x0f, 0xb1, 0x13], // lock cmpxchg QWORD PTR [rbx],rdx
      [0x66, 0xf0, 0x0f, 0xc1, 0x13], // lock xadd WORD PTR [rbx],dx
      [0xf0, 0xfe, 0x03], // lock inc BYTE PTR [rbx]
      [0xf0, 0x48, 0xf7, 0x1b], // lock neg QWORD PTR [rbx]
      [0xf0, 0xf7, 0x13], // lock not DWORD PTR [rbx]
      [0xf0, 0x80, 0x1b, 0x05], // lock sbb BYTE PTR [rbx],0x5
    ];
    for (const code of ok) new Bench(code).run({});
    const bad = [
      [0xf0, 0x01, 0xd1], // lock add ecx,edx (register destination)
      [0xf0, 0x39, 0x13], // lock cmp DWORD PTR [rbx],edx
      [0xf0, 0x85, 0x13], // lock test DWORD PTR [rbx],edx
      [0xf0, 0x03, 0x0b], // lock add ecx,DWORD PTR [rbx] (memory is the source)
      [0xf0, 0x05, 0x01, 0x00, 0x00, 0x00], // lock add eax,0x1
      [0xf0, 0x81, 0x3b, 0x01, 0x00, 0x00, 0x00], // lock cmp DWORD PTR [rbx],0x1
      [0xf0, 0x0f, 0xb1, 0xd1], // lock cmpxchg ecx,edx
      [0xf0, 0xf7, 0x03, 0x01, 0x00, 0x00, 0x00], // lock test DWORD PTR [rbx],0x1
    ];
    for (const code of bad) new Bench(code).fault({}, UD);
  });
  it('a faulting memory destination leaves registers, flags and memory unchanged', () => {
    // add dword ptr [rbx], edx (01 13) with RBX unmapped (beyond the 1 GiB map) → #PF
    let b = new Bench([0x01, 0x13]);
    let cpu = b.fault({ regs: [[RBX, 0x4000_0000n], [RDX, 1n]], flags: CF | ZF }, PF_VEC);
    expect(cpu.readRflags() & ALL).toBe(CF | ZF);
    // non-canonical address → #GP(0)
    b.fault({ regs: [[RBX, 0x8000_0000_0000_0000n]] }, GP);
    // read-only page: the read succeeds, the write faults; nothing changes
    for (const code of [
      [0x01, 0x13], // add DWORD PTR [rbx],edx
      [0x48, 0x0f, 0xc1, 0x13], // xadd QWORD PTR [rbx],rdx
      [0x0f, 0xb1, 0x13], // cmpxchg DWORD PTR [rbx],edx — fails the compare, still writes
    ]) {
      b = new Bench(code);
      cpu = b.cpu;
      cpu.mem.dv.setUint32(PD + 8, 0x200000 + 0x85, true); // DATA's 2 MiB page: present, not writable
      cpu.mmu.flushTlb();
      cpu = b.fault({ regs: [[RDX, 7n], [RAX, 1n]], flags: SF | PF, mem: 100n }, PF_VEC);
      expect(cpu.readRflags() & ALL).toBe(SF | PF);
      expect(getReg(cpu, RDX)).toBe(7n);
      expect(getReg(cpu, RAX)).toBe(1n);
      expect(peek(cpu, DATA, 8)).toBe(100n);
    }
  });
});

describe('INC/DEC/NOT/NEG', () => {
  it('every size, register and memory', () => {
    for (const [op, bits, form, bytes] of UNARY_ROWS) {
      const b = new Bench(bytes);
      for (const d of EDGES[bits]) {
        for (const init of [0, ALL, CF, ALL & ~CF]) {
          const memBefore = withJunk(d, bits) | (0x0123456789abcdefn << 64n);
          const cpu = b.run({ flags: init, regs: [[RCX, withJunk(d, bits)]], mem: memBefore });
          const m = (1n << BigInt(bits)) - 1n;
          let res: bigint, flags: number;
          if (op === 'inc' || op === 'dec') {
            const r = aluRef(op === 'inc' ? 'add' : 'sub', bits, d, 1n, 0);
            res = r.res;
            flags = (r.flags & ~CF) | (init & CF); // CF unaffected
          } else if (op === 'neg') {
            res = ux(-d, bits);
            flags = (d !== 0n ? CF : 0) | (sx(d, bits) === -(1n << BigInt(bits - 1)) ? OF : 0) | ((d & 15n) !== 0n ? AF : 0) | szp(res, bits);
          } else {
            res = ~d & m;
            flags = init; // NOT affects no flags
          }
          const what = `${op}${bits} ${form} d=${hex(d)} flags=${init}`;
          if (form === 'm') expect(peek(cpu, DATA, 16), what).toBe(memAfter(memBefore, res, bits));
          else expect(getReg(cpu, RCX), what).toBe(afterWrite(withJunk(d, bits), res, bits));
          expectFlags(cpu, flags, ALL, what);
        }
      }
    }
  });
});

describe('CMPXCHG/XADD', () => {
  it('cmpxchg: equal and not equal, register and memory, all sizes', () => {
    for (const [op, bits, form, bytes] of XCHG_ROWS) {
      if (op !== 'cmpxchg') continue;
      const b = new Bench(bytes);
      for (const d of EDGES[bits]) {
        for (const a of [d, ux(d + 1n, bits), ux(d ^ (1n << BigInt(bits - 1)), bits)]) {
          const s = ux(0x5a5a5a5a5a5a5a5an, bits);
          const regA = withJunk(a, bits), regD = withJunk(d, bits), regS = withJunk(s, bits);
          const memBefore = regD | (0x0123456789abcdefn << 64n);
          const cpu = b.run({ regs: [[RAX, regA], [RCX, regD], [RDX, regS]], mem: memBefore });
          const what = `cmpxchg${bits} ${form} acc=${hex(a)} dst=${hex(d)}`;
          const eq = a === d;
          // Flags as CMP accumulator, DEST.
          expectFlags(cpu, aluRef('cmp', bits, a, d, 0).flags, ALL, what);
          expect(bit(BigInt(cpu.readRflags()), 6), what).toBe(eq ? 1 : 0);
          expect(getReg(cpu, RAX), what).toBe(eq ? regA : afterWrite(regA, d, bits));
          expect(getReg(cpu, RDX), what).toBe(regS);
          if (form === 'm_r') {
            expect(peek(cpu, DATA, 16), what).toBe(eq ? memAfter(memBefore, s, bits) : memBefore);
          } else {
            // Not equal: a register DEST is left as it was — not even zero-extended at 32 bits,
            // which is what the real CPU does (the SDM's "DEST := TEMP" would zero-extend it).
            expect(getReg(cpu, RCX), what).toBe(eq ? afterWrite(regD, s, bits) : regD);
          }
        }
      }
    }
  });
  it('xadd: DEST ← DEST + SRC, SRC ← DEST, flags as ADD', () => {
    for (const [op, bits, form, bytes] of XCHG_ROWS) {
      if (op !== 'xadd') continue;
      const b = new Bench(bytes);
      for (const d of EDGES[bits]) {
        for (const s of EDGES[bits]) {
          const regD = withJunk(d, bits), regS = withJunk(s, bits);
          const memBefore = regD | (0x0123456789abcdefn << 64n);
          const cpu = b.run({ regs: [[RCX, regD], [RDX, regS]], mem: memBefore });
          const r = aluRef('add', bits, d, s, 0);
          const what = `xadd${bits} ${form} d=${hex(d)} s=${hex(s)}`;
          if (form === 'm_r') expect(peek(cpu, DATA, 16), what).toBe(memAfter(memBefore, r.res, bits));
          else expect(getReg(cpu, RCX), what).toBe(afterWrite(regD, r.res, bits));
          expect(getReg(cpu, RDX), what).toBe(afterWrite(regS, d, bits));
          expectFlags(cpu, r.flags, ALL, what);
        }
      }
    }
  });
  it('xadd ecx, ecx (0f c1 c9): the destination gets the sum', () => {
    const cpu = new Bench([0x0f, 0xc1, 0xc9]).run({ regs: [[RCX, 0xffff_ffff_8000_0001n]] });
    expect(getReg(cpu, RCX)).toBe(2n);
    expectFlags(cpu, CF | OF, ALL, 'xadd ecx, ecx');
  });
});
