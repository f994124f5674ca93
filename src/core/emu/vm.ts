/**
 * One emulated VM: memory slots, the in-kernel irqchip/PIT, the vCPUs and
 * the per-VM capabilities enabled with KVM_ENABLE_CAP (kvm_main.c +
 * x86.c kvm_arch_vm_ioctl).
 */
import { Counters } from '../counters.ts';
import { PhysMemory } from '../../emu/memory.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { KvmCap } from '../uapi/ioctls.ts';
import { KvmGuestDbg, type KvmEnableCap, type KvmUserspaceMemoryRegion } from '../uapi/structs.ts';
import { Irqchip } from './devices/irqchip.ts';
import { MemorySlots, type HostRange } from './mmio.ts';
import { EmuVcpu } from './vcpu.ts';

/** The emulated hypervisor runs one vCPU per VM (each Cpu keeps its own decode cache). */
export const EMU_MAX_VCPUS = 1;
/** KVM_MAX_VCPU_IDS on x86 (4 × KVM_MAX_VCPUS). */
const KVM_MAX_VCPU_IDS = 4096;

/**
 * The in-kernel irqchip with KVM's BLOCKIRQ inhibit: while any vCPU has
 * KVM_GUESTDBG_BLOCKIRQ, the INTR line reads low (APICV_INHIBIT_REASON_BLOCKIRQ
 * is VM-wide too), so no interrupt is delivered; exceptions still are.
 */
class BlockableIrqchip extends Irqchip {
  blocked = false;
  override hasInterrupt(): boolean {
    return !this.blocked && super.hasInterrupt();
  }
}

export class EmuVm {
  readonly counters = new Counters();
  readonly slots: MemorySlots;
  readonly vcpus = new Map<number, EmuVcpu>();
  irqchip: BlockableIrqchip | null = null;
  tssAddr = -1;
  /** KVM_CAP_X86_GUEST_DEBUG_CR3 enabled (vdbg extension). */
  cr3Field = false;
  /** KVM_CAP_SYNC_REGS_CONDITIONAL enabled (vdbg extension). */
  conditionalSync = false;
  /** KVM_CAP_VDBG_INSN_BUDGET enabled: KVM_RUN honours kvm_run.insn_budget (docs/uapi-extensions.md §3). */
  insnBudget = false;

  constructor(resolve: (addr: bigint, size: bigint) => HostRange | undefined) {
    this.slots = new MemorySlots(resolve);
  }

  setUserMemoryRegion(r: KvmUserspaceMemoryRegion): void {
    this.slots.set(r, (s) => {
      for (const v of this.vcpus.values()) if (v.cpu.mem.u8.buffer === s.bytes.buffer && v.cpu.mem.size > 0) return true;
      return false;
    });
  }

  /** KVM_CREATE_VCPU (kvm_vm_ioctl_create_vcpu). */
  createVcpu(id: number): EmuVcpu {
    if (id < 0 || id >= KVM_MAX_VCPU_IDS) throw new KvmError(Errno.EINVAL, 'KVM_CREATE_VCPU', `vCPU id ${id} out of range`);
    if (this.vcpus.size >= EMU_MAX_VCPUS) throw new KvmError(Errno.EINVAL, 'KVM_CREATE_VCPU', `emu: at most ${EMU_MAX_VCPUS} vCPU per VM`);
    if (this.vcpus.has(id)) throw new KvmError(Errno.EEXIST, 'KVM_CREATE_VCPU', `vCPU ${id} exists`);
    const flat = this.slots.flatRam();
    const ram = flat !== undefined ? new PhysMemory(flat.bytes.buffer as ArrayBuffer) : new PhysMemory(0);
    const v = new EmuVcpu(this, id, ram);
    this.vcpus.set(id, v);
    return v;
  }

  /** KVM_SET_TSS_ADDR (vmx_set_tss_addr): the address must leave room for three pages below 4 GiB. */
  setTssAddr(addr: bigint): void {
    if (addr > 0xffffffffn - 3n * 4096n + 1n) throw new KvmError(Errno.EINVAL, 'KVM_SET_TSS_ADDR', 'address too high');
    this.tssAddr = Number(addr);
  }

  /** KVM_CREATE_IRQCHIP (kvm_arch_vm_ioctl): EEXIST twice, EINVAL once vCPUs exist. */
  createIrqchip(): void {
    if (this.irqchip !== null) throw new KvmError(Errno.EEXIST, 'KVM_CREATE_IRQCHIP', 'the irqchip exists');
    if (this.vcpus.size > 0) throw new KvmError(Errno.EINVAL, 'KVM_CREATE_IRQCHIP', 'vCPUs already exist');
    this.irqchip = new BlockableIrqchip(this.counters);
  }

  /** KVM_CREATE_PIT2: EEXIST twice, ENOENT without the irqchip, EINVAL for unknown flags. */
  createPit2(flags: number): void {
    if (this.irqchip?.pit) throw new KvmError(Errno.EEXIST, 'KVM_CREATE_PIT2', 'the PIT exists');
    if (this.irqchip === null) throw new KvmError(Errno.ENOENT, 'KVM_CREATE_PIT2', 'no in-kernel irqchip');
    if (flags & ~1) throw new KvmError(Errno.EINVAL, 'KVM_CREATE_PIT2', 'unknown flags');
    this.irqchip.createPit({ flags });
  }

  /** KVM_IRQ_LINE (kvm_vm_ioctl_irq_line): ENXIO without an irqchip. */
  irqLine(irq: number, level: number): void {
    if (this.irqchip === null) throw new KvmError(Errno.ENXIO, 'KVM_IRQ_LINE', 'no in-kernel irqchip');
    if (irq < 16) this.irqchip.irqLine(irq, level);
    for (const v of this.vcpus.values()) v.notify();
  }

  /** KVM_ENABLE_CAP on the VM fd: the vdbg extensions; flags must be 0. */
  enableCap(c: KvmEnableCap): void {
    if (c.flags !== 0) throw new KvmError(Errno.EINVAL, 'KVM_ENABLE_CAP', 'flags must be 0');
    if (c.cap === KvmCap.X86_GUEST_DEBUG_CR3) this.cr3Field = true;
    else if (c.cap === KvmCap.SYNC_REGS_CONDITIONAL) this.conditionalSync = true;
    else if (c.cap === KvmCap.VDBG_INSN_BUDGET) this.insnBudget = true;
    else throw new KvmError(Errno.EINVAL, 'KVM_ENABLE_CAP', `capability ${c.cap} cannot be enabled on this VM`);
  }

  /** Recompute the VM-wide BLOCKIRQ inhibit. */
  updateBlockIrq(): void {
    if (this.irqchip === null) return;
    let any = false;
    for (const v of this.vcpus.values()) if (v.dr.guestDebug & KvmGuestDbg.BLOCKIRQ) any = true;
    this.irqchip.blocked = any;
  }
}
