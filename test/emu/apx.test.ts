/**
 * Intel APX REX2 prefix (APX architecture specification §3.1.2): payload
 * M0 R4 X4 B4 W R3 X3 B3, R16–R31 in ModR/M.reg, ModR/M.rm, SIB base and
 * index and the opcode register, byte registers without AH–BH, the rows
 * REX2 reserves (#UD), JMPABS, REX before REX2 (#UD), the XCR0.APX gate.
 *
 * test/emu/fixtures/apx-encodings.json (made by gen-apx.sh) holds the byte
 * strings, llvm-mc-19's disassembly and the expected fields computed from
 * the payload layout. Our decoder is checked against the fixture always; the
 * fixture's llvm text is re-checked against llvm-mc-19 when it is installed.
 * binutils 2.40 knows no APX (stack.md), so encodings are written as bytes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBytes, rex2Allowed } from '../../src/emu/decode.ts';
import { bindInsn, UD_HANDLER } from '../../src/emu/dispatch.ts';
import { formatApx } from '../../src/emu/disasm-apx.ts';
import { EXIT_EXCEPTION, EXIT_HLT } from '../../src/emu/exits.ts';
import { GP, UD } from '../../src/emu/fault.ts';
import type { Insn } from '../../src/emu/insn.ts';
import { RSP, type Gpr } from '../../src/emu/regs.ts';
import { CODE, makeMachine, STACK_TOP } from './machine.ts';

interface Entry {
  bytes: string;
  llvm: string;
  spec: 'valid' | 'ud';
  note?: string;
  llvmDiffers?: string;
  expect: Partial<Insn>;
}
const FIXTURE = new URL('./fixtures/apx-encodings.json', import.meta.url);
const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { command: string; entries: Entry[] };
const bytes = (s: string) => s.split(' ').map((h) => parseInt(h, 16));

/** llvm-mc's text with its notational quirks removed: SIB "no index" as riz, LOCK on its own line. */
function normalizeLlvm(s: string): string {
  return s.replace(/ \+ (\d\*)?riz/g, '').replace(/^lock \| /, 'lock ');
}

const XCR0_APX = 1 << 19;

describe('REX2: decoded fields (fixture)', () => {
  const valid = doc.entries.filter((e) => e.spec === 'valid');
  const ud = doc.entries.filter((e) => e.spec === 'ud');
  it('has encodings for every payload bit and both maps', () => {
    const payloads = valid.map((e) => {
      const b = bytes(e.bytes);
      return b[b.indexOf(0xd5) + 1];
    });
    for (let bit = 0; bit < 8; bit++) expect(payloads.some((p) => (p >> bit) & 1), `payload bit ${bit}`).toBe(true);
    expect(ud.length).toBeGreaterThan(15);
  });
  it.each(valid.map((e) => [e.bytes, e.llvm, e] as const))('%s  %s', (hex, _llvm, e) => {
    const i = bindInsn(decodeBytes(bytes(hex)));
    expect(i.rex2).toBe(true);
    expect(i.rex).toBe(true);
    expect(i.h).not.toBe(UD_HANDLER); // the XCR0.APX gate, in front of the family's handler
    expect(i).toMatchObject(e.expect);
  });
  it.each(ud.map((e) => [e.bytes, e.note ?? '', e] as const))('%s is #UD (%s)', (hex) => {
    expect(bindInsn(decodeBytes(bytes(hex))).h).toBe(UD_HANDLER);
  });
});

describe('REX2: the reserved rows', () => {
  it('are exactly map 0 rows 4, 7, A (but A1) and E, and map 1 rows 3 and 8', () => {
    for (let op = 0; op < 256; op++) {
      const r = op >> 4;
      expect(rex2Allowed(0, op), `map 0 ${op.toString(16)}`).toBe(!(r === 4 || r === 7 || r === 0xe || (r === 0xa && op !== 0xa1)));
      expect(rex2Allowed(1, op), `map 1 ${op.toString(16)}`).toBe(!(r === 3 || r === 8));
    }
  });
});

describe('REX2: Intel-syntax text (disasm-apx.ts) matches llvm-mc', () => {
  const rows = doc.entries.filter((e) => e.spec === 'valid' && !e.llvmDiffers);
  it.each(rows.map((e) => [e.bytes, normalizeLlvm(e.llvm)] as const))('%s  %s', (hex, text) => {
    expect(formatApx(decodeBytes(bytes(hex)))).toBe(text);
  });
  it('spells the encodings where llvm-mc 19 is wrong by the spec', () => {
    expect(formatApx(decodeBytes(bytes('d5 10 50')))).toBe('push r16');
    expect(formatApx(decodeBytes(bytes('d5 19 57')))).toBe('pushp r31');
    expect(formatApx(decodeBytes(bytes('d5 18 90')))).toBe('xchg rax, r16');
    expect(formatApx(decodeBytes(bytes('d5 10 8b 04 25 10 00 00 00')))).toBe('mov eax, dword ptr [0x10]');
  });
});

const llvmMc = (() => {
  const r = spawnSync('llvm-mc-19', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'llvm-mc-19' : undefined;
})();
if (llvmMc === undefined) {
  console.warn('apx.test.ts: llvm-mc-19 is not installed (apt-get install llvm-19): the fixture\'s llvm text is not re-verified in this run.');
}

describe('REX2: fixture re-verified with llvm-mc-19', () => {
  it.skipIf(llvmMc === undefined)('llvm-mc-19 still disassembles every fixture entry as recorded', () => {
    const args = doc.command.split(' ').slice(1);
    const diffs: string[] = [];
    for (const e of doc.entries) {
      const src = bytes(e.bytes).map((b) => `0x${b.toString(16)}`).join(' ') + '\n';
      const r = spawnSync(llvmMc!, args, { input: src, encoding: 'utf8' });
      const lines = r.stdout.split('\n').map((l) => l.replace(/\t/g, ' ').trim().split(/\s+/).join(' ')).filter((l) => l && !l.startsWith('.text'));
      const text = [...(r.stderr.includes('invalid instruction encoding') ? ['(invalid)'] : []), ...lines].join(' | ');
      if (text !== e.llvm) diffs.push(`${e.bytes}: fixture "${e.llvm}", llvm-mc now "${text}"`);
    }
    expect(diffs).toEqual([]);
  });
});

// ---- execution -----------------------------------------------------------

const u64 = (v: bigint) => BigInt.asUintN(64, v);
const le64 = (v: bigint) => Array.from({ length: 8 }, (_, k) => Number((u64(v) >> BigInt(8 * k)) & 0xffn));

/** Whether a family binds the legacy (non-APX) form yet; the REX2 tests need it. */
function bound(hex: string): boolean {
  return bindInsn(decodeBytes(bytes(hex))).h !== UD_HANDLER;
}
function needs(...forms: [string, string][]): string | undefined {
  const missing = forms.filter(([hex]) => !bound(hex)).map(([, what]) => what);
  return missing.length ? `no family handler yet for ${missing.join(', ')}` : undefined;
}
function skipNote(reason: string | undefined, what: string): boolean {
  if (reason) console.warn(`apx.test.ts: skipping "${what}": ${reason}`);
  return reason !== undefined;
}

describe('REX2: execution', () => {
  const A = 0x8000000000000001n, B = 0x8000000000000002n, C = 0x0123456789abcdefn;
  // d5 18 b8 <A>     movabs r16, A        (B4=1, W=1, opcode register 0 → R16)
  // d5 18 b9 <B>     movabs r17, B
  // d5 58 01 c1      add r17, r16         (R4=1, B4=1, W=1; ModRM reg 0, rm 1)
  // d5 11 57         push r31             (B4=1, B3=1, opcode register 7)
  // d5 10 5c         pop r20
  // d5 00 88 e0      mov al, spl          (REX2: 4 is SPL, not AH)
  // f4               hlt
  const prog = [
    0xd5, 0x18, 0xb8, ...le64(A), 0xd5, 0x18, 0xb9, ...le64(B), 0xd5, 0x58, 0x01, 0xc1,
    0xd5, 0x11, 0x57, 0xd5, 0x10, 0x5c, 0xd5, 0x00, 0x88, 0xe0, 0xf4,
  ];

  it('raises #UD for a REX2 instruction while XCR0.APX = 0, RIP at it, R16 untouched', () => {
    const cpu = makeMachine(prog);
    expect(cpu.xcr0 & XCR0_APX).toBe(0);
    const exit = cpu.run(10);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect(exit.vector).toBe(UD);
    expect(cpu.rip).toBe(CODE);
    expect(cpu.getGpr(16 as Gpr)).toBe(0n);
  });

  const reason = needs(['48 b8 00 00 00 00 00 00 00 00', 'mov r64, imm64'], ['48 01 c1', 'add r/m64, r64'], ['50', 'push r64'], ['58', 'pop r64'], ['40 88 e0', 'mov r/m8, r8'], ['f4', 'hlt']);
  it.skipIf(skipNote(reason, 'mov/add/push/pop on R16–R31'))('mov r16, imm / add r17, r16 / push r31 / pop r20 / mov al, spl with XCR0.APX = 1', () => {
    const cpu = makeMachine(prog);
    cpu.xcr0 |= XCR0_APX;
    cpu.setGpr(31 as Gpr, C);
    cpu.setGpr(0 as Gpr, 0xffffffffffffffffn);
    const exit = cpu.run(20);
    expect(exit.reason).toBe(EXIT_HLT);
    const sum = A + B;
    expect(cpu.getGpr(16 as Gpr)).toBe(A);
    expect(cpu.getGpr(17 as Gpr)).toBe(u64(sum));
    expect(cpu.getGpr(20 as Gpr)).toBe(C);
    expect(cpu.getGpr(31 as Gpr)).toBe(C);
    expect(cpu.getGpr(RSP)).toBe(BigInt(STACK_TOP));
    // AL = low byte of RSP (SPL); the rest of RAX is kept.
    expect(cpu.getGpr(0 as Gpr)).toBe(0xffffffffffffff00n | BigInt(STACK_TOP & 0xff));
    // ADD flags (SDM ADD): CF = carry out of bit 63, OF = signed overflow, ZF, SF.
    const f = cpu.readRflags();
    expect(f & 1).toBe(sum >> 64n ? 1 : 0);
    expect((f >> 11) & 1).toBe(BigInt.asIntN(64, A) + BigInt.asIntN(64, B) !== BigInt.asIntN(64, sum) ? 1 : 0);
    expect((f >> 6) & 1).toBe(u64(sum) === 0n ? 1 : 0);
    expect((f >> 7) & 1).toBe(Number(u64(sum) >> 63n));
    // The rows other instructions use are untouched: R18, R19 stay 0.
    expect(cpu.getGpr(18 as Gpr)).toBe(0n);
  });

  it('JMPABS jumps to imm64 with XCR0.APX = 1', () => {
    // d5 00 a1 <CODE+0x20>   jmpabs CODE+0x20 ; … ; f4 at CODE+0x20
    const code = [0xd5, 0x00, 0xa1, ...le64(BigInt(CODE + 0x20))];
    while (code.length < 0x20) code.push(0xcc);
    code.push(0xf4);
    const cpu = makeMachine(code);
    cpu.xcr0 |= XCR0_APX;
    const exit = cpu.run(5);
    if (exit.reason === EXIT_EXCEPTION && exit.vector === UD && !bound('f4')) return; // no hlt handler yet
    expect(exit.reason).toBe(EXIT_HLT);
    expect(cpu.rip).toBe(CODE + 0x20);
  });

  it('JMPABS to a non-canonical address raises #GP(0), RIP at the JMPABS', () => {
    const cpu = makeMachine([0xd5, 0x00, 0xa1, ...le64(0x0000800000000000n)]);
    cpu.xcr0 |= XCR0_APX;
    const exit = cpu.run(5);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect(exit.vector).toBe(GP);
    expect(exit.errorCode).toBe(0);
    expect(cpu.rip).toBe(CODE);
  });

  it('JMPABS raises #UD while XCR0.APX = 0, and with REX2.W = 1 or a 66 prefix even when set', () => {
    for (const [hex, apx] of [['d5 00 a1', false], ['d5 08 a1', true], ['66 d5 00 a1', true]] as const) {
      const cpu = makeMachine([...bytes(hex), ...le64(BigInt(CODE))]);
      if (apx) cpu.xcr0 |= XCR0_APX;
      const exit = cpu.run(5);
      expect(exit.vector, hex).toBe(UD);
      expect(cpu.rip).toBe(CODE);
    }
  });
});
