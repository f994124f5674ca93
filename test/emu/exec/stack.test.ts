/**
 * PUSH/POP (register, immediate, r/m, 16-bit forms), ENTER (levels 0–3, mod
 * 32, 16-bit), LEAVE, and exactness on faults. Bytes from `as --64`.
 * The stack starts at T = STACK_TOP; expectations follow the SDM PUSH/POP/
 * ENTER/LEAVE pseudo-code.
 */
import { describe, expect, it } from 'vitest';
import { PF, SS, UD } from '../../../src/emu/fault.ts';
import { DATA, STACK_TOP } from '../machine.ts';
import { checkCase, get, pat, peek, runFault, set, u64, unmap2M, w16, type Case } from './dm-harness.ts';

const RAX = 0, RCX = 1, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7, R9 = 9, R12 = 12, R13 = 13;
const T = STACK_TOP, TN = BigInt(T);
const P = pat;
const X = 0x8899aabbccddeeffn, Y = 0x0123456789abcdefn;
const SRC = DATA, DST = DATA + 0x100;

describe('push/pop register (50+r, 58+r)', () => {
  const top = [[T, X, 8], [T + 8, Y, 8]] as const;
  const cases: Case[] = [
    { asm: 'push rax', code: [0x50], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, P(RAX), 8]] },
    { asm: 'push r12', code: [0x41, 0x54], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, P(R12), 8]] },
    { asm: 'push rsp (stores the old RSP)', code: [0x54], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, TN, 8]] },
    { asm: 'pop rbx', code: [0x5b], mem: top, want: { [RBX]: X, [RSP]: TN + 8n } },
    { asm: 'pop r13', code: [0x41, 0x5d], mem: top, want: { [R13]: X, [RSP]: TN + 8n } },
    { asm: 'pop rsp (RSP gets the popped value)', code: [0x5c], mem: [[T, 0x2f0000n, 8]], want: { [RSP]: 0x2f0000n } },
    { asm: 'push ax', code: [0x66, 0x50], want: { [RSP]: TN - 2n }, wantMem: [[T - 2, P(RAX) & 0xffffn, 2], [T, 0n, 8]] },
    { asm: 'push r9w', code: [0x66, 0x41, 0x51], want: { [RSP]: TN - 2n }, wantMem: [[T - 2, P(R9) & 0xffffn, 2]] },
    { asm: 'pop bx', code: [0x66, 0x5b], mem: top, want: { [RBX]: w16(P(RBX), X), [RSP]: TN + 2n } },
    { asm: 'push; pop round trip: push rax; pop rbx', code: [0x50, 0x5b], want: { [RBX]: P(RAX) } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
});

describe('push immediate (68, 6A)', () => {
  const cases: Case[] = [
    { asm: 'push 0x12345678', code: [0x68, 0x78, 0x56, 0x34, 0x12], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, 0x12345678n, 8]] },
    { asm: 'push -0x12345678 (sign-extended to 64)', code: [0x68, 0x88, 0xa9, 0xcb, 0xed], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, u64(-0x12345678n), 8]] },
    { asm: 'push 0xfffffffffffffffe (6a fe)', code: [0x6a, 0xfe], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, u64(-2n), 8]] },
    { asm: 'push 0x5', code: [0x6a, 0x05], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, 5n, 8]] },
    { asm: 'pushw 0x8001', code: [0x66, 0x68, 0x01, 0x80], want: { [RSP]: TN - 2n }, wantMem: [[T - 2, 0x8001n, 2], [T, 0n, 8]] },
    { asm: 'pushw 0xfffe (66 6a fe)', code: [0x66, 0x6a, 0xfe], want: { [RSP]: TN - 2n }, wantMem: [[T - 2, 0xfffen, 2]] },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
});

describe('push/pop r/m (FF /6, 8F /0)', () => {
  const ptr = { [RSI]: BigInt(SRC), [RDI]: BigInt(DST) };
  const cases: Case[] = [
    { asm: 'push QWORD PTR [rsi]', code: [0xff, 0x36], regs: ptr, mem: [[SRC, X, 8]], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, X, 8]] },
    { asm: 'push WORD PTR [rsi]', code: [0x66, 0xff, 0x36], regs: ptr, mem: [[SRC, X, 8]], want: { [RSP]: TN - 2n }, wantMem: [[T - 2, X & 0xffffn, 2]] },
    { asm: 'push QWORD PTR [rsp] (read with the old RSP)', code: [0xff, 0x34, 0x24], mem: [[T, Y, 8]], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, Y, 8]] },
    { asm: 'push rcx (ff f1)', code: [0xff, 0xf1], want: { [RSP]: TN - 8n }, wantMem: [[T - 8, P(RCX), 8]] },
    { asm: 'push cx (66 ff f1)', code: [0x66, 0xff, 0xf1], want: { [RSP]: TN - 2n }, wantMem: [[T - 2, P(RCX) & 0xffffn, 2]] },
    { asm: 'pop QWORD PTR [rdi]', code: [0x8f, 0x07], regs: ptr, mem: [[T, X, 8]], want: { [RSP]: TN + 8n }, wantMem: [[DST, X, 8]] },
    { asm: 'pop WORD PTR [rdi]', code: [0x66, 0x8f, 0x07], regs: ptr, mem: [[T, X, 8], [DST, Y, 8]], want: { [RSP]: TN + 2n }, wantMem: [[DST, w16(Y, X), 8]] },
    // SDM POP: an RSP base uses the value after the increment.
    { asm: 'pop QWORD PTR [rsp]', code: [0x8f, 0x04, 0x24], mem: [[T, X, 8], [T + 8, Y, 8]], want: { [RSP]: TN + 8n }, wantMem: [[T, X, 8], [T + 8, X, 8]] },
    { asm: 'pop QWORD PTR [rsp+0x8]', code: [0x8f, 0x44, 0x24, 0x08], mem: [[T, X, 8], [T + 8, Y, 8], [T + 16, Y, 8]], want: { [RSP]: TN + 8n }, wantMem: [[T + 8, Y, 8], [T + 16, X, 8]] },
    { asm: 'pop rcx (8f c1)', code: [0x8f, 0xc1], mem: [[T, X, 8]], want: { [RCX]: X, [RSP]: TN + 8n } },
    { asm: 'pop cx (66 8f c1)', code: [0x66, 0x8f, 0xc1], mem: [[T, X, 8]], want: { [RCX]: w16(P(RCX), X), [RSP]: TN + 2n } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
  it('8F with a /digit other than 0 is #UD', () => void runFault([0x8f, 0xc8], UD, 0));
});

describe('faults leave RSP unchanged', () => {
  const HOLE = 0x400000;
  it('push into an unmapped page: #PF at RSP-8', () => {
    // 50   push rax
    const cpu = runFault([0x50], PF, 0, (m) => {
      set(m, RSP, BigInt(HOLE + 0x10));
      unmap2M(m, HOLE);
    });
    expect(get(cpu, RSP)).toBe(BigInt(HOLE + 0x10));
    expect(cpu.exit.qual).toBe(HOLE + 8);
    expect(cpu.exit.errorCode).toBe(2); // not present, write
  });
  it('pop QWORD PTR [rdi] to an unmapped page restores RSP', () => {
    // 8f 07   pop QWORD PTR [rdi]
    const cpu = runFault([0x8f, 0x07], PF, 0, (m) => {
      set(m, RDI, BigInt(HOLE));
      unmap2M(m, HOLE);
    });
    expect(get(cpu, RSP)).toBe(TN);
    expect(cpu.exit.qual).toBe(HOLE);
  });
  it('push QWORD PTR [rsi] from an unmapped page', () => {
    // ff 36   push QWORD PTR [rsi]
    const cpu = runFault([0xff, 0x36], PF, 0, (m) => {
      set(m, RSI, BigInt(HOLE));
      unmap2M(m, HOLE);
    });
    expect(get(cpu, RSP)).toBe(TN);
  });
  it('a non-canonical RSP is #SS(0)', () => {
    const cpu = runFault([0x50], SS, 0, (m) => set(m, RSP, 0x0000800000000008n));
    expect(cpu.exit.errorCode).toBe(0);
    expect(get(cpu, RSP)).toBe(0x0000800000000008n);
    runFault([0x5b], SS, 0, (m) => set(m, RSP, 0xffff7ffffffffff8n));
  });
});

describe('enter / leave (C8, C9)', () => {
  const B = 0x2ff000; // the caller's frame pointer
  const BN = BigInt(B);
  const frames = [[B - 8, 0x1111n, 8], [B - 16, 0x2222n, 8], [B - 24, 0x3333n, 8]] as const;
  const cases: Case[] = [
    // c8 20 00 00   enter 0x20,0x0
    { asm: 'enter 0x20,0x0', code: [0xc8, 0x20, 0x00, 0x00], regs: { [RBP]: BN }, want: { [RBP]: TN - 8n, [RSP]: TN - 8n - 0x20n }, wantMem: [[T - 8, BN, 8]] },
    // c8 10 00 01   enter 0x10,0x1
    { asm: 'enter 0x10,0x1', code: [0xc8, 0x10, 0x00, 0x01], regs: { [RBP]: BN }, want: { [RBP]: TN - 8n, [RSP]: TN - 16n - 0x10n }, wantMem: [[T - 8, BN, 8], [T - 16, TN - 8n, 8]] },
    // c8 00 00 03   enter 0x0,0x3: copies [RBP-8] and [RBP-16], then pushes the frame pointer
    {
      asm: 'enter 0x0,0x3', code: [0xc8, 0x00, 0x00, 0x03], regs: { [RBP]: BN }, mem: frames,
      want: { [RBP]: TN - 8n, [RSP]: TN - 32n },
      wantMem: [[T - 8, BN, 8], [T - 16, 0x1111n, 8], [T - 24, 0x2222n, 8], [T - 32, TN - 8n, 8]],
    },
    // c8 08 00 21   enter 0x8,0x21: the level is taken mod 32 (= 1)
    { asm: 'enter 0x8,0x21', code: [0xc8, 0x08, 0x00, 0x21], regs: { [RBP]: BN }, want: { [RBP]: TN - 8n, [RSP]: TN - 16n - 8n }, wantMem: [[T - 16, TN - 8n, 8]] },
    // c8 ff ff 00   enter 0xffff,0x0 (imm16 is unsigned)
    { asm: 'enter 0xffff,0x0', code: [0xc8, 0xff, 0xff, 0x00], regs: { [RBP]: BN }, want: { [RBP]: TN - 8n, [RSP]: TN - 8n - 0xffffn } },
    // 66 c8 08 00 02   enterw 0x8,0x2: word pushes, BP (only) receives the 16-bit frame pointer
    {
      asm: 'enterw 0x8,0x2', code: [0x66, 0xc8, 0x08, 0x00, 0x02], regs: { [RBP]: 0x2e0100n }, mem: [[0x2e0100 - 2, 0xabcdn, 2]],
      want: { [RBP]: w16(0x2e0100n, TN - 2n), [RSP]: TN - 6n - 8n },
      wantMem: [[T - 2, 0x0100n, 2], [T - 4, 0xabcdn, 2], [T - 6, (TN - 2n) & 0xffffn, 2]],
    },
    // c9   leave
    { asm: 'leave', code: [0xc9], regs: { [RBP]: BN }, mem: [[B, X, 8]], want: { [RSP]: BN + 8n, [RBP]: X } },
    // 66 c9   leavew
    { asm: 'leavew', code: [0x66, 0xc9], regs: { [RBP]: BN }, mem: [[B, X, 8]], want: { [RSP]: BN + 2n, [RBP]: w16(BN, X) } },
    // enter 0x10,0x0 ; leave  restores RSP and RBP
    { asm: 'enter 0x10,0x0; leave', code: [0xc8, 0x10, 0x00, 0x00, 0xc9], regs: { [RBP]: BN } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
  it('enter faulting on a frame-pointer copy changes no register', () => {
    // c8 00 00 02   enter 0x0,0x2 with RBP-8 unmapped
    const cpu = runFault([0xc8, 0x00, 0x00, 0x02], PF, 0, (m) => {
      set(m, RBP, 0x600000n);
      unmap2M(m, 0x400000);
    });
    expect(get(cpu, RSP)).toBe(TN);
    expect(get(cpu, RBP)).toBe(0x600000n);
    expect(cpu.exit.qual).toBe(0x5ffff8);
  });
  it('enter probes the final RSP: #PF there with nothing changed (as the SDM and the host CPU do)', () => {
    // c8 00 20 00   enter 0x2000,0x0 with RSP = 0x601000: the final RSP 0x5feff8 is in the hole
    const cpu = runFault([0xc8, 0x00, 0x20, 0x00], PF, 0, (m) => {
      set(m, RSP, 0x601000n);
      set(m, RBP, BN);
      unmap2M(m, 0x400000);
    });
    expect(cpu.exit.qual).toBe(0x601000 - 8 - 0x2000);
    expect(cpu.exit.errorCode).toBe(2); // not present, write
    expect(get(cpu, RSP)).toBe(0x601000n);
    expect(get(cpu, RBP)).toBe(BN);
  });
  it('leave with RBP in an unmapped page or non-canonical changes nothing', () => {
    let cpu = runFault([0xc9], PF, 0, (m) => {
      set(m, RBP, 0x400000n);
      unmap2M(m, 0x400000);
    });
    expect(get(cpu, RSP)).toBe(TN);
    cpu = runFault([0xc9], SS, 0, (m) => set(m, RBP, 0x8000000000000000n));
    expect(get(cpu, RSP)).toBe(TN);
    expect(peek(cpu, T - 8)).toBe(0n);
  });
  it('leave after push rbp; mov rbp,rsp is the usual epilogue', () => {
    // 55 push rbp | 48 89 e5 mov rbp,rsp | 48 83 ec 20 would need ALU: use lea rsp,[rsp-0x20] (48 8d 64 24 e0) | c9 leave
    const cpu = checkCase({ asm: 'prologue/epilogue', code: [0x55, 0x48, 0x89, 0xe5, 0x48, 0x8d, 0x64, 0x24, 0xe0, 0xc9] });
    expect(get(cpu, RAX)).toBe(pat(RAX));
  });
});
