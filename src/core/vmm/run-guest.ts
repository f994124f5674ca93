/**
 * A minimal VMM for the bundled guests, on any Backend (emu or kvm): one VM
 * with the in-kernel irqchip and PIT (KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2)
 * for an ELF guest, one vCPU with the CPUID KVM_GET_SUPPORTED_CPUID reports,
 * the image loaded by src/core/loader, then KVM_RUN until the guest writes
 * the exit port, shuts down, halts (raw images, no irqchip) or fails. It
 * returns the console transcript, the exit status and the counters. The
 * debugger drives VMs itself; this is for tests, examples and the bench.
 *
 * It drives the backend through the uAPI classes (src/core/api).
 */
import { openKvm, type Kvm, type VcpuFd, type VmFd } from '../api/index.ts';
import type { Backend } from '../backend.ts';
import { Counters } from '../counters.ts';
import type { Elf64 } from '../loader/elf.ts';
import { DEFAULT_GUEST_MEM, loadElf, loadRaw, RAW_GUEST_MEM, type LoadedImage } from '../loader/boot.ts';
import { LINUX_GUEST_MEM } from '../loader/guest-mem.ts';
import { loadLinux, type LinuxKernel } from '../loader/linux-boot.ts';
import type { VcpuExit } from '../uapi/exit.ts';
import type { CpuidEntry } from '../uapi/fam.ts';
import type { KvmRegs, KvmSregs } from '../uapi/structs.ts';
import { CmosRtc } from './cmos-rtc.ts';
import { connectSerialIrq, ExitPort, rtcClock, SerialConsole } from './devices.ts';
import { handleExit, type ExitDevices, type ExitOutcome } from './handle-exit.ts';

export type GuestImage =
  | { kind: 'elf'; elf: Elf64 }
  | { kind: 'raw'; bytes: Uint8Array; gpa: number; entry?: number; name?: string }
  /** Linux's 64-bit boot protocol (src/core/loader/linux-boot.ts). */
  | { kind: 'linux'; kernel: LinuxKernel; cmdline?: string; initrd?: Uint8Array };

export type StopReason = 'exit-port' | 'shutdown' | 'hlt' | 'internal-error' | 'fail-entry' | 'debug' | 'unexpected-exit' | 'exit-limit' | 'timeout' | 'until';

/** What a hook sees: the VM and vCPU handles, guest memory and the loaded image. */
export interface GuestContext {
  backend: Backend;
  vm: VmFd;
  vcpu: VcpuFd;
  /** The raw fds (tests reach the emulated vCPU with EmuBackend.vcpu(vcpuFd)). */
  vmFd: number;
  vcpuFd: number;
  memory: Uint8Array;
  image: LoadedImage;
  /** COM1: hooks type at the guest's console with `serial.uart.pushInput`. */
  serial: SerialConsole;
}

export interface RunGuestOptions {
  /** Guest RAM (default 64 MiB for an ELF guest, 256 MiB for a Linux kernel, 16 MiB for a raw one). */
  memSize?: number;
  /** In-kernel PIC + PIT (default: yes for an ELF guest or a Linux kernel, no for a raw one, as `load raw` says). */
  irqchip?: boolean;
  /** Edit the CPUID table given to the guest (default: KVM_GET_SUPPORTED_CPUID unchanged). */
  cpuid?: (supported: CpuidEntry[]) => CpuidEntry[];
  /** Stop after this many returns from KVM_RUN (default 10 million). */
  maxExits?: number;
  /** Wall-clock limit in ms; the vCPU is kicked out of KVM_RUN (default none). */
  timeoutMs?: number;
  /** Each console chunk as the guest writes it. */
  onConsole?: (text: string) => void;
  /** Bytes typed at the console before the first KVM_RUN (into the UART's receiver). */
  consoleInput?: Uint8Array;
  /** After the VM is set up, before the first KVM_RUN (tests attach to the emulated vCPU here). */
  onStart?: (ctx: GuestContext) => void;
  /** After each exit to userspace, before it is handled. */
  onExit?: (exit: VcpuExit, ctx: GuestContext) => void;
  /** Asked after each handled exit: true ends the run (stop 'until'), e.g. once the console shows a text. */
  until?: () => boolean;
}

export interface RunGuestResult {
  transcript: string;
  /** The byte written to the exit port, null if the guest stopped otherwise. */
  status: number | null;
  stop: StopReason;
  /** A sentence saying why the run stopped (with the exit's details). */
  detail: string;
  /** The VMM's counters: `exit.<kind>` per KVM_RUN return, `io.<device>`. */
  vmm: Record<string, number>;
  /** The counters of the vCPU and the VM: ioctls by kind, and the backend's (on emu: every hypervisor decision). */
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
const TSS_ADDR = 0xfffbd000;

/** The VM set-up options shared by runGuest and the debug session. */
export type GuestVmOptions = Pick<RunGuestOptions, 'memSize' | 'irqchip' | 'cpuid'>;

/** A VM ready to run: the system handle (close it to free everything), the VM, its vCPU at the image's entry state. */
export interface GuestVm {
  kvm: Kvm;
  vm: VmFd;
  vcpu: VcpuFd;
  /** Guest RAM (slot 0 at GPA 0), zero-copy; invalid after kvm.close(). */
  memory: Uint8Array;
  image: LoadedImage;
  /** The in-kernel PIC + PIT exist (device interrupts go through KVM_IRQ_LINE). */
  irqchip: boolean;
}

/**
 * Opens the backend and builds the machine a guest boots on: the VM (TSS
 * address; in-kernel PIC + PIT for an ELF guest unless told otherwise), RAM
 * in slot 0, the image loaded, one vCPU with the CPUID KVM_GET_SUPPORTED_CPUID
 * reports (or `opts.cpuid` of it) and the loader's regs, sregs and XCR0.
 * On failure everything opened so far is closed.
 */
export function createGuestVm(backend: Backend, image: GuestImage, opts: GuestVmOptions = {}): GuestVm {
  /** An OS image (ELF or Linux) gets the PIC + PIT by default; a raw binary none (`load raw`). */
  const osImage = image.kind !== 'raw';
  const memSize = opts.memSize ?? (image.kind === 'linux' ? LINUX_GUEST_MEM : osImage ? DEFAULT_GUEST_MEM : RAW_GUEST_MEM);
  const kvm = openKvm(backend);
  try {
    const vm = kvm.createVm();
    vm.setTssAddr(TSS_ADDR);
    const irqchip = opts.irqchip ?? osImage;
    if (irqchip) {
      vm.createIrqchip();
      vm.createPit2();
    }
    const mem = vm.mapMemory({ size: memSize });
    const loaded = loadImage(mem.bytes, image);
    const vcpu = vm.createVcpu(0);
    const supported = kvm.getSupportedCpuid();
    vcpu.setCpuid2(opts.cpuid ? opts.cpuid(supported) : supported);
    const { state } = loaded;
    vcpu.setSregs({ ...vcpu.getSregs(), ...state.sregs });
    vcpu.setRegs(state.regs);
    if (state.fpu) vcpu.loadFpu(state.fpu);
    vcpu.setXcrs({ flags: 0, xcrs: [{ xcr: 0, value: state.xcr0 }] });
    return { kvm, vm, vcpu, memory: mem.bytes, image: loaded, irqchip };
  } catch (e) {
    kvm.close();
    throw e;
  }
}

function loadImage(memory: Uint8Array, image: GuestImage): LoadedImage {
  switch (image.kind) {
    case 'elf':
      return loadElf(memory, image.elf);
    case 'raw':
      return loadRaw(memory, image.bytes, image.gpa, image.entry, image.name);
    case 'linux':
      return loadLinux(memory, image.kernel, { cmdline: image.cmdline, initrd: image.initrd });
  }
}

export async function runGuest(backend: Backend, image: GuestImage, opts: RunGuestOptions & { keepMemory?: boolean } = {}): Promise<RunGuestResult> {
  const vmm = new Counters();
  const { kvm, vm, vcpu, memory, image: loaded, irqchip } = createGuestVm(backend, image, opts);
  try {
    const serial = new SerialConsole();
    serial.onOutput = opts.onConsole ?? null;
    const ctx: GuestContext = { backend, vm, vcpu, vmFd: vm.rawFd, vcpuFd: vcpu.rawFd, memory, image: loaded, serial };
    opts.onStart?.(ctx);

    if (irqchip) connectSerialIrq(serial, vm);
    if (opts.consoleInput) serial.uart.pushInput(opts.consoleInput);
    const exitPort = new ExitPort();
    const devices: ExitDevices = { serial, rtc: new CmosRtc(rtcClock(backend.name, vcpu)), exitPort, counters: vmm };
    const maxExits = opts.maxExits ?? DEFAULT_MAX_EXITS;
    let timedOut = false;
    const timer = opts.timeoutMs === undefined ? null : setTimeout(() => {
      timedOut = true;
      vcpu.kick();
    }, opts.timeoutMs);

    let stop: StopReason = 'exit-limit';
    let detail = `stopped after ${maxExits} exits`;
    try {
      for (let n = 0; n < maxExits; n++) {
        const exit = await vcpu.runAsync();
        vmm.inc(`exit.${exit.kind}`);
        if (exit.kind !== 'intr') opts.onExit?.(exit, ctx);
        const outcome = handleExit(exit, devices);
        if (outcome.kind === 'handled') {
          if (opts.until?.()) {
            [stop, detail] = ['until', 'the caller\'s condition (until) held'];
            break;
          }
          continue;
        }
        if (outcome.kind === 'interrupted') {
          if (!timedOut) continue; // a signal: run again
          stop = 'timeout';
          detail = `no exit-port write within ${opts.timeoutMs} ms`;
          break;
        }
        [stop, detail] = stopOf(outcome);
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
      vcpuCounters: vcpu.counters(),
      vmCounters: vm.counters(),
      regs: vcpu.getRegs(),
      sregs: vcpu.getSregs(),
      memory: opts.keepMemory ? memory.slice() : undefined,
      image: loaded,
    };
  } finally {
    kvm.close();
  }
}

/** runGuest's stop reason and sentence for an outcome that ends the run. */
function stopOf(o: Exclude<ExitOutcome, { kind: 'handled' | 'interrupted' }>): [StopReason, string] {
  switch (o.kind) {
    case 'exit-port':
      return ['exit-port', `the guest wrote ${o.status} to the exit port 0x501`];
    case 'debug':
      return ['debug', `KVM_EXIT_DEBUG exception ${o.exit.exception} at 0x${o.exit.pc.toString(16)}`];
    case 'stopped':
    case 'failed':
      return [o.reason, o.detail];
  }
}
