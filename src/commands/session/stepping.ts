/**
 * The stop logic of one execution command: which debug events end it
 * (a breakpoint or watchpoint whose condition and the filter pass, the
 * debugger's own breakpoint when it accepts, a single-step), which are
 * recorded and run on (skipped ones), and how a breakpoint at RIP is
 * stepped over: one single-step with the execute breakpoints out (not RF:
 * KVM's emulator ignores RF for host breakpoints).
 *
 * On kvm_pvm there is no single-step at CPL 3 (docs/hypervisor.md).
 */
import type { VcpuFd } from '../../core/api/index.ts';
import { SessionError } from '../errors.ts';
import { HW_SLOTS, type BreakpointTable } from './breakpoints.ts';
import { DR6_B, type TempBp } from './guest-debug.ts';
import { isHalted } from './halt-watch.ts';
import { classify } from './insn.ts';
import type { Machine } from './machine.ts';
import { pagingOf, readVirtual, translate } from './memory.ts';
import { conditionMatches } from './breakpoint-rules.ts';
import type { ProcessTable } from './processes.ts';
import type { DebugEvent, RunEvent, RunLoop } from './run-loop.ts';
import { debugStop, finalStop, type StopContext } from './stops.ts';
import type { Breakpoint, Condition, Stop, StopReason } from './types.ts';

const TF = 1n << 8n;

/** The session's settings a command reads as it runs. */
export interface StepSettings {
  readonly filter: Condition | null;
  /** The session's instruction budget (for the text of a budget stop). */
  readonly budget: number | null;
}

export interface StepperParts {
  m: Machine;
  loop: RunLoop;
  table: BreakpointTable;
  procs: ProcessTable;
  settings: StepSettings;
}

/** One command's stepping and stopping; a new one per command (its skipped count starts at 0). */
export class Stepper implements StopContext {
  skipped = 0;
  private readonly m: Machine;
  private readonly loop: RunLoop;
  private readonly table: BreakpointTable;
  private readonly procs: ProcessTable;
  private readonly settings: StepSettings;

  constructor(p: StepperParts) {
    this.m = p.m;
    this.loop = p.loop;
    this.table = p.table;
    this.procs = p.procs;
    this.settings = p.settings;
  }

  get budget(): number | null {
    return this.settings.budget;
  }

  /** The command's own instruction limit binds (see limitInstructions). */
  private ownLimit = false;

  /**
   * Caps the instructions this command may retire at `n` (KVM_CAP_VDBG_INSN_BUDGET);
   * false where the backend cannot count them. A lower session budget stays.
   */
  limitInstructions(n: number): boolean {
    if (!this.m.caps.budget) return false;
    const left = this.loop.budgetLeft;
    if (left === null || n < left) {
      this.loop.budgetLeft = n;
      this.ownLimit = true;
    }
    return true;
  }

  /** The budget that ran out is the command's own limit, not the session's. */
  instructionLimitReached(): boolean {
    return this.ownLimit && (this.loop.budgetLeft ?? 1) <= 0;
  }

  get vcpu(): VcpuFd {
    return this.m.vcpu;
  }

  /** kvm_pvm's emulator does not write the exit's dr7 (stale bytes): give the DR7 the session programmed, as VMX/SVM report it. */
  get reportedDr7(): bigint | null {
    return this.m.pvm ? this.loop.debug.programmedDr7 : null;
  }

  processOf(cr3: bigint): string | undefined {
    return this.procs.nameOf(cr3);
  }

  /** The current privilege level (CS.RPL). */
  cpl(): number {
    return this.m.vcpu.getSregs().cs.selector & 3;
  }

  checkStepAllowed(): void {
    if (this.m.pvm && this.cpl() === 3) {
      throw new SessionError('unsupported', 'single-step is not intercepted at CPL 3 on this host\'s /dev/kvm (kvm_pvm); only kernel code can be stepped');
    }
  }

  /** The control flow of the instruction at `rip` ('other' when it cannot be read). */
  flowAt(rip: bigint) {
    try {
      return classify(readVirtual(this.m.memory, pagingOf(this.m.vcpu), rip, 15));
    } catch {
      return { kind: 'other' } as const;
    }
  }

  /**
   * Runs with every breakpoint in until the `n`-th stop (a breakpoint or
   * watchpoint whose condition and filter pass, a HLT exit, the budget), or
   * until `temp` is hit and accepts (then the stop has reason `tempReason`).
   */
  async runToStop(n: number, temp: TempBp | null, tempReason: StopReason): Promise<Stop> {
    let stops = 0;
    let pending: RunEvent | null = await this.stepOverIfAtBreakpoint(temp);
    for (;;) {
      const ev = pending ?? (await this.loop.enter({ step: false, blockIrq: false, exec: true, temp }));
      pending = null;
      if (ev.kind !== 'debug') {
        const s = finalStop(this, ev);
        if (ev.kind === 'halt' && ++stops < n) continue;
        return s;
      }
      const { exit: e, cr3 } = ev;
      const slots = this.table.slots();
      const hitBps: Breakpoint[] = [];
      let tempHit = false, execEvent = false;
      if (e.exception === 3) {
        execEvent = true;
        for (const b of this.table.live()) if (b.kind === 'break' && b.enabled && b.addr === e.pc) hitBps.push(b);
        if (temp !== null && temp.addr === e.pc) tempHit = true;
      } else {
        for (let i = 0; i < HW_SLOTS; i++) {
          if (!(e.dr6 & (1n << BigInt(i)))) continue;
          const b = slots[i];
          if (b !== null) {
            hitBps.push(b);
            if (b.kind === 'hbreak') execEvent = true;
          } else if (temp !== null && i === this.loop.debug.tempSlot() && temp.addr === e.pc) {
            tempHit = true;
            execEvent = true;
          }
        }
        // The debugger's own breakpoint shares an hbreak's address (GuestDebug.program): that hbreak's hit is its hit too.
        if (temp !== null && temp.addr === e.pc && hitBps.some((b) => b.kind === 'hbreak' && b.addr === e.pc)) tempHit = true;
      }
      if (ev.internal && hitBps.length === 0 && !tempHit) continue; // the step-over's own single-step
      // The hit log is for breakpoints and watchpoints (skipped ones too); steps and the debugger's own breakpoint are no hits.
      if (hitBps.length > 0) this.procs.record(hitBps[0].number, cr3, e);
      const stopping = hitBps.filter((b) => this.passes(b, cr3));
      if (stopping.length > 0) {
        for (const b of stopping) b.hits++;
        if (++stops >= n) return debugStop(this, stopping[0].kind === 'watch' ? 'watchpoint' : 'breakpoint', ev, stopping[0].number);
      } else if (tempHit && temp!.accept(cr3, this.m.vcpu)) {
        return debugStop(this, tempReason, ev, undefined, this.tempDrNote());
      }
      if (execEvent) pending = await this.stepOver();
    }
  }

  /** One single-step (interrupts held back with BLOCKIRQ); a watchpoint that fires on the way stops as such. */
  async stepOne(): Promise<Stop> {
    this.checkStepAllowed();
    const ev = await this.singleStep(true);
    if (ev.kind !== 'debug') return finalStop(this, ev);
    const w = this.watchHit(ev);
    if (w !== null) return w;
    return debugStop(this, 'step', ev);
  }

  /** nexti: a CALL runs to its return (same CR3, stack back at the call's level); anything else is one step. */
  async nextOne(): Promise<Stop> {
    const r = this.m.vcpu.getRegs();
    const flow = this.flowAt(r.rip);
    if (flow.kind !== 'call') return this.stepOne();
    const cr3 = this.m.vcpu.getSregs().cr3;
    const ret = r.rip + BigInt(flow.len);
    const temp: TempBp = { addr: ret, accept: (c, vcpu) => c === cr3 && vcpu.getRegs().rsp >= r.rsp };
    return this.runToStop(1, temp, 'step');
  }

  /**
   * run-for: with the budget extension, a run that ends when `count`
   * instructions retired; without it, single-steps, stopping at an execute
   * breakpoint whose condition passes.
   */
  async runFor(count: number): Promise<Stop> {
    if (this.m.caps.budget) {
      this.loop.budgetLeft = count;
      const s = await this.runToStop(1, null, 'breakpoint');
      return s.reason === 'budget' ? { ...s, detail: `ran ${count} instructions (run-for)` } : s;
    }
    let last: Stop | null = null;
    for (let k = 0; k < count; k++) {
      this.checkStepAllowed();
      const ev = await this.singleStep(false);
      if (ev.kind !== 'debug') return finalStop(this, ev);
      const w = this.watchHit(ev);
      if (w !== null) return w;
      last = debugStop(this, 'budget', ev, undefined, `ran ${k + 1} instructions (run-for, single-stepped)`);
      const rip = ev.exit.pc;
      const bp = this.table.live().find((b) => b.enabled && b.kind !== 'watch' && b.addr === rip && this.passes(b, ev.cr3));
      if (bp !== undefined && k + 1 < count) {
        bp.hits++;
        this.procs.record(bp.number, ev.cr3, ev.exit);
        return debugStop(this, 'breakpoint', ev, bp.number);
      }
    }
    return last!;
  }

  /** Said with the stop when the debugger's own breakpoint took a debug register from the guest (kvm_pvm). */
  private tempDrNote(): string | undefined {
    const dr = this.loop.debug.tempDr;
    return dr === null ? undefined : `the debugger's own breakpoint used DR${dr} (no INT3 breakpoints on kvm_pvm): the guest's own debug registers were not in effect while it ran`;
  }

  /** Resuming from an execute breakpoint (or the debugger's own) at RIP: one single-step with them out. */
  private async stepOverIfAtBreakpoint(temp: TempBp | null): Promise<RunEvent | null> {
    const rip = this.m.vcpu.getRegs().rip;
    const at = this.table.live().some((b) => b.enabled && b.kind !== 'watch' && b.addr === rip) || temp?.addr === rip;
    return at ? this.stepOver() : null;
  }

  private async stepOver(): Promise<RunEvent | null> {
    this.m.vmm.inc('session.step_over');
    if (this.m.pvm && this.cpl() === 3) {
      // No single-step at CPL 3 there (and no execute breakpoints fire at CPL 3 either): just run on.
      return null;
    }
    const ev = await this.singleStep(true);
    if (ev.kind !== 'debug') return ev;
    ev.internal = true;
    // Only a watchpoint in the stepped instruction makes the step-over an event of its own.
    return ev.exit.dr6 & DR6_B & this.loop.debug.hostSlots ? ev : null;
  }

  /**
   * One instruction under KVM_GUESTDBG_SINGLESTEP. KVM sets TF in the guest's
   * RFLAGS for it (hidden from KVM_GET_REGS), so an instruction that saves
   * RFLAGS saves TF too, and the guest would trap on its own later (SYSRET
   * restoring R11, POPF): after stepping SYSCALL or PUSHF the saved copy gets
   * the guest's TF back.
   */
  private async singleStep(blockIrq: boolean): Promise<RunEvent> {
    const vcpu = this.m.vcpu;
    const before = vcpu.getRegs();
    const flow = this.flowAt(before.rip);
    const tf = before.rflags & TF;
    // A vCPU halted by a HLT it stepped waits for an interrupt: held back (BLOCKIRQ), none would ever wake it.
    const block = blockIrq && !isHalted(vcpu);
    const ev = await this.loop.enter({ step: true, blockIrq: block, exec: false, temp: null, guestTf: tf !== 0n });
    if (ev.kind === 'debug' && tf === 0n) {
      if (flow.kind === 'syscall') {
        const r = vcpu.getRegs();
        if (r.r11 & TF) vcpu.setRegs({ ...r, r11: r.r11 & ~TF });
      } else if (flow.kind === 'pushf') {
        try {
          const rsp = vcpu.getRegs().rsp;
          const pa = Number(translate(this.m.memory, pagingOf(vcpu), rsp + 1n));
          this.m.memory[pa] &= ~1; // bit 8 of the pushed RFLAGS
        } catch {
          // the push faulted: nothing was saved
        }
      }
    }
    return ev;
  }

  /** Watchpoints that fired in a single-step event, with their conditions; null when none stops. */
  private watchHit(ev: DebugEvent): Stop | null {
    const slots = this.table.slots();
    let stopBp: Breakpoint | null = null;
    for (let i = 0; i < HW_SLOTS; i++) {
      const b = slots[i];
      if (b === null || b.kind !== 'watch' || !(ev.exit.dr6 & (1n << BigInt(i)))) continue;
      if (this.passes(b, ev.cr3) && stopBp === null) stopBp = b;
    }
    if (stopBp === null) return null;
    stopBp.hits++;
    this.procs.record(stopBp.number, ev.cr3, ev.exit);
    return debugStop(this, 'watchpoint', ev, stopBp.number);
  }

  /** Whether `b`'s condition and the filter pass at `cr3`; a skipped event is counted. */
  private passes(b: Breakpoint, cr3: bigint): boolean {
    const filter = this.settings.filter;
    const ok = (b.condition === null || this.matches(b.condition, cr3)) && (filter === null || this.matches(filter, cr3));
    if (!ok) {
      this.skipped++;
      this.m.vmm.inc(filter !== null && !this.matches(filter, cr3) ? 'filter.skipped' : 'condition.skipped');
    }
    return ok;
  }

  private matches(c: Condition, cr3: bigint): boolean {
    return conditionMatches(c, cr3, c.kind === 'process' ? this.procs.nameOf(cr3) : undefined);
  }
}
