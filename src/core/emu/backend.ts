/**
 * The emulated hypervisor behind the Backend interface (src/core/backend.ts):
 * an fd table (system, VM and vCPU fds) and `ioctl` decoding the request
 * number and struct bytes with the shared layouts (src/core/uapi), answering
 * as KVM does — results written into the same buffer, the kernel's errno for
 * the same misuse. The default branches follow kvm_dev_ioctl/kvm_arch_dev_ioctl
 * (EINVAL), kvm_arch_vm_ioctl (ENOTTY) and kvm_arch_vcpu_ioctl (EINVAL).
 */
import type { Backend, GuestMemory } from '../backend.ts';
import type { Counters } from '../counters.ts';
import { jitCounters } from '../../emu/jit/stats.ts';
import { CPUID1_ECX_TSC_DEADLINE, CPUID1_EDX_APIC, defaultCpuid, hasFeature, SUBLEAF_LEAVES } from '../../emu/cpuid.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import {
  FAM_HEADER_SIZE, KVM_CPUID_FLAG_SIGNIFCANT_INDEX, KVM_MAX_CPUID_ENTRIES, decodeCpuid2, kvmCpuid2Header,
  kvmCpuidEntry2, kvmMsrEntry, kvmMsrsHeader, type CpuidEntry,
} from '../uapi/fam.ts';
import { KVM_API_VERSION, KvmCap, KvmIoctl, ioctlName } from '../uapi/ioctls.ts';
import {
  KVM_GUESTDBG_VALID_MASK, KVM_LAPIC_STATE_SIZE, KVM_MAX_XCRS, kvmDebugregs, kvmEnableCap, kvmGuestDebug, kvmIrqLevel, kvmInterrupt, kvmMpState,
  KvmMpState, kvmPitConfig, kvmRegs, kvmSregs, kvmUserspaceMemoryRegion, kvmVcpuEvents, kvmXcrs,
} from '../uapi/structs.ts';
import { cpuidMap } from './cpu-state.ts';
import { getXsave, setXsave } from './xsave.ts';
import { KVM_FPU_SIZE, KVM_XSAVE_SIZE } from '../uapi/xsave.ts';
import { getFpu, setFpu } from './fpu.ts';
import { setGuestDebug } from './guest-debug.ts';
import { KVM_USER_MEM_SLOTS, type HostRange } from './mmio.ts';
import { EMU_VCPU_MMAP_SIZE, type EmuVcpu } from './vcpu.ts';
import type { MachineHistory } from '../time-travel/history.ts';
import { EmuMachineHistory } from './machine-history.ts';
import { EMU_MAX_VCPUS, EmuVm } from './vm.ts';

type Arg = Uint8Array | number | bigint | null | undefined;

type FdEntry = { kind: 'system' } | { kind: 'vm'; vm: EmuVm } | { kind: 'vcpu'; vcpu: EmuVcpu };

/** MAX_IO_MSRS (x86.c): KVM_GET/SET_MSRS with more entries fail with E2BIG. */
const MAX_IO_MSRS = 256;
/** Fake userspace addresses of allocMemory (page-aligned, far from 0). */
const ALLOC_BASE = 0x7f00_0000_0000n;

/** KVM_CHECK_EXTENSION answers of the emulated hypervisor (kvm_vm_ioctl_check_extension). */
const CAPS = new Map<number, number>([
  [KvmCap.IRQCHIP, 1],
  [KvmCap.HLT, 1],
  [KvmCap.USER_MEMORY, 1],
  [KvmCap.SET_TSS_ADDR, 1],
  [KvmCap.EXT_CPUID, 1],
  [KvmCap.NR_VCPUS, EMU_MAX_VCPUS],
  [KvmCap.MAX_VCPUS, EMU_MAX_VCPUS],
  [KvmCap.NR_MEMSLOTS, KVM_USER_MEM_SLOTS],
  [KvmCap.PIT2, 1],
  [KvmCap.SET_GUEST_DEBUG, 1],
  [KvmCap.INTERNAL_ERROR_DATA, 1],
  [KvmCap.VCPU_EVENTS, 1],
  [KvmCap.MP_STATE, 1],
  [KvmCap.DEBUGREGS, 1],
  [KvmCap.X86_ROBUST_SINGLESTEP, 1],
  [KvmCap.XCRS, 1],
  [KvmCap.XSAVE, 1],
  [KvmCap.XSAVE2, KVM_XSAVE_SIZE],
  [KvmCap.TSC_DEADLINE_TIMER, 1],
  [KvmCap.SYNC_REGS, 0x7],
  [KvmCap.READONLY_MEM, 1],
  [KvmCap.ENABLE_CAP_VM, 1],
  [KvmCap.CHECK_EXTENSION_VM, 1],
  [KvmCap.IMMEDIATE_EXIT, 1],
  [KvmCap.SET_GUEST_DEBUG2, KVM_GUESTDBG_VALID_MASK],
  [KvmCap.X86_GUEST_DEBUG_CR3, 1],
  [KvmCap.SYNC_REGS_CONDITIONAL, 1],
  [KvmCap.VDBG_INSN_BUDGET, 1],
]);

function fail(errno: number, request: number, detail?: string): never {
  throw new KvmError(errno, ioctlName(request), detail);
}

function buf(request: number, arg: Arg, size: number): Uint8Array {
  if (!(arg instanceof Uint8Array) || arg.length < size) fail(Errno.EFAULT, request, `expects a ${size}-byte buffer`);
  return arg as Uint8Array;
}

function int(arg: Arg): bigint {
  if (arg === null || arg === undefined) return 0n;
  if (arg instanceof Uint8Array) return -1n;
  return BigInt(arg);
}

export class EmuBackend implements Backend {
  readonly name = 'emu' as const;
  private readonly fds = new Map<number, FdEntry>();
  private nextFd = 3;
  private readonly allocs: { addr: bigint; buffer: ArrayBuffer }[] = [];
  private nextAddr = ALLOC_BASE;
  private readonly histories = new WeakMap<EmuVcpu, EmuMachineHistory>();

  openSystem(): number {
    return this.add({ kind: 'system' });
  }

  private add(e: FdEntry): number {
    const fd = this.nextFd++;
    this.fds.set(fd, e);
    return fd;
  }

  private entry(fd: number, request: number): FdEntry {
    const e = this.fds.get(fd);
    if (e === undefined) fail(Errno.EBADF, request, `fd ${fd} is not open`);
    return e!;
  }

  ioctl(fd: number, request: number, arg?: Arg): number {
    const e = this.entry(fd, request);
    switch (e.kind) {
      case 'system':
        return this.systemIoctl(request, arg);
      case 'vm':
        return this.vmIoctl(e.vm, request, arg);
      case 'vcpu':
        if (request === KvmIoctl.KVM_RUN) {
          if (int(arg) !== 0n) fail(Errno.EINVAL, request, 'KVM_RUN takes no argument');
          return e.vcpu.runSync();
        }
        return this.vcpuIoctl(e.vcpu, request, arg);
    }
  }

  async ioctlAsync(fd: number, request: number, arg?: Arg): Promise<number> {
    const e = this.entry(fd, request);
    if (e.kind === 'vcpu' && request === KvmIoctl.KVM_RUN) {
      if (int(arg) !== 0n) fail(Errno.EINVAL, request, 'KVM_RUN takes no argument');
      return e.vcpu.runAsync();
    }
    return this.ioctl(fd, request, arg);
  }

  mapRun(vcpuFd: number, size: number): DataView {
    const e = this.fds.get(vcpuFd);
    if (e === undefined || e.kind !== 'vcpu') throw new KvmError(Errno.EBADF, 'mmap', `fd ${vcpuFd} is not a vCPU`);
    if (size > EMU_VCPU_MMAP_SIZE) throw new KvmError(Errno.EINVAL, 'mmap', `the kvm_run mapping is ${EMU_VCPU_MMAP_SIZE} bytes`);
    return new DataView(e.vcpu.run.buffer, 0, size);
  }

  allocMemory(size: number): GuestMemory {
    const pages = Math.ceil(size / 4096) * 4096;
    const buffer = new ArrayBuffer(pages);
    const addr = this.nextAddr;
    this.nextAddr += BigInt(pages) + 0x20_0000n; // a guard gap, 2 MiB aligned afterwards
    this.nextAddr = (this.nextAddr + 0x1f_ffffn) & ~0x1f_ffffn;
    this.allocs.push({ addr, buffer });
    return { addr, bytes: new Uint8Array(buffer, 0, size) };
  }

  freeMemory(mem: GuestMemory): void {
    const k = this.allocs.findIndex((a) => a.addr === mem.addr);
    if (k >= 0) this.allocs.splice(k, 1);
  }

  /** userspace_addr → the allocation's bytes (undefined: not memory from allocMemory). */
  private resolve = (addr: bigint, size: bigint): HostRange | undefined => {
    for (const a of this.allocs) {
      const len = BigInt(a.buffer.byteLength);
      if (addr >= a.addr && addr + size <= a.addr + len) {
        return { buffer: a.buffer, offset: Number(addr - a.addr), whole: addr === a.addr && size === len };
      }
    }
    return undefined;
  };

  kick(vcpuFd: number): void {
    const e = this.fds.get(vcpuFd);
    if (e?.kind === 'vcpu') e.vcpu.kick();
  }

  counters(fd: number): Readonly<Record<string, number>> {
    const e = this.fds.get(fd);
    if (e === undefined) throw new KvmError(Errno.EBADF, 'counters', `fd ${fd} is not open`);
    const c: Counters | null = e.kind === 'vm' ? e.vm.counters : e.kind === 'vcpu' ? e.vcpu.counters : null;
    return c === null ? {} : c.snapshot();
  }

  close(fd: number): void {
    if (!this.fds.delete(fd)) throw new KvmError(Errno.EBADF, 'close', `fd ${fd} is not open`);
  }

  jitCounters(vcpuFd: number): Readonly<Record<string, number>> {
    const cpu = this.vcpu(vcpuFd).cpu;
    return jitCounters(cpu.jit.stats, cpu.icount, cpu.jitOn);
  }

  setJit(vcpuFd: number, on: boolean): void {
    this.vcpu(vcpuFd).cpu.setJit(on);
  }

  /** Time travel over the machine of a vCPU fd (one history per vCPU: it keeps RAM's base copy). */
  timeTravel(vcpuFd: number): MachineHistory {
    const v = this.vcpu(vcpuFd);
    let h = this.histories.get(v);
    if (h === undefined) this.histories.set(v, (h = new EmuMachineHistory(v.vm, v)));
    return h;
  }

  /** The vCPU behind an fd, for tests and the bench (hardware introspection; not part of the uAPI). */
  vcpu(fd: number): EmuVcpu {
    const e = this.fds.get(fd);
    if (e?.kind !== 'vcpu') throw new KvmError(Errno.EBADF, 'vcpu', `fd ${fd} is not a vCPU`);
    return e.vcpu;
  }

  /** The VM behind an fd (tests). */
  vm(fd: number): EmuVm {
    const e = this.fds.get(fd);
    if (e?.kind !== 'vm') throw new KvmError(Errno.EBADF, 'vm', `fd ${fd} is not a VM`);
    return e.vm;
  }

  // ------------------------------------------------------------ system fd
  private systemIoctl(request: number, arg: Arg): number {
    switch (request) {
      case KvmIoctl.KVM_GET_API_VERSION:
        if (int(arg) !== 0n) fail(Errno.EINVAL, request);
        return KVM_API_VERSION;
      case KvmIoctl.KVM_CREATE_VM:
        if (int(arg) !== 0n) fail(Errno.EINVAL, request, `VM type ${int(arg)} is not supported`);
        return this.add({ kind: 'vm', vm: new EmuVm(this.resolve) });
      case KvmIoctl.KVM_CHECK_EXTENSION:
        return this.checkExtension(arg);
      case KvmIoctl.KVM_GET_VCPU_MMAP_SIZE:
        if (int(arg) !== 0n) fail(Errno.EINVAL, request);
        return EMU_VCPU_MMAP_SIZE;
      case KvmIoctl.KVM_GET_SUPPORTED_CPUID:
        return this.supportedCpuid(request, buf(request, arg, FAM_HEADER_SIZE));
      default:
        return fail(Errno.EINVAL, request, 'not a system ioctl');
    }
  }

  private checkExtension(arg: Arg): number {
    const cap = Number(int(arg));
    return CAPS.get(cap) ?? 0;
  }

  /**
   * KVM_GET_SUPPORTED_CPUID: the emulated CPU's leaves plus what the
   * in-kernel LAPIC provides (leaf 1: APIC, TSC-deadline; KVM adds the
   * features it emulates the same way); E2BIG when nent is too small.
   */
  private supportedCpuid(request: number, b: Uint8Array): number {
    const leaves = defaultCpuid();
    const [a, bx, c, d] = leaves.get('1')!;
    leaves.set('1', [a, bx, c | CPUID1_ECX_TSC_DEADLINE, d | CPUID1_EDX_APIC]);
    const entries: CpuidEntry[] = [];
    for (const [key, v] of leaves) {
      const [l, s] = key.split(':');
      const fn = parseInt(l, 16) >>> 0;
      entries.push({
        function: fn, index: s === undefined ? 0 : parseInt(s, 16), flags: SUBLEAF_LEAVES.has(fn) ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0,
        eax: v[0] >>> 0, ebx: v[1] >>> 0, ecx: v[2] >>> 0, edx: v[3] >>> 0,
      });
    }
    const nent = kvmCpuid2Header.get(b, 'nent');
    if (nent < entries.length) fail(Errno.E2BIG, request, `needs ${entries.length} entries`);
    if (b.length < FAM_HEADER_SIZE + entries.length * kvmCpuidEntry2.size) fail(Errno.EFAULT, request, 'buffer shorter than nent');
    kvmCpuid2Header.set(b, 'nent', entries.length);
    entries.forEach((en, i) => kvmCpuidEntry2.encodeInto(en, b, FAM_HEADER_SIZE + i * kvmCpuidEntry2.size));
    return 0;
  }

  // ---------------------------------------------------------------- VM fd
  private vmIoctl(vm: EmuVm, request: number, arg: Arg): number {
    switch (request) {
      case KvmIoctl.KVM_CHECK_EXTENSION:
        return this.checkExtension(arg);
      case KvmIoctl.KVM_SET_USER_MEMORY_REGION:
        vm.setUserMemoryRegion(kvmUserspaceMemoryRegion.decode(buf(request, arg, kvmUserspaceMemoryRegion.size)));
        return 0;
      case KvmIoctl.KVM_CREATE_VCPU:
        return this.add({ kind: 'vcpu', vcpu: vm.createVcpu(Number(int(arg))) });
      case KvmIoctl.KVM_SET_TSS_ADDR:
        vm.setTssAddr(int(arg));
        return 0;
      case KvmIoctl.KVM_CREATE_IRQCHIP:
        vm.createIrqchip();
        return 0;
      case KvmIoctl.KVM_CREATE_PIT2:
        vm.createPit2(kvmPitConfig.decode(buf(request, arg, kvmPitConfig.size)).flags);
        return 0;
      case KvmIoctl.KVM_IRQ_LINE: {
        const l = kvmIrqLevel.decode(buf(request, arg, kvmIrqLevel.size));
        vm.irqLine(l.irq, l.level);
        return 0;
      }
      case KvmIoctl.KVM_ENABLE_CAP:
        vm.enableCap(kvmEnableCap.decode(buf(request, arg, kvmEnableCap.size)));
        return 0;
      default:
        return fail(Errno.ENOTTY, request, 'not a VM ioctl');
    }
  }

  // -------------------------------------------------------------- vCPU fd
  private vcpuIoctl(v: EmuVcpu, request: number, arg: Arg): number {
    switch (request) {
      case KvmIoctl.KVM_GET_REGS:
        kvmRegs.encodeInto(v.getRegsInternal(), buf(request, arg, kvmRegs.size));
        return 0;
      case KvmIoctl.KVM_SET_REGS:
        v.setRegsInternal(kvmRegs.decode(buf(request, arg, kvmRegs.size)));
        return 0;
      case KvmIoctl.KVM_GET_SREGS:
        kvmSregs.encodeInto(v.getSregsInternal(), buf(request, arg, kvmSregs.size));
        return 0;
      case KvmIoctl.KVM_SET_SREGS:
        v.setSregsInternal(kvmSregs.decode(buf(request, arg, kvmSregs.size)), 'KVM_SET_SREGS');
        return 0;
      case KvmIoctl.KVM_GET_MSRS:
      case KvmIoctl.KVM_SET_MSRS:
        return this.msrs(v, request, buf(request, arg, FAM_HEADER_SIZE));
      case KvmIoctl.KVM_SET_CPUID2:
        return this.setCpuid2(v, request, buf(request, arg, FAM_HEADER_SIZE));
      case KvmIoctl.KVM_SET_GUEST_DEBUG:
        setGuestDebug(v, kvmGuestDebug.decode(buf(request, arg, kvmGuestDebug.size)));
        return 0;
      case KvmIoctl.KVM_GET_MP_STATE:
        // kvm_arch_vcpu_ioctl_get_mpstate: HALTED from HLT until an event wakes the vCPU.
        kvmMpState.encodeInto({ mp_state: v.cpu.halted ? KvmMpState.HALTED : KvmMpState.RUNNABLE }, buf(request, arg, kvmMpState.size));
        return 0;
      case KvmIoctl.KVM_GET_VCPU_EVENTS:
        kvmVcpuEvents.encodeInto(v.getEventsInternal(), buf(request, arg, kvmVcpuEvents.size));
        return 0;
      case KvmIoctl.KVM_SET_VCPU_EVENTS:
        v.setEventsInternal(kvmVcpuEvents.decode(buf(request, arg, kvmVcpuEvents.size)), 'KVM_SET_VCPU_EVENTS');
        return 0;
      case KvmIoctl.KVM_GET_DEBUGREGS: {
        // kvm_vcpu_ioctl_x86_get_debugregs: the guest's values, even under USE_HW_BP.
        const g = v.dr.guest();
        kvmDebugregs.encodeInto({ db: g.db, dr6: g.dr6, dr7: g.dr7, flags: 0n }, buf(request, arg, kvmDebugregs.size));
        return 0;
      }
      case KvmIoctl.KVM_SET_DEBUGREGS: {
        const d = kvmDebugregs.decode(buf(request, arg, kvmDebugregs.size));
        if (d.flags !== 0n) fail(Errno.EINVAL, request, 'flags must be 0');
        if (d.dr6 >> 32n !== 0n || d.dr7 >> 32n !== 0n) fail(Errno.EINVAL, request, 'DR6/DR7 bits 63:32 must be 0');
        v.dr.setDebugregs(d.db, d.dr6, d.dr7);
        return 0;
      }
      case KvmIoctl.KVM_GET_FPU:
        getFpu(v.cpu, buf(request, arg, KVM_FPU_SIZE));
        return 0;
      case KvmIoctl.KVM_SET_FPU:
        setFpu(v.cpu, buf(request, arg, KVM_FPU_SIZE));
        return 0;
      case KvmIoctl.KVM_GET_XSAVE:
      case KvmIoctl.KVM_GET_XSAVE2:
        getXsave(v, buf(request, arg, KVM_XSAVE_SIZE));
        return 0;
      case KvmIoctl.KVM_SET_XSAVE:
        setXsave(v, buf(request, arg, KVM_XSAVE_SIZE), request);
        return 0;
      case KvmIoctl.KVM_GET_XCRS: {
        // kvm_vcpu_ioctl_x86_get_xcrs: one entry, XCR0.
        const xcrs = Array.from({ length: KVM_MAX_XCRS }, () => ({ xcr: 0, value: 0n }));
        xcrs[0] = { xcr: 0, value: v.xcr.xcr0 };
        kvmXcrs.encodeInto({ nr_xcrs: 1, flags: 0, xcrs }, buf(request, arg, kvmXcrs.size));
        return 0;
      }
      case KvmIoctl.KVM_SET_XCRS: {
        // kvm_vcpu_ioctl_x86_set_xcrs: nr_xcrs > 16 or flags → EINVAL; XCR0 entries through __kvm_set_xcr.
        const x = kvmXcrs.decode(buf(request, arg, kvmXcrs.size));
        if (x.nr_xcrs > KVM_MAX_XCRS || x.flags !== 0) fail(Errno.EINVAL, request, 'nr_xcrs > 16 or flags set');
        for (let i = 0; i < x.nr_xcrs; i++) {
          if (x.xcrs[i].xcr !== 0) continue;
          if (!v.xcr.setXcr(0, x.xcrs[i].value)) fail(Errno.EINVAL, request, `XCR0 0x${x.xcrs[i].value.toString(16)} is invalid for this guest`);
        }
        return 0;
      }
      case KvmIoctl.KVM_GET_LAPIC:
        if (v.lapic === null) fail(Errno.EINVAL, request, 'no in-kernel irqchip');
        v.lapic!.getState(buf(request, arg, KVM_LAPIC_STATE_SIZE));
        return 0;
      case KvmIoctl.KVM_SET_LAPIC:
        if (v.lapic === null) fail(Errno.EINVAL, request, 'no in-kernel irqchip');
        v.lapic!.setState(buf(request, arg, KVM_LAPIC_STATE_SIZE));
        v.notify(); // the INTR line follows the new IRR/ISR/TPR
        return 0;
      case KvmIoctl.KVM_INTERRUPT: {
        if (v.vm.irqchip !== null) fail(Errno.ENXIO, request, 'the in-kernel irqchip delivers interrupts');
        const irq = kvmInterrupt.decode(buf(request, arg, kvmInterrupt.size)).irq;
        if (irq >= 256) fail(Errno.EINVAL, request, 'vector above 255');
        v.interrupt(irq);
        return 0;
      }
      case KvmIoctl.KVM_CHECK_EXTENSION:
        return this.checkExtension(arg);
      default:
        return fail(Errno.EINVAL, request, 'not a vCPU ioctl');
    }
  }

  /** KVM_GET/SET_MSRS (msr_io): returns how many entries were processed, stopping at the first failure. */
  private msrs(v: EmuVcpu, request: number, b: Uint8Array): number {
    const n = kvmMsrsHeader.get(b, 'nmsrs');
    if (n >= MAX_IO_MSRS) fail(Errno.E2BIG, request, `nmsrs ${n} ≥ ${MAX_IO_MSRS}`);
    if (b.length < FAM_HEADER_SIZE + n * kvmMsrEntry.size) fail(Errno.EFAULT, request, 'buffer shorter than nmsrs');
    const get = request === KvmIoctl.KVM_GET_MSRS;
    for (let i = 0; i < n; i++) {
      const off = FAM_HEADER_SIZE + i * kvmMsrEntry.size;
      const index = kvmMsrEntry.get(b, 'index', off);
      if (get) {
        const val = v.getMsr(index);
        if (val === undefined) return i;
        kvmMsrEntry.set(b, 'data', val, off);
      } else if (!v.setMsr(index, kvmMsrEntry.get(b, 'data', off))) {
        return i;
      }
    }
    return n;
  }

  /** KVM_SET_CPUID2 (kvm_vcpu_ioctl_set_cpuid2): E2BIG above 256 entries; after KVM_RUN only the same table. */
  private setCpuid2(v: EmuVcpu, request: number, b: Uint8Array): number {
    const n = kvmCpuid2Header.get(b, 'nent');
    if (n > KVM_MAX_CPUID_ENTRIES) fail(Errno.E2BIG, request, `nent ${n} > ${KVM_MAX_CPUID_ENTRIES}`);
    if (b.length < FAM_HEADER_SIZE + n * kvmCpuidEntry2.size) fail(Errno.EFAULT, request, 'buffer shorter than nent');
    const map = cpuidMap(decodeCpuid2(b));
    if (v.ranOnce) {
      const same = map.size === v.guestCpuid.size && [...map].every(([k, x]) => String(v.guestCpuid.get(k)) === String(x));
      if (!same) fail(Errno.EINVAL, request, 'CPUID cannot change after KVM_RUN');
    }
    v.guestCpuid = map;
    v.lapic?.setTscDeadlineSupported(hasFeature(map, 1, 0, 2, 24)); // kvm_vcpu_after_set_cpuid
    return 0;
  }
}
