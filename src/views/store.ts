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
import { quoted } from '../core/printable.ts';
import { fpuPart, liveParts, memoryPart, stackPart, stoppedParts, type StoppedParts } from './collect.ts';
import { ConsoleBuffer } from './consoleBuffer.ts';
import { History } from './history.ts';
import { applyCompletion, edit, insert } from './format/input.ts';
import { scrollTop } from './format/overlay.ts';
import { hypervisorGroups, rates, wrapGroups } from './format/hypervisor.ts';
import { fpuLines } from './format/fpu.ts';
import { registerOrder } from './format/registers.ts';
import { filterKeeps } from './format/lists.ts';
import { hexShort } from './format/text.ts';
import { KeyQueue } from './keyQueue.ts';
import { innerCols, innerRows, viewLayout } from './layout.ts';
import { routeKey, type Action, type Key } from './keymap.ts';
import { EMPTY_INPUT, PANES, type ConsoleLine, type Overlay, type PaneId, type ViewState } from './snapshot.ts';

export interface StoreOptions {
  /** Milliseconds, for rates; default performance.now. */
  readonly clock?: () => number;
  /** Frame period while running; 0: no timer (tests call tick()). Default 40. */
  readonly frameMs?: number;
  /**
   * Milliseconds a command that runs the guest (a step, finish, until…) may
   * take before the screen shows it running and the keys typed after it
   * act on a running guest; until then they wait for it. Default 200.
   */
  readonly settleMs?: number;
  /** Console lines kept; default 1000. */
  readonly consoleLines?: number;
}

/** Commands the command line accepts while the guest runs: they read nothing from the vCPU. */
const WHILE_RUNNING = new Set(['info hits', 'info exits', 'info breakpoints', 'echo', 'help', 'console-send']);
/** Commands that are meant to run the guest for a while: shown running at once. */
const RUN_AT_ONCE = new Set(['continue', 'run-for']);

export class TuiStore {
  private snap: ViewState;
  private readonly listeners = new Set<() => void>();
  private readonly clock: () => number;
  private readonly frameMs: number;
  private readonly settleMs: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  /** The echo of a running command, shown when it is shown running (or with its answer). */
  private echo: ConsoleLine[] = [];
  private readonly queue = new KeyQueue({
    handle: (k) => {
      const a = routeKey(this.snap, k);
      return a === null ? undefined : this.dispatch(a);
    },
    interrupt: () => this.session.interrupt(),
  });
  private pending: Promise<void> = Promise.resolve();
  private busy = false;
  private readonly out: ConsoleBuffer;
  private sample: { t: number; c: Readonly<Record<string, number>> } | null = null;
  private size = { columns: 80, rows: 23 };
  private lastOutput: Overlay | null = null;
  private readonly history = new History();
  /** A run gdb started is in progress (busy, frame timer on); its stop comes as a gdb activity. */
  private gdbRun = false;
  private readonly stopGdb: () => void;

  constructor(readonly session: SessionApi, opts: StoreOptions = {}) {
    this.clock = opts.clock ?? (() => performance.now());
    this.frameMs = opts.frameMs ?? 40;
    this.settleMs = opts.settleMs ?? 200;
    this.out = new ConsoleBuffer(opts.consoleLines ?? 1000);
    const sel = Object.fromEntries(PANES.map((p) => [p, 0])) as Record<PaneId, number>;
    this.snap = {
      ...stoppedParts(session), fpu: null, prevRegs: null, prevFpu: null, regView: 'gpr', lower: 'lists', memory: null, stack: null, rates: null, skipped: 0, console: [], consolePartial: '', focus: 'disassembly', consoleInput: false, sel,
      input: EMPTY_INPUT, overlay: null, message: null, quit: false,
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

  /** The screen's size, for paging and overlays (Root calls it on every resize). */
  resize(columns: number, rows: number): void {
    this.size = { columns, rows };
  }

  /** One key press, in order after the keys before it (keyQueue.ts). */
  key = (k: Key): void => this.queue.push(k);

  /** Resolves when every key so far has been handled and the command started last has finished. */
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.pending;
  }

  dispose(): void {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
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
    this.out.write(t);
    // Between commands nothing else publishes: publish here. During a command the frame timer or finish() does.
    if (this.timer === null && !this.busy) this.set(this.consoleParts());
  }

  /** The console with what came since the last frame, then `extra`. */
  private consoleParts(extra: ConsoleLine[] = []): Pick<ViewState, 'console' | 'consolePartial'> {
    return this.out.take(this.snap.console, extra);
  }

  /** One frame while running: counters, rates, hits, processes and console. */
  tick(): void {
    const live = liveParts(this.session);
    const now = this.clock();
    const r = this.sample === null ? {} : rates(this.sample.c, live.counters, now - this.sample.t);
    this.sample = { t: now, c: live.counters };
    this.set({ ...live, rates: r, ...this.consoleParts() });
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
  /** Runs a command-language line; resolves when it has finished and its stop is published. */
  run(line: string, echo = true): Promise<void> {
    return this.launch(line, echo).done;
  }

  /**
   * Starts a line. `settled` says when the keys typed after it may go on:
   * when it has finished, or — for a command that runs the guest — once it
   * has run `settleMs` (continue and run-for: at once) and the screen says
   * `running`; keys after that act on a running guest. Until then the
   * state stays `stopped` on screen: a step draws one frame, not two.
   */
  private launch(line: string, echo: boolean): { done: Promise<void>; settled: Promise<void> } {
    if (this.busy) {
      const p = parse(line);
      if (p.kind !== 'invocation' || !WHILE_RUNNING.has(p.name)) {
        this.say('the guest is running: press c, space or p to pause it first', true);
        return { done: this.pending, settled: Promise.resolve() };
      }
    }
    const cmd: ConsoleLine[] = echo ? [{ kind: 'cmd', text: `(vdbg) ${line}` }] : [];
    const wasBusy = this.busy;
    const out = runLine(this.session, line);
    const running = this.session.state === 'running' && !wasBusy;
    let release = () => {};
    const settled = new Promise<void>((r) => (release = r));
    if (running) {
      this.busy = true;
      this.echo = cmd;
      const p = parse(line);
      const after = p.kind === 'invocation' && RUN_AT_ONCE.has(p.name) ? 0 : this.settleMs;
      const live = () => {
        this.settleTimer = null;
        this.showRunning();
        release();
      };
      if (after <= 0) live();
      else this.settleTimer = setTimeout(live, after);
    }
    const done = out
      .then((o) => this.finish(line, o, running, running ? this.takeEcho() : cmd))
      .catch((e: unknown) => this.finishError(e, running))
      .finally(release);
    if (!wasBusy) this.pending = done;
    return { done, settled };
  }

  /** Starts a line for a key; the keys after it wait for the promise (launch). */
  private start(line: string): Promise<void> {
    return this.launch(line, true).settled;
  }

  /** The guest has run long enough to be shown running: state, live frames, the command's echo. */
  private showRunning(): void {
    this.startTimer();
    this.set({ state: 'running', rates: {}, message: null, ...this.consoleParts(this.takeEcho()) });
  }

  private takeEcho(): ConsoleLine[] {
    const e = this.echo;
    this.echo = [];
    return e;
  }

  private endRun(): void {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    this.stopTimer();
    this.busy = false;
  }

  private finish(line: string, o: Awaited<ReturnType<typeof runLine>>, ran: boolean, cmd: ConsoleLine[]): void {
    const prevRegs = this.snap.regs, prevFpu = this.snap.fpu;
    if (ran) this.endRun();
    const r = o?.result;
    const text = r === undefined ? '' : formatText(r);
    const lines: ConsoleLine[] = [...cmd, ...(text ? text.split('\n').map((t) => ({ kind: r!.kind === 'error' ? 'err' : 'out', text: t }) as ConsoleLine) : [])];
    const stopped = this.session.state !== 'running';
    const parts: Partial<StoppedParts> = stopped ? stoppedParts(this.session) : liveParts(this.session);
    let message: ViewState['message'] = text ? { text: text.split('\n')[0], error: false } : null;
    if (r?.kind === 'error') message = { text: r.error.line, error: true };
    else if (r?.kind === 'stop') message = { text: stopLine(r.stop, r.symbol, r.temporary), error: false };
    // A new stop: the registers before it are the ones to diff against; the selection goes back to RIP.
    const newStop = stopped && ran ? { prevRegs, prevFpu, skipped: this.snap.skipped + (parts.stop?.skipped ?? 0) } : {};
    // The stop the session stands at changed without a run (reset, load, set $rip): the selection follows RIP too.
    const moved = stopped && (ran || (parts.stop !== undefined && parts.stop !== this.snap.stop));
    // The FPU/SSE registers cost an ioctl: read only while the pane shows them.
    const fpu = stopped && this.snap.regView === 'fpu' ? fpuPart(this.session) : {};
    this.snap = { ...this.snap, ...parts, ...fpu, ...newStop };
    if (this.snap.lower === 'memory') this.snap = { ...this.snap, ...this.memoryParts() };
    const sel = moved ? { ...this.snap.sel, disassembly: this.ripIndex() } : this.snap.sel;
    // Output taller than the console opens over the panes (it is in the console too, for scrolling back).
    const out = text.split('\n');
    let overlay = this.snap.overlay;
    if (text !== '' && out.length > this.shownRows('console')) {
      overlay = this.lastOutput = { kind: 'output', title: line, lines: out, top: 0 };
      message = { text: `${line}: ${out.length} lines (Esc closes them, o shows them again)`, error: message?.error ?? false };
    }
    // The run console input kept going has stopped (Ctrl-], a breakpoint, the guest exited): keys are the debugger's again.
    const consoleInput = this.snap.consoleInput && !ran;
    this.set({ overlay, ...this.consoleParts(lines), rates: ran ? null : this.snap.rates, message, quit: r?.kind === 'quit' || this.snap.quit, sel, consoleInput });
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
        this.endRun();
        return this.set({ ...stoppedParts(this.session), rates: null });
      }
      return this.finish('gdb', { cmd: 'gdb', result: { kind: 'stop', stop: a.stop, symbol: this.session.symbols.format(a.stop.rip) } }, true, cmd);
    }
    // gdb changed something while stopped (registers, memory): the memory and stack panes too, when shown.
    if (!this.busy) this.set({ ...stoppedParts(this.session), ...(this.snap.lower === 'memory' ? this.memoryParts() : {}) });
  }

  private finishError(e: unknown, ran: boolean): void {
    if (ran) this.endRun();
    const msg = e instanceof Error ? e.message : String(e);
    this.set({ ...stoppedParts(this.session), message: { text: msg, error: true }, ...this.consoleParts([{ kind: 'err', text: msg }]) });
  }

  private ripIndex(): number {
    return Math.max(0, this.snap.disasm.findIndex((l) => l.current));
  }

  // ---------------------------------------------------------------- actions
  dispatch = (a: Action): Promise<void> | void => {
    const s = this.snap;
    switch (a.type) {
      case 'run':
        if (this.busy) return this.say(`the guest is running: press c, space or p to pause it before ${quoted(a.line)}`, true);
        return this.start(a.line);
      case 'continue-or-pause':
        if (this.busy) return this.session.interrupt();
        return this.start('continue');
      case 'pause':
      case 'interrupt':
        if (this.busy) return this.session.interrupt();
        return this.say(a.type === 'interrupt' ? 'not running (q quits)' : 'not running');
      case 'focus': {
        const k = (PANES.indexOf(s.focus) + a.delta + PANES.length) % PANES.length;
        return this.set({ focus: PANES[k] });
      }
      case 'move': {
        const shown = this.shownRows(s.focus);
        const step = a.page ? Math.max(1, shown - 1) : 1;
        // The console's position counts lines back from the tail (↑ goes further back), as far as its first page.
        const console = s.focus === 'console';
        const max = console ? s.console.length + (s.consolePartial ? 1 : 0) - shown : this.rowsOf(s.focus) - 1;
        const v = Math.max(0, Math.min(max, s.sel[s.focus] + (console ? -a.delta : a.delta) * step));
        return this.set({ sel: { ...s.sel, [s.focus]: v } });
      }
      case 'toggle-breakpoint': return this.toggleBreakpoint();
      case 'toggle-registers-view': {
        // Shown from now on: read now (nothing to compare with until the next stop); hidden: dropped.
        const on = this.snap.regView === 'gpr';
        const fpu = on && this.session.state !== 'running' ? fpuPart(this.session).fpu : null;
        return this.set({ regView: on ? 'fpu' : 'gpr', fpu, prevFpu: null, sel: { ...this.snap.sel, registers: 0 } });
      }
      case 'toggle-memory-view': {
        const on = this.snap.lower === 'lists';
        this.snap = { ...this.snap, lower: on ? 'memory' : 'lists' };
        return this.set(on ? this.memoryParts() : { memory: null, stack: null });
      }
      case 'watch': return this.watch();
      case 'select': return this.selectProcess();
      case 'goto-hit': {
        const h = s.hits[s.sel.hits];
        return h === undefined ? this.say('no hit selected', true) : this.start(`goto hit ${h.seq}`);
      }
      case 'open-command':
        // ↑ starts from the newest line again, wherever the last ↑ ↓ left it.
        this.history.reset();
        return this.set({ input: { ...EMPTY_INPUT, active: true }, message: null });
      case 'help': return this.set({ overlay: a.show ? { kind: 'help', title: '', lines: [], top: 0 } : null });
      case 'output':
        if (this.lastOutput === null) return this.say('no command output yet');
        return this.set({ overlay: { ...this.lastOutput, top: 0 } });
      case 'scroll': {
        const o = s.overlay;
        return o === null ? undefined : this.set({ overlay: { ...o, top: scrollTop(o, this.body(), a.to) } });
      }
      case 'close-overlay': return this.set({ overlay: null });
      case 'quit':
        if (this.busy) this.session.interrupt();
        return this.set({ quit: true });
      case 'console-input': return a.on ? this.consoleInputOn() : this.consoleInputOff();
      case 'console-key': return this.sendKey(a.bytes);
      case 'edit': return this.editLine(a);
    }
  };

  /**
   * `i`: keys go to the guest's serial input, and the guest runs so it reads
   * them — a `continue` (no echo: the console shows the guest), or the run
   * already going on.
   */
  private consoleInputOn(): Promise<void> | void {
    const st = this.session.state;
    if (st === 'exited' || st === 'shutdown') return this.say(`the guest has ${st === 'exited' ? 'exited' : 'shut down'}: nothing reads console input (reset first)`, true);
    if (this.gdbRun) return this.say('gdb is running the guest: console input from here would race it', true);
    this.set({ consoleInput: true, focus: 'console', overlay: null, sel: { ...this.snap.sel, console: 0 }, message: null });
    if (this.busy) return;
    return this.launch('continue', false).settled;
  }

  /** Ctrl-]: back to the debugger's keys; a run is interrupted (its stop ends console input, in finish). */
  private consoleInputOff(): void {
    if (this.busy) return this.session.interrupt();
    this.set({ consoleInput: false });
  }

  private sendKey(bytes: string): void {
    try {
      this.session.consoleSend(Uint8Array.from(Buffer.from(bytes, 'utf8')));
    } catch (e) {
      this.say(e instanceof Error ? e.message : String(e), true);
    }
  }

  /** Content rows of pane `p` on the screen (resize). */
  private shownRows(p: PaneId): number {
    return innerRows(viewLayout(this.snap, this.size.columns, this.size.rows)[p].height);
  }

  /** The memory and stack panes' rows, read while stopped (memory reads go through the vCPU's page walk). */
  private memoryParts(): Pick<ViewState, 'memory' | 'stack'> {
    if (this.session.state === 'running') return { memory: null, stack: null };
    return { memory: memoryPart(this.session, this.shownRows('processes')), stack: stackPart(this.session, Math.max(8, this.shownRows('hits'))) };
  }

  /** The rows above the command line, which overlays go over. */
  private body() {
    return viewLayout(this.snap, this.size.columns, this.size.rows).body;
  }

  private rowsOf(p: PaneId): number {
    const s = this.snap;
    switch (p) {
      case 'registers': {
        if (s.regView === 'gpr') return s.regs ? registerOrder(s.regs).length : 0;
        const w = viewLayout(s, this.size.columns, this.size.rows).registers.width;
        return s.fpu ? fpuLines(s.fpu, s.prevFpu, innerCols(w)).length : 0;
      }
      case 'disassembly': return s.disasm.length;
      case 'processes': return s.processes.length;
      case 'hits': return s.hits.length;
      case 'console': return s.console.length;
      case 'hypervisor': {
        // Its lines as wrapped to the pane; the position is the first one shown.
        const hv = viewLayout(s, this.size.columns, this.size.rows).hypervisor;
        return wrapGroups(hypervisorGroups(s), innerCols(hv.width)).length - innerRows(hv.height) + 1;
      }
    }
  }

  private toggleBreakpoint(): Promise<void> | void {
    const l = this.snap.disasm[this.snap.sel.disassembly];
    if (l === undefined) return this.say('no instruction selected', true);
    if (l.bp !== undefined) return this.start(`delete ${l.bp}`);
    return this.start(`${this.session.backend === 'kvm' ? 'hbreak' : 'break'} ${hexShort(l.addr)}`);
  }

  private watch(): Promise<void> | void {
    const s = this.snap;
    if (s.focus === 'disassembly') {
      const l = s.disasm[s.sel.disassembly];
      return l === undefined ? this.say('no instruction selected', true) : this.start(`watch ${hexShort(l.addr)}`);
    }
    if (s.regView === 'fpu') return this.say('w watches a general register: v goes back to them', true);
    const name = s.regs ? registerOrder(s.regs)[s.sel.registers] : undefined;
    if (name === undefined || s.regs === null) return this.say('no register selected', true);
    return this.start(`watch ${hexShort(s.regs[name])}`);
  }

  private selectProcess(): Promise<void> | void {
    const p = this.snap.processes[this.snap.sel.processes];
    if (p === undefined) return this.say('no process selected', true);
    if (p.cr3 === undefined) return this.say('a kernel thread has no address space of its own to filter on', true);
    const f = this.snap.filter;
    const on = filterKeeps(f, p.cr3, p.name);
    return this.start(on ? 'filter off' : p.name ? `filter process ${p.name}` : `filter cr3 ${hexShort(p.cr3)}`);
  }

  private editLine(a: Extract<Action, { type: 'edit' }>): Promise<void> | void {
    const i = this.snap.input;
    switch (a.op) {
      case 'insert': return this.set({ input: insert(i, a.text) });
      case 'cancel': return this.set({ input: EMPTY_INPUT });
      case 'submit': {
        const line = i.text.trim();
        this.set({ input: EMPTY_INPUT });
        if (line === '') return;
        this.history.add(line);
        return this.start(line);
      }
      case 'complete': {
        const c = completeLine(i.text, i.cursor, this.busy ? null : this.session);
        return this.set({ input: applyCompletion(i, c.start, c.candidates) });
      }
      case 'history-up':
      case 'history-down': {
        const text = this.history.move(a.op === 'history-up' ? -1 : 1);
        return this.set({ input: { ...i, text, cursor: text.length, completions: [] } });
      }
      default: return this.set({ input: edit(i, a.op) });
    }
  }
}
