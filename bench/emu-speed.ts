/**
 * Emulated instructions per second on the CPU-bound benchmark guests
 * (bench/guest: the integer bench.c and the SSE floating-point fp.c, both
 * gcc -O2), next to the same image run natively through /dev/kvm, as a ratio
 * measured side by side: emu and native rounds alternate, and the medians are
 * reported.
 */
import { runOnEmu } from '../test/support/run-on-emu.ts';
import { KvmSystem } from '../src/core/kvm/device.ts';
import { kvmHost } from '../src/core/kvm/host.ts';
import { BENCH_MEM_SIZE, FP_PROGRAM, INTEGER_PROGRAM, benchMachine, runNative, type BenchProgram } from './native.ts';

/** Alternating emu/native rounds per program; the medians are reported. */
export const EMU_SPEED_ROUNDS = 3;

export interface EmuSpeed {
  instructions: number;
  seconds: number;
  mips: number;
  checksum: bigint;
}

/** One round of the program's workload (entry at CPL0) on the emulator, with its JIT (default) or the interpreter alone. */
export function measureEmu(program: BenchProgram = INTEGER_PROGRAM, scale = 0, jit = true): EmuSpeed {
  const { memory, state } = benchMachine({ program, entry: 'kernel', repeat: 1, scale });
  // The CPU takes its JIT setting from VDBG_JIT when it is created (src/emu/jit/options.ts).
  const saved = process.env.VDBG_JIT;
  process.env.VDBG_JIT = jit ? 'on' : 'off';
  let r;
  try {
    r = runOnEmu({ memSize: BENCH_MEM_SIZE, memory, state, maxExits: 16 });
  } finally {
    if (saved === undefined) delete process.env.VDBG_JIT;
    else process.env.VDBG_JIT = saved;
  }
  if (r.exitReason.name !== 'KVM_EXIT_HLT') throw new Error(`${program.name} guest on emu ended with ${r.exitReason.name}, not HLT`);
  return { instructions: r.instructions, seconds: r.seconds, mips: r.instructions / r.seconds / 1e6, checksum: r.regs.rax };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Emu (interpreter, JIT) vs native for one program: interleaved rounds, medians. */
export function reportProgramSpeed(log: (line: string) => void, program: BenchProgram, rounds = EMU_SPEED_ROUNDS): void {
  log(`emulator speed — ${program.title}`);
  const avail = KvmSystem.available();
  if (!avail.ok) log(`  native  skipped: ${avail.reason}`);
  const emu: EmuSpeed[] = [];
  const interp: EmuSpeed[] = [];
  const native: ReturnType<typeof runNative>[] = [];
  for (let i = 0; i < rounds; i++) {
    interp.push(measureEmu(program, 0, false));
    emu.push(measureEmu(program));
    // Under kvm_pvm only CPL3 runs on the CPU (ring 0 is emulated by KVM), so the
    // native reference runs the same main() at CPL3; on VMX/SVM both are native.
    if (avail.ok) native.push(runNative({ program, entry: 'user' }));
  }
  const instructions = emu[0]!.instructions;
  const emuMips = median(emu.map((e) => e.mips));
  const line = (name: string, runs: EmuSpeed[]): void => {
    const ok = runs.every((e) => e.checksum === program.expectedChecksum && e.instructions === instructions);
    log(`  ${name.padEnd(7)} ${(instructions / 1e6).toFixed(1)} M instructions in ${median(runs.map((e) => e.seconds)).toFixed(2)} s (median of ${rounds}) = ${median(runs.map((e) => e.mips)).toFixed(1)} M instructions/s, checksum ${ok ? 'ok' : 'WRONG'}`);
  };
  line('interp', interp);
  line('emu+jit', emu);
  log(`  jit     ${(emuMips / median(interp.map((e) => e.mips))).toFixed(1)}x the interpreter`);
  if (!avail.ok) return;
  const host = kvmHost();
  const perRound = median(native.map((n) => n.secondsPerRound));
  const nativeMips = instructions / perRound / 1e6;
  const nativeOk = native.every((n) => n.checksum === program.expectedChecksum);
  log(`  native  ${perRound.toFixed(4)} s per round (median of ${rounds} runs of ${native[0]!.repeat} rounds, main() at CPL3, /dev/kvm via ${host.modules.join('+') || '?'}) = ${(nativeMips / 1e3).toFixed(2)} G instructions/s, checksum ${nativeOk ? 'ok' : 'WRONG'}`);
  log(`  ratio   emu is ${(nativeMips / emuMips).toFixed(1)}x slower than native (${((emuMips / nativeMips) * 100).toFixed(2)} % of native speed)`);
}

export function reportEmuSpeed(log: (line: string) => void): void {
  reportProgramSpeed(log, INTEGER_PROGRAM);
  log('');
  reportProgramSpeed(log, FP_PROGRAM);
}

if (process.argv[1]?.endsWith('emu-speed.ts')) reportEmuSpeed((line) => console.log(line));
