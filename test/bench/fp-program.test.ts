/**
 * The committed FP benchmark guest (bench/guest/fp.bin: n-body, float matmul,
 * Mandelbrot through SSE) at a small size (bench_scale 16) computes on the
 * emulator the same checksum as the same image on /dev/kvm and as the same C
 * source built for the host (bench/guest/fp-host.c). Every result bit of every
 * double feeds the checksum, so one wrong rounding or flag shows here.
 * Timing belongs to `npm run bench`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { measureEmu } from '../../bench/emu-speed.ts';
import { FP_PROGRAM, runNative } from '../../bench/native.ts';
import { kvmSkipReason } from '../core/kvm/available.ts';

const SCALE = 16;
const GUEST = fileURLToPath(new URL('../../bench/guest/', import.meta.url));

function hostSkipReason(): string | undefined {
  if (arch() !== 'x64') return `host is ${arch()}, not x86-64`;
  return spawnSync('gcc', ['--version']).status === 0 ? undefined : 'gcc missing';
}
const hostReason = hostSkipReason();
if (hostReason) console.warn(`[skip] fp-program.test.ts host comparison: ${hostReason}`);
const kvmReason = kvmSkipReason('fp.bin on /dev/kvm');
const dir = hostReason ? '' : mkdtempSync(join(tmpdir(), 'vdbg-fp-bench-'));
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** What the host build of fp.c prints for bench_scale `scale`. */
function hostChecksum(scale: number): bigint {
  const exe = join(dir, 'fp-host');
  execFileSync('gcc', ['-O2', '-msse4.2', '-fno-math-errno', '-DHOSTED', '-o', exe, join(GUEST, 'fp-host.c'), join(GUEST, 'fp.c')]);
  return BigInt(execFileSync(exe, [String(scale)]).toString().trim());
}

describe('FP benchmark guest (bench/guest/fp.bin)', () => {
  const emu = measureEmu(FP_PROGRAM, SCALE);

  it.skipIf(hostReason !== undefined)('computes on the emulator the checksum the host build prints', () => {
    expect(hostChecksum(SCALE)).toBe(emu.checksum);
    // the full-size constant the bench checks against is the host build's too
    expect(hostChecksum(0)).toBe(FP_PROGRAM.expectedChecksum);
  });

  it.skipIf(kvmReason !== undefined)('computes on the emulator the checksum /dev/kvm computes', () => {
    const native = runNative({ program: FP_PROGRAM, scale: SCALE, repeat: 2 });
    expect(native.exitReason).toBe('KVM_EXIT_HLT');
    expect(native.checksum).not.toBe(0n); // 0: the two rounds disagreed
    expect(emu.checksum).toBe(native.checksum);
  });
});
