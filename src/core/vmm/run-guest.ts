/**
 * A minimal VMM for the bundled guests, on any Backend (emu or kvm): one VM
 * with the in-kernel irqchip and PIT (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2)
 * for an ELF guest, one vCPU with the CPUID KVM_GET_SUPPORTED_CPUID reports,
 * the image loaded by src/core/loader, then KVM_RUN until the guest writes
 * the exit port, shuts down, halts (raw images, no irqchip) or fails. It
 * returns the console transcript, the exit status and the counters. The
 * debugger drives VMs itself; this is for tests, examples and the bench.
 *
 * It speaks raw ioctls with the shared layouts (src/core/uapi), as the uAPI
 * classes of src/core/api will once they land.
 */
import type { Backend } from '../backend.ts';
import { Counters } from '../counters.ts';
import type { Elf64 } from '../loader/elf.ts';
import { DEFAULT_GUEST_MEM, loadElf, loadRaw, type LoadedImage } from '../loader/boot.ts';
import { KvmError, Errno } from '../uapi/errors.ts';
import { decodeExit, type VcpuExit } from '../uapi/exit.ts';
import { decodeCpuid2, encodeCpuid2, type CpuidEntry } from '../uapi/fam.ts';
import { KvmIoctl, ioctlName } from '../uapi/ioctls.ts';
import { kvmRun } from '../uapi/kvm-run.ts';
import { kvmPitConfig, kvmRegs, kvmSregs, kvmUserspaceMemoryRegion, kvmXcrs, type KvmRegs, type KvmSregs } from '../uapi/structs.ts';
import { ExitPort, SerialConsole } from './devices.ts';

export type GuestImage =
  | { kind: 'elf'; elf: Elf64 }
  | { kind: 'raw'; bytes: Uint8Array; gpa: number; entry?: number; name?: string };

export type StopReason = 'exit-port' | 'shutdown' | 'hlt' | 'internal-error' | 'fail-entry' | 'debug' | 'unexpected-exit' | 'exit-limit' | 'timeout';

/** What a hook sees: the VM's fds and memory, and register access through the backend. */
export interface GuestContext {
  backend: Backend;
  vmFd: number;
  vcpuFd: number;
  memory: Uint8Array;
  image: LoadedImage;
  getRegs(): KvmRegs;
  getSregs(): KvmSregs;
}

export interface RunGuestOptions {
  /** Guest RAM (default 64 MiB for an ELF guest, 16 MiB for a raw one). */
  memSize?: number;
  /** In-kernel PIC + PIT (default: yes for an ELF guest, no for a raw one, as `load raw` says). */
  irqchip?: boolean;
  /** Edit the CPUID table given to the guest (default: KVM_GET_SUPPORTED_CPUID unchanged). */
  cpuid?: (supported: CpuidEntry[]) => CpuidEntry[];
  /** Stop after this many returns from KVM_RUN (default 10 million). */
  maxExits?: number;
  /** Wall-clock limit in ms; the vCPU is kicked out of KVM_RUN (default none). */
  timeoutMs?: number;
  /** Each console chunk as the guest writes it. */
  onConsole?: (text: string) => void;
  /** After the VM is set up, before the first KVM_RUN (tests attach to the emulated vCPU here). */
  onStart?: (ctx: GuestContext) => void;
  /** After each exit to userspace, before it is handled. */
  onExit?: (exit: VcpuExit, ctx: GuestContext) => void;
}

export interface RunGuestResult {
  transcript: string;
  /** The byte written to the exit port, null if the guest stopped otherwise. */
  status: number | null;
  stop: StopReason;
  /** A sentence saying why the run stopped (with the exit's details). */
  detail: string;
  /** The VMM's counters: `exit.<kind>` per KVM_RUN return, `ioctl.<NAME>`, `io.<device>`. */
  vmm: Record<string, number>;
  /** The backend's counters for the vCPU and the VM (on emu: every hypervisor decision). */
  vcpuCounters: Readonly<Record<string, number>>;
  vmCounters: Readonly<Record<string, number>>;
  regs: KvmRegs;
  sregs: KvmSregs;
  /** A copy of guest memory at the stop (only with keepMemory). */
  memory?: Uint8Array;
  image: LoadedImage;
}

const DEFAULT_MAX_EXITS = 10_000_000;
/** Where KVM may put the three pages it needs for real mode on VMX (unused by long-mode guests, but set as VMMs do). */
const TSS_ADDR = 0xfffbd000n;

export async function runGuest(backend: Backend, image: GuestImage, opts: RunGuestOptions & { keepMemory?: boolean } = {}): Promise<RunGuestResult> {
  const vmm = new Counters();
  const ioctl = (fd: number, req: number, arg?: Uint8Array | number | bigint) => {
    vmm.inc(`ioctl.${ioctlName(req)}`);
    return backend.ioctl(fd, req, arg);
  };
  const isElf = image.kind === 'elf';
  const memSize = opts.memSize ?? (isElf ? DEFAULT_GUEST_MEM : 16 << 20);
  const sys = backend.openSystem();
  const mem = backend.allocMemory(memSize);
  let vmFd = -1, vcpuFd = -1;
  try {
    vmFd = ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
    ioctl(vmFd, KvmIoctl.KVM_SET_TSS_ADDR, TSS_ADDR);
    if (opts.irqchip ?? isElf) {
      ioctl(vmFd, KvmIoctl.KVM_CREATE_IRQCHIP, 0);
      ioctl(vmFd, KvmIoctl.KVM_CREATE_PIT2, kvmPitConfig.encode({ flags: 0 }));
    }
    const loaded = isElf ? loadElf(mem.bytes, image.elf) : loadRaw(mem.bytes, image.bytes, image.gpa, image.entry, image.name);
    ioctl(vmFd, KvmIoctl.KVM_SET_USER_MEMORY_REGION, kvmUserspaceMemoryRegion.encode({
      slot: 0, flags: 0, guest_phys_addr: 0n, memory_size: BigInt(memSize), userspace_addr: mem.addr,
    }));
    vcpuFd = ioctl(vmFd, KvmIoctl.KVM_CREATE_VCPU, 0);
    const run = backend.mapRun(vcpuFd, ioctl(sys, KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0));

    const cpuidBuf = encodeCpuid2(256);
    ioctl(sys, KvmIoctl.KVM_GET_SUPPORTED_CPUID, cpuidBuf);
    const supported = decodeCpuid2(cpuidBuf);
    ioctl(vcpuFd, KvmIoctl.KVM_SET_CPUID2, encodeCpuid2(opts.cpuid ? opts.cpuid(supported) : supported));

    const getRegs = () => {
      const b = new Uint8Array(kvmRegs.size);
      ioctl(vcpuFd, KvmIoctl.KVM_GET_REGS, b);
      return kvmRegs.decode(b);
    };
    const getSregs = () => {
      const b = new Uint8Array(kvmSregs.size);
      ioctl(vcpuFd, KvmIoctl.KVM_GET_SREGS, b);
      return kvmSregs.decode(b);
    };
    const { state } = loaded;
    ioctl(vcpuFd, KvmIoctl.KVM_SET_SREGS, kvmSregs.encode({ ...getSregs(), ...state.sregs }));
    ioctl(vcpuFd, KvmIoctl.KVM_SET_REGS, kvmRegs.encode(state.regs));
    const xcrs = Array.from({ length: 16 }, () => ({ xcr: 0, value: 0n }));
    xcrs[0] = { xcr: 0, value: state.xcr0 };
    ioctl(vcpuFd, KvmIoctl.KVM_SET_XCRS, kvmXcrs.encode({ nr_xcrs: 1, flags: 0, xcrs }));

    const ctx: GuestContext = { backend, vmFd, vcpuFd, memory: mem.bytes, image: loaded, getRegs, getSregs };
    opts.onStart?.(ctx);

    const serial = new SerialConsole();
    serial.onOutput = opts.onConsole ?? null;
    const exitPort = new ExitPort();
    const maxExits = opts.maxExits ?? DEFAULT_MAX_EXITS;
    let timedOut = false;
    const timer = opts.timeoutMs === undefined ? null : setTimeout(() => {
      timedOut = true;
      kvmRun.set(run, 'immediate_exit', 1);
      backend.kick(vcpuFd);
    }, opts.timeoutMs);

    let stop: StopReason = 'exit-limit';
    let detail = `stopped after ${maxExits} exits`;
    try {
      for (let n = 0; n < maxExits; n++) {
        try {
          vmm.inc('ioctl.KVM_RUN');
          await backend.ioctlAsync(vcpuFd, KvmIoctl.KVM_RUN, 0);
        } catch (e) {
          if (!(e instanceof KvmError) || e.errno !== Errno.EINTR) throw e;
          if (timedOut) {
            stop = 'timeout';
            detail = `no exit-port write within ${opts.timeoutMs} ms`;
            break;
          }
          continue; // a signal: run again
        }
        const exit = decodeExit(run);
        vmm.inc(`exit.${exit.kind}`);
        opts.onExit?.(exit, ctx);
        if (exit.kind === 'io') {
          const { port, direction, size, data } = exit;
          if (serial.handles(port)) {
            vmm.inc('io.serial');
            if (direction === 'out') serial.out(port, data[0]);
            else data.fill(0).set([serial.in(port)]);
          } else if (exitPort.handles(port) && direction === 'out') {
            exitPort.out(data[0]);
            stop = 'exit-port';
            detail = `the guest wrote ${exitPort.status} to the exit port 0x501`;
            break;
          } else {
            vmm.inc('io.unclaimed');
            if (direction === 'in') data.fill(0xff, 0, size);
          }
          continue;
        }
        if (exit.kind === 'intr' || exit.kind === 'irq-window-open') continue;
        stop = exit.kind === 'hlt' || exit.kind === 'shutdown' || exit.kind === 'internal-error' || exit.kind === 'fail-entry' || exit.kind === 'debug'
          ? exit.kind : 'unexpected-exit';
        detail = describeExit(exit);
        break;
      }
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
    return {
      transcript: serial.transcript,
      status: exitPort.status,
      stop,
      detail,
      vmm: vmm.snapshot(),
      vcpuCounters: backend.counters(vcpuFd),
      vmCounters: backend.counters(vmFd),
      regs: getRegs(),
      sregs: getSregs(),
      memory: opts.keepMemory ? mem.bytes.slice() : undefined,
      image: loaded,
    };
  } finally {
    if (vcpuFd >= 0) backend.close(vcpuFd);
    if (vmFd >= 0) backend.close(vmFd);
    backend.close(sys);
    backend.freeMemory(mem);
  }
}

function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

function describeExit(e: VcpuExit): string {
  switch (e.kind) {
    case 'hlt':
      return 'the vCPU halted (KVM_EXIT_HLT)';
    case 'shutdown':
      return 'the guest shut down (KVM_EXIT_SHUTDOWN: a triple fault)';
    case 'internal-error':
      return `KVM_EXIT_INTERNAL_ERROR suberror ${e.suberror}${e.suberror === 1 ? ' (instruction emulation failed)' : ''}${e.data.length ? `, data ${e.data.map(hex).join(' ')}` : ''}`;
    case 'fail-entry':
      return `KVM_EXIT_FAIL_ENTRY, hardware entry failure reason ${hex(e.hardwareEntryFailureReason)}`;
    case 'debug':
      return `KVM_EXIT_DEBUG exception ${e.exception} at ${hex(e.pc)}`;
    case 'mmio':
      return `MMIO ${e.isWrite ? 'write' : 'read'} at ${hex(e.physAddr)} (no device there)`;
    default:
      return `unexpected exit ${e.kind} (reason ${e.reason})`;
  }
}
