/**
 * /dev/kvm through koffi: one class per fd (system, VM, vCPU), one method per
 * ioctl, shaped like rust-vmm kvm-ioctls (src/ioctls/{system,vm,vcpu}.rs).
 * Every failure is a KvmError carrying the kernel's errno unchanged.
 * Each object owns its fd and mappings; `close()` releases them (a VM also
 * closes its vCPUs), and calling a method after close fails with EBADF.
 */
import { KvmError, Errno } from '../uapi/errors.ts';
import { decodeExit, type VcpuExit } from '../uapi/exit.ts';
import {
  decodeCpuid2,
  decodeMsrs,
  encodeCpuid2,
  encodeMsrs,
  KVM_MAX_CPUID_ENTRIES,
  type CpuidEntry,
  type MsrEntry,
} from '../uapi/fam.ts';
import { kvmRun } from '../uapi/kvm-run.ts';
import {
  kvmGuestDebug,
  kvmRegs,
  kvmSregs,
  kvmUserspaceMemoryRegion,
  type KvmGuestDebug,
  type KvmRegs,
  type KvmSregs,
  type KvmUserspaceMemoryRegion,
} from '../uapi/structs.ts';
import { KVM_API_VERSION, KvmIoctl, type KvmIoctlName } from '../uapi/ioctls.ts';
import * as libc from './libc.ts';

export const KVM_DEVICE_PATH = '/dev/kvm';

export type Availability = { ok: true } | { ok: false; reason: string };

/** Throws KvmError(errno) when a libc call returned -1; returns the result otherwise. */
function check(ret: number, what: KvmIoctlName | string, detail?: string): number {
  if (ret < 0) throw new KvmError(libc.errno(), what, detail);
  return ret;
}

function ioctl(fd: number, name: KvmIoctlName, buf: Uint8Array | null = null): number {
  return check(libc.ioctl(fd, KvmIoctl[name], buf), name);
}

function ioctlValue(fd: number, name: KvmIoctlName, value: number | bigint): number {
  return check(libc.ioctlValue(fd, KvmIoctl[name], value), name);
}

function closeFd(fd: number): void {
  if (fd >= 0) check(libc.close(fd), 'close');
}

/** The system handle: an open /dev/kvm. */
export class KvmSystem {
  private constructor(private fd: number) {}

  /** Opens /dev/kvm and checks that it speaks KVM_API_VERSION 12. */
  static open(path = KVM_DEVICE_PATH): KvmSystem {
    const fd = check(libc.open(path, libc.O_RDWR | libc.O_CLOEXEC), `open ${path}`);
    const sys = new KvmSystem(fd);
    const version = sys.getApiVersion();
    if (version !== KVM_API_VERSION) {
      sys.close();
      throw new KvmError(Errno.EPROTONOSUPPORT, 'KVM_GET_API_VERSION', `API version ${version}, expected ${KVM_API_VERSION}`);
    }
    return sys;
  }

  /** Whether a VM can be created here, and if not, why (device missing, permission, version). */
  static available(path = KVM_DEVICE_PATH): Availability {
    let sys: KvmSystem | undefined;
    try {
      sys = KvmSystem.open(path);
      sys.createVm().close();
      return { ok: true };
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      return { ok: false, reason: explainUnavailable(path, e) };
    } finally {
      sys?.close();
    }
  }

  getApiVersion(): number {
    return ioctl(this.fd, 'KVM_GET_API_VERSION');
  }

  /** KVM_CHECK_EXTENSION: 0 when absent, otherwise a cap-specific positive value. */
  checkExtension(cap: number): number {
    return ioctlValue(this.fd, 'KVM_CHECK_EXTENSION', cap);
  }

  hasExtension(cap: number): boolean {
    return this.checkExtension(cap) > 0;
  }

  getVcpuMmapSize(): number {
    return ioctl(this.fd, 'KVM_GET_VCPU_MMAP_SIZE');
  }

  /** KVM_GET_SUPPORTED_CPUID: the CPUID leaves KVM can expose on this host. */
  getSupportedCpuid(maxEntries = KVM_MAX_CPUID_ENTRIES): CpuidEntry[] {
    const buf = encodeCpuid2(maxEntries);
    ioctl(this.fd, 'KVM_GET_SUPPORTED_CPUID', buf);
    return decodeCpuid2(buf);
  }

  createVm(): KvmVm {
    const mmapSize = this.getVcpuMmapSize();
    return new KvmVm(ioctlValue(this.fd, 'KVM_CREATE_VM', 0), mmapSize);
  }

  close(): void {
    const fd = this.fd;
    this.fd = -1;
    closeFd(fd);
  }
}

function explainUnavailable(path: string, e: KvmError): string {
  if (e.ioctl.startsWith('open')) {
    if (e.errno === Errno.ENOENT) return `${path} does not exist (KVM module not loaded, or the device is not passed into this container)`;
    if (e.errno === Errno.EACCES || e.errno === Errno.EPERM) return `no permission to open ${path} (run as root or join the kvm group)`;
  }
  return e.message;
}

/** Guest RAM: an anonymous host mapping registered as one memory slot. */
export interface GuestMemory {
  readonly slot: number;
  readonly guestPhysAddr: bigint;
  readonly size: number;
  readonly hostAddr: bigint;
  /** Zero-copy view of the mapping; invalid after the VM is closed. */
  readonly bytes: Uint8Array;
}

export class KvmVm {
  private readonly vcpus: KvmVcpu[] = [];
  private readonly mappings: { addr: bigint; len: number }[] = [];

  /** @internal use KvmSystem.createVm */
  constructor(
    private fd: number,
    private readonly vcpuMmapSize: number,
  ) {}

  checkExtension(cap: number): number {
    return ioctlValue(this.fd, 'KVM_CHECK_EXTENSION', cap);
  }

  setUserMemoryRegion(region: KvmUserspaceMemoryRegion): void {
    ioctl(this.fd, 'KVM_SET_USER_MEMORY_REGION', kvmUserspaceMemoryRegion.encode(region));
  }

  /** mmaps `size` bytes of anonymous zeroed memory and registers it at `guestPhysAddr`. */
  mapMemory(opts: { slot?: number; guestPhysAddr?: bigint; size: number; flags?: number }): GuestMemory {
    const { slot = 0, guestPhysAddr = 0n, size, flags = 0 } = opts;
    const prot = libc.PROT_READ | libc.PROT_WRITE;
    const hostAddr = libc.mmap(size, prot, libc.MAP_PRIVATE | libc.MAP_ANONYMOUS | libc.MAP_NORESERVE, -1);
    if (hostAddr === null) throw new KvmError(libc.errno(), 'mmap', `guest memory of ${size} bytes`);
    this.mappings.push({ addr: hostAddr, len: size });
    this.setUserMemoryRegion({
      slot,
      flags,
      guest_phys_addr: guestPhysAddr,
      memory_size: BigInt(size),
      userspace_addr: hostAddr,
    });
    return { slot, guestPhysAddr, size, hostAddr, bytes: new Uint8Array(libc.view(hostAddr, size)) };
  }

  /** KVM_SET_TSS_ADDR: 3 pages of guest-physical space KVM may use on Intel (ignored by SVM). */
  setTssAddr(addr: number): void {
    ioctlValue(this.fd, 'KVM_SET_TSS_ADDR', addr);
  }

  createVcpu(id = 0): KvmVcpu {
    const fd = ioctlValue(this.fd, 'KVM_CREATE_VCPU', id);
    const page = libc.mmap(this.vcpuMmapSize, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_SHARED, fd);
    if (page === null) {
      const err = new KvmError(libc.errno(), 'mmap', 'kvm_run page of the vCPU fd');
      libc.close(fd);
      throw err;
    }
    const vcpu = new KvmVcpu(fd, page, this.vcpuMmapSize);
    this.vcpus.push(vcpu);
    return vcpu;
  }

  /** Closes the vCPUs, then the VM fd, then unmaps guest memory. */
  close(): void {
    for (const v of this.vcpus.splice(0)) v.close();
    const fd = this.fd;
    this.fd = -1;
    closeFd(fd);
    for (const m of this.mappings.splice(0)) check(libc.munmap(m.addr, m.len), 'munmap');
  }
}

export class KvmVcpu {
  /** The kvm_run page (and the PIO data page after it), zero-copy; invalid after close. */
  readonly runPage: DataView;

  private runAddr: bigint | null;

  /** @internal use KvmVm.createVcpu */
  constructor(
    private fd: number,
    runAddr: bigint,
    private readonly runSize: number,
  ) {
    this.runAddr = runAddr;
    this.runPage = new DataView(libc.view(runAddr, runSize));
  }

  getRegs(): KvmRegs {
    const buf = new Uint8Array(kvmRegs.size);
    ioctl(this.fd, 'KVM_GET_REGS', buf);
    return kvmRegs.decode(buf);
  }

  setRegs(regs: KvmRegs): void {
    ioctl(this.fd, 'KVM_SET_REGS', kvmRegs.encode(regs));
  }

  getSregs(): KvmSregs {
    const buf = new Uint8Array(kvmSregs.size);
    ioctl(this.fd, 'KVM_GET_SREGS', buf);
    return kvmSregs.decode(buf);
  }

  setSregs(sregs: KvmSregs): void {
    ioctl(this.fd, 'KVM_SET_SREGS', kvmSregs.encode(sregs));
  }

  setCpuid2(entries: readonly CpuidEntry[]): void {
    ioctl(this.fd, 'KVM_SET_CPUID2', encodeCpuid2(entries));
  }

  /** KVM_GET_MSRS; throws if KVM stops early (it returns how many MSRs it read). */
  getMsrs(indices: readonly number[]): MsrEntry[] {
    const buf = encodeMsrs(indices.map((index) => ({ index, data: 0n })));
    const n = ioctl(this.fd, 'KVM_GET_MSRS', buf);
    if (n < indices.length) throw partialMsrs('KVM_GET_MSRS', indices, n);
    return decodeMsrs(buf, n);
  }

  /** KVM_SET_MSRS; throws if KVM stops early (it returns how many MSRs it wrote). */
  setMsrs(entries: readonly MsrEntry[]): void {
    const n = ioctl(this.fd, 'KVM_SET_MSRS', encodeMsrs(entries));
    if (n < entries.length) throw partialMsrs('KVM_SET_MSRS', entries.map((e) => e.index), n);
  }

  setGuestDebug(debug: KvmGuestDebug): void {
    ioctl(this.fd, 'KVM_SET_GUEST_DEBUG', kvmGuestDebug.encode(debug));
  }

  /** KVM_RUN on this thread. A signal (EINTR) is the `intr` exit, not an error. */
  run(): VcpuExit {
    const ret = libc.ioctl(this.fd, KvmIoctl.KVM_RUN, null);
    return this.finishRun(ret, ret < 0 ? libc.errno() : 0);
  }

  /** KVM_RUN on a koffi worker thread, leaving the event loop free. */
  async runAsync(): Promise<VcpuExit> {
    const [ret, err] = await libc.ioctlAsync(this.fd, KvmIoctl.KVM_RUN);
    return this.finishRun(ret, err);
  }

  private finishRun(ret: number, err: number): VcpuExit {
    if (ret < 0) {
      if (err === Errno.EINTR) return { kind: 'intr', reason: 10 };
      throw new KvmError(err, 'KVM_RUN');
    }
    return decodeExit(this.runPage);
  }

  /** Sets kvm_run.immediate_exit (KVM_CAP_IMMEDIATE_EXIT): the next KVM_RUN returns EINTR at once. */
  setImmediateExit(on: boolean): void {
    kvmRun.set(this.runPage, 'immediate_exit', on ? 1 : 0);
  }

  close(): void {
    const fd = this.fd;
    const addr = this.runAddr;
    this.fd = -1;
    this.runAddr = null;
    if (addr !== null) check(libc.munmap(addr, this.runSize), 'munmap');
    closeFd(fd);
  }
}

function partialMsrs(name: KvmIoctlName, indices: readonly number[], done: number): KvmError {
  const idx = indices[done] ?? 0;
  return new KvmError(Errno.EINVAL, name, `MSR 0x${idx.toString(16)} rejected (${done} of ${indices.length} processed)`);
}
