/**
 * The benchmark guest (bench/guest) on /dev/kvm: the native reference the
 * emulator's speed is compared with. Loads bench.bin at BENCH_LOAD_ADDR into
 * a long-mode machine from the shared boot builder, runs it to HLT, and
 * checks the checksum against the value the same C code computes on the host.
 *
 *   npx tsx bench/native.ts [--fp] [--kernel] [--repeat=N]     (--fp: fp.bin instead of bench.bin)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BOOT_DEFAULT_MEM_SIZE, buildLongMode } from '../src/core/boot/longmode.ts';
import { kvmHost } from '../src/core/kvm/host.ts';
import { runOnKvm } from '../test/support/run-on-kvm.ts';

/** Where bench.bin is linked (bench/guest/link.ld). */
export const BENCH_LOAD_ADDR = 0x100000;
/** `_start`: main() at CPL0 (bench/guest/start.S). */
export const BENCH_ENTRY_KERNEL = 0x100000;
/** `_start_user`: main() at CPL3, back through a #UD gate; needs `user: true` page tables. */
export const BENCH_ENTRY_USER = 0x100040;
/** Where the guest stores its 64-bit checksum (bench/guest/link.ld `bench_result`); also left in rax. */
export const BENCH_RESULT_ADDR = 0xf0000;
/** Where the loader writes how many times the guest repeats its workload (u32, 0 = once). */
export const BENCH_REPEAT_ADDR = 0xf0008;
/** Where the loader writes a divisor of fp.bin's workload (u32, 0 = full size; link.ld `bench_scale`). */
export const BENCH_SCALE_ADDR = 0xf000c;
/** Guest RAM: the image and its .bss end below 7.5 MiB. */
export const BENCH_MEM_SIZE = BOOT_DEFAULT_MEM_SIZE;
/**
 * The checksum of bench/guest/bench.c, from compiling the same source for the
 * host (gcc -O2, a main() that prints bench's main()).
 */
export const BENCH_EXPECTED_CHECKSUM = 0x9f0b2a9ebf95bd01n;

export const BENCH_IMAGE_PATH = fileURLToPath(new URL('./guest/bench.bin', import.meta.url));

/** ~0.3 s on this project's machines (one round takes ~40 ms natively there). */
export const NATIVE_DEFAULT_REPEAT = 8;

/** A benchmark guest image built by bench/guest/build.sh (same entry points and layout). */
export interface BenchProgram {
  name: string;
  /** what it computes and how it was compiled, for reports */
  title: string;
  imagePath: string;
  /** its checksum at full size, from the same C source compiled for the host */
  expectedChecksum: bigint;
  /** rounds per native run by default, so that its time is measurable */
  nativeRepeat: number;
}

export const INTEGER_PROGRAM: BenchProgram = {
  name: 'integer',
  title: 'bench/guest/bench.c (sieve, CRC-32, quicksort; gcc -O2 -mgeneral-regs-only)',
  imagePath: BENCH_IMAGE_PATH,
  expectedChecksum: BENCH_EXPECTED_CHECKSUM,
  nativeRepeat: NATIVE_DEFAULT_REPEAT,
};

/**
 * bench/guest/fp.c: doubles and floats through SSE only. The checksum is what
 * bench/guest/fp-host.c prints (gcc -O2 -msse4.2 -fno-math-errno -DHOSTED).
 */
export const FP_PROGRAM: BenchProgram = {
  name: 'fp',
  title: 'bench/guest/fp.c (n-body, float matmul, Mandelbrot; gcc -O2 -msse4.2 -fno-math-errno)',
  imagePath: fileURLToPath(new URL('./guest/fp.bin', import.meta.url)),
  expectedChecksum: 0x006ebe175d3b877dn,
  // ~5 ms a round natively (about an eighth of bench.c), so more rounds for a measurable time
  nativeRepeat: 64,
};

export type BenchEntry = 'kernel' | 'user';

export interface NativeOptions {
  /** which image (default INTEGER_PROGRAM) */
  program?: BenchProgram;
  /** divisor of the workload, read by fp.c only (default 0 = full size) */
  scale?: number;
  /** 'user' (default): main() at CPL3; 'kernel': main() at CPL0. See runNative. */
  entry?: BenchEntry;
  /**
   * Rounds of the whole workload (~224 million instructions each, counted with
   * valgrind on the host build); every round gives the same checksum. runNative
   * defaults to NATIVE_DEFAULT_REPEAT so the native time is measurable;
   * benchMachine defaults to 1.
   */
  repeat?: number;
}

export interface NativeResult {
  /** wall time of the KVM_RUN loop (VM setup excluded), all rounds */
  seconds: number;
  /** seconds / repeat: what one emulated round (repeat 1) compares with */
  secondsPerRound: number;
  checksum: bigint;
  exitReason: string;
  repeat: number;
}

/** Builds the machine image: boot tables plus bench.bin, and the state that enters it. */
export function benchMachine(opts: NativeOptions = {}) {
  const { entry = 'kernel', repeat = 1, program = INTEGER_PROGRAM, scale = 0 } = opts;
  const image = readFileSync(program.imagePath);
  const { memory, state } = buildLongMode({
    memSize: BENCH_MEM_SIZE,
    entry: BigInt(entry === 'user' ? BENCH_ENTRY_USER : BENCH_ENTRY_KERNEL),
    user: entry === 'user',
  });
  memory.set(image, BENCH_LOAD_ADDR);
  new DataView(memory.buffer).setUint32(BENCH_REPEAT_ADDR, repeat, true);
  new DataView(memory.buffer).setUint32(BENCH_SCALE_ADDR, scale, true);
  return { memory, state };
}

/**
 * Runs the benchmark on /dev/kvm. The default entry is 'user' (main() at
 * CPL3): on VMX/SVM both entries run natively, while under kvm_pvm ring 0
 * is emulated by KVM and only CPL3 runs on the CPU.
 */
export function runNative(opts: NativeOptions = {}): NativeResult {
  const { entry = 'user', repeat = (opts.program ?? INTEGER_PROGRAM).nativeRepeat } = opts;
  const { memory, state } = benchMachine({ ...opts, entry, repeat });
  const r = runOnKvm({ memSize: BENCH_MEM_SIZE, memory, state, maxExits: 16 });
  const stored = new DataView(r.memory.buffer).getBigUint64(BENCH_RESULT_ADDR, true);
  if (r.exitReason.name === 'KVM_EXIT_HLT' && stored !== r.regs.rax) {
    throw new Error(`bench guest: rax 0x${r.regs.rax.toString(16)} differs from the stored checksum 0x${stored.toString(16)}`);
  }
  return { seconds: r.seconds, secondsPerRound: r.seconds / repeat, checksum: r.regs.rax, exitReason: r.exitReason.name, repeat };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const host = kvmHost();
  const entry: BenchEntry = process.argv.includes('--kernel') ? 'kernel' : 'user';
  const repeatArg = process.argv.find((a) => a.startsWith('--repeat='));
  const program = process.argv.includes('--fp') ? FP_PROGRAM : INTEGER_PROGRAM;
  const repeat = repeatArg ? Number(repeatArg.slice('--repeat='.length)) : program.nativeRepeat;
  const r = runNative({ program, entry, repeat });
  const ok = r.checksum === program.expectedChecksum;
  console.log(`${program.name} guest native (/dev/kvm via ${host.modules.join(', ') || 'unknown module'}${host.hardware ? '' : ', not VMX/SVM'}):`);
  console.log(`  entry     ${entry === 'user' ? '_start_user (main at CPL3)' : '_start (main at CPL0)'}`);
  console.log(`  exit      ${r.exitReason}`);
  console.log(`  rounds    ${r.repeat}`);
  console.log(`  seconds   ${r.seconds.toFixed(3)} (${r.secondsPerRound.toFixed(3)} per round)`);
  console.log(`  checksum  0x${r.checksum.toString(16)} ${ok ? '(ok)' : `(expected 0x${program.expectedChecksum.toString(16)})`}`);
  if (!ok) process.exitCode = 1;
}
