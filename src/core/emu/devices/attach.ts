/**
 * Wires an Irqchip to the emulated CPU the way KVM's in-kernel irqchip sits
 * under a vCPU:
 *
 * - Port I/O: `ctl.io` is turned off so IN/OUT reach `cpu.io`; ports the PIC
 *   or PIT claim complete inside the instruction (so TF, data breakpoints
 *   and icount behave as for any instruction); any other port VM-exits from
 *   inside the instruction with EXIT_IO (port, size, direction, value),
 *   exactly as with `ctl.io` on: nothing changed, RIP at the IN/OUT, `insnLen`
 *   set, for the hypervisor to report KVM_EXIT_IO and complete on re-entry.
 * - MMIO: the local APIC's page (while the APIC is hardware-enabled) is
 *   handled inside the instruction like an in-kernel port; any other
 *   address goes on to the vCPU's MMIO bus (memory slots, KVM_EXIT_MMIO).
 * - Interrupts: the irqchip's output (the PIC through LINT0, the LAPIC) is
 *   the CPU's INTR line, re-read after every in-kernel port or MMIO access,
 *   CR8 or APIC base write, INTA and timer step; INTA (`cpu.intAck`) is the
 *   irqchip's acknowledge. CR8 is the LAPIC's TPR (`cpu.apic`).
 * - HLT is handled in-kernel (`ctl.hlt` off), as KVM does with an irqchip:
 *   the CPU halts and `run` skips the idle time to the next timer event.
 * - Time: `run` slices `cpu.run` so that it stops exactly at the next timer
 *   expiry, and the irqchip's clock follows `cpu.icount` (caught up before
 *   every in-kernel port access, so a count read or a PIT load happens at
 *   the accessing instruction's time). An OUT that moves the next expiry
 *   before the slice's end stops the CPU after that instruction (a private
 *   requestStop, not reported) so the next slice ends on time. Idle
 *   time skipped while halted also advances the TSC (`idleAdvancesTsc`), as
 *   the TSC of a real halted CPU keeps counting.
 */
import type { Cpu, IoBus } from '../../../emu/cpu.ts';
import type { MmioHandler } from '../../../emu/memory.ts';
import { EXIT_BUDGET, EXIT_IDLE, EXIT_IO, EXIT_STOP, type CpuExit } from '../../../emu/exits.ts';
import type { Irqchip } from './irqchip.ts';

export interface AttachOptions {
  /** Idle time skipped while halted advances the TSC too (default true). */
  idleAdvancesTsc?: boolean;
}

export interface AttachedIrqchip {
  /**
   * Run for up to `budget` instructions of guest time (retired plus idle
   * time skipped in HLT). Returns the CPU's exit: EXIT_BUDGET when the
   * budget is used up; EXIT_IDLE when the CPU halted with nothing that can
   * wake it (RFLAGS.IF = 0, or no timer armed: KVM would block the vCPU
   * until KVM_IRQ_LINE or a signal); EXIT_IO for ports no in-kernel device
   * claims; any other exit as `cpu.run` returns it.
   */
  run(budget: number): CpuExit;
  /** Re-read the PIC output into the CPU's INTR line (after irqLine from outside a run). */
  syncIntr(): void;
  /**
   * Keep INTR low whatever the PIC says (KVM_GUESTDBG_BLOCKIRQ: no interrupt
   * is injected while set; requests wait in the PIC).
   */
  blockIrq: boolean;
  /** Instructions of idle time skipped so far. */
  readonly idleInstructions: number;
  /** The helper's own clock between runs (time travel snapshots and restores it with the CPU). */
  readonly clock: IrqchipClock;
}

/** What attachIrqchip keeps between runs: idle time skipped, the CPU time the irqchip has seen, BLOCKIRQ. */
export interface IrqchipClock {
  idle: number;
  accounted: number;
  blockIrq: boolean;
}

export function attachIrqchip(cpu: Cpu, chip: Irqchip, opts: AttachOptions = {}): AttachedIrqchip {
  const idleAdvancesTsc = opts.idleAdvancesTsc ?? true;
  /** accounted: cpu.icount already given to the irqchip's clock. */
  const clock: IrqchipClock = { idle: 0, accounted: cpu.icount, blockIrq: false };
  /** cpu.icount at which the current run slice ends. */
  let sliceEnd = Infinity;
  /** This helper asked the CPU to stop (to re-slice), not the hypervisor. */
  let selfStop = false;

  /** Bring the irqchip's clock to the CPU's: in-kernel devices see the time of the accessing instruction. */
  const catchUp = (): void => {
    const n = cpu.icount - clock.accounted;
    if (n > 0) chip.advance(n);
    clock.accounted = cpu.icount;
  };

  const syncIntr = (): void => {
    if (!clock.blockIrq && chip.hasInterrupt()) {
      if (!cpu.intrPending) cpu.raiseIntr();
    } else {
      cpu.intrPending = false;
    }
  };

  const exitIo = (port: number, size: number, out: boolean, value: number): never => {
    const e = cpu.exit;
    e.port = port;
    e.size = size;
    e.out = out;
    e.value = out ? value : 0;
    return cpu.vmexit(EXIT_IO);
  };

  /** After an in-kernel write: INTR re-read; a reprogrammed timer may now expire before this slice ends: stop after this instruction and re-slice. */
  const written = (): void => {
    syncIntr();
    if (cpu.icount + chip.instructionsUntilNextEvent() < sliceEnd && !cpu.stopRequested) {
      selfStop = true;
      cpu.requestStop();
    }
  };

  const bus: IoBus = {
    in(port, size) {
      catchUp();
      const v = chip.portIn(port, size);
      if (v === undefined) return exitIo(port, size, false, 0);
      syncIntr();
      return v;
    },
    out(port, size, value) {
      catchUp();
      if (!chip.portOut(port, size, value)) exitIo(port, size, true, value);
      written();
    },
  };

  const next: MmioHandler = cpu.mmu.mmio;
  const mmio: MmioHandler = {
    read(pa, size) {
      if (chip.lapic === null || !chip.lapic.claims(pa)) return next.read(pa, size);
      catchUp();
      const v = chip.mmioRead(pa, size)!;
      syncIntr();
      return v;
    },
    write(pa, size, value) {
      if (chip.lapic === null || !chip.lapic.claims(pa)) return next.write(pa, size, value);
      catchUp();
      chip.mmioWrite(pa, size, value);
      written();
    },
    fetch: next.fetch?.bind(next),
  };
  cpu.mmu.mmio = mmio;

  const lapic = chip.lapic;
  if (lapic !== null) {
    cpu.apic = {
      readCr8: () => lapic.cr8,
      writeCr8: (v) => {
        lapic.cr8 = v;
        syncIntr();
      },
      baseWritten: (old) => {
        lapic.baseWritten(old);
        syncIntr();
      },
    };
  }

  cpu.ctl.io = false;
  cpu.ctl.hlt = false;
  cpu.io = bus;
  cpu.intAck = () => {
    const vector = chip.ack();
    syncIntr();
    return vector;
  };

  const run = (budget: number): CpuExit => {
    let left = budget;
    for (;;) {
      catchUp();
      syncIntr();
      if (left <= 0) {
        cpu.exit.reason = EXIT_BUDGET;
        return cpu.exit;
      }
      const slice = Math.min(left, chip.instructionsUntilNextEvent());
      const before = cpu.icount;
      sliceEnd = before + slice;
      const exit = cpu.run(slice);
      sliceEnd = Infinity;
      catchUp();
      left -= cpu.icount - before;
      if (exit.reason === EXIT_STOP && selfStop) {
        selfStop = false;
        continue;
      }
      if (exit.reason === EXIT_IDLE) {
        syncIntr();
        if (cpu.intrPending && cpu.interruptsEnabled) continue; // woken by an in-kernel port access
        const wait = chip.instructionsUntilNextEvent();
        if (!cpu.interruptsEnabled || wait === Infinity) return exit;
        const skip = Math.min(wait, left);
        chip.advance(skip);
        clock.idle += skip;
        if (idleAdvancesTsc) cpu.tscOffset += skip;
        left -= skip;
        continue;
      }
      if (exit.reason !== EXIT_BUDGET || left <= 0) return exit;
    }
  };

  return {
    run,
    syncIntr,
    clock,
    get idleInstructions() {
      return clock.idle;
    },
    get blockIrq() {
      return clock.blockIrq;
    },
    set blockIrq(on: boolean) {
      clock.blockIrq = on;
      syncIntr();
    },
  };
}
