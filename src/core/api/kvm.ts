/**
 * The system handle (rust-vmm kvm-ioctls `Kvm`, src/ioctls/system.rs): an
 * open /dev/kvm on any Backend. Checks KVM_API_VERSION 12 at open.
 */
import type { Backend } from '../backend.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { decodeCpuid2, encodeCpuid2, KVM_MAX_CPUID_ENTRIES, type CpuidEntry } from '../uapi/fam.ts';
import { KVM_API_VERSION } from '../uapi/ioctls.ts';
import { KvmFd } from './fd.ts';
import { VmFd } from './vm.ts';

export class Kvm extends KvmFd {
  private readonly vms: VmFd[] = [];

  private constructor(backend: Backend, fd: number) {
    super(backend, fd);
  }

  /** openSystem() + KVM_GET_API_VERSION; EPROTONOSUPPORT when it is not 12. */
  static open(backend: Backend): Kvm {
    const kvm = new Kvm(backend, backend.openSystem());
    let version: number;
    try {
      version = kvm.getApiVersion();
    } catch (e) {
      kvm.close();
      throw e;
    }
    if (version !== KVM_API_VERSION) {
      kvm.close();
      throw new KvmError(Errno.EPROTONOSUPPORT, 'KVM_GET_API_VERSION', `API version ${version}, expected ${KVM_API_VERSION}`);
    }
    return kvm;
  }

  getApiVersion(): number {
    return this.ioctl('KVM_GET_API_VERSION');
  }

  /** KVM_CHECK_EXTENSION: 0 when absent, otherwise a cap-specific positive value. */
  checkExtension(cap: number): number {
    return this.ioctl('KVM_CHECK_EXTENSION', cap);
  }

  hasExtension(cap: number): boolean {
    return this.checkExtension(cap) > 0;
  }

  getVcpuMmapSize(): number {
    return this.ioctl('KVM_GET_VCPU_MMAP_SIZE');
  }

  /** KVM_GET_SUPPORTED_CPUID with room for `maxEntries` (E2BIG when too few). */
  getSupportedCpuid(maxEntries = KVM_MAX_CPUID_ENTRIES): CpuidEntry[] {
    const buf = encodeCpuid2(maxEntries);
    this.ioctl('KVM_GET_SUPPORTED_CPUID', buf);
    return decodeCpuid2(buf);
  }

  /** KVM_CREATE_VM (type 0). The VM is closed with this handle if still open. */
  createVm(type = 0): VmFd {
    const mmapSize = this.getVcpuMmapSize();
    const vm = new VmFd(this.backend, this.ioctl('KVM_CREATE_VM', type), mmapSize);
    this.vms.push(vm);
    return vm;
  }

  /** Closes the VMs created here (and their vCPUs), then the system fd. */
  override close(): void {
    for (const vm of this.vms.splice(0)) vm.close();
    super.close();
  }
}
