/**
 * A 64-bit guest on the emulated backend, driven through raw ioctls with the
 * shared layouts (the same bytes the uAPI classes send): one VM, RAM in slot
 * 0 at GPA 0, the long-mode tables of src/core/boot, code at BOOT_CODE_ADDR.
 */
import { BOOT_CODE_ADDR, writeLongModeTables } from '../../../src/core/boot/longmode.ts';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import type { EmuVcpu } from '../../../src/core/emu/vcpu.ts';
import { KvmError } from '../../../src/core/uapi/errors.ts';
import { decodeExit, type VcpuExit } from '../../../src/core/uapi/exit.ts';
import { encodeCpuid2, type CpuidEntry } from '../../../src/core/uapi/fam.ts';
import { KvmIoctl } from '../../../src/core/uapi/ioctls.ts';
import { kvmRun } from '../../../src/core/uapi/kvm-run.ts';
import {
  kvmDebugregs, kvmGuestDebug, kvmRegs, kvmSregs, kvmUserspaceMemoryRegion, kvmXcrs,
  type KvmDebugregs, type KvmRegs, type KvmSregs,
} from '../../../src/core/uapi/structs.ts';

export const CODE = BOOT_CODE_ADDR;
export const MEM_SIZE = 2 << 20;

/** CPUID for the guest: the emulated CPU's own leaves (as KVM_GET_SUPPORTED_CPUID reports them). */
export function supportedCpuid(b: EmuBackend, sys: number): CpuidEntry[] {
  const buf = encodeCpuid2(256);
  b.ioctl(sys, KvmIoctl.KVM_GET_SUPPORTED_CPUID, buf);
  const n = new DataView(buf.buffer).getUint32(0, true);
  const out: CpuidEntry[] = [];
  for (let i = 0; i < n; i++) {
    const v = new DataView(buf.buffer, 8 + 40 * i, 40);
    out.push({ function: v.getUint32(0, true), index: v.getUint32(4, true), flags: v.getUint32(8, true), eax: v.getUint32(12, true), ebx: v.getUint32(16, true), ecx: v.getUint32(20, true), edx: v.getUint32(24, true) });
  }
  return out;
}

export interface EmuMachine {
  b: EmuBackend;
  sys: number;
  vmFd: number;
  vcpuFd: number;
  run: DataView;
  mem: Uint8Array;
  vcpu: EmuVcpu;
  /** KVM_RUN; returns the decoded exit, or the KvmError it threw. */
  step(): VcpuExit;
  stepErr(): KvmError;
  getRegs(): KvmRegs;
  setRegs(r: KvmRegs): void;
  getSregs(): KvmSregs;
  setSregs(s: KvmSregs): void;
  getDebugregs(): KvmDebugregs;
  setGuestDebug(control: number, debugreg?: bigint[]): void;
  getXcr0(): bigint;
  counters(): Readonly<Record<string, number>>;
  ioctl(req: number, arg?: Uint8Array | number | bigint): number;
}

export interface MachineOptions {
  /** Put the emulated CPU's CPUID into the guest (KVM_SET_CPUID2), default true. */
  cpuid?: boolean;
  /** Create the in-kernel irqchip (before the vCPU). */
  irqchip?: boolean;
  /** Code mapped at CPL 3 reachable pages. */
  user?: boolean;
}

export function emuMachine(code: readonly number[] | Uint8Array, opts: MachineOptions = {}): EmuMachine {
  const b = new EmuBackend();
  const sys = b.openSystem();
  const vmFd = b.ioctl(sys, KvmIoctl.KVM_CREATE_VM, 0);
  if (opts.irqchip) b.ioctl(vmFd, KvmIoctl.KVM_CREATE_IRQCHIP, 0);
  const m = b.allocMemory(MEM_SIZE);
  const state = writeLongModeTables(m.bytes, { user: opts.user });
  m.bytes.set(code, CODE);
  b.ioctl(vmFd, KvmIoctl.KVM_SET_USER_MEMORY_REGION, kvmUserspaceMemoryRegion.encode({
    slot: 0, flags: 0, guest_phys_addr: 0n, memory_size: BigInt(MEM_SIZE), userspace_addr: m.addr,
  }));
  const vcpuFd = b.ioctl(vmFd, KvmIoctl.KVM_CREATE_VCPU, 0);
  const run = b.mapRun(vcpuFd, 4096);
  const ioctl = (req: number, arg?: Uint8Array | number | bigint) => b.ioctl(vcpuFd, req, arg);
  if (opts.cpuid ?? true) ioctl(KvmIoctl.KVM_SET_CPUID2, encodeCpuid2(supportedCpuid(b, sys)));
  const getSregs = () => {
    const buf = new Uint8Array(kvmSregs.size);
    ioctl(KvmIoctl.KVM_GET_SREGS, buf);
    return kvmSregs.decode(buf);
  };
  const setSregs = (s: KvmSregs) => ioctl(KvmIoctl.KVM_SET_SREGS, kvmSregs.encode(s));
  const getRegs = () => {
    const buf = new Uint8Array(kvmRegs.size);
    ioctl(KvmIoctl.KVM_GET_REGS, buf);
    return kvmRegs.decode(buf);
  };
  const setRegs = (r: KvmRegs) => ioctl(KvmIoctl.KVM_SET_REGS, kvmRegs.encode(r));
  setSregs({ ...getSregs(), ...state.sregs });
  setRegs(state.regs);
  return {
    b, sys, vmFd, vcpuFd, run, mem: m.bytes, vcpu: b.vcpu(vcpuFd), ioctl,
    step() {
      ioctl(KvmIoctl.KVM_RUN, 0);
      return decodeExit(run);
    },
    stepErr() {
      try {
        ioctl(KvmIoctl.KVM_RUN, 0);
      } catch (e) {
        if (e instanceof KvmError) return e;
        throw e;
      }
      throw new Error(`KVM_RUN succeeded with exit ${kvmRun.get(run, 'exit_reason')}`);
    },
    getRegs, setRegs, getSregs, setSregs,
    getDebugregs() {
      const buf = new Uint8Array(kvmDebugregs.size);
      ioctl(KvmIoctl.KVM_GET_DEBUGREGS, buf);
      return kvmDebugregs.decode(buf);
    },
    setGuestDebug(control, debugreg = [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]) {
      ioctl(KvmIoctl.KVM_SET_GUEST_DEBUG, kvmGuestDebug.encode({ control, debugreg }));
    },
    getXcr0() {
      const buf = new Uint8Array(kvmXcrs.size);
      ioctl(KvmIoctl.KVM_GET_XCRS, buf);
      return kvmXcrs.decode(buf).xcrs[0].value;
    },
    counters: () => b.counters(vcpuFd),
  };
}
