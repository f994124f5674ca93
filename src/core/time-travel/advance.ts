/**
 * Run a vCPU forward exactly `n` instructions with the instruction budget
 * (KVM_CAP_VDBG_INSN_BUDGET, docs/uapi-extensions.md §3), answering port
 * I/O with the VMM's devices on the way — how time travel replays. A debug
 * exit (a guest-debug setting left on) is passed over when the guest moved.
 * Returns the instructions retired (fewer than n only if the guest stopped).
 */
import type { VcpuFd } from '../api/index.ts';
import { handleExit, type ExitDevices } from '../vmm/handle-exit.ts';

export function runInstructions(vcpu: VcpuFd, devices: ExitDevices, icount: () => number, n: number): number {
  const start = icount();
  while (icount() - start < n) {
    vcpu.insnBudget = BigInt(n - (icount() - start));
    const before = icount();
    const out = handleExit(vcpu.run(), devices);
    if (out.kind === 'handled') continue;
    if ((out.kind === 'interrupted' || out.kind === 'debug') && icount() > before) continue;
    break; // exit port, halt, shutdown, failure: the guest stopped here
  }
  vcpu.insnBudget = 0n;
  return icount() - start;
}
