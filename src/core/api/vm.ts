/**
 * A VM fd (rust-vmm kvm-ioctls `VmFd`, src/ioctls/vm.rs): memory slots,
 * vCPUs, the in-kernel irqchip and PIT, capabilities enabled per VM.
 */
import type { Backend, GuestMemory as BackendMemory } from '../backend.ts';
import { KvmCap } from '../uapi/ioctls.ts';
import {
  kvmEnableCap,
  kvmIrqLevel,
  kvmPitConfig,
  kvmUserspaceMemoryRegion,
  type KvmEnableCap,
  type KvmPitConfig,
  type KvmUserspaceMemoryRegion,
} from '../uapi/structs.ts';
import { KvmFd } from './fd.ts';
import { VcpuFd } from './vcpu.ts';

/** Guest RAM registered as one memory slot. */
export interface GuestMemory {
  readonly slot: number;
  readonly guestPhysAddr: bigint;
  readonly size: number;
  /** userspace_addr of the slot. */
  readonly hostAddr: bigint;
  /** Zero-copy view of guest RAM; invalid after the VM is closed. */
  readonly bytes: Uint8Array;
}

export class VmFd extends KvmFd {
  private readonly vcpus: VcpuFd[] = [];
  private readonly memory: BackendMemory[] = [];
  private readonly enabled = new Set<number>();

  /** @internal use Kvm.createVm */
  constructor(
    backend: Backend,
    fd: number,
    private readonly vcpuMmapSize: number,
  ) {
    super(backend, fd);
  }

  checkExtension(cap: number): number {
    return this.ioctl('KVM_CHECK_EXTENSION', cap);
  }

  setUserMemoryRegion(region: KvmUserspaceMemoryRegion): void {
    this.ioctl('KVM_SET_USER_MEMORY_REGION', kvmUserspaceMemoryRegion.encode(region));
  }

  /** Allocates `size` zeroed bytes through the backend and registers them as a slot; freed at close. */
  mapMemory(opts: { slot?: number; guestPhysAddr?: bigint; size: number; flags?: number }): GuestMemory {
    const { slot = 0, guestPhysAddr = 0n, size, flags = 0 } = opts;
    this.ensureOpen('KVM_SET_USER_MEMORY_REGION');
    const mem = this.backend.allocMemory(size);
    try {
      this.setUserMemoryRegion({ slot, flags, guest_phys_addr: guestPhysAddr, memory_size: BigInt(size), userspace_addr: mem.addr });
    } catch (e) {
      this.backend.freeMemory(mem);
      throw e;
    }
    this.memory.push(mem);
    return { slot, guestPhysAddr, size, hostAddr: mem.addr, bytes: mem.bytes };
  }

  /** KVM_SET_TSS_ADDR: 3 pages of guest-physical space KVM may use on Intel (ignored by SVM). */
  setTssAddr(addr: number): void {
    this.ioctl('KVM_SET_TSS_ADDR', addr);
  }

  /** KVM_SET_IDENTITY_MAP_ADDR: one page for the EPT identity map (Intel); before any vCPU exists. */
  setIdentityMapAddr(addr: bigint): void {
    const buf = new Uint8Array(8);
    new DataView(buf.buffer).setBigUint64(0, addr, true);
    this.ioctl('KVM_SET_IDENTITY_MAP_ADDR', buf);
  }

  /** KVM_CREATE_IRQCHIP: in-kernel PIC, IOAPIC and a local APIC per vCPU (create before the vCPUs). */
  createIrqchip(): void {
    this.ioctl('KVM_CREATE_IRQCHIP');
  }

  /** KVM_CREATE_PIT2: the in-kernel i8254 (after the irqchip). */
  createPit2(config: KvmPitConfig = { flags: 0 }): void {
    this.ioctl('KVM_CREATE_PIT2', kvmPitConfig.encode(config));
  }

  /** KVM_IRQ_LINE: drive GSI `irq` to `level` (needs the in-kernel irqchip). */
  irqLine(irq: number, level: boolean | number): void {
    this.ioctl('KVM_IRQ_LINE', kvmIrqLevel.encode({ irq, level: typeof level === 'boolean' ? (level ? 1 : 0) : level }));
  }

  /**
   * KVM_ENABLE_CAP on the VM. A bare number enables the cap with no
   * arguments. Enabled caps are remembered: the vCPUs decode the debug
   * exit's CR3 field only when KVM_CAP_X86_GUEST_DEBUG_CR3 is on.
   */
  enableCap(cap: number | Partial<KvmEnableCap> & { cap: number }): void {
    const c = typeof cap === 'number' ? { cap } : cap;
    this.ioctl('KVM_ENABLE_CAP', kvmEnableCap.encode({ cap: c.cap, flags: c.flags ?? 0, args: c.args ?? [0n, 0n, 0n, 0n] }));
    this.enabled.add(c.cap);
  }

  /** Whether KVM_ENABLE_CAP succeeded for `cap` on this VM. */
  capEnabled(cap: number): boolean {
    return this.enabled.has(cap);
  }

  /** KVM_CREATE_VCPU and mmap of its kvm_run page. */
  createVcpu(id = 0): VcpuFd {
    const fd = this.ioctl('KVM_CREATE_VCPU', id);
    let run: DataView;
    try {
      run = this.backend.mapRun(fd, this.vcpuMmapSize);
    } catch (e) {
      this.backend.close(fd);
      throw e;
    }
    const vcpu = new VcpuFd(this.backend, fd, run, this);
    this.vcpus.push(vcpu);
    return vcpu;
  }

  /** Closes the vCPUs, then the VM fd, then frees guest memory. */
  override close(): void {
    if (this.closed) return;
    for (const v of this.vcpus.splice(0)) v.close();
    super.close();
    for (const m of this.memory.splice(0)) this.backend.freeMemory(m);
  }

  /** @internal for VcpuFd.run */
  get debugCr3(): boolean {
    return this.enabled.has(KvmCap.X86_GUEST_DEBUG_CR3);
  }
}
