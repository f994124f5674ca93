/**
 * Time travel in the debug session (issue 15, commands.md "Time travel"):
 * `record` starts a Timeline (src/core/time-travel) over the machine, and
 * from then on the session can go back — reverse-stepi, reverse-continue,
 * bookmarks, goto icount — by restoring the nearest earlier snapshot and
 * replaying forward with the instruction budget to the exact count.
 *
 * Forward commands after going back re-run the recorded future (the machine
 * is deterministic: the same instructions give the same state). The inputs
 * the debugger can give the guest — a register, x87/SSE or memory write
 * (`set`, gdb's G/P/M/X packets), reported by the Session as it happens
 * (`changed`; a memory write with the guest-physical ranges, which the
 * emulated MMU never sees), and console input (`console-send`, the TUI's
 * console focus), logged as the bytes go into the UART — are recorded the
 * same way: a snapshot of the state with the input in it (`input`), at the
 * next command or travel for a change, at once for console bytes. While
 * back in time an input forks a new future: the recorded one after now is
 * discarded, and it says so. A forward run that replays the recorded future
 * reaches each input at its icount and the input happens again there
 * (runHooks: the run loop restores its snapshot and goes on), as gdb's
 * record-full replays a register change made while recording.
 *
 * Snapshots are taken when the interval has passed: by a run between its
 * KVM_RUNs (runHooks; RunLoop takes the debugger's INT3s out first), and by
 * a step at the command boundary — never with the debugger's INT3s in
 * memory. The Session drives this through a TimeTravelHost; nothing here
 * reaches into src/emu.
 */
import { runInstructions } from '../../core/time-travel/advance.ts';
import { TIME_TRAVEL_NEEDS_EMU, type MachineHistory } from '../../core/time-travel/history.ts';
import { captureState, restoreState, type CapturedState } from '../../core/time-travel/state-walk.ts';
import { DEFAULT_RECORD_INTERVAL, DEFAULT_RECORD_MEMORY, Timeline } from '../../core/time-travel/timeline.ts';
import { SessionError } from '../errors.ts';
import { classify } from './insn.ts';
import { pagingOf, readVirtual, type PhysicalRange } from './memory.ts';
import { callBeforeReturn, callerOf, type BackwardSearch, type TracePoint } from './reverse-frames.ts';
import type { Machine } from './machine.ts';
import type { Recording } from './run-loop.ts';
import type { Stop } from './types.ts';

/** What the session gives its time travel: the machine, and its forward `continue` within a count. */
export interface TimeTravelHost {
  machine(): Machine;
  /** Forward `continue` that stops after at most `n` instructions (breakpoints, conditions and filter honoured). */
  continueWithin(n: number): Promise<Stop>;
  processOf(cr3: bigint): string | undefined;
  /** The machine moved in time: this is now the last stop (the state is 'stopped'). */
  travelled(stop: Stop): void;
  /**
   * The machine was restored from a snapshot, whose guest-debug settings are
   * those of when it was taken: the debugger must program its own again
   * before the next entry.
   */
  restored(): void;
  /** The debugger's own records a replay must not add to (hit log, breakpoint hit counts): kept and put back around a scan. */
  debuggerState(): object;
}

export interface RecordInfo {
  recording: boolean;
  start: number;
  end: number;
  icount: number;
  replaying: boolean;
  snapshots: number;
  interval: number;
  memoryBytes: number;
  memoryCap: number;
  thinned: number;
}

export const FORKED_NOTE = 'state changed while back in time: the recorded future was discarded; recording a new one from here';

export class SessionTimeline {
  readonly timeline: Timeline;
  private readonly bookmarks = new Map<string, number>();
  /** The user changed the machine since the last command or travel (an input, not yet taken as a fork). */
  private inputPending = false;
  private readonly history: MachineHistory;
  /** Suppresses the forward hooks while travelling runs forward commands itself. */
  scanning = false;

  constructor(private readonly host: TimeTravelHost, memoryCap = DEFAULT_RECORD_MEMORY) {
    const m = host.machine();
    if (m.name !== 'emu') throw new SessionError('unsupported', TIME_TRAVEL_NEEDS_EMU);
    if (!m.caps.budget) throw new SessionError('unsupported', 'time travel needs KVM_CAP_VDBG_INSN_BUDGET');
    const history = (this.history = m.vcpu.timeTravel());
    // Every device KVM_EXIT_IO reaches (the console's UART and transcript, the CMOS RTC, the exit port) and the VMM's counters.
    const extra = { capture: () => captureState(m.devices), restore: (s: unknown) => restoreState(s as CapturedState) };
    const advance = (n: number): number => {
      // Replay runs the guest alone: no single-step or breakpoints of the debugger's (restored with a snapshot) in the way.
      m.vcpu.setGuestDebug({ control: 0 });
      return runInstructions(m.vcpu, m.devices, () => history.icount(), n);
    };
    this.timeline = new Timeline(history, extra, advance, { interval: DEFAULT_RECORD_INTERVAL, memoryCap });
  }

  get icount(): number {
    return this.timeline.icount;
  }

  info(): RecordInfo {
    const t = this.timeline;
    return {
      recording: true, start: t.start, end: t.end, icount: t.icount, replaying: t.replaying, snapshots: t.snapshots.length,
      interval: t.interval, memoryBytes: t.memoryBytes(), memoryCap: t.memoryCap, thinned: t.thinned,
    };
  }

  /**
   * An input now (console bytes already in the UART, or a change the user
   * made): the recorded future after now is discarded and a snapshot of the
   * state with the input is taken, which forward runs and replays restore
   * when they reach this icount. Returns the note when a recorded future
   * was discarded, else null.
   */
  input(): string | null {
    this.inputPending = false;
    return this.timeline.input() ? FORKED_NOTE : null;
  }

  /**
   * The user changed the machine's state (a register, x87/SSE, or the
   * guest-physical `ranges` of a memory write): an input, recorded at the
   * next command or travel (noticeInput).
   */
  changed(ranges: readonly PhysicalRange[] = []): void {
    for (const r of ranges) this.history.hostWrote(r.pa, r.len);
    this.inputPending = true;
  }

  /**
   * Before a forward command or a travel: an input since the last one forks
   * the future here (snapshot of the changed state, the recorded future
   * discarded). Returns the note to show when a future was discarded.
   */
  noticeInput(): string | null {
    return this.scanning || !this.inputPending ? null : this.input();
  }

  /**
   * What a forward command's run loop does for the recording (RunLoop.begin):
   * reach each input recorded ahead at its icount, where it happens again,
   * and take the snapshots that fall due on the way (not while
   * reverse-continue scans a stretch).
   */
  runHooks(): Recording {
    const t = this.timeline;
    return {
      icount: () => t.icount,
      nextInput: () => t.nextInput(),
      arriveAtInput: () => t.arriveAtInput(),
      snapshotDue: () => (this.scanning ? null : t.nextDue()),
      snapshot: () => t.reached(),
    };
  }

  /** After a forward command: a snapshot when due. */
  afterForward(): void {
    if (!this.scanning) this.timeline.reached();
  }

  /** Go to instruction count `target`; the stop describes where the machine is then. */
  async goto(target: number, why = `icount ${target}`): Promise<Stop> {
    const t = this.timeline;
    if (!Number.isSafeInteger(target) || target < t.start) {
      throw new SessionError('bad-args', `cannot go to ${why}: the recording starts at icount ${t.start}`);
    }
    this.quietly(() => t.goto(target));
    const stop = this.here();
    if (t.icount < target) stop.detail = `the guest stopped at icount ${t.icount} before ${why}`;
    return stop;
  }

  async reverseStepi(n: number): Promise<Stop> {
    const target = Math.max(this.timeline.start, this.icount - n);
    const stop = await this.goto(target, `${n} instruction(s) back`);
    if (this.icount - n < this.timeline.start) stop.detail = `at the start of the recording (icount ${target})`;
    return stop;
  }

  /**
   * The previous breakpoint or watchpoint hit before now: replay each
   * stretch between snapshots with forward `continue` (so conditions and the
   * process filter decide exactly as they did), latest stretch first, and
   * go to the last hit found.
   */
  async reverseContinue(): Promise<Stop> {
    const now = this.icount;
    const t = this.timeline;
    let to = now;
    while (to > t.start) {
      const from = this.stretchStart(to);
      const found = await this.lastHitIn(from, to, now);
      if (found !== null) {
        await this.goto(found.icount);
        return { ...found.stop, rip: this.host.machine().vcpu.getRegs().rip };
      }
      to = from;
    }
    const stop = await this.goto(t.start);
    stop.detail = `no breakpoint or watchpoint hit before icount ${now}: at the start of the recording`;
    return stop;
  }

  /** reverse-nexti (reverse-frames.ts): one instruction back, or back over a call that returned here. */
  async reverseNexti(n: number): Promise<Stop> {
    let stop = await this.reverseNextOne();
    for (let k = 1; k < n && this.icount > this.timeline.start; k++) stop = await this.reverseNextOne();
    return stop;
  }

  private async reverseNextOne(): Promise<Stop> {
    const t = this.timeline;
    if (this.icount <= t.start) return this.reverseStepi(1);
    const now = this.point();
    await this.goto(now.icount - 1);
    const search = callBeforeReturn(now, this.point());
    if (search === null) return this.here();
    const at = this.searchBack(now.icount - 1, search);
    if (at !== null) return this.goto(at);
    const stop = await this.goto(t.start);
    stop.detail = `the call that returned at icount ${now.icount} is before the recording: at its start (icount ${t.start})`;
    return stop;
  }

  /** reverse-finish (reverse-frames.ts): back to just before the CALL that called the current function. */
  async reverseFinish(): Promise<Stop> {
    const t = this.timeline;
    const now = this.point();
    const at = this.searchBack(now.icount, callerOf(now));
    if (at !== null) return this.goto(at);
    const stop = await this.goto(t.start);
    stop.detail = `the call of the current function is before the recording: at its start (icount ${t.start})`;
    return stop;
  }

  /**
   * Feeds `search` the recorded points before `before`, latest first, by
   * replaying each stretch between snapshots one instruction at a time;
   * returns its answer, or null when the recording's start is reached. The
   * machine is left anywhere: the caller goes where the answer says.
   */
  private searchBack(before: number, search: BackwardSearch): number | null {
    const t = this.timeline;
    let to = before;
    while (to > t.start) {
      const from = this.stretchStart(to);
      const points: TracePoint[] = [];
      this.quietly(() => {
        t.goto(from);
        while (this.icount < to) {
          points.push(this.point());
          if (t.forward(1) !== 1) break;
        }
      });
      for (let k = points.length - 1; k >= 0; k--) {
        const found = search(points[k]);
        if (found !== 'continue') return found;
      }
      to = from;
    }
    return null;
  }

  /** The snapshot before `to` (the start of the stretch a backward search replays next). */
  private stretchStart(to: number): number {
    const t = this.timeline;
    return Math.max(t.start, [...t.snapshots].reverse().find((s) => s < to) ?? t.start);
  }

  private point(): TracePoint {
    const m = this.host.machine();
    const r = m.vcpu.getRegs();
    const paging = pagingOf(m.vcpu);
    let flow: TracePoint['flow'];
    try {
      flow = classify(readVirtual(m.memory, paging, r.rip, 15));
    } catch {
      flow = { kind: 'other' };
    }
    return { icount: this.icount, rip: r.rip, rsp: r.rsp, cr3: paging.cr3, flow };
  }

  bookmark(name: string): number {
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new SessionError('bad-args', `bad bookmark name '${name}' (letters, digits, _ . -)`);
    this.bookmarks.set(name, this.icount);
    return this.icount;
  }

  async gotoBookmark(name: string): Promise<Stop> {
    const at = this.bookmarks.get(name);
    if (at === undefined) throw new SessionError('bad-args', `no bookmark '${name}' (info bookmarks lists them)`);
    return this.goto(at, `bookmark ${name}`);
  }

  listBookmarks(): { name: string; icount: number }[] {
    return [...this.bookmarks].map(([name, icount]) => ({ name, icount })).sort((a, b) => a.icount - b.icount);
  }

  /**
   * The last debugger stop (breakpoint/watchpoint) after `from` up to `to`
   * inclusive and before `now`, replaying forward from `from`. A hit at `to`
   * is met before the instruction there retires, so the stretch runs one
   * instruction past it.
   */
  private async lastHitIn(from: number, to: number, now: number): Promise<{ icount: number; stop: Stop } | null> {
    this.quietly(() => this.timeline.goto(from));
    this.host.travelled(this.here());
    let last: { icount: number; stop: Stop } | null = null;
    const records = captureState(this.host.debuggerState());
    this.scanning = true;
    const m = this.host.machine();
    const serial = m.devices.serial, out = serial.onOutput;
    serial.onOutput = null;
    try {
      while (this.icount <= to) {
        const before = this.icount;
        const stop = await this.host.continueWithin(to - before + 1);
        const at = this.icount;
        if ((stop.reason === 'breakpoint' || stop.reason === 'watchpoint') && at <= to && at < now && at > from) last = { icount: at, stop };
        if (this.icount === before || (stop.reason !== 'breakpoint' && stop.reason !== 'watchpoint')) break;
      }
    } finally {
      this.scanning = false;
      serial.onOutput = out;
      restoreState(records);
    }
    return last;
  }

  /** Runs `fn` with the console muted (replayed output was shown when it happened). */
  private quietly(fn: () => void): void {
    const serial = this.host.machine().devices.serial;
    const out = serial.onOutput;
    serial.onOutput = null;
    try {
      fn();
    } finally {
      serial.onOutput = out;
      this.host.restored();
    }
  }

  private here(): Stop {
    const v = this.host.machine().vcpu;
    const cr3 = v.getSregs().cr3;
    const s: Stop = { reason: 'step', cr3, rip: v.getRegs().rip, skipped: 0 };
    const p = this.host.processOf(cr3);
    if (p !== undefined) s.process = p;
    return s;
  }
}

/** The time-travel commands as the command language calls them (SessionApi.travel). */
export interface TimeTravelApi {
  readonly recording: boolean;
  readonly icount: number | undefined;
  /** `record`: start recording here (emu only). */
  record(): RecordInfo;
  /** `record stop`: forget the recording. */
  stop(): void;
  info(): RecordInfo | null;
  /** The instruction counts of the snapshots held, earliest first (the TUI's timeline row); empty when not recording. */
  snapshotIcounts(): readonly number[];
  /** `set record memory BYTES`. */
  setMemoryCap(bytes: number): void;
  reverseStepi(n: number): Promise<Stop>;
  reverseContinue(): Promise<Stop>;
  reverseNexti(n: number): Promise<Stop>;
  reverseFinish(): Promise<Stop>;
  goto(icount: number): Promise<Stop>;
  bookmark(name: string): number;
  gotoBookmark(name: string): Promise<Stop>;
  bookmarks(): { name: string; icount: number }[];
}

/** What the Session lends its TimeTravelControl. */
export interface ControlHost extends TimeTravelHost {
  /** Throws unless no command is running and the guest can be travelled in. */
  idle(): void;
}

export class TimeTravelControl implements TimeTravelApi {
  private tt: SessionTimeline | null = null;
  private memoryCap = DEFAULT_RECORD_MEMORY;

  constructor(private readonly host: ControlHost) {}

  get recording(): boolean {
    return this.tt !== null;
  }

  /** The instruction count now, while recording. */
  get icount(): number | undefined {
    return this.tt?.icount;
  }

  /** The machine was replaced (load, reset, backend): the recording ends with it. */
  machineReplaced(): void {
    this.tt = null;
  }

  beforeForward(): string | null {
    return this.tt?.noticeInput() ?? null;
  }

  /** A reverse-continue is replaying stretches with forward commands (no input may enter them). */
  get scanning(): boolean {
    return this.tt?.scanning ?? false;
  }

  /** Console input went into the UART now: an input while recording (a note when it forked the future). */
  consoleInput(): string | null {
    return this.tt?.input() ?? null;
  }

  /** The user changed the machine (see SessionTimeline.changed); nothing to do while not recording. */
  changed(ranges?: readonly PhysicalRange[]): void {
    this.tt?.changed(ranges);
  }

  /** After a forward command: a snapshot when due. */
  afterForward(): void {
    this.tt?.afterForward();
  }

  /** What a forward command's run loop does for the recording (SessionTimeline.runHooks), or null while not recording. */
  runHooks(): Recording | null {
    return this.tt?.runHooks() ?? null;
  }

  record(): RecordInfo {
    this.host.idle();
    if (this.tt === null) this.tt = new SessionTimeline(this.host, this.memoryCap);
    return this.tt.info();
  }

  stop(): void {
    this.host.idle();
    if (this.tt === null) throw new SessionError('bad-args', 'not recording');
    this.tt.timeline.close();
    this.tt = null;
  }

  info(): RecordInfo | null {
    return this.tt?.info() ?? null;
  }

  snapshotIcounts(): readonly number[] {
    return this.tt?.timeline.snapshots ?? [];
  }

  setMemoryCap(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 1) throw new SessionError('bad-args', `bad record memory ${bytes}: a positive number of bytes`);
    this.memoryCap = bytes;
    if (this.tt !== null) this.tt.timeline.memoryCap = bytes;
  }

  reverseStepi(n: number): Promise<Stop> {
    if (!Number.isSafeInteger(n) || n < 1) return Promise.reject(new SessionError('bad-args', `bad count ${n}`));
    return this.travel((tt) => tt.reverseStepi(n));
  }

  reverseContinue(): Promise<Stop> {
    return this.travel((tt) => tt.reverseContinue());
  }

  reverseNexti(n: number): Promise<Stop> {
    if (!Number.isSafeInteger(n) || n < 1) return Promise.reject(new SessionError('bad-args', `bad count ${n}`));
    return this.travel((tt) => tt.reverseNexti(n));
  }

  reverseFinish(): Promise<Stop> {
    return this.travel((tt) => tt.reverseFinish());
  }

  goto(icount: number): Promise<Stop> {
    return this.travel((tt) => tt.goto(icount));
  }

  bookmark(name: string): number {
    return this.active().bookmark(name);
  }

  gotoBookmark(name: string): Promise<Stop> {
    return this.travel((tt) => tt.gotoBookmark(name));
  }

  bookmarks(): { name: string; icount: number }[] {
    return this.tt?.listBookmarks() ?? [];
  }

  private active(): SessionTimeline {
    if (this.tt === null) {
      const m = this.host.machine();
      if (m.name !== 'emu') throw new SessionError('unsupported', TIME_TRAVEL_NEEDS_EMU);
      throw new SessionError('bad-args', 'not recording: `record` first (time travel reaches back to where recording started)');
    }
    return this.tt;
  }

  private async travel(fn: (tt: SessionTimeline) => Promise<Stop>): Promise<Stop> {
    this.host.idle();
    const tt = this.active();
    const note = tt.noticeInput();
    const stop = await fn(tt);
    if (note !== null && stop.detail === undefined) stop.detail = note;
    this.host.travelled(stop);
    return stop;
  }
}
