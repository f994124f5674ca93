/**
 * Runs guest machine code on the real CPU through /dev/kvm: the hardware
 * oracle for the emulator's differential tests. `runOnKvm` is the shared
 * runner (run-code.ts) on the kvm backend.
 */
import { runCode, type RunCodeOptions, type RunCodeResult } from './run-code.ts';
import type { CpuidEntry } from '../../src/core/uapi/fam.ts';
import { KvmBackend } from '../../src/core/kvm/backend.ts';
import { KvmSystem } from '../../src/core/kvm/device.ts';

export function runOnKvm(opts: RunCodeOptions): RunCodeResult {
  return runCode(new KvmBackend(), opts);
}

/**
 * The CPUID leaves KVM_GET_SUPPORTED_CPUID reports on this host: what
 * differential tests may assume the KVM side implements. On the kvm_pvm
 * machines this project runs on, leaf 1 lacks SSE3/SSSE3/SSE4.x/POPCNT/
 * XSAVE/AVX and such instructions end the run with KVM_EXIT_INTERNAL_ERROR
 * (emulation failure), LZCNT runs as BSR, and the guest's own CPUID
 * instruction reports more than this table for leaves 1, 7 and 0xD.
 */
export function hostCpuid(): CpuidEntry[] {
  const sys = KvmSystem.open();
  try {
    return sys.getSupportedCpuid();
  } finally {
    sys.close();
  }
}

/** Looks up one leaf/subleaf in a CPUID table (subleaf ignored for leaves without SIGNIFCANT_INDEX). */
export function cpuidLeaf(entries: readonly CpuidEntry[], fn: number, index = 0): CpuidEntry | undefined {
  return entries.find((e) => e.function === fn && ((e.flags & 1) === 0 || e.index === index));
}
