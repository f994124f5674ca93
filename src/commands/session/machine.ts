/**
 * The machine a session debugs: one VM with one vCPU on a backend, the
 * image loaded (createGuestVm, as runGuest builds it), the VMM's devices
 * (serial console, exit port) and counters, and what the backend offers
 * the debugger (its capabilities, whether it is kvm_pvm). Load, reset and
 * `backend` build a new one.
 */
import type { Kvm, VcpuFd, VmFd } from '../../core/api/index.ts';
import type { Backend, BackendName } from '../../core/backend.ts';
import { Counters } from '../../core/counters.ts';
import { isKvmPvm, openBackend } from '../../core/open-backend.ts';
import { KvmCap } from '../../core/uapi/ioctls.ts';
import { KvmSyncX86 } from '../../core/uapi/kvm-run.ts';
import { CmosRtc } from '../../core/vmm/cmos-rtc.ts';
import { connectSerialIrq, ExitPort, rtcClock, SerialConsole } from '../../core/vmm/devices.ts';
import type { ExitDevices } from '../../core/vmm/handle-exit.ts';
import { createGuestVm, type GuestImage, type GuestVm } from '../../core/vmm/run-guest.ts';
import { imageError, type LoadSpec } from './image.ts';

export interface MachineCaps {
  /** KVM_CAP_X86_GUEST_DEBUG_CR3: CR3 in the debug exit (vdbg extension). */
  cr3Field: boolean;
  /** KVM_CAP_SYNC_REGS_CONDITIONAL: sync regs saved only on chosen exits (vdbg extension). */
  conditional: boolean;
  /** KVM_CAP_SYNC_REGS with sregs. */
  syncRegs: boolean;
  /** KVM_CAP_VDBG_INSN_BUDGET (vdbg extension), enabled on the VM when present. */
  budget: boolean;
  xsave: boolean;
}

export interface Machine {
  name: BackendName;
  backend: Backend;
  kvm: Kvm;
  vm: VmFd;
  vcpu: VcpuFd;
  memory: Uint8Array;
  /** The devices KVM_EXIT_IO goes to; their counters are `vmm`. */
  devices: ExitDevices;
  /** The VMM's counters: port I/O, and the session's own decisions (step-overs, skipped events, re-injected #DBs). */
  vmm: Counters;
  /** ELF load segments (vaddr → paddr) for INT3s at addresses the current CR3 does not map yet. */
  segments: { vaddr: bigint; paddr: bigint; size: bigint }[];
  caps: MachineCaps;
  /** kvm on a kvm_pvm host: guest CPL 0 runs in KVM's instruction emulator (docs/hypervisor.md). */
  pvm: boolean;
}

/** The VMM's view of what a session loads. */
function guestImage(spec: LoadSpec): GuestImage {
  switch (spec.kind) {
    case 'elf':
      return { kind: 'elf', elf: spec.elf };
    case 'raw':
      return { kind: 'raw', bytes: spec.bytes, gpa: spec.gpa, entry: spec.entry, name: spec.name };
    case 'linux':
      return { kind: 'linux', kernel: spec.kernel, initrd: spec.initrd, cmdline: spec.cmdline };
  }
}

/** Opens backend `name` with the image of `spec` at its entry state; the console's output goes to `onConsole`. */
export function openMachine(name: BackendName, spec: LoadSpec, onConsole: (text: string) => void): Machine {
  const backend = openBackend(name);
  const image = guestImage(spec);
  let g: GuestVm;
  try {
    g = createGuestVm(backend, image, { memSize: spec.memSize });
  } catch (e) {
    throw imageError(e);
  }
  const serial = new SerialConsole();
  serial.onOutput = onConsole;
  if (g.irqchip) connectSerialIrq(serial, g.vm);
  const vmm = new Counters();
  const has = (cap: number): boolean => g.kvm.checkExtension(cap) > 0;
  const caps: MachineCaps = {
    cr3Field: has(KvmCap.X86_GUEST_DEBUG_CR3),
    conditional: has(KvmCap.SYNC_REGS_CONDITIONAL),
    syncRegs: (g.kvm.checkExtension(KvmCap.SYNC_REGS) & KvmSyncX86.SREGS) !== 0,
    budget: has(KvmCap.VDBG_INSN_BUDGET),
    xsave: has(KvmCap.XSAVE),
  };
  if (caps.budget) g.vm.enableCap(KvmCap.VDBG_INSN_BUDGET);
  const elf = spec.kind === 'elf' ? spec.elf : spec.kind === 'linux' && spec.kernel.kind === 'vmlinux' ? spec.kernel.elf : null;
  const segments = elf ? elf.segments.map((s) => ({ vaddr: s.vaddr, paddr: s.paddr, size: BigInt(s.memsz) })) : [];
  return {
    name, backend, kvm: g.kvm, vm: g.vm, vcpu: g.vcpu, memory: g.memory,
    devices: { serial, rtc: new CmosRtc(rtcClock(name, g.vcpu)), exitPort: new ExitPort(), counters: vmm }, vmm, segments, caps, pvm: isKvmPvm(name),
  };
}

