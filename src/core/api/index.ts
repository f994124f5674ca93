/**
 * The KVM uAPI over a Backend, shaped like rust-vmm's kvm-ioctls: `Kvm`
 * (system), `VmFd`, `VcpuFd`, one method per ioctl, every failure a
 * KvmError carrying the errno and the ioctl's name.
 */
import type { Backend } from '../backend.ts';
import { Kvm } from './kvm.ts';

export { Kvm } from './kvm.ts';
export { VmFd, type GuestMemory } from './vm.ts';
export { VcpuFd, SyncRegs, type GuestDebug, type Xcrs } from './vcpu.ts';

/** Opens the system handle on `backend` and checks KVM_API_VERSION 12. */
export function openKvm(backend: Backend): Kvm {
  return Kvm.open(backend);
}
