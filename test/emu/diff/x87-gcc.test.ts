/**
 * gcc -O2 long double code (fixtures/x87-longdouble.c: arithmetic, FSQRT, a
 * polynomial loop, comparisons, NaN tests, conversions to int64/double/float
 * with gcc's FNSTCW/FLDCW/FISTP sequences) run at CPL 3 on the real CPU and on
 * the emulator from the same inputs (zeros, denormals, infinities, NaN, huge
 * and tiny values): the output bytes and the final x87 state must be the
 * same. Needs gcc; elsewhere it is skipped with the reason printed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kvmSkipReason } from '../../core/kvm/available.ts';
import { hostGccMissing } from '../../support/host-gcc.ts';
import type { RegVec } from './gen.ts';
import { CODE, CODE_MAX, DATA, DATA_SIZE, IF, USTACK_TOP } from './layout.ts';
import { fpuDiffs } from './fpu-compare.ts';
import { userState, type EmuSide, type FpuState, type KvmSide } from './machine.ts';
import { lockstepMachines } from './run-cases.ts';

const OUT = DATA + 0x100, OUT_SIZE = 48 * 16 + 16 * 8 + 16 * 8 + 16 * 4 + 16 * 4;
const INPUTS = [0, -0, 1, -2.5, 1e300, -1e-310, NaN, Infinity, 3, 7, Math.PI, 1 / 3, 2 ** 63, -(2 ** 63), 123456.789, 1e-5];

const reason = hostGccMissing() ?? kvmSkipReason('x87 gcc program, emu vs /dev/kvm');
if (reason) console.warn(`x87-gcc.test.ts: skipped: ${reason}`);

/** Build the fixture: the flat image from 0x10000 and the address of _start. */
function build(dir: string): { image: Uint8Array; entry: number } {
  const src = fileURLToPath(new URL('./fixtures/x87-longdouble.c', import.meta.url));
  const elf = join(dir, 'ld.elf'), bin = join(dir, 'ld.bin');
  execFileSync('gcc', [
    '-O2', '-fno-math-errno', '-ffreestanding', '-nostdlib', '-fno-pic', '-no-pie', '-fno-stack-protector', '-mno-red-zone',
    '-fcf-protection=none', '-fno-asynchronous-unwind-tables', '-mno-sse', '-mno-sse2', '-mno-mmx', '-static',
    `-Wl,-Ttext=0x${CODE.toString(16)}`, '-Wl,--build-id=none', '-Wl,-z,max-page-size=0x1000', '-Wl,-z,noseparate-code', '-o', elf, src,
  ]);
  execFileSync('objcopy', ['-O', 'binary', elf, bin]);
  const sym = execFileSync('nm', [elf], { encoding: 'utf8' }).split('\n').find((l) => / T _start$/.test(l));
  return { image: new Uint8Array(readFileSync(bin)), entry: parseInt(sym!.split(' ')[0], 16) };
}

describe.skipIf(reason !== undefined)('gcc long double code: the same bytes on the real CPU and the emulator', () => {
  const dir = reason ? '' : mkdtempSync(join(tmpdir(), 'x87-gcc-'));
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
  const { kvm, emu, ls } = lockstepMachines();

  function run(side: KvmSide | EmuSide, image: Uint8Array, entry: number): { out: Uint8Array; fpu: FpuState; vector: number } {
    expect(image.length).toBeLessThanOrEqual(CODE_MAX);
    side.ram.fill(0, CODE, CODE + CODE_MAX);
    side.ram.set(image, CODE);
    side.ram.fill(0, DATA, DATA + DATA_SIZE);
    const dv = new DataView(side.ram.buffer, side.ram.byteOffset);
    INPUTS.forEach((x, k) => dv.setFloat64(DATA + 8 * k, x, true));
    const regs: RegVec = Array.from({ length: 16 }, () => 0n);
    regs[4] = BigInt(USTACK_TOP);
    regs[7] = BigInt(DATA); // rdi: in
    regs[6] = BigInt(OUT); // rsi: out
    regs.push(BigInt(entry), BigInt(0x2 | IF));
    side.load(userState(ls.base, regs));
    const x87 = new Uint8Array(160); // FNINIT's state; MXCSR and XMM at reset
    x87[0] = 0x7f;
    x87[1] = 0x03;
    side.setFpuState({ x87, xmm: new Uint8Array(256), mxcsr: 0x1f80 });
    const stop = side.step(); // to the #UD of __builtin_trap
    return { out: side.ram.slice(OUT, OUT + OUT_SIZE), fpu: side.getFpuState(), vector: stop.vector };
  }

  it('prints the same bytes', () => {
    const { image, entry } = build(dir);
    const hw = run(kvm, image, entry), em = run(emu, image, entry);
    expect([hw.vector, em.vector]).toEqual([6, 6]);
    expect(Buffer.from(em.out).toString('hex')).toBe(Buffer.from(hw.out).toString('hex'));
    // The x87/SSE state left behind (fpu-compare.ts: pointers excepted).
    expect(fpuDiffs(hw.fpu, em.fpu)).toEqual([]);
    expect(hw.out.some((b) => b !== 0)).toBe(true);
  });
});
