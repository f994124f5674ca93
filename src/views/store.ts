/**
 * The TUI's state, outside React (style.md "src/views" §2): the store owns
 * a ViewState snapshot, replaces it on every change and tells subscribers
 * (useSession → useSyncExternalStore). Keys arrive as Actions (keymap.ts).
 *
 * Frame rate: key actions publish at once (keys answer at once). While the
 * guest runs, the session's console and counters are not published as they
 * change but sampled on a fixed frame timer (`frameMs`, default 40 ms =
 * 25 fps), so a chatty guest costs one snapshot per frame, and the emulator
 * (which yields between slices) keeps the event loop most of the time.
 * While running only `liveParts` are read: no vCPU ioctl that would wait
 * for a KVM_RUN in flight. Rates are per second of the injectable `clock`.
 */
import { onGdbActivity, type GdbActivity } from '../commands/gdb/activity.ts';
import { parse, runLine, completeLine } from '../commands/lang/registry.ts';
import { formatText, stopLine } from '../commands/lang/format.ts';
import type { SessionApi } from '../commands/session/types.ts';
import { liveParts, stoppedParts, type StoppedParts } from './collect.ts';
import { applyCompletion, edit, insert } from './format/input.ts';
import { rates } from './format/hypervisor.ts';
import { registerOrder } from './format/registers.ts';
import { hexShort } from './format/text.ts';
import type { Action } from './keymap.ts';
import { EMPTY_INPUT, PANES, type ConsoleLine, type PaneId, type ViewState } from './snapshot.ts';

export interface StoreOptions {
  /** Milliseconds, for rates; default performance.now. */
  readonly clock?: () => number;
  /** Frame period while running; 0: no timer (tests call tick()). Default 40. */
  readonly frameMs?: number;
  /** Console lines kept; default 1000. */
  readonly consoleLines?: number;
}

/** Commands the command line accepts while the guest runs: they read nothing from the vCPU. */
const WHILE_RUNNING = new Set(['info hits', 'info exits', 'info breakpoints', 'echo', 'help']);

export class TuiStore {
  private snap: ViewState;
  private readonly listeners = new Set<() => void>();
  private readonly clock: () => number;
  private readonly frameMs: number;
  private readonly maxConsole: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private pending: Promise<void> = Promise.resolve();
  private busy = false;
  private partial = '';
  private consoleBuf: ConsoleLine[] = [];
  private sample: { t: number; c: Readonly<Record<string, number>> } | null = null;
  private history: string[] = [];
  private historyAt = 0;
  /** A run gdb started is in progress (busy, frame timer on); its stop comes as a gdb activity. */
  private gdbRun = false;
  private readonly stopGdb: () => void;

  constructor(readonly session: SessionApi, opts: StoreOptions = {}) {
    this.clock = opts.clock ?? (() => performance.now());
    this.frameMs = opts.frameMs ?? 40;
    this.maxConsole = opts.consoleLines ?? 1000;
    const sel = Object.fromEntries(PANES.map((p) => [p, 0])) as Record<PaneId, number>;
    this.snap = {
      ...stoppedParts(session), prevRegs: null, rates: null, skipped: 0, console: [], focus: 'disassembly', sel,
      input: EMPTY_INPUT, help: false, message: null, quit: false,
    };
    this.snap = { ...this.snap, sel: { ...sel, disassembly: this.ripIndex() } };
    session.onConsole = (t) => this.onConsole(t);
    this.stopGdb = onGdbActivity(session, (a) => this.onGdb(a));
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): ViewState => this.snap;

  /** Resolves when the command started last has finished and its stop is published. */
  idle(): Promise<void> {
    return this.pending;
  }

  dispose(): void {
    this.stopGdb();
    this.stopTimer();
    this.session.onConsole = null;
    this.listeners.clear();
  }

  private set(p: Partial<ViewState>): void {
    this.snap = { ...this.snap, ...p };
    for (const l of this.listeners) l();
  }

  private say(text: string, error = false): void {
    this.set({ message: { text, error } });
  }

  // ---------------------------------------------------------------- console and frames
  private onConsole(t: string): void {
    const parts = (this.partial + t).split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) this.consoleBuf.push({ kind: 'guest', text: p.replace(/\r$/, '') });
    if (this.timer === null && !this.busy) this.flushConsole();
  }

  private flushConsole(extra: ConsoleLine[] = []): ConsoleLine[] {
    const lines = [...this.snap.console, ...this.consoleBuf, ...extra];
    this.consoleBuf = [];
    return lines.length > this.maxConsole ? lines.slice(lines.length - this.maxConsole) : lines;
  }

  /** One frame while running: counters, rates, hits, processes and console. */
  tick(): void {
    const live = liveParts(this.session);
    const now = this.clock();
    const r = this.sample === null ? {} : rates(this.sample.c, live.counters, now - this.sample.t);
    this.sample = { t: now, c: live.counters };
    const partial = this.partial ? [{ kind: 'guest' as const, text: this.partial }] : [];
    this.set({ ...live, rates: r, console: [...this.flushConsole(), ...partial].slice(-this.maxConsole) });
  }

  private startTimer(): void {
    this.sample = { t: this.clock(), c: this.snap.counters };
    if (this.frameMs > 0) this.timer = setInterval(() => this.tick(), this.frameMs);
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  // ---------------------------------------------------------------- running commands
  /** Runs a command-language line; an execution command runs with the frame timer on. */
  run(line: string, echo = true): Promise<void> {
    if (this.busy) {
      const p = parse(line);
      if (p.kind !== 'invocation' || !WHILE_RUNNING.has(p.name)) {
        this.say('the guest is running: press c, space or p to pause it first', true);
        return this.pending;
      }
    }
    const cmd: ConsoleLine[] = echo ? [{ kind: 'cmd', text: `(vdbg) ${line}` }] : [];
    const wasBusy = this.busy;
    const out = runLine(this.session, line);
    const running = this.session.state === 'running' && !wasBusy;
    if (running) {
      this.busy = true;
      this.startTimer();
      this.set({ state: 'running', rates: {}, message: null, console: this.flushConsole(cmd) });
    }
    const done = out.then((o) => this.finish(o, running, running ? [] : cmd)).catch((e: unknown) => {
      this.finishError(e, running);
    });
    if (!wasBusy) this.pending = done;
    return done;
  }

  private finish(o: Awaited<ReturnType<typeof runLine>>, ran: boolean, cmd: ConsoleLine[]): void {
    const prevRegs = this.snap.regs;
    if (ran) {
      this.stopTimer();
      this.busy = false;
    }
    const r = o?.result;
    const text = r === undefined ? '' : formatText(r);
    const lines: ConsoleLine[] = [...cmd, ...(text ? text.split('\n').map((t) => ({ kind: r!.kind === 'error' ? 'err' : 'out', text: t }) as ConsoleLine) : [])];
    if (this.partial && ran) {
      lines.unshift({ kind: 'guest', text: this.partial });
      this.partial = '';
    }
    const stopped = this.session.state !== 'running';
    const parts: Partial<StoppedParts> = stopped ? stoppedParts(this.session) : liveParts(this.session);
    let message: ViewState['message'] = text ? { text: text.split('\n')[0], error: false } : null;
    if (r?.kind === 'error') message = { text: r.error.line, error: true };
    else if (r?.kind === 'stop') message = { text: stopLine(r.stop, r.symbol), error: false };
    // A new stop: the registers before it are the ones to diff against; the selection goes back to RIP.
    const newStop = stopped && ran ? { prevRegs, skipped: this.snap.skipped + (parts.stop?.skipped ?? 0) } : {};
    this.snap = { ...this.snap, ...parts, ...newStop };
    const sel = stopped && ran ? { ...this.snap.sel, disassembly: this.ripIndex() } : this.snap.sel;
    this.set({ console: this.flushConsole(lines), rates: ran ? null : this.snap.rates, message, quit: r?.kind === 'quit' || this.snap.quit, sel });
  }

  /**
   * What a connected gdb does shows here as if typed (docs/gdb.md): its runs
   * (running, then the stop in the console and status line, `(gdb)` as the
   * command) and its changes while stopped (breakpoints, registers, memory).
   * While gdb runs the guest, c/space/p interrupt it; gdb gets the stop.
   */
  private onGdb(a: GdbActivity): void {
    if (a.kind === 'running') {
      if (this.busy) return;
      this.busy = this.gdbRun = true;
      this.startTimer();
      this.set({ state: 'running', rates: {}, message: null });
      return;
    }
    if (a.kind === 'stopped' && this.gdbRun) {
      this.gdbRun = false;
      const cmd: ConsoleLine[] = [{ kind: 'cmd', text: '(gdb)' }];
      if (a.stop === null) {
        // The session refused the resume (gdb prints why): nothing ran.
        this.stopTimer();
        this.busy = false;
        return this.set({ ...stoppedParts(this.session), rates: null });
      }
      return this.finish({ cmd: 'gdb', result: { kind: 'stop', stop: a.stop, symbol: this.session.symbols.format(a.stop.rip) } }, true, cmd);
    }
    if (!this.busy) this.set(stoppedParts(this.session));
  }

  private finishError(e: unknown, ran: boolean): void {
    if (ran) {
      this.stopTimer();
      this.busy = false;
    }
    const msg = e instanceof Error ? e.message : String(e);
    this.set({ ...stoppedParts(this.session), message: { text: msg, error: true }, console: this.flushConsole([{ kind: 'err', text: msg }]) });
  }

  private ripIndex(): number {
    return Math.max(0, this.snap.disasm.findIndex((l) => l.current));
  }

  // ---------------------------------------------------------------- actions
  dispatch = (a: Action): void => {
    const s = this.snap;
    switch (a.type) {
      case 'run':
        if (this.busy) return this.say(`the guest is running: press c, space or p to pause it before '${a.line}'`, true);
        void this.run(a.line);
        return;
      case 'continue-or-pause':
        if (this.busy) return this.session.interrupt();
        void this.run('continue');
        return;
      case 'pause':
      case 'interrupt':
        if (this.busy) return this.session.interrupt();
        return this.say(a.type === 'interrupt' ? 'not running (q quits)' : 'not running');
      case 'focus': {
        const k = (PANES.indexOf(s.focus) + a.delta + PANES.length) % PANES.length;
        return this.set({ focus: PANES[k] });
      }
      case 'move': {
        const max = this.rowsOf(s.focus) - 1;
        // The console's position counts lines back from the tail: ↑ goes further back.
        const d = s.focus === 'console' ? -a.delta : a.delta;
        const v = Math.max(0, Math.min(Math.max(0, max), s.sel[s.focus] + d));
        return this.set({ sel: { ...s.sel, [s.focus]: v } });
      }
      case 'toggle-breakpoint': return this.toggleBreakpoint();
      case 'watch': return this.watch();
      case 'select': return this.selectProcess();
      case 'open-command': return this.set({ input: { ...EMPTY_INPUT, active: true }, message: null });
      case 'help': return this.set({ help: a.show });
      case 'quit':
        if (this.busy) this.session.interrupt();
        return this.set({ quit: true });
      case 'edit': return this.editLine(a);
    }
  };

  private rowsOf(p: PaneId): number {
    const s = this.snap;
    switch (p) {
      case 'registers': return s.regs ? registerOrder(s.regs).length : 0;
      case 'disassembly': return s.disasm.length;
      case 'processes': return s.processes.length;
      case 'hits': return s.hits.length;
      case 'console': return s.console.length;
      case 'hypervisor': return 1;
    }
  }

  private toggleBreakpoint(): void {
    const l = this.snap.disasm[this.snap.sel.disassembly];
    if (l === undefined) return this.say('no instruction selected', true);
    if (l.bp !== undefined) void this.run(`delete ${l.bp}`);
    else void this.run(`${this.session.backend === 'kvm' ? 'hbreak' : 'break'} ${hexShort(l.addr)}`);
  }

  private watch(): void {
    const s = this.snap;
    if (s.focus === 'disassembly') {
      const l = s.disasm[s.sel.disassembly];
      if (l !== undefined) void this.run(`watch ${hexShort(l.addr)}`);
      return;
    }
    const name = s.regs ? registerOrder(s.regs)[s.sel.registers] : undefined;
    if (name === undefined || s.regs === null) return this.say('no register selected', true);
    void this.run(`watch ${hexShort(s.regs[name])}`);
  }

  private selectProcess(): void {
    const p = this.snap.processes[this.snap.sel.processes];
    if (p === undefined) return this.say('no process selected', true);
    const f = this.snap.filter;
    const on = f !== null && ((f.kind === 'process' && f.name === p.name) || (f.kind === 'cr3' && f.cr3 === p.cr3));
    void this.run(on ? 'filter off' : p.name ? `filter process ${p.name}` : `filter cr3 ${hexShort(p.cr3)}`);
  }

  private editLine(a: Extract<Action, { type: 'edit' }>): void {
    const i = this.snap.input;
    switch (a.op) {
      case 'insert': return this.set({ input: insert(i, a.text) });
      case 'cancel': return this.set({ input: EMPTY_INPUT });
      case 'submit': {
        const line = i.text.trim();
        this.set({ input: EMPTY_INPUT });
        if (line === '') return;
        if (this.history[this.history.length - 1] !== line) this.history.push(line);
        this.historyAt = this.history.length;
        void this.run(line);
        return;
      }
      case 'complete': {
        const c = completeLine(i.text, i.cursor, this.busy ? null : this.session);
        return this.set({ input: applyCompletion(i, c.start, c.candidates) });
      }
      case 'history-up':
      case 'history-down': {
        this.historyAt = Math.max(0, Math.min(this.history.length, this.historyAt + (a.op === 'history-up' ? -1 : 1)));
        const text = this.history[this.historyAt] ?? '';
        return this.set({ input: { ...i, text, cursor: text.length, completions: [] } });
      }
      default: return this.set({ input: edit(i, a.op) });
    }
  }
}
