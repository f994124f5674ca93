/**
 * Table-driven decoder tests: bytes → length and fields (SDM Vol. 2 §2.1–2.2:
 * prefixes, REX, ModR/M, SIB, displacement, immediates). Bytes come from
 * `as --64` (Intel syntax) unless marked "hand-encoded"; the expected fields
 * follow from the encoding rules, not from our output.
 */
import { describe, expect, it } from 'vitest';
import { decodeBytes, MAX_INSN_LEN } from '../../src/emu/decode.ts';
import { bindInsn, UD_HANDLER } from '../../src/emu/dispatch.ts';
import { EXIT_EXCEPTION } from '../../src/emu/exits.ts';
import { GP, GuestFault, UD } from '../../src/emu/fault.ts';
import { HIGH_BYTE, Insn, SEG_DS, SEG_FS, SEG_GS } from '../../src/emu/insn.ts';
import { CODE, makeMachine } from './machine.ts';

const bytes = (s: string) => s.trim().split(/\s+/).map((h) => parseInt(h, 16));
const AH = HIGH_BYTE | 0, BH = HIGH_BYTE | 3, DH = HIGH_BYTE | 2;
const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7, R8 = 8, R9 = 9, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

type Fields = Partial<Pick<Insn,
  'len' | 'map' | 'op' | 'osz' | 'asz' | 'rep' | 'lock' | 'seg' | 'rex' | 'rexW' | 'regForm' | 'reg' | 'digit' | 'rm' | 'reg8' | 'rm8' |
  'base' | 'index' | 'scale' | 'disp' | 'ripRel' | 'imm' | 'immHi' | 'imm2' | 'opReg' | 'hasModrm'>>;

function fields(i: Insn): Fields {
  const { len, map, op, osz, asz, rep, lock, seg, rex, rexW, regForm, reg, digit, rm, reg8, rm8, base, index, scale, disp, ripRel, imm, immHi, imm2, opReg, hasModrm } = i;
  return { len, map, op, osz, asz, rep, lock, seg, rex, rexW, regForm, reg, digit, rm, reg8, rm8, base, index, scale, disp, ripRel, imm, immHi, imm2, opReg, hasModrm };
}

// [bytes, Intel syntax, expected fields]
const IMMEDIATES: [string, string, Fields][] = [
  ['04 7f', 'add al, 0x7f (Ib)', { len: 2, op: 0x04, imm: 0x7f, immHi: 0 }],
  ['05 80 00 00 00', 'add eax, 0x80 (Iz, 32-bit)', { len: 5, osz: 4, imm: 0x80, immHi: 0 }],
  ['66 05 34 12', 'add ax, 0x1234 (Iz with 66: imm16)', { len: 4, osz: 2, imm: 0x1234 }],
  ['48 83 c0 fe', 'add rax, -2 (Ib sign-extended)', { len: 4, osz: 8, rexW: true, regForm: true, rm: RAX, digit: 0, imm: -2, immHi: -1 }],
  ['80 00 80', 'add byte ptr [rax], 0x80', { len: 3, imm: -128, base: RAX, regForm: false }],
  ['81 03 78 56 34 12', 'add dword ptr [rbx], 0x12345678', { len: 6, imm: 0x12345678, immHi: 0, base: RBX }],
  ['66 81 01 34 12', 'add word ptr [rcx], 0x1234', { len: 5, osz: 2, imm: 0x1234, base: RCX }],
  ['48 83 02 ff', 'add qword ptr [rdx], -1', { len: 4, osz: 8, imm: -1, immHi: -1, base: RDX }],
  ['83 06 80', 'add dword ptr [rsi], -128', { len: 3, imm: -128, immHi: -1, base: RSI }],
  ['48 81 c0 00 00 00 80', 'add rax, -0x80000000 (Iz sign-extended to 64)', { len: 7, imm: -0x80000000, immHi: -1 }],
  ['6a 12', 'push 0x12', { len: 2, imm: 0x12 }],
  ['68 78 56 34 12', 'push 0x12345678', { len: 5, imm: 0x12345678 }],
  ['66 68 34 12', 'pushw 0x1234', { len: 4, osz: 2, imm: 0x1234 }],
  ['b0 ff', 'mov al, 0xff (opcode register 0)', { len: 2, opReg: 0, imm: -1 }],
  ['b4 01', 'mov ah, 1 (opcode register 4, no REX)', { len: 2, opReg: 4, rex: false }],
  ['40 b4 01', 'mov spl, 1 (opcode register 4 with REX)', { len: 3, opReg: 4, rex: true }],
  ['41 b1 02', 'mov r9b, 2 (REX.B)', { len: 3, opReg: R9 }],
  ['66 b8 ef be', 'mov ax, 0xbeef (Iv 16)', { len: 4, osz: 2, imm: 0xbeef }],
  ['b8 ef be ad de', 'mov eax, 0xdeadbeef (Iv 32, not sign-extended)', { len: 5, osz: 4, imm: 0xdeadbeef | 0, immHi: 0 }],
  ['48 b8 88 77 66 55 44 33 22 11', 'movabs rax, 0x1122334455667788 (Iv 64)', { len: 10, osz: 8, imm: 0x55667788, immHi: 0x11223344 }],
  ['49 bf 88 77 66 55 44 33 22 11', 'movabs r15, 0x1122334455667788', { len: 10, opReg: R15, imm: 0x55667788, immHi: 0x11223344 }],
  ['a0 88 77 66 55 44 33 22 11', 'movabs al, [0x1122334455667788] (moffs64)', { len: 9, hasModrm: false, imm: 0x55667788, immHi: 0x11223344 }],
  ['67 a1 78 56 34 12', 'mov eax, [0x12345678] (moffs32 with 67, hand-encoded)', { len: 6, asz: 4, imm: 0x12345678, immHi: 0 }],
  ['c2 10 00', 'ret 0x10 (Iw)', { len: 3, imm: 0x10 }],
  ['c2 00 80', 'ret 0x8000 (Iw zero-extended, hand-encoded)', { len: 3, imm: 0x8000 }],
  ['c8 34 12 05', 'enter 0x1234, 5 (Iw, Ib)', { len: 4, imm: 0x1234, imm2: 5 }],
  ['cd 80', 'int 0x80 (Ib zero-extended)', { len: 2, imm: 0x80 }],
  ['e4 80', 'in al, 0x80 (port zero-extended)', { len: 2, imm: 0x80 }],
  ['e6 e9', 'out 0xe9, al', { len: 2, imm: 0xe9 }],
  ['eb 0e', 'jmp short +0x10', { len: 2, imm: 0x0e, osz: 8 }],
  ['eb 80', 'jmp short -0x7e', { len: 2, imm: -128 }],
  ['e8 fb 00 00 00', 'call +0x100', { len: 5, imm: 0xfb, osz: 8 }],
  ['66 e8 fb 00 00 00', 'call with 66: rel32 and 64-bit operand size (Intel; hand-encoded)', { len: 6, imm: 0xfb, osz: 8 }],
  ['66 e9 00 00 00 80', 'jmp with 66 (Intel ignores it; hand-encoded)', { len: 6, imm: -0x80000000, osz: 8 }],
  ['75 00', 'jne +2', { len: 2, imm: 0 }],
  ['0f 84 fa 0f 00 00', 'je +0x1000 (0F 84 rel32)', { len: 6, map: 1, op: 0x84, imm: 0xffa, osz: 8 }],
  ['a8 80', 'test al, 0x80', { len: 2, imm: -128 }],
  ['a9 78 56 34 12', 'test eax, 0x12345678', { len: 5, imm: 0x12345678 }],
  ['f6 00 80', 'test byte ptr [rax], 0x80 (grp3 /0 has Ib)', { len: 3, digit: 0, imm: -128 }],
  ['66 f7 00 34 12', 'test word ptr [rax], 0x1234 (grp3 /0 Iz)', { len: 5, osz: 2, imm: 0x1234 }],
  ['f6 10', 'not byte ptr [rax] (grp3 /2: no immediate)', { len: 2, digit: 2, imm: 0 }],
  ['f7 d8', 'neg eax', { len: 2, digit: 3, regForm: true, rm: RAX }],
  ['6b c3 7f', 'imul eax, ebx, 0x7f', { len: 3, reg: RAX, rm: RBX, imm: 0x7f }],
  ['48 69 c3 78 56 34 12', 'imul rax, rbx, 0x12345678', { len: 7, osz: 8, imm: 0x12345678 }],
  ['0f a4 d8 05', 'shld eax, ebx, 5', { len: 4, map: 1, op: 0xa4, reg: RBX, rm: RAX, imm: 5 }],
  ['0f ba e0 1f', 'bt eax, 31 (grp8 /4)', { len: 4, digit: 4, imm: 31 }],
  ['c1 e0 05', 'shl eax, 5', { len: 3, digit: 4, imm: 5 }],
  ['d1 e0', 'shl eax, 1 (count implied)', { len: 2, digit: 4, imm: 0 }],
];

const MODRM: [string, string, Fields][] = [
  ['8b 00', 'mov eax, [rax]', { len: 2, base: RAX, index: -1, disp: 0, ripRel: false }],
  ['8b 04 24', 'mov eax, [rsp] (SIB, index 100 = none)', { len: 3, base: RSP, index: -1 }],
  ['8b 45 00', 'mov eax, [rbp+0] (rbp base needs disp8)', { len: 3, base: RBP, disp: 0 }],
  ['41 8b 04 24', 'mov eax, [r12] (r12 base needs SIB)', { len: 4, base: R12, index: -1 }],
  ['41 8b 45 00', 'mov eax, [r13+0] (r13 base needs disp8)', { len: 4, base: R13, disp: 0 }],
  ['8b 04 98', 'mov eax, [rax+rbx*4]', { len: 3, base: RAX, index: RBX, scale: 2 }],
  ['8b 44 d8 7f', 'mov eax, [rax+rbx*8+0x7f]', { len: 4, base: RAX, index: RBX, scale: 3, disp: 0x7f }],
  ['8b 44 58 80', 'mov eax, [rax+rbx*2-0x80] (disp8 sign-extended)', { len: 4, scale: 1, disp: -128 }],
  ['8b 84 18 78 56 34 12', 'mov eax, [rax+rbx+0x12345678]', { len: 7, scale: 0, disp: 0x12345678 }],
  ['8b 84 18 00 00 00 80', 'mov eax, [rax+rbx-0x80000000] (hand-encoded)', { len: 7, disp: -0x80000000 }],
  ['8b 04 9d 00 10 00 00', 'mov eax, [rbx*4+0x1000] (SIB without base: disp32)', { len: 7, base: -1, index: RBX, scale: 2, disp: 0x1000 }],
  ['8b 04 25 78 56 34 12', 'mov eax, [0x12345678] (SIB: no base, no index)', { len: 7, base: -1, index: -1, disp: 0x12345678, ripRel: false }],
  ['41 8b 04 25 78 56 34 12', 'mov eax, [0x12345678] (SIB base 101 with REX.B and mod 00: still no base; hand-encoded)', { len: 8, base: -1, index: -1, disp: 0x12345678 }],
  ['42 8b 04 64', 'mov eax, [rsp+r12*2] (REX.X makes index 12 valid)', { len: 4, base: RSP, index: R12, scale: 1 }],
  ['42 8b 04 24', 'mov eax, [rsp+r12] (REX.X with index bits 100; hand-encoded)', { len: 4, base: RSP, index: R12 }],
  ['43 8b 04 24', 'mov eax, [r12+r12]', { len: 4, base: R12, index: R12 }],
  ['8b 44 c5 00', 'mov eax, [rbp+rax*8+0] (SIB base rbp with mod 01)', { len: 4, base: RBP, index: RAX, scale: 3, disp: 0 }],
  ['43 8b 44 ad 00', 'mov eax, [r13+r13*4+0]', { len: 5, base: R13, index: R13, scale: 2 }],
  ['8b 05 10 00 00 00', 'mov eax, [rip+0x10]', { len: 6, ripRel: true, base: -1, index: -1, disp: 0x10 }],
  ['41 8b 05 10 00 00 00', 'mov eax, [rip+0x10] (REX.B does not affect RIP-relative; hand-encoded)', { len: 7, ripRel: true, disp: 0x10 }],
  ['80 3d 00 00 00 00 01', 'cmp byte ptr [rip+0], 1 (RIP-relative then imm8)', { len: 7, ripRel: true, disp: 0, imm: 1 }],
  ['67 8b 00', 'mov eax, [eax] (67: 32-bit addressing)', { len: 3, asz: 4, base: RAX }],
  ['67 8b 44 8b 08', 'mov eax, [ebx+ecx*4+8]', { len: 5, asz: 4, base: RBX, index: RCX, scale: 2, disp: 8 }],
  ['67 8b 05 10 00 00 00', 'mov eax, [eip+0x10]', { len: 7, asz: 4, ripRel: true, disp: 0x10 }],
  ['64 8b 04 25 28 00 00 00', 'mov eax, fs:[0x28]', { len: 8, seg: SEG_FS, base: -1, disp: 0x28 }],
  ['65 48 8b 00', 'mov rax, gs:[rax]', { len: 4, seg: SEG_GS, osz: 8 }],
  ['3e 8b 00', 'mov eax, ds:[rax] (ignored in 64-bit mode, recorded)', { len: 3, seg: SEG_DS }],
  ['64 3e 8b 00', 'mov eax, fs:[rax] (a later DS does not replace FS; hand-encoded)', { len: 4, seg: SEG_FS }],
  ['64 65 8b 00', 'mov eax, gs:[rax] (the last of FS/GS wins; hand-encoded)', { len: 4, seg: SEG_GS }],
  ['45 89 c8', 'mov r8d, r9d', { len: 3, regForm: true, reg: R9, rm: R8 }],
  ['4f 8b 24 f7', 'mov r12, [r15+r14*8]', { len: 4, osz: 8, reg: R12, base: R15, index: R14, scale: 3 }],
  ['88 fe', 'mov dh, bh (no REX: 6/7 are DH/BH)', { len: 2, reg8: BH, rm8: DH, reg: 7, rm: 6 }],
  ['40 88 fe', 'mov sil, dil (REX: 6/7 are SIL/DIL)', { len: 3, reg8: RDI, rm8: RSI, rex: true }],
  ['88 e0', 'mov al, ah (hand-encoded)', { len: 2, reg8: AH, rm8: RAX }],
  ['40 88 e0', 'mov al, spl (hand-encoded)', { len: 3, reg8: RSP, rm8: RAX }],
  ['0f b6 c4', 'movzx eax, ah', { len: 3, map: 1, op: 0xb6, reg: RAX, rm8: AH }],
  ['44 0f b6 c6', 'movzx r8d, sil', { len: 4, reg: R8, rm8: RSI }],
  ['0f 20 c0', 'mov rax, cr0', { len: 3, map: 1, op: 0x20, regForm: true, reg: 0, rm: RAX }],
  ['0f 22 18', 'mov cr3, rax (mod bits ignored: still a register; hand-encoded)', { len: 3, regForm: true, reg: 3, rm: RAX }],
  ['0f 21 7a', 'mov rdx, dr7 (mod 01 ignored: no displacement; hand-encoded)', { len: 3, regForm: true, reg: 7, rm: RDX }],
];

const PREFIXES: [string, string, Fields][] = [
  ['48 66 89 c0', 'REX before a legacy prefix is ignored: mov ax, ax (hand-encoded)', { len: 4, rex: false, rexW: false, osz: 2 }],
  ['66 48 89 c0', 'REX.W beats 66: mov rax, rax (hand-encoded)', { len: 4, rex: true, rexW: true, osz: 8 }],
  ['41 40 88 c0', 'only the last REX counts: mov al, al (hand-encoded)', { len: 4, rex: true, rm: 0, reg: 0 }],
  ['40 f2 88 e0', 'REX cancelled by F2: mov al, ah (hand-encoded)', { len: 4, rex: false, reg8: AH }],
  ['f0 01 18', 'lock add [rax], ebx', { len: 3, lock: true }],
  ['f3 a4', 'rep movsb', { len: 2, rep: 0xf3 }],
  ['f2 ae', 'repne scasb', { len: 2, rep: 0xf2 }],
  ['f2 f3 a4', 'the last of F2/F3 wins (hand-encoded)', { len: 3, rep: 0xf3 }],
  ['41 90', 'xchg r8d, eax (90 with REX.B)', { len: 2, opReg: R8 }],
  ['66 ff d0', 'call ax → call rax: FF /2 is f64 (Intel; hand-encoded)', { len: 3, digit: 2, osz: 8 }],
  ['66 ff 20', 'jmp [rax]: FF /4 is f64 (hand-encoded)', { len: 3, digit: 4, osz: 8 }],
  ['66 ff 30', 'push word [rax]: FF /6 keeps 66 (hand-encoded)', { len: 3, digit: 6, osz: 2 }],
  ['66 c3', 'ret with 66 keeps osz 2 (d64, not f64; hand-encoded)', { len: 2, osz: 2 }],
  ['66 50', 'push ax', { len: 2, osz: 2, opReg: RAX }],
];

describe('decoder: fields', () => {
  for (const [group, table] of [['immediates', IMMEDIATES], ['ModR/M, SIB, displacement', MODRM], ['prefixes', PREFIXES]] as const) {
    describe(group, () => {
      it.each(table)('%s  %s', (hex, _asm, want) => {
        expect(fields(decodeBytes(bytes(hex)))).toMatchObject(want);
      });
    });
  }
});

/** Opcodes that are invalid in 64-bit mode (SDM Vol. 2 Table A-2, superscript i64) or VEX/AVX, which we do not implement. */
const INVALID_64: [string, string][] = [
  ['06', 'push es'], ['07', 'pop es'], ['0e', 'push cs'], ['16', 'push ss'], ['17', 'pop ss'], ['1e', 'push ds'], ['1f', 'pop ds'],
  ['27', 'daa'], ['2f', 'das'], ['37', 'aaa'], ['3f', 'aas'], ['60', 'pusha'], ['61', 'popa'], ['62 00', 'bound / EVEX'],
  ['82 c0 01', 'add al, 1 (82 alias)'], ['9a 00 00 00 00 00 00', 'call far ptr16:32'], ['c4 e2 79 18 00', 'VEX3 (vbroadcastss)'],
  ['c5 f8 77', 'VEX2 (vzeroupper)'], ['ce', 'into'], ['d4 0a', 'aam'], ['d6', 'salc'], ['ea 00 00 00 00 00 00', 'jmp far ptr16:32'],
  ['0f 0a', '0F 0A (undefined)'], ['0f 38 c8 00', '0F 38 C8 (SHA: not implemented)'],
];

/** LOCK encodings that must #UD (SDM Vol. 2 LOCK): register destination, non-lockable instruction, no ModR/M. */
const LOCK_UD: [string, string][] = [
  ['f0 01 d8', 'lock add eax, ebx (register destination)'],
  ['f0 39 18', 'lock cmp [rax], ebx (CMP is not lockable)'],
  ['f0 03 18', 'lock add ebx, [rax] (memory is the source)'],
  ['f0 80 38 01', 'lock cmp byte [rax], 1 (grp1 /7)'],
  ['f0 0f a3 18', 'lock bt [rax], ebx (BT does not write)'],
  ['f0 0f ba 20 01', 'lock bt dword [rax], 1 (grp8 /4)'],
  ['f0 8b 00', 'lock mov eax, [rax]'],
  ['f0 90', 'lock nop'],
  ['f0 f4', 'lock hlt'],
  ['f0 f6 00 01', 'lock test byte [rax], 1 (grp3 /0)'],
  ['f0 ff d0', 'lock call rax'],
];

describe('decoder: invalid encodings bind to #UD', () => {
  it.each(INVALID_64)('%s  %s', (hex) => {
    expect(bindInsn(decodeBytes(bytes(hex))).h).toBe(UD_HANDLER);
  });
  it.each(LOCK_UD)('%s  %s', (hex) => {
    expect(bindInsn(decodeBytes(bytes(hex))).h).toBe(UD_HANDLER);
  });
  it.each([
    ['f0 01 18', 'lock add [rax], ebx'],
    ['f0 0f c1 18', 'lock xadd [rax], ebx'],
    ['f0 0f b1 18', 'lock cmpxchg [rax], ebx'],
    ['f0 87 18', 'lock xchg [rax], ebx'],
    ['f0 ff 00', 'lock inc dword [rax]'],
    ['f0 f7 18', 'lock neg dword [rax]'],
    ['f0 0f ba 28 01', 'lock bts dword [rax], 1'],
    ['f0 80 30 01', 'lock xor byte [rax], 1'],
  ])('%s  %s is not rejected by the decoder', (hex) => {
    const i = decodeBytes(bytes(hex));
    expect(i.lock).toBe(true);
    // The decoder passes it on to the family's bind (which may still lack a handler).
    expect(i.len).toBe(bytes(hex).length);
  });

  it.each([...INVALID_64, ['d5 00 01 c0', 'REX2 add eax, eax while XCR0.APX = 0'], ...LOCK_UD])(
    'executing %s (%s) exits with #UD, RIP at the instruction',
    (hex) => {
      const cpu = makeMachine(bytes(hex));
      const exit = cpu.run(5);
      expect(exit.reason).toBe(EXIT_EXCEPTION);
      expect(exit.vector).toBe(UD);
      expect(cpu.rip).toBe(CODE);
    },
  );
});

describe('decoder: the 15-byte limit', () => {
  const gp = (b: number[]) => {
    try {
      decodeBytes(b);
    } catch (e) {
      return e instanceof GuestFault && e.vector === GP && e.errorCode === 0;
    }
    return false;
  };
  it('accepts 14 prefixes and an opcode (15 bytes)', () => {
    const i = decodeBytes([...new Array(14).fill(0x66), 0x90]);
    expect(i.len).toBe(MAX_INSN_LEN);
  });
  it('raises #GP(0) for 15 prefixes and an opcode', () => {
    expect(gp([...new Array(15).fill(0x66), 0x90])).toBe(true);
  });
  it('accepts mov qword [disp32], imm32 with 3 prefixes (exactly 15 bytes)', () => {
    // 2e 2e 2e 48 c7 04 25 <disp32> <imm32>
    const i = decodeBytes(bytes('2e 2e 2e 48 c7 04 25 78 56 34 12 01 00 00 00'));
    expect(i).toMatchObject({ len: 15, base: -1, index: -1, disp: 0x12345678, imm: 1 });
  });
  it('raises #GP(0) when the immediate would end past byte 15', () => {
    expect(gp(bytes('2e 2e 2e 2e 48 c7 04 25 78 56 34 12 01 00 00 00'))).toBe(true);
  });
  it('raises #GP(0) when the displacement would end past byte 15', () => {
    expect(gp([...new Array(10).fill(0x2e), ...bytes('8b 04 25 78 56 34 12')])).toBe(true);
  });
  it('raises #GP(0) (as an exit) when executed, RIP at the instruction', () => {
    const cpu = makeMachine([...new Array(15).fill(0x66), 0x90]);
    const exit = cpu.run(5);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect(exit.vector).toBe(GP);
    expect(exit.errorCode).toBe(0);
    expect(cpu.rip).toBe(CODE);
  });
});
