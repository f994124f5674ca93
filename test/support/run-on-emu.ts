/**
 * Runs guest machine code on the emulated CPU (src/emu), with the options and
 * the result shape of `runOnKvm` (run-on-kvm.ts), so that a test or the
 * bench can hand the same MachineState, memory image, CPUID and MSRs to
 * either side and compare what comes back. It drives a bare Cpu, not the
 * emulated hypervisor (runCode on an EmuBackend does that).
 *
 * The machine mirrors runOnKvm's: one CPU, RAM at guest-physical 0, no
 * interrupt controller. HLT ends the run like KVM_EXIT_HLT (RIP after the
 * HLT, as KVM leaves it); a triple fault ends it like KVM_EXIT_SHUTDOWN;
 * exceptions are delivered through the guest IDT. Port I/O goes through
 * `onIo` exactly as on KVM: each IN/OUT completes and counts as one exit.
 */
import type { VcpuExit } from '../../src/core/uapi/exit.ts';
import type { CpuidEntry } from '../../src/core/uapi/fam.ts';
import { exitReasonName } from '../../src/core/uapi/kvm-run.ts';
import type { KvmSregs } from '../../src/core/uapi/structs.ts';
import { inValue, type IoAccess, type RunCodeOptions, type RunCodeResult } from './run-code.ts';
import { Cpu } from '../../src/emu/cpu.ts';
import { EXIT_BUDGET, EXIT_HLT, EXIT_STOP, EXIT_TRIPLE_FAULT, EXIT_UNSUPPORTED } from '../../src/emu/exits.ts';
import { writeMsr } from '../../src/emu/exec/system-msr.ts';
import { cpuidMap, getRegs, getSregs, loadMachineState } from '../../src/core/emu/cpu-state.ts';

export interface RunOnEmuOptions extends Omit<RunCodeOptions, 'cpuid'> {
  /**
   * CPUID the guest sees: 'emu' (default) = the emulator's own leaves
   * (src/emu/cpuid.ts, what it implements), or explicit entries (e.g.
   * `hostCpuid()`, to give both backends the same table). 'host' is accepted
   * as a synonym of 'emu': the emulated CPU is this backend's host.
   */
  cpuid?: 'emu' | 'host' | readonly CpuidEntry[];
  /** Stop after this many retired instructions (default: unlimited, as on KVM). */
  maxInstructions?: number;
}

/** runCode's result (run-code.ts), plus what only the emulated CPU can tell. */
export interface RunOnEmuResult extends RunCodeResult {
  /** True when the run stopped because maxInstructions retired. */
  hitMaxInstructions: boolean;
  /** Instructions retired (the emulator's TSC). */
  instructions: number;
  /** The CPU itself, to continue running or inspect hidden state. */
  cpu: Cpu;
}

/** KVM_INTERNAL_ERROR_EMULATION: what KVM reports for an instruction its emulator cannot run. */
const INTERNAL_ERROR_EMULATION = 1;
/** Instructions per Cpu.run call between checks of maxInstructions. */
const CHUNK = 1 << 20;

/** kvm_sregs fields MachineState has no counterpart for, as KVM reports them after reset. */
const SREGS_EXTRA = { apic_base: 0xfee00900n, interrupt_bitmap: [0n, 0n, 0n, 0n] };


/**
 * A Cpu loaded like runOnKvm loads its vCPU: RAM of `memSize` bytes from
 * `memory`, CPUID, the MachineState, then the MSRs. HLT exits (KVM without
 * an irqchip), exceptions go to the guest IDT. `onIo` is not wired here.
 */
export function createEmuCpu(opts: Pick<RunOnEmuOptions, 'memSize' | 'memory' | 'state' | 'cpuid' | 'msrs'>): Cpu {
  const cpu = new Cpu(opts.memSize);
  if (typeof opts.memory === 'function') opts.memory(cpu.mem.u8);
  else cpu.mem.u8.set(opts.memory.subarray(0, opts.memSize));
  if (opts.cpuid !== undefined && typeof opts.cpuid !== 'string') cpu.cpuid = cpuidMap(opts.cpuid);
  loadMachineState(cpu, opts.state);
  cpu.ctl.hlt = true;
  cpu.ctl.io = false;
  cpu.ctl.exceptionBitmap = 0;
  for (const m of opts.msrs ?? []) {
    const v = BigInt.asUintN(64, m.data);
    if (!writeMsr(cpu, m.index, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0)) {
      throw new RangeError(`MSR 0x${m.index.toString(16)} is not implemented by the emulated CPU`);
    }
  }
  return cpu;
}

/** KVM's sregs as read back from the emulated CPU (apic_base/interrupt_bitmap as after reset). */
export function emuSregs(cpu: Cpu): KvmSregs {
  return { ...getSregs(cpu), ...SREGS_EXTRA, apic_base: BigInt(cpu.apicBase) };
}

export function runOnEmu(opts: RunOnEmuOptions): RunOnEmuResult {
  const cpu = createEmuCpu(opts);
  const io: IoAccess[] = [];
  cpu.io = {
    in(port, size) {
      const data = inValue(port, size, opts.onIo);
      io.push({ port, size, direction: 'in', data });
      cpu.requestStop(); // one exit per access, after the instruction completed
      let v = 0;
      for (let k = size - 1; k >= 0; k--) v = (v << 8) | data[k];
      return v;
    },
    out(port, size, value) {
      const data = new Uint8Array(size);
      for (let k = 0; k < size; k++) data[k] = (value >>> (8 * k)) & 0xff;
      io.push({ port, size, direction: 'out', data });
      cpu.requestStop();
    },
  };
  const maxExits = opts.maxExits ?? 1000;
  const maxInsns = opts.maxInstructions ?? Infinity;
  const start = process.hrtime.bigint();
  const first = cpu.icount;
  let exit: VcpuExit = { kind: 'unsupported', reason: -1 };
  let exits = 0;
  let stopped = false;
  let hitMaxInstructions = false;
  while (exits < maxExits && !stopped) {
    const left = maxInsns - (cpu.icount - first);
    if (left <= 0) {
      hitMaxInstructions = true;
      break;
    }
    const e = cpu.run(Math.min(left, CHUNK));
    if (e.reason === EXIT_BUDGET) continue;
    exits++;
    if (e.reason === EXIT_STOP) {
      exit = { kind: 'io', reason: 2, ...lastIo(io) };
      continue;
    }
    exit = finalExit(cpu);
    stopped = true;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    exitReason: { code: exit.reason, name: exit.reason < 0 ? 'none' : exitReasonName(exit.reason) },
    exit,
    hitMaxExits: !stopped && !hitMaxInstructions,
    hitMaxInstructions,
    exits,
    regs: getRegs(cpu),
    sregs: emuSregs(cpu),
    memory: cpu.mem.u8.slice(),
    io,
    seconds,
    instructions: cpu.icount - first,
    cpu,
  };
}

function lastIo(io: IoAccess[]): { direction: 'in' | 'out'; port: number; size: number; count: number; data: Uint8Array } {
  const a = io[io.length - 1];
  return { direction: a.direction, port: a.port, size: a.size, count: 1, data: a.data.slice() };
}

/**
 * Turns a final emulator exit into KVM's shape. HLT completes (RIP after it,
 * as KVM_EXIT_HLT leaves it); anything the emulator cannot run is reported
 * like KVM's emulation failure.
 */
function finalExit(cpu: Cpu): VcpuExit {
  const e = cpu.exit;
  if (e.reason === EXIT_HLT) {
    // HLT exiting is fault-like in the emulator; KVM_EXIT_HLT reports it executed: complete it.
    cpu.rip += e.insnLen;
    cpu.icount++;
    return { kind: 'hlt', reason: 5 };
  }
  if (e.reason === EXIT_TRIPLE_FAULT) return { kind: 'shutdown', reason: 8 };
  if (e.reason === EXIT_UNSUPPORTED) return { kind: 'internal-error', reason: 17, suberror: INTERNAL_ERROR_EMULATION, data: [] };
  // Other exits (CPUID/MSR/XSETBV exiting, MMIO stop…) are off in createEmuCpu; report them as unknown.
  return { kind: 'unknown', reason: 0, hardwareExitReason: BigInt(e.reason) };
}

