/**
 * A vCPU blocked in HLT that nothing can wake. KVM_RUN does not return then
 * (vcpu_block: with RFLAGS.IF=0 no interrupt is accepted, and this VMM has
 * no NMI source), so a command would wait forever, silently — and on emu,
 * whose KVM_RUN is a promise, node's event loop empties and the process
 * ends with status 13. So while a KVM_RUN is in flight the watch kicks it
 * out when the vCPU may be blocked, and after that KVM_EXIT_INTR the run
 * loop asks KVM_GET_MP_STATE and RFLAGS (`haltedForGood`).
 *
 * When it may be blocked: emu counts each block (`vmexit.idle`, the CPU's
 * EXIT_IDLE: halted with nothing that can wake it), so there the kick comes
 * only then — a kick of a running guest would add an `exit.intr` and make
 * emu's counters depend on the host's speed. /dev/kvm tells nothing from
 * inside KVM_RUN, so there the kick comes every POLL_MS of one KVM_RUN (an
 * extra KVM_EXIT_INTR, which changes nothing for the guest).
 */
import type { VcpuFd } from '../../core/api/index.ts';
import { KvmMpState } from '../../core/uapi/structs.ts';
import type { Machine } from './machine.ts';

/** How often a KVM_RUN in flight is looked at (ms of wall clock — scheduling only, never in output). */
const POLL_MS = 100;
const IF = 1n << 9n;
const IDLE = 'vmexit.idle';

export const HALTED_FOR_GOOD = 'the vCPU is halted with interrupts off (HLT with RFLAGS.IF=0): nothing can wake it';
/** Why continue-until-console stops at a vCPU emu reports idle (HLT, interrupts on, no timer or device event to come). */
export const WAITING_FOR_INPUT = 'the vCPU is halted waiting for an interrupt no device will raise: only console input can wake it';

export class HaltWatch {
  /** The watch kicked the KVM_RUN that just returned. */
  kicked = false;

  constructor(private readonly m: Machine) {}

  /** `run` (one KVM_RUN) with the watch on it. */
  async around<T>(run: () => Promise<T>): Promise<T> {
    this.kicked = false;
    const { vcpu, name } = this.m;
    const idle0 = vcpu.counters()[IDLE] ?? 0;
    const timer = setInterval(() => {
      if (name === 'emu' && (vcpu.counters()[IDLE] ?? 0) === idle0) return;
      this.kicked = true;
      vcpu.kick();
    }, POLL_MS);
    try {
      return await run();
    } finally {
      clearInterval(timer);
    }
  }
}

/** Halted (KVM_GET_MP_STATE) with RFLAGS.IF clear: no interrupt can wake it. */
export function haltedForGood(vcpu: VcpuFd): boolean {
  return isHalted(vcpu) && (vcpu.getRegs().rflags & IF) === 0n;
}

export function isHalted(vcpu: VcpuFd): boolean {
  return vcpu.getMpState() === KvmMpState.HALTED;
}
