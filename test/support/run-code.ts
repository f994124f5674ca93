/**
 * Runs guest machine code through the uAPI classes on any Backend: one VM,
 * one vCPU, one memory slot at guest-physical 0, no irqchip (so HLT exits
 * to userspace as KVM_EXIT_HLT). Port I/O is completed here: OUT is
 * recorded and the vCPU re-entered; IN is recorded and answered with `onIo`
 * (or all-ones bytes, what a read from an empty ISA port returns).
 * `runOnKvm` (run-on-kvm.ts) is this on the kvm backend; tests and the
 * bench use it, the debugger does not.
 */
import type { MachineState } from '../../src/core/boot/state.ts';
import { detachExit, type VcpuExit } from '../../src/core/uapi/exit.ts';
import type { CpuidEntry, MsrEntry } from '../../src/core/uapi/fam.ts';
import { exitReasonName } from '../../src/core/uapi/kvm-run.ts';
import type { KvmRegs, KvmSregs } from '../../src/core/uapi/structs.ts';
import type { Backend } from '../../src/core/backend.ts';
import { openKvm } from '../../src/core/api/index.ts';

export interface IoAccess {
  port: number;
  /** access width in bytes (1, 2 or 4) */
  size: number;
  direction: 'in' | 'out';
  /** bytes written by OUT, or returned to IN (size × count for string I/O) */
  data: Uint8Array;
}

export interface RunCodeOptions {
  /** Guest RAM size in bytes, mapped at guest-physical 0. */
  memSize: number;
  /** Initial contents copied to guest-physical 0, or a callback that writes into guest RAM in place. */
  memory: Uint8Array | ((ram: Uint8Array) => void);
  state: MachineState;
  /** CPUID the guest sees: 'host' (default) = the backend's KVM_GET_SUPPORTED_CPUID as is, or explicit entries. */
  cpuid?: 'host' | readonly CpuidEntry[];
  /** MSRs to set before the first entry (e.g. STAR/LSTAR/FMASK for SYSCALL tests). */
  msrs?: readonly MsrEntry[];
  /** Stop after this many exits (default 1000). */
  maxExits?: number;
  /** Value for an IN: returns `size` bytes (or a number, little-endian). Default: all bytes 0xff. */
  onIo?: (port: number, size: number) => Uint8Array | number;
}

export interface RunCodeResult {
  exitReason: { code: number; name: string };
  /** The final exit, decoded (data copied out of the kvm_run page). */
  exit: VcpuExit;
  /** True when the run stopped because maxExits was reached, not on a final exit. */
  hitMaxExits: boolean;
  exits: number;
  regs: KvmRegs;
  sregs: KvmSregs;
  /** A copy of guest RAM at the end (the mapping itself is gone once this returns). */
  memory: Uint8Array;
  io: IoAccess[];
  seconds: number;
}

const DEFAULT_MAX_EXITS = 1000;

/**
 * Where KVM_SET_TSS_ADDR points: 3 pages just below 4 GiB, never guest RAM
 * here (Intel needs it for real-mode emulation; AMD ignores it).
 */
const KVM_TSS_ADDR = 0xfffbd000;

export function runCode(backend: Backend, opts: RunCodeOptions): RunCodeResult {
  const sys = openKvm(backend);
  try {
    const cpuid = opts.cpuid === undefined || opts.cpuid === 'host' ? sys.getSupportedCpuid() : opts.cpuid;
    const vm = sys.createVm();
    try {
      vm.setTssAddr(KVM_TSS_ADDR);
      const ram = vm.mapMemory({ size: opts.memSize }).bytes;
      if (typeof opts.memory === 'function') opts.memory(ram);
      else ram.set(opts.memory.subarray(0, opts.memSize));

      const vcpu = vm.createVcpu(0);
      // CPUID first: KVM checks CR4 bits (OSXSAVE…) against the guest's CPUID in KVM_SET_SREGS.
      vcpu.setCpuid2(cpuid);
      const initial = vcpu.getSregs();
      vcpu.setSregs({ ...initial, ...opts.state.sregs });
      vcpu.setRegs(opts.state.regs);
      if (opts.msrs?.length) vcpu.setMsrs(opts.msrs);

      const maxExits = opts.maxExits ?? DEFAULT_MAX_EXITS;
      const io: IoAccess[] = [];
      const start = process.hrtime.bigint();
      let exit: VcpuExit = { kind: 'unsupported', reason: -1 };
      let exits = 0;
      let stopped = false;
      while (exits < maxExits && !stopped) {
        exit = vcpu.run();
        exits++;
        if (exit.kind === 'io') {
          if (exit.direction === 'in') answerIn(exit.data, exit.port, exit.size, opts.onIo);
          io.push({ port: exit.port, size: exit.size, direction: exit.direction, data: exit.data.slice() });
        } else if (exit.kind !== 'intr') {
          stopped = true;
        }
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return {
        exitReason: { code: exit.reason, name: exitReasonName(exit.reason) },
        exit: detachExit(exit),
        hitMaxExits: !stopped,
        exits,
        regs: vcpu.getRegs(),
        sregs: vcpu.getSregs(),
        memory: ram.slice(),
        io,
        seconds,
      };
    } finally {
      vm.close();
    }
  } finally {
    sys.close();
  }
}

/** Fills an IN's data (size × count bytes) from onIo, one element at a time. */
function answerIn(data: Uint8Array, port: number, size: number, onIo: RunCodeOptions['onIo']): void {
  for (let off = 0; off < data.length; off += size) data.set(inValue(port, size, onIo), off);
}

/** The `size` bytes an IN reads: from `onIo` (bytes, or a number little-endian), else all ones (an empty ISA port). */
export function inValue(port: number, size: number, onIo: RunCodeOptions['onIo']): Uint8Array {
  const value = onIo ? onIo(port, size) : 0xffffffff;
  if (typeof value !== 'number') return value.slice(0, size);
  const d = new Uint8Array(size);
  for (let k = 0; k < size; k++) d[k] = (value >>> (8 * k)) & 0xff;
  return d;
}

