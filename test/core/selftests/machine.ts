/**
 * One 64-bit guest on either backend, for the KVM selftests rewritten over
 * the uAPI (debug_regs.c, sync_regs_test.c) and the cross-backend check:
 * one VM, RAM in slot 0 at GPA 0, the long-mode tables of src/core/boot,
 * code at BOOT_CODE_ADDR, CPUID from KVM_GET_SUPPORTED_CPUID, and
 * optionally the in-kernel irqchip and IDT gates.
 *
 * `BACKENDS` is the list every suite runs over with `describe.each`: the
 * emulated hypervisor always, /dev/kvm when it works (otherwise the case is
 * skipped and the reason printed, never silently).
 */
import { openKvm, type GuestDebug, type Kvm, type VcpuFd, type VmFd } from '../../../src/core/api/index.ts';
import type { Backend } from '../../../src/core/backend.ts';
import { BOOT_CODE_ADDR, BOOT_IDT_ADDR, SEL_KERNEL_CODE, writeLongModeTables, type LongModeOptions } from '../../../src/core/boot/longmode.ts';
import type { MachineState } from '../../../src/core/boot/state.ts';
import { EmuBackend } from '../../../src/core/emu/backend.ts';
import { KvmBackend } from '../../../src/core/kvm/backend.ts';
import { kvmHost } from '../../../src/core/kvm/host.ts';
import { KvmError } from '../../../src/core/uapi/errors.ts';
import type { VcpuExit } from '../../../src/core/uapi/exit.ts';
import { kvmSkipReason } from '../kvm/available.ts';

export const CODE = BOOT_CODE_ADDR;
export const MEM_SIZE = 2 << 20;
/** Where KVM_SET_TSS_ADDR points (3 pages below 4 GiB, never RAM here). */
const KVM_TSS_ADDR = 0xfffbd000;

export interface BackendCase {
  name: 'emu' | 'kvm';
  /** Why this backend cannot run here (already printed), or undefined. */
  skip: string | undefined;
  make(): Backend;
  /**
   * /dev/kvm is kvm_pvm: guest CPL 0 runs through KVM's instruction
   * emulator, so debug events come from the emulator's paths
   * (kvm_vcpu_do_singlestep, kvm_vcpu_check_code_breakpoint) and hardware
   * #DB/#BP intercepts never see CPL 0 code.
   */
  pvm: boolean;
}

const host = kvmHost();
export const BACKENDS: BackendCase[] = [
  { name: 'emu', skip: undefined, make: () => new EmuBackend(), pvm: false },
  { name: 'kvm', skip: kvmSkipReason('selftests on /dev/kvm'), make: () => new KvmBackend(), pvm: host.modules.includes('kvm_pvm') && !host.hardware },
];

export interface MachineOptions extends LongModeOptions {
  /** KVM_CREATE_IRQCHIP before the vCPU. */
  irqchip?: boolean;
  /** Interrupt gates vector → handler address (DPL 0, or `gateDpl`). */
  gates?: Record<number, number>;
  gateDpl?: number;
  /** Overrides of the boot register state. */
  state?: (s: MachineState) => void;
}

/** One VM with one vCPU, through the uAPI classes. */
export interface Machine {
  kvm: Kvm;
  vm: VmFd;
  vcpu: VcpuFd;
  mem: Uint8Array;
  /** KVM_RUN that must fail: its KvmError. */
  runErr(): KvmError;
  /** RIP += n (the selftests' vcpu_skip_insn: KVM_GET_REGS, rip += n, KVM_SET_REGS). */
  skip(n: number): void;
  setRip(rip: number): void;
  close(): void;
}

/** kvm_guest_debug from a control word and the debugreg entries that are not 0. */
export function dbg(control: number, debugreg: Record<number, bigint> = {}): GuestDebug {
  const d = [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n];
  for (const [k, v] of Object.entries(debugreg)) d[Number(k)] = v;
  return { control, debugreg: d };
}

export function writeGate(mem: Uint8Array, vector: number, target: number, dpl = 0): void {
  const dv = new DataView(mem.buffer, mem.byteOffset);
  const a = BOOT_IDT_ADDR + 16 * vector;
  dv.setUint16(a, target & 0xffff, true);
  dv.setUint16(a + 2, SEL_KERNEL_CODE, true);
  dv.setUint8(a + 4, 0);
  dv.setUint8(a + 5, 0x8e | (dpl << 5));
  dv.setUint16(a + 6, (target >>> 16) & 0xffff, true);
  dv.setUint32(a + 8, 0, true);
}

export function machine(bc: BackendCase, code: readonly number[] | Uint8Array, opts: MachineOptions = {}): Machine {
  const kvm = openKvm(bc.make());
  const vm = kvm.createVm();
  vm.setTssAddr(KVM_TSS_ADDR);
  if (opts.irqchip) vm.createIrqchip();
  const mem = vm.mapMemory({ size: MEM_SIZE }).bytes;
  const state = writeLongModeTables(mem, opts);
  mem.set(code, CODE);
  for (const [v, h] of Object.entries(opts.gates ?? {})) writeGate(mem, Number(v), h, opts.gateDpl ?? 0);
  opts.state?.(state);
  const vcpu = vm.createVcpu(0);
  // CPUID first: KVM checks CR4 bits (OSXSAVE…) against the guest's CPUID in KVM_SET_SREGS.
  vcpu.setCpuid2(kvm.getSupportedCpuid());
  vcpu.setSregs({ ...vcpu.getSregs(), ...state.sregs });
  vcpu.setRegs(state.regs);
  return {
    kvm, vm, vcpu, mem,
    runErr() {
      let e: VcpuExit;
      try {
        e = vcpu.run();
      } catch (err) {
        if (err instanceof KvmError) return err;
        throw err;
      }
      throw new Error(`KVM_RUN succeeded with ${JSON.stringify(e, big)}`);
    },
    skip(n) {
      const r = vcpu.getRegs();
      vcpu.setRegs({ ...r, rip: r.rip + BigInt(n) });
    },
    setRip(rip) {
      vcpu.setRegs({ ...vcpu.getRegs(), rip: BigInt(rip) });
    },
    close() {
      vm.close();
      kvm.close();
    },
  };
}

/** JSON.stringify replacer for bigint and byte views (test messages). */
export function big(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  if (v instanceof Uint8Array) return [...v];
  return v;
}

/** An exit without views into the page, for toEqual across backends. */
export function plainExit(e: VcpuExit): Record<string, unknown> {
  return JSON.parse(JSON.stringify(e, big)) as Record<string, unknown>;
}
