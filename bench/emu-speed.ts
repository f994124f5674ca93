/**
 * Emulated instructions per second on the CPU-bound benchmark guest
 * (bench/guest: sieve, CRC-32, quicksort, gcc -O2), next to the same image
 * run natively through /dev/kvm, as a ratio measured in one run.
 */
import { runOnEmu } from '../test/support/run-on-emu.ts';
import { KvmSystem } from '../src/core/kvm/device.ts';
import { kvmHost } from '../src/core/kvm/host.ts';
import { BENCH_EXPECTED_CHECKSUM, BENCH_MEM_SIZE, benchMachine, runNative } from './native.ts';

export interface EmuSpeed {
  instructions: number;
  seconds: number;
  mips: number;
  checksumOk: boolean;
}

/** One round of the workload (entry at CPL0) on the emulator. */
export function measureEmu(): EmuSpeed {
  const { memory, state } = benchMachine({ entry: 'kernel', repeat: 1 });
  const r = runOnEmu({ memSize: BENCH_MEM_SIZE, memory, state, maxExits: 16 });
  if (r.exitReason.name !== 'KVM_EXIT_HLT') throw new Error(`bench guest on emu ended with ${r.exitReason.name}, not HLT`);
  return {
    instructions: r.instructions,
    seconds: r.seconds,
    mips: r.instructions / r.seconds / 1e6,
    checksumOk: r.regs.rax === BENCH_EXPECTED_CHECKSUM,
  };
}

export function reportEmuSpeed(log: (line: string) => void): void {
  log('emulator speed — bench/guest (sieve, CRC-32, quicksort; gcc -O2 -mgeneral-regs-only)');
  const emu = measureEmu();
  log(`  emu     ${(emu.instructions / 1e6).toFixed(1)} M instructions in ${emu.seconds.toFixed(2)} s = ${emu.mips.toFixed(1)} M instructions/s, checksum ${emu.checksumOk ? 'ok' : 'WRONG'}`);
  const avail = KvmSystem.available();
  if (!avail.ok) {
    log(`  native  skipped: ${avail.reason}`);
    return;
  }
  const host = kvmHost();
  // Under kvm_pvm only CPL3 runs on the CPU (ring 0 is emulated by KVM), so the
  // native reference runs the same main() at CPL3; on VMX/SVM both are native.
  const native = runNative({ entry: 'user' });
  const nativeMips = emu.instructions / native.secondsPerRound / 1e6;
  log(`  native  ${native.secondsPerRound.toFixed(3)} s per round (${native.repeat} rounds, main() at CPL3, /dev/kvm via ${host.modules.join('+') || '?'}) = ${nativeMips.toFixed(0)} M instructions/s, checksum ${native.checksum === BENCH_EXPECTED_CHECKSUM ? 'ok' : 'WRONG'}`);
  log(`  ratio   emu is ${(nativeMips / emu.mips).toFixed(1)}x slower than native (${((emu.mips / nativeMips) * 100).toFixed(2)} % of native speed)`);
}
