/**
 * The `kvm` Backend: the machine's /dev/kvm through koffi (libc open, ioctl,
 * mmap). Request numbers and struct bytes come from the uAPI classes
 * (src/core/api) unchanged; this file only moves them to the kernel and
 * turns -1 into a KvmError with the kernel's errno.
 *
 * KVM_RUN off the event loop: `ioctlAsync` runs the ioctl on a koffi worker
 * thread (libuv's pool). Kicking a KVM_RUN in flight (`kick`) works like
 * QEMU's SIG_IPI: every vCPU gets a KVM_SET_SIGNAL_MASK that blocks all
 * signals during KVM_RUN except the kick signal (SIGUSR2, with a no-op
 * handler installed here) and a few that should still interrupt a run
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT). The mask also leaves a per-vCPU
 * pattern of unused real-time signals unblocked, so the thread currently in
 * KVM_RUN for a given vCPU is the one whose /proc/self/task/<tid>/status
 * shows exactly that mask (SigBlk): `kick` finds it there and tgkill()s it.
 * KVM_RUN returns EINTR (KVM_EXIT_INTR); the kick signal, left pending on
 * that thread because KVM restores the blocking mask before returning, is
 * then discarded (sigaction SIG_IGN and back) so it cannot interrupt the
 * next KVM_RUN on that thread. A kick that arrives while no KVM_RUN is in
 * flight is caught by kvm_run.immediate_exit, which the caller (VcpuFd.kick)
 * sets first. See docs/uapi-extensions.md, "Kicking a vCPU".
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Backend, GuestMemory } from '../backend.ts';
import { Counters } from '../counters.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { KvmIoctl, ioctlName } from '../uapi/ioctls.ts';
import { exitCounterName, kvmRun } from '../uapi/kvm-run.ts';
import * as libc from './libc.ts';

export const KVM_DEVICE_PATH = '/dev/kvm';

/** The signal that kicks a vCPU thread out of KVM_RUN. */
export const KICK_SIGNAL = 12; // SIGUSR2
/** Signals left deliverable during KVM_RUN besides the kick: SIGHUP, SIGINT, SIGQUIT, SIGTERM. */
const RUN_UNBLOCKED = [1, 2, 3, 15];
/** Unused real-time signals 50..59 carry a 10-bit vCPU tag in the KVM_RUN mask. */
const TAG_FIRST_SIGNAL = 50;
const TAG_BITS = 10;
const SIGKILL = 9;
const SIGSTOP = 19;
const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
const ALL = (1n << 64n) - 1n;

type Arg = Uint8Array | number | bigint | null | undefined;

interface VcpuInfo {
  run?: { addr: bigint; len: number; view: DataView };
  /** /proc SigBlk of a thread inside KVM_RUN for this vCPU (hex, 16 digits). */
  runMask: string;
  counters: Counters;
}

export class KvmBackend implements Backend {
  readonly name = 'kvm' as const;
  private readonly vcpus = new Map<number, VcpuInfo>();
  private readonly fdCounters = new Map<number, Counters>();
  private readonly memory = new Map<bigint, number>();
  private nextTag = 1;

  constructor(readonly path = KVM_DEVICE_PATH) {}

  openSystem(): number {
    const fd = libc.open(this.path, libc.O_RDWR | libc.O_CLOEXEC);
    if (fd < 0) throw new KvmError(libc.errno(), `open ${this.path}`);
    return fd;
  }

  ioctl(fd: number, request: number, arg?: Arg): number {
    const ret = typeof arg === 'number' || typeof arg === 'bigint' ? libc.ioctlValue(fd, request, arg) : libc.ioctl(fd, request, arg ?? null);
    return this.finish(fd, request, ret, ret < 0 ? libc.errno() : 0);
  }

  async ioctlAsync(fd: number, request: number, arg?: Arg): Promise<number> {
    if (typeof arg === 'number' || typeof arg === 'bigint') return this.ioctl(fd, request, arg);
    const [ret, err] = await libc.ioctlAsync(fd, request, arg ?? null);
    return this.finish(fd, request, ret, err);
  }

  private finish(fd: number, request: number, ret: number, err: number): number {
    if (request === KvmIoctl.KVM_CREATE_VCPU && ret >= 0) this.setupVcpu(ret);
    if (request === KvmIoctl.KVM_RUN) this.countRun(fd, ret, err);
    if (ret < 0) throw new KvmError(err, ioctlName(request));
    return ret;
  }

  /** A new vCPU fd: its KVM_RUN signal mask (kick signal and tag unblocked). */
  private setupVcpu(fd: number): void {
    const tag = this.nextTag++ % (1 << TAG_BITS) || this.nextTag++;
    let mask = ALL & ~bit(KICK_SIGNAL);
    for (const s of RUN_UNBLOCKED) mask &= ~bit(s);
    for (let i = 0; i < TAG_BITS; i++) if ((tag >> i) & 1) mask &= ~bit(TAG_FIRST_SIGNAL + i);
    // struct kvm_signal_mask { __u32 len; __u8 sigset[]; } with the kernel's 8-byte sigset.
    const buf = new Uint8Array(12);
    const dv = new DataView(buf.buffer);
    dv.setUint32(0, 8, true);
    dv.setBigUint64(4, mask, true);
    if (libc.ioctl(fd, KVM_SET_SIGNAL_MASK, buf) < 0) {
      const e = new KvmError(libc.errno(), 'KVM_SET_SIGNAL_MASK');
      libc.close(fd);
      throw e;
    }
    installKickHandler();
    const shown = mask & ~bit(SIGKILL) & ~bit(SIGSTOP); // the kernel never blocks these
    this.vcpus.set(fd, { runMask: shown.toString(16).padStart(16, '0'), counters: new Counters() });
  }

  private countRun(fd: number, ret: number, err: number): void {
    const v = this.vcpus.get(fd);
    if (!v) return;
    if (ret < 0 && err === Errno.EINTR) {
      v.counters.inc('exit.intr');
      // A kick signal may be left pending on the worker thread: discard it
      // before it interrupts the next KVM_RUN there.
      libc.flushPendingSignal(KICK_SIGNAL);
    } else if (ret >= 0 && v.run) {
      v.counters.inc(exitCounterName(kvmRun.get(v.run.view, 'exit_reason')));
    }
  }

  mapRun(vcpuFd: number, size: number): DataView {
    const addr = libc.mmap(size, libc.PROT_READ | libc.PROT_WRITE, libc.MAP_SHARED, vcpuFd);
    if (addr === null) throw new KvmError(libc.errno(), 'mmap', 'kvm_run page of the vCPU fd');
    const view = new DataView(libc.view(addr, size));
    const v = this.vcpus.get(vcpuFd);
    if (v) v.run = { addr, len: size, view };
    else this.vcpus.set(vcpuFd, { run: { addr, len: size, view }, runMask: '', counters: new Counters() });
    return view;
  }

  allocMemory(size: number): GuestMemory {
    const prot = libc.PROT_READ | libc.PROT_WRITE;
    const addr = libc.mmap(size, prot, libc.MAP_PRIVATE | libc.MAP_ANONYMOUS | libc.MAP_NORESERVE, -1);
    if (addr === null) throw new KvmError(libc.errno(), 'mmap', `guest memory of ${size} bytes`);
    this.memory.set(addr, size);
    return { addr, bytes: new Uint8Array(libc.view(addr, size)) };
  }

  freeMemory(mem: GuestMemory): void {
    const len = this.memory.get(mem.addr);
    if (len === undefined) return;
    this.memory.delete(mem.addr);
    if (libc.munmap(mem.addr, len) < 0) throw new KvmError(libc.errno(), 'munmap');
  }

  /**
   * Signals the thread that is in KVM_RUN for `vcpuFd`, if any (found by its
   * KVM_RUN signal mask in /proc). Without one, nothing to do: the caller's
   * immediate_exit stops the next KVM_RUN.
   */
  kick(vcpuFd: number): void {
    const v = this.vcpus.get(vcpuFd);
    if (!v?.runMask) return;
    const tid = findThreadWithMask(v.runMask);
    if (tid === undefined) return;
    v.counters.inc('kick.signal');
    libc.tgkill(libc.getpid(), tid, KICK_SIGNAL);
  }

  counters(fd: number): Readonly<Record<string, number>> {
    return (this.vcpus.get(fd)?.counters ?? this.fdCounters.get(fd) ?? new Counters()).snapshot();
  }

  close(fd: number): void {
    const v = this.vcpus.get(fd);
    this.vcpus.delete(fd);
    if (v?.run && libc.munmap(v.run.addr, v.run.len) < 0) throw new KvmError(libc.errno(), 'munmap');
    if (libc.close(fd) < 0) throw new KvmError(libc.errno(), 'close');
  }
}

/** KVM_SET_SIGNAL_MASK = _IOW(KVMIO, 0x8b, struct kvm_signal_mask) (4-byte header). */
const KVM_SET_SIGNAL_MASK = 0x4004ae8b;

/** A no-op handler for the kick signal, so a stray one never terminates the process. */
let kickHandlerInstalled = false;
function installKickHandler(): void {
  if (kickHandlerInstalled) return;
  kickHandlerInstalled = true;
  process.on('SIGUSR2', () => {});
}

function findThreadWithMask(mask: string): number | undefined {
  for (const t of readdirSync('/proc/self/task')) {
    let status: string;
    try {
      status = readFileSync(`/proc/self/task/${t}/status`, 'utf8');
    } catch {
      continue; // thread exited meanwhile
    }
    if (/^SigBlk:\s*(\S+)/m.exec(status)?.[1] === mask) return Number(t);
  }
  return undefined;
}
