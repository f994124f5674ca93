/**
 * MOV in all forms, MOVZX/MOVSX/MOVSXD, LEA, XCHG, CBW/CWD families, NOPs,
 * hints and fences. Bytes from `as --64` (Intel syntax), disassembly beside
 * them. Expected values follow the SDM's sized-write rules (8/16-bit writes
 * merge, 32-bit writes zero-extend) computed from each register's start value.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { GP, PF, UD } from '../../../src/emu/fault.ts';
import { SUB, setLazy } from '../../../src/emu/flags.ts';
import { SEG_FS, SEG_GS } from '../../../src/emu/insn.ts';
import { CODE, DATA } from '../machine.ts';
import { FLAG_CASES, checkCase, condRef, get, pat, peek, poke, run, runFault, set, sx, u64, unmap2M, w16, w32, w8, w8h, type Case } from './dm-harness.ts';

const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RSI = 6, RDI = 7;
const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
const SRC = DATA, DST = DATA + 0x100;
const P = pat;
/** Pointers in RSI/RDI for the memory forms. */
const ptrs = { [RSI]: BigInt(SRC), [RDI]: BigInt(DST) };
const MEMV = 0x8899aabbccddeeffn; // value at [SRC]

describe('mov r/m, r and r, r/m (88 89 8A 8B)', () => {
  const cases: Case[] = [
    { asm: 'mov bl, al', code: [0x88, 0xc3], want: { [RBX]: w8(P(RBX), P(RAX)) } },
    { asm: 'mov ah, bh', code: [0x88, 0xfc], want: { [RAX]: w8h(P(RAX), P(RBX) >> 8n) } },
    { asm: 'mov sil, r9b', code: [0x44, 0x88, 0xce], want: { [RSI]: w8(P(RSI), P(R9)) } },
    { asm: 'mov r10b, dil', code: [0x41, 0x88, 0xfa], want: { [R10]: w8(P(R10), P(RDI)) } },
    { asm: '{load} mov bl, al', code: [0x8a, 0xd8], want: { [RBX]: w8(P(RBX), P(RAX)) } },
    { asm: '{load} mov ah, bh', code: [0x8a, 0xe7], want: { [RAX]: w8h(P(RAX), P(RBX) >> 8n) } },
    { asm: 'mov BYTE PTR [rdi], ch', code: [0x88, 0x2f], regs: ptrs, wantMem: [[DST, (P(RCX) >> 8n) & 0xffn, 1], [DST + 1, 0n, 1]] },
    { asm: 'mov BYTE PTR [rdi+0x2], r11b', code: [0x44, 0x88, 0x5f, 0x02], regs: ptrs, wantMem: [[DST + 2, P(R11) & 0xffn, 1]] },
    { asm: 'mov dh, BYTE PTR [rsi+0x1]', code: [0x8a, 0x76, 0x01], regs: ptrs, mem: [[SRC, MEMV, 8]], want: { [RDX]: w8h(P(RDX), MEMV >> 8n) } },
    { asm: 'mov r12b, BYTE PTR [rsi+0x3]', code: [0x44, 0x8a, 0x66, 0x03], regs: ptrs, mem: [[SRC, MEMV, 8]], want: { [R12]: w8(P(R12), MEMV >> 24n) } },
    // 16/32/64, register forms of 89 and 8B
    { asm: 'mov bx, ax', code: [0x66, 0x89, 0xc3], want: { [RBX]: w16(P(RBX), P(RAX)) } },
    { asm: 'mov ebx, eax', code: [0x89, 0xc3], want: { [RBX]: w32(P(RAX)) } },
    { asm: 'mov rbx, rax', code: [0x48, 0x89, 0xc3], want: { [RBX]: P(RAX) } },
    { asm: '{load} mov bx, ax', code: [0x66, 0x8b, 0xd8], want: { [RBX]: w16(P(RBX), P(RAX)) } },
    { asm: '{load} mov ebx, eax', code: [0x8b, 0xd8], want: { [RBX]: w32(P(RAX)) } },
    { asm: '{load} mov rbx, rax', code: [0x48, 0x8b, 0xd8], want: { [RBX]: P(RAX) } },
    { asm: 'mov r8w, r15w', code: [0x66, 0x45, 0x89, 0xf8], want: { [R8]: w16(P(R8), P(R15)) } },
    { asm: 'mov r8d, r15d', code: [0x45, 0x89, 0xf8], want: { [R8]: w32(P(R15)) } },
    { asm: 'mov r15, r8', code: [0x4d, 0x89, 0xc7], want: { [R15]: P(R8) } },
    { asm: 'mov ebx, ebx (zero-extends itself)', code: [0x89, 0xdb], want: { [RBX]: w32(P(RBX)) } },
    // memory forms
    { asm: 'mov WORD PTR [rdi], ax', code: [0x66, 0x89, 0x07], regs: ptrs, wantMem: [[DST, P(RAX) & 0xffffn, 2], [DST + 2, 0n, 6]] },
    { asm: 'mov DWORD PTR [rdi+0x8], eax', code: [0x89, 0x47, 0x08], regs: ptrs, wantMem: [[DST + 8, P(RAX) & 0xffffffffn, 4], [DST + 12, 0n, 4]] },
    { asm: 'mov QWORD PTR [rdi+0x10], rax', code: [0x48, 0x89, 0x47, 0x10], regs: ptrs, wantMem: [[DST + 16, P(RAX), 8]] },
    { asm: 'mov cx, WORD PTR [rsi]', code: [0x66, 0x8b, 0x0e], regs: ptrs, mem: [[SRC, MEMV, 8]], want: { [RCX]: w16(P(RCX), MEMV) } },
    { asm: 'mov ecx, DWORD PTR [rsi]', code: [0x8b, 0x0e], regs: ptrs, mem: [[SRC, MEMV, 8]], want: { [RCX]: w32(MEMV) } },
    { asm: 'mov rcx, QWORD PTR [rsi]', code: [0x48, 0x8b, 0x0e], regs: ptrs, mem: [[SRC, MEMV, 8]], want: { [RCX]: MEMV } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
});

describe('mov immediate (C6 C7 B0+r B8+r)', () => {
  const cases: Case[] = [
    { asm: 'mov BYTE PTR [rdi], 0x85', code: [0xc6, 0x07, 0x85], regs: ptrs, wantMem: [[DST, 0x85n, 8]] },
    { asm: 'mov WORD PTR [rdi], 0x8485', code: [0x66, 0xc7, 0x07, 0x85, 0x84], regs: ptrs, wantMem: [[DST, 0x8485n, 8]] },
    { asm: 'mov DWORD PTR [rdi], 0x81828384', code: [0xc7, 0x07, 0x84, 0x83, 0x82, 0x81], regs: ptrs, wantMem: [[DST, 0x81828384n, 8]] },
    { asm: 'mov QWORD PTR [rdi], -2', code: [0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff], regs: ptrs, wantMem: [[DST, u64(-2n), 8]] },
    { asm: 'mov QWORD PTR [rdi], 0x7fffffff', code: [0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0x7f], regs: ptrs, wantMem: [[DST, 0x7fffffffn, 8]] },
    { asm: 'mov bl, 0x7f (C6 /0 register form)', code: [0xc6, 0xc3, 0x7f], want: { [RBX]: w8(P(RBX), 0x7fn) } },
    { asm: 'mov ebx, 0 (C7 /0 register form)', code: [0xc7, 0xc3, 0, 0, 0, 0], want: { [RBX]: 0n } },
    { asm: 'mov bx, 0x8001 (66 C7)', code: [0x66, 0xc7, 0xc3, 0x01, 0x80], want: { [RBX]: w16(P(RBX), 0x8001n) } },
    { asm: 'mov rbx, 0xfffffffffffffffb', code: [0x48, 0xc7, 0xc3, 0xfb, 0xff, 0xff, 0xff], want: { [RBX]: u64(-5n) } },
    { asm: 'mov r14, 0x12345678', code: [0x49, 0xc7, 0xc6, 0x78, 0x56, 0x34, 0x12], want: { [R14]: 0x12345678n } },
    { asm: 'mov bl, 0x80', code: [0xb3, 0x80], want: { [RBX]: w8(P(RBX), 0x80n) } },
    { asm: 'mov ah, 0x9a', code: [0xb4, 0x9a], want: { [RAX]: w8h(P(RAX), 0x9an) } },
    { asm: 'mov spl, 0x9b (REX: B4 is SPL)', code: [0x40, 0xb4, 0x9b], regs: { [RSP]: P(RSP) }, want: { [RSP]: w8(P(RSP), 0x9bn) } },
    { asm: 'mov r13b, 0x9c', code: [0x41, 0xb5, 0x9c], want: { [R13]: w8(P(R13), 0x9cn) } },
    { asm: 'mov cx, 0xfedc', code: [0x66, 0xb9, 0xdc, 0xfe], want: { [RCX]: w16(P(RCX), 0xfedcn) } },
    { asm: 'mov ecx, 0x89abcdef', code: [0xb9, 0xef, 0xcd, 0xab, 0x89], want: { [RCX]: 0x89abcdefn } },
    { asm: 'movabs rcx, 0x8123456789abcdef', code: [0x48, 0xb9, 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x81], want: { [RCX]: 0x8123456789abcdefn } },
    { asm: 'mov ebx, 0xffffffff', code: [0xbb, 0xff, 0xff, 0xff, 0xff], want: { [RBX]: 0xffffffffn } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
  it('C6/C7 with a /digit other than 0 is #UD', () => {
    runFault([0xc6, 0xc8, 0x00], UD, 0); // c6 /1
    runFault([0xc7, 0x07 | (3 << 3), 0, 0, 0, 0], UD, 0); // c7 /3 [rdi]
  });
});

describe('mov moffs (A0–A3)', () => {
  const M = DATA + 0x10, W = DATA + 0x20;
  const abs = (a: number): number[] => [a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, (a >>> 24) & 0xff, 0, 0, 0, 0];
  const mem = [[M, MEMV, 8]] as const;
  const cases: Case[] = [
    { asm: 'movabs al, ds:0x200010', code: [0xa0, ...abs(M)], mem, want: { [RAX]: w8(P(RAX), MEMV) } },
    { asm: 'movabs ax, ds:0x200010', code: [0x66, 0xa1, ...abs(M)], mem, want: { [RAX]: w16(P(RAX), MEMV) } },
    { asm: 'movabs eax, ds:0x200010', code: [0xa1, ...abs(M)], mem, want: { [RAX]: w32(MEMV) } },
    { asm: 'movabs rax, ds:0x200010', code: [0x48, 0xa1, ...abs(M)], mem, want: { [RAX]: MEMV } },
    { asm: 'movabs ds:0x200020, al', code: [0xa2, ...abs(W)], wantMem: [[W, P(RAX) & 0xffn, 8]] },
    { asm: 'movabs ds:0x200020, ax', code: [0x66, 0xa3, ...abs(W)], wantMem: [[W, P(RAX) & 0xffffn, 8]] },
    { asm: 'movabs ds:0x200020, eax', code: [0xa3, ...abs(W)], wantMem: [[W, P(RAX) & 0xffffffffn, 8]] },
    { asm: 'movabs ds:0x200020, rax', code: [0x48, 0xa3, ...abs(W)], wantMem: [[W, P(RAX), 8]] },
    { asm: 'addr32 mov eax, ds:0x200010', code: [0x67, 0xa1, ...abs(M).slice(0, 4)], mem, want: { [RAX]: w32(MEMV) } },
    { asm: 'addr32 mov ds:0x200020, rax', code: [0x67, 0x48, 0xa3, ...abs(W).slice(0, 4)], wantMem: [[W, P(RAX), 8]] },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
  it('adds the FS/GS base: movabs rax, fs:0x10 / gs:0x10', () => {
    // 64 48 a1 10 00 00 00 00 00 00 00   movabs rax,fs:0x10
    // 65 48 a1 10 00 00 00 00 00 00 00   movabs rax,gs:0x10
    const code = [0x64, 0x48, 0xa1, ...abs(0x10), 0x48, 0x89, 0xc3, 0x65, 0x48, 0xa1, ...abs(0x10)];
    const cpu = run(code, (m) => {
      m.seg[SEG_FS].base = DATA;
      m.seg[SEG_GS].base = DATA + 8;
      poke(m, DATA + 0x10, 0x1111n);
      poke(m, DATA + 0x18, 0x2222n);
    });
    expect(get(cpu, RBX)).toBe(0x1111n);
    expect(get(cpu, RAX)).toBe(0x2222n);
  });
  it('a non-canonical moffs is #GP(0): movabs rax, ds:0x800000000000', () => {
    const cpu = runFault([0x48, 0xa1, 0, 0, 0, 0, 0, 0x80, 0, 0], GP, 0);
    expect(cpu.exit.errorCode).toBe(0);
    expect(get(cpu, RAX)).toBe(0n);
  });
});

describe('mov r/m, Sreg (8C)', () => {
  // The test machine's data selectors are 0x10, CS is 0x08; FS gets 0x1b here.
  const setFs = (cpu: Cpu): void => {
    cpu.seg[SEG_FS].selector = 0x1b;
  };
  it('zero-extends into a 32/64-bit register and merges into a 16-bit one', () => {
    // 8c d8 mov eax,ds | 66 8c e3 mov bx,fs | 48 8c e9 mov rcx,gs | 8c ca mov edx,cs | 41 8c d1 mov r9d,ss
    const cpu = run([0x8c, 0xd8, 0x66, 0x8c, 0xe3, 0x48, 0x8c, 0xe9, 0x8c, 0xca, 0x41, 0x8c, 0xd1], (m) => {
      for (let n = 0; n < 16; n++) if (n !== RSP) set(m, n, pat(n));
      setFs(m);
    });
    expect(get(cpu, RAX)).toBe(0x10n);
    expect(get(cpu, RBX)).toBe(w16(pat(RBX), 0x1bn));
    expect(get(cpu, RCX)).toBe(0x10n);
    expect(get(cpu, RDX)).toBe(0x08n);
    expect(get(cpu, R9)).toBe(0x10n);
  });
  it('stores 16 bits to memory: mov WORD PTR [rdi], fs', () => {
    // 8c 27   mov WORD PTR [rdi],fs
    const cpu = run([0x8c, 0x27], (m) => {
      set(m, RDI, BigInt(DST));
      poke(m, DST, u64(-1n));
      setFs(m);
    });
    expect(peek(cpu, DST)).toBe(0xffffffffffff001bn);
  });
  it('sreg 6 and 7 are #UD', () => {
    runFault([0x8c, 0xf0], UD, 0);
    runFault([0x8c, 0xf8], UD, 0);
  });
});

describe('movzx / movsx / movsxd', () => {
  const B = 0x85n, W = 0x8765n, D = 0x87654321n; // sign bits set
  const lo = { [RAX]: 0x1234567887654385n, [R9]: 0x85n, ...ptrs };
  const memB = [[SRC, 0xffff87654385n, 8]] as const; // byte 0x85, word 0x4385, dword 0x87654385
  const cases: Case[] = [
    { asm: 'movzx bx, al', code: [0x66, 0x0f, 0xb6, 0xd8], regs: lo, want: { [RBX]: w16(P(RBX), B) } },
    { asm: 'movzx ebx, ah', code: [0x0f, 0xb6, 0xdc], regs: lo, want: { [RBX]: 0x43n } },
    { asm: 'movzx rbx, r9b', code: [0x49, 0x0f, 0xb6, 0xd9], regs: lo, want: { [RBX]: B } },
    { asm: 'movzx bx, BYTE PTR [rsi]', code: [0x66, 0x0f, 0xb6, 0x1e], regs: lo, mem: memB, want: { [RBX]: w16(P(RBX), B) } },
    { asm: 'movzx ebx, BYTE PTR [rsi]', code: [0x0f, 0xb6, 0x1e], regs: lo, mem: memB, want: { [RBX]: B } },
    { asm: 'movzx rbx, BYTE PTR [rsi]', code: [0x48, 0x0f, 0xb6, 0x1e], regs: lo, mem: memB, want: { [RBX]: B } },
    { asm: 'movzx ebx, ax', code: [0x0f, 0xb7, 0xd8], regs: lo, want: { [RBX]: 0x4385n } },
    { asm: 'movzx rbx, WORD PTR [rsi]', code: [0x48, 0x0f, 0xb7, 0x1e], regs: lo, mem: [[SRC, W, 8]], want: { [RBX]: W } },
    { asm: 'movzx bx, ax', code: [0x66, 0x0f, 0xb7, 0xd8], regs: lo, want: { [RBX]: w16(P(RBX), 0x4385n) } },
    { asm: 'movsx bx, al', code: [0x66, 0x0f, 0xbe, 0xd8], regs: lo, want: { [RBX]: w16(P(RBX), sx(B, 8)) } },
    { asm: 'movsx ebx, ah', code: [0x0f, 0xbe, 0xdc], regs: lo, want: { [RBX]: 0x43n } },
    { asm: 'movsx rbx, r9b', code: [0x49, 0x0f, 0xbe, 0xd9], regs: lo, want: { [RBX]: sx(B, 8) } },
    { asm: 'movsx bx, BYTE PTR [rsi]', code: [0x66, 0x0f, 0xbe, 0x1e], regs: lo, mem: memB, want: { [RBX]: w16(P(RBX), sx(B, 8)) } },
    { asm: 'movsx ebx, BYTE PTR [rsi]', code: [0x0f, 0xbe, 0x1e], regs: lo, mem: memB, want: { [RBX]: w32(sx(B, 8)) } },
    { asm: 'movsx rbx, BYTE PTR [rsi]', code: [0x48, 0x0f, 0xbe, 0x1e], regs: lo, mem: memB, want: { [RBX]: sx(B, 8) } },
    { asm: 'movsx ebx, ax', code: [0x0f, 0xbf, 0xd8], regs: { [RAX]: W }, want: { [RBX]: w32(sx(W, 16)) } },
    { asm: 'movsx rbx, WORD PTR [rsi]', code: [0x48, 0x0f, 0xbf, 0x1e], regs: ptrs, mem: [[SRC, W, 8]], want: { [RBX]: sx(W, 16) } },
    { asm: 'movsx ebx, WORD PTR [rsi] (positive)', code: [0x0f, 0xbf, 0x1e], regs: ptrs, mem: [[SRC, 0x7fffn, 8]], want: { [RBX]: 0x7fffn } },
    { asm: 'movsx bx, ax', code: [0x66, 0x0f, 0xbf, 0xd8], regs: { [RAX]: W }, want: { [RBX]: w16(P(RBX), W) } },
    { asm: 'movsxd rbx, eax', code: [0x48, 0x63, 0xd8], regs: { [RAX]: D }, want: { [RBX]: sx(D, 32) } },
    { asm: 'movsxd rbx, eax (positive)', code: [0x48, 0x63, 0xd8], regs: { [RAX]: 0xffffffff7fffffffn }, want: { [RBX]: 0x7fffffffn } },
    { asm: 'movsxd rbx, DWORD PTR [rsi]', code: [0x48, 0x63, 0x1e], regs: ptrs, mem: [[SRC, D, 8]], want: { [RBX]: sx(D, 32) } },
    // Without REX.W: a plain 32-bit move (zero-extended); with 66, a 16-bit move (merge) — as the host CPU does.
    { asm: 'movsxd ebx, eax', code: [0x63, 0xd8], regs: { [RAX]: D }, want: { [RBX]: D } },
    { asm: 'movsxd ebx, DWORD PTR [rsi]', code: [0x63, 0x1e], regs: ptrs, mem: [[SRC, D, 8]], want: { [RBX]: D } },
    { asm: 'movsxd bx, eax', code: [0x66, 0x63, 0xd8], regs: { [RAX]: D }, want: { [RBX]: w16(P(RBX), D) } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
});

describe('lea (8D)', () => {
  // Reference: the effective address modulo 2^asz, then truncated to the operand size.
  const A = 0x00007ffffffffff0n, C = 0x0000000080000001n;
  const r = { [RAX]: A, [RCX]: C, [R12]: 0xffffffff80000000n, [R13]: 0x40000000n };
  const next = (off: number, len: number): bigint => BigInt(CODE + off + len);
  const cases: Case[] = [
    { asm: 'lea rbx, [rax+0x8]', code: [0x48, 0x8d, 0x58, 0x08], regs: r, want: { [RBX]: u64(A + 8n) } },
    { asm: 'lea rbx, [rax-0x8]', code: [0x48, 0x8d, 0x58, 0xf8], regs: { [RAX]: 4n }, want: { [RBX]: u64(-4n) } },
    { asm: 'lea rbx, [rax+0x8] (carry into bit 32)', code: [0x48, 0x8d, 0x58, 0x08], regs: { [RAX]: 0xfffffff8n }, want: { [RBX]: 0x100000000n } },
    { asm: 'lea rbx, [rax-0x8] (borrow from bit 32)', code: [0x48, 0x8d, 0x58, 0xf8], regs: { [RAX]: 0x100000004n }, want: { [RBX]: 0xfffffffcn } },
    { asm: 'lea rbx, [rax+rcx*4+0x10]', code: [0x48, 0x8d, 0x5c, 0x88, 0x10], regs: r, want: { [RBX]: u64(A + C * 4n + 0x10n) } },
    { asm: 'lea rbx, [rcx*8+0x0]', code: [0x48, 0x8d, 0x1c, 0xcd, 0, 0, 0, 0], regs: r, want: { [RBX]: C * 8n } },
    { asm: 'lea rbx, [rip+0x100]', code: [0x48, 0x8d, 0x1d, 0x00, 0x01, 0, 0], want: { [RBX]: next(0, 7) + 0x100n } },
    { asm: 'lea rbx, [rip-0x100]', code: [0x48, 0x8d, 0x1d, 0x00, 0xff, 0xff, 0xff], want: { [RBX]: next(0, 7) - 0x100n } },
    { asm: 'lea rbx, [r12+r13*2+0x7fffffff] (wraps at 2^64)', code: [0x4b, 0x8d, 0x9c, 0x6c, 0xff, 0xff, 0xff, 0x7f], regs: r, want: { [RBX]: u64(0xffffffff80000000n + 0x80000000n + 0x7fffffffn) } },
    { asm: 'lea rbx, [rbp+0x0] (no fault, any value)', code: [0x48, 0x8d, 0x5d, 0x00], regs: { [5]: 0x8000000000000000n }, want: { [RBX]: 0x8000000000000000n } },
    { asm: 'lea rbx, fs:[rax+0x8] (segment ignored)', code: [0x64, 0x48, 0x8d, 0x58, 0x08], regs: r, want: { [RBX]: u64(A + 8n) } },
    { asm: 'lea rbx, ds:0x12345678', code: [0x48, 0x8d, 0x1c, 0x25, 0x78, 0x56, 0x34, 0x12], want: { [RBX]: 0x12345678n } },
    { asm: 'lea ebx, [rax+rcx*2-0x1]', code: [0x8d, 0x5c, 0x48, 0xff], regs: r, want: { [RBX]: w32(A + C * 2n - 1n) } },
    { asm: 'lea bx, [rax+rcx*1]', code: [0x66, 0x8d, 0x1c, 0x08], regs: r, want: { [RBX]: w16(P(RBX), A + C) } },
    { asm: 'lea ebx, [eax+ecx*1]', code: [0x67, 0x8d, 0x1c, 0x08], regs: r, want: { [RBX]: w32(A + C) } },
    { asm: 'lea rbx, [eax+ecx*8+0x4] (67: 32-bit address, zero-extended)', code: [0x67, 0x48, 0x8d, 0x5c, 0xc8, 0x04], regs: r, want: { [RBX]: w32(A + C * 8n + 4n) } },
    { asm: 'lea ebx, [rip+0x10]', code: [0x8d, 0x1d, 0x10, 0, 0, 0], want: { [RBX]: next(0, 6) + 0x10n } },
    { asm: 'lea ebx, [eip+0x10]', code: [0x67, 0x8d, 0x1d, 0x10, 0, 0, 0], want: { [RBX]: next(0, 7) + 0x10n } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
  it('the register form is #UD', () => void runFault([0x8d, 0xc0], UD, 0));
});

describe('xchg (86 87 90+r)', () => {
  const X = 0x1122334455667788n;
  const cases: Case[] = [
    { asm: 'xchg bl, al', code: [0x86, 0xc3], want: { [RBX]: w8(P(RBX), P(RAX)), [RAX]: w8(P(RAX), P(RBX)) } },
    { asm: 'xchg ah, bl', code: [0x86, 0xdc], want: { [RBX]: w8(P(RBX), P(RAX) >> 8n), [RAX]: w8h(P(RAX), P(RBX)) } },
    { asm: 'xchg BYTE PTR [rdi], cl', code: [0x86, 0x0f], regs: ptrs, mem: [[DST, X, 8]], want: { [RCX]: w8(P(RCX), X) }, wantMem: [[DST, w8(X, P(RCX)), 8]] },
    { asm: 'xchg bx, cx', code: [0x66, 0x87, 0xcb], want: { [RBX]: w16(P(RBX), P(RCX)), [RCX]: w16(P(RCX), P(RBX)) } },
    { asm: 'xchg ebx, ecx', code: [0x87, 0xcb], want: { [RBX]: w32(P(RCX)), [RCX]: w32(P(RBX)) } },
    { asm: 'xchg rbx, rcx', code: [0x48, 0x87, 0xcb], want: { [RBX]: P(RCX), [RCX]: P(RBX) } },
    { asm: 'xchg WORD PTR [rdi], cx', code: [0x66, 0x87, 0x0f], regs: ptrs, mem: [[DST, X, 8]], want: { [RCX]: w16(P(RCX), X) }, wantMem: [[DST, w16(X, P(RCX)), 8]] },
    { asm: 'xchg DWORD PTR [rdi], ecx', code: [0x87, 0x0f], regs: ptrs, mem: [[DST, X, 8]], want: { [RCX]: w32(X) }, wantMem: [[DST, (X & ~0xffffffffn) | w32(P(RCX)), 8]] },
    { asm: 'xchg QWORD PTR [rdi], rcx', code: [0x48, 0x87, 0x0f], regs: ptrs, mem: [[DST, X, 8]], want: { [RCX]: X }, wantMem: [[DST, P(RCX), 8]] },
    { asm: 'lock xchg QWORD PTR [rdi], rcx', code: [0xf0, 0x48, 0x87, 0x0f], regs: ptrs, mem: [[DST, X, 8]], want: { [RCX]: X }, wantMem: [[DST, P(RCX), 8]] },
    { asm: 'xchg ebx, eax', code: [0x93], want: { [RBX]: w32(P(RAX)), [RAX]: w32(P(RBX)) } },
    { asm: 'xchg bx, ax', code: [0x66, 0x93], want: { [RBX]: w16(P(RBX), P(RAX)), [RAX]: w16(P(RAX), P(RBX)) } },
    { asm: 'xchg rbx, rax', code: [0x48, 0x93], want: { [RBX]: P(RAX), [RAX]: P(RBX) } },
    { asm: 'xchg r8, rax', code: [0x49, 0x90], want: { [R8]: P(RAX), [RAX]: P(R8) } },
    { asm: 'xchg r8d, eax', code: [0x41, 0x90], want: { [R8]: w32(P(RAX)), [RAX]: w32(P(R8)) } },
    { asm: 'rex.B pause = xchg r8d, eax (as the host CPU does)', code: [0xf3, 0x41, 0x90], want: { [R8]: w32(P(RAX)), [RAX]: w32(P(R8)) } },
    { asm: 'nop (90 does not zero-extend EAX)', code: [0x90], want: {} },
    { asm: 'xchg ax, ax (66 90)', code: [0x66, 0x90], want: {} },
    { asm: 'rex.W nop (48 90)', code: [0x48, 0x90], want: {} },
    { asm: 'pause (f3 90)', code: [0xf3, 0x90], want: {} },
    { asm: 'xchg eax, eax (87 c0 zero-extends)', code: [0x87, 0xc0], want: { [RAX]: w32(P(RAX)) } },
  ];
  for (const c of cases) it(c.asm, () => void checkCase(c));
  it('a faulting xchg with memory changes nothing', () => {
    // 48 87 0f   xchg QWORD PTR [rdi],rcx   with [rdi] unmapped
    const cpu = runFault([0x48, 0x87, 0x0f], PF, 0, (m) => {
      set(m, RDI, 0x400000n);
      set(m, RCX, 5n);
      unmap2M(m, 0x400000);
    });
    expect(get(cpu, RCX)).toBe(5n);
    expect(cpu.exit.qual).toBe(0x400000);
  });
});

describe('cbw/cwde/cdqe, cwd/cdq/cqo (98 99)', () => {
  const values = [0n, 1n, 0x7fn, 0x80n, 0x7fffn, 0x8000n, 0x7fffffffn, 0x80000000n, 0x7fffffffffffffffn, 0x8000000000000000n, u64(-1n)];
  for (const v of values) {
    const a = 0xabcdef0000000000n | (v & 0xffffffffffn);
    const x = v > 0xffffffffn ? v : a;
    it(`rax = 0x${x.toString(16)}`, () => {
      // 66 98 cbw | 98 cwde | 48 98 cdqe | 66 99 cwd | 99 cdq | 48 99 cqo   (each on its own run)
      checkCase({ asm: 'cbw', code: [0x66, 0x98], regs: { [RAX]: x }, want: { [RAX]: w16(x, sx(x & 0xffn, 8)) } });
      checkCase({ asm: 'cwde', code: [0x98], regs: { [RAX]: x }, want: { [RAX]: w32(sx(x & 0xffffn, 16)) } });
      checkCase({ asm: 'cdqe', code: [0x48, 0x98], regs: { [RAX]: x }, want: { [RAX]: sx(x & 0xffffffffn, 32) } });
      const sign = (bits: number): bigint => ((x >> BigInt(bits - 1)) & 1n ? u64(-1n) : 0n);
      checkCase({ asm: 'cwd', code: [0x66, 0x99], regs: { [RAX]: x }, want: { [RDX]: w16(P(RDX), sign(16)) } });
      checkCase({ asm: 'cdq', code: [0x99], regs: { [RAX]: x }, want: { [RDX]: w32(sign(32)) } });
      checkCase({ asm: 'cqo', code: [0x48, 0x99], regs: { [RAX]: x }, want: { [RDX]: sign(64) } });
    });
  }
});

describe('NOPs, hints, fences, CLFLUSH, FSGSBASE', () => {
  const UNMAPPED = 0x400000;
  const nops: [string, number[]][] = [
    ['nop DWORD PTR [rax+rax*1]', [0x0f, 0x1f, 0x04, 0x00]],
    ['nop WORD PTR [rax+rax*1]', [0x66, 0x0f, 0x1f, 0x04, 0x00]],
    ['nop eax (0f 1f c0)', [0x0f, 0x1f, 0xc0]],
    ['nop DWORD PTR [rax+rax*1+0x0] (8 bytes)', [0x0f, 0x1f, 0x84, 0x00, 0, 0, 0, 0]],
    ['endbr64', [0xf3, 0x0f, 0x1e, 0xfa]],
    ['prefetcht0 BYTE PTR [rsi]', [0x0f, 0x18, 0x0e]],
    ['prefetchnta BYTE PTR [rsi]', [0x0f, 0x18, 0x06]],
    ['prefetchw BYTE PTR [rsi]', [0x0f, 0x0d, 0x0e]],
    ['hint nop 0f 19 /0', [0x0f, 0x19, 0x06]],
    ['lfence', [0x0f, 0xae, 0xe8]],
    ['mfence', [0x0f, 0xae, 0xf0]],
    ['sfence', [0x0f, 0xae, 0xf8]],
    ['lfence (0f ae ef)', [0x0f, 0xae, 0xef]],
  ];
  for (const [asm, code] of nops) {
    it(`${asm} changes nothing and never touches memory`, () => {
      // RSI and RAX point at an unmapped region: a memory access would fault.
      checkCase({ asm, code, regs: { [RSI]: BigInt(UNMAPPED), [RAX]: BigInt(UNMAPPED) }, mem: [] });
    });
  }
  it('clflush / clflushopt check the address like a byte load', () => {
    // 0f ae 3e clflush [rsi] | 66 0f ae 3e clflushopt [rsi]
    checkCase({ asm: 'clflush BYTE PTR [rsi]', code: [0x0f, 0xae, 0x3e], regs: ptrs });
    checkCase({ asm: 'clflushopt BYTE PTR [rsi]', code: [0x66, 0x0f, 0xae, 0x3e], regs: ptrs });
    const cpu = runFault([0x0f, 0xae, 0x3e], PF, 0, (m) => {
      set(m, RSI, BigInt(UNMAPPED + 5));
      unmap2M(m, UNMAPPED);
    });
    expect(cpu.exit.qual).toBe(UNMAPPED + 5);
    expect(cpu.exit.errorCode).toBe(0); // not present, read, supervisor
    runFault([0x0f, 0xae, 0x3e], GP, 0, (m) => set(m, RSI, 0x800000000000n));
  });
  it('the state-save forms of 0F AE are the xsave family (fxsave [rsi] stores FCW first); clwb [rsi] is #UD', () => {
    const cpu = run([0x0f, 0xae, 0x06], (m) => set(m, RSI, BigInt(SRC)));
    expect(cpu.mem.dv.getUint16(SRC, true)).toBe(0x037f);
    runFault([0x66, 0x0f, 0xae, 0x36], UD, 0, (m) => set(m, RSI, BigInt(SRC)));
  });
  it('fences with a mandatory prefix are #UD', () => void runFault([0x66, 0x0f, 0xae, 0xe8], UD, 0));
  it('rdfsbase/wrgsbase need CR4.FSGSBASE', () => {
    // f3 48 0f ae c0 rdfsbase rax | f3 0f ae cb rdgsbase ebx | f3 48 0f ae d1 wrfsbase rcx | f3 0f ae da wrgsbase edx
    const code = [0xf3, 0x48, 0x0f, 0xae, 0xc0, 0xf3, 0x0f, 0xae, 0xcb, 0xf3, 0x48, 0x0f, 0xae, 0xd1, 0xf3, 0x0f, 0xae, 0xda];
    runFault(code, UD, 0);
    const cpu = run(code, (m) => {
      m.cr4 |= 0x10000;
      m.seg[SEG_FS].base = -0x123456789;
      m.seg[SEG_GS].base = 0x7f0012345678;
      set(m, RCX, 0xffff800000001000n);
      set(m, RDX, 0xffffffff87654321n);
    });
    expect(get(cpu, RAX)).toBe(u64(-0x123456789n));
    expect(get(cpu, RBX)).toBe(0x12345678n);
    expect(cpu.seg[SEG_FS].base).toBe(-(2 ** 47) + 0x1000);
    expect(cpu.seg[SEG_GS].base).toBe(0x87654321);
    // wrfsbase with a non-canonical value: #GP(0)
    runFault([0xf3, 0x48, 0x0f, 0xae, 0xd1], GP, 0, (m) => {
      m.cr4 |= 0x10000;
      set(m, RCX, 0x800000000000n);
    });
  });
});

describe('LOCK and faults', () => {
  it('LOCK on a MOV or a register XCHG is #UD', () => {
    runFault([0xf0, 0x48, 0x89, 0x07], UD, 0); // lock mov [rdi], rax
    runFault([0xf0, 0x48, 0x87, 0xcb], UD, 0); // lock xchg rbx, rcx
  });
  it('a faulting load leaves the destination unchanged; #SS for an RSP base', () => {
    // 48 8b 0e   mov rcx,QWORD PTR [rsi]
    let cpu = runFault([0x48, 0x8b, 0x0e], PF, 0, (m) => {
      set(m, RSI, 0x400008n);
      set(m, RCX, 7n);
      unmap2M(m, 0x400000);
    });
    expect(get(cpu, RCX)).toBe(7n);
    expect(cpu.exit.qual).toBe(0x400008);
    // 48 8b 0c 24   mov rcx,QWORD PTR [rsp]   with RSP non-canonical
    cpu = runFault([0x48, 0x8b, 0x0c, 0x24], 12, 0, (m) => set(m, RSP, 0x0000800000000000n));
    expect(cpu.exit.errorCode).toBe(0);
  });
});

describe('cmovcc / setcc (0F 40–4F, 0F 90–9F), every condition', () => {
  const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
  const MV = 0x8877665544332211n;
  for (let cc = 0; cc < 16; cc++) {
    // The opcode's low nibble is the condition (shown for cc = 0, "o"):
    //   48 0f 40 d9    cmovo rbx,rcx            0f 40 d0       cmovo edx,eax
    //   66 0f 40 3e    cmovo di,WORD PTR [rsi]  4c 0f 40 06    cmovo r8,QWORD PTR [rsi]
    //   44 0f 40 0e    cmovo r9d,DWORD PTR [rsi]
    //   0f 90 c4       seto ah                  41 0f 90 c2    seto r10b
    //   0f 90 46 08    seto BYTE PTR [rsi+0x8]
    const code = [
      0x48, 0x0f, 0x40 + cc, 0xd9, 0x0f, 0x40 + cc, 0xd0, 0x66, 0x0f, 0x40 + cc, 0x3e, 0x4c, 0x0f, 0x40 + cc, 0x06,
      0x44, 0x0f, 0x40 + cc, 0x0e, 0x0f, 0x90 + cc, 0xc4, 0x41, 0x0f, 0x90 + cc, 0xc2, 0x0f, 0x90 + cc, 0x46, 0x08,
    ];
    it(`cmov${CC[cc]} / set${CC[cc]}`, () => {
      for (const flags of FLAG_CASES) {
        const t = condRef(flags, cc);
        const regs = { [RSI]: BigInt(SRC) };
        checkCase({
          asm: `cmov${CC[cc]}/set${CC[cc]} with flags 0x${flags.toString(16)}`,
          code, regs, flags: flags | 2, mem: [[SRC, MV, 8], [SRC + 8, 0xeeeeeeeeeeeeeeeen, 8]],
          want: {
            [RBX]: t ? P(RCX) : P(RBX),
            [RDX]: w32(t ? P(RAX) : P(RDX)), // 32-bit cmov zero-extends even when false
            [RDI]: t ? w16(P(RDI), MV) : P(RDI),
            [R8]: t ? MV : P(R8),
            [9]: w32(t ? MV : P(9)),
            [RAX]: w8h(P(RAX), t ? 1n : 0n),
            [R10]: w8(P(R10), t ? 1n : 0n),
          },
          wantMem: [[SRC + 8, 0xeeeeeeeeeeeeee00n | (t ? 1n : 0n), 8]],
        });
      }
    });
  }
  it('a memory cmov reads (and faults) even when the condition is false', () => {
    // 4c 0f 40 06   cmovo r8,QWORD PTR [rsi]   with OF = 0
    const cpu = runFault([0x4c, 0x0f, 0x40, 0x06], PF, 0, (m) => {
      set(m, RSI, 0x400000n);
      unmap2M(m, 0x400000);
      m.writeRflags(2);
    });
    expect(cpu.exit.qual).toBe(0x400000);
  });
  it('evaluates lazy flags (SUB state of a 64-bit cmp)', () => {
    // 0f 9c c0   setl al   0f 92 c1 setb cl   after "cmp" of -1 (dst) against 1 (src) at 64 bits
    const cpu = run([0x0f, 0x9c, 0xc0, 0x0f, 0x92, 0xc1], (m) => {
      setLazy(m.fl, SUB, 64, -2, -1, -1, -1, 1, 0);
    });
    expect(get(cpu, RAX) & 0xffn).toBe(1n); // -1 < 1 signed
    expect(get(cpu, RCX) & 0xffn).toBe(0n); // 0xffff…ff > 1 unsigned
  });
});
