/**
 * The debug session (SessionApi, types.ts): one guest on one backend, driven
 * only through the uAPI classes (openKvm → VmFd → VcpuFd). It alone owns the
 * debugger's state — the breakpoint table and filter, the CR3 source, the
 * budget, the process table and hit log, the state and the last stop — and
 * implements the API over modules with one job each:
 *
 * - image.ts, machine.ts — which guest, and the VM it runs in;
 * - cr3-source.ts — how CR3 is learned at a debug event;
 * - breakpoints.ts, breakpoint-rules.ts — the table, and what is accepted;
 * - inspect.ts, segments.ts, fpu.ts, processes.ts — registers, memory,
 *   counters; segment selectors and bases; x87/SSE; processes and hits;
 * - execution.ts, stepping.ts — the execution commands, and when they stop;
 * - guest-debug.ts, run-loop.ts — KVM_SET_GUEST_DEBUG and INT3s; KVM_RUN;
 * - stops.ts — the stop a command returns;
 * - console-watch.ts — continue-until-console's matcher (console input is
 *   the UART's, delivered here: at once when stopped, between KVM_RUNs
 *   while a command runs, and logged for time travel either way).
 *
 * A command runs in one frame (`command`): the state checks, the INT3s
 * placed, the running state, the stop recorded, INT3s out whatever happens.
 */
import type { BackendName } from '../../core/backend.ts';
import type { SymbolTable } from '../../core/loader/symbols.ts';
import { isKvmPvm } from '../../core/open-backend.ts';
import { KvmError } from '../../core/uapi/errors.ts';
import { SessionError } from '../errors.ts';
import { checkCondition, checkKind, checkSwAllowed, checkWatchAllowed } from './breakpoint-rules.ts';
import { BreakpointTable } from './breakpoints.ts';
import { ConsoleWatch } from './console-watch.ts';
import { configureCr3Source, cr3SourceMissing, defaultCr3Source } from './cr3-source.ts';
import * as exec from './execution.ts';
import { GuestDebug, int3Address } from './guest-debug.ts';
import { DEFAULT_HIT_LOG_SIZE } from './hitlog.ts';
import { awarenessOf, linuxSpec, resolveImage, rawSpec, symbolsOf, type LinuxOptions, type LoadSpec } from './image.ts';
import * as inspect from './inspect.ts';
import { fpuRegisterSet, readFpu, writeFpu } from './fpu.ts';
import * as sys from './system-state.ts';
import { openMachine, type Machine } from './machine.ts';
import { ProcessTable } from './processes.ts';
import { RunLoop, type InputSource } from './run-loop.ts';
import { readSegments } from './segments.ts';
import { Stepper } from './stepping.ts';
import { entryStop } from './stops.ts';
import { TimeTravelControl } from './timeline.ts';
import type {
  Breakpoint, BreakpointSpec, Condition, Cr3Source, FpuRegisters, Hit, OsInfo, ProcessRow, RegisterSet, SessionApi, SessionState, Stop, SystemState, VcpuInfo,
} from './types.ts';

export interface SessionOptions {
  backend?: BackendName;
  /** Path of an ELF image, or a bundled name ('vmos', 'tiny'); default vmos. */
  image?: string;
  /** Boot a Linux kernel instead of `image` (`--kernel`, `--initrd`, `--append`). */
  linux?: LinuxOptions;
  /** Guest RAM in bytes (`--mem`); default 64 MiB for an ELF image, 256 MiB for a Linux kernel. */
  memSize?: number;
  /** How CR3 is learned per debug event; default the cheapest the backend offers. */
  cr3Source?: Cr3Source;
  /** Entries the hit log keeps (totals stay exact); default 10,000. */
  hitLogSize?: number;
  /**
   * Instruction budget of each execution command; default none. Needs the
   * vdbg extension KVM_CAP_VDBG_INSN_BUDGET (emu, docs/uapi-extensions.md §3):
   * real KVM has no such counter, so there a budget is refused (and run-for
   * single-steps).
   */
  budget?: number | null;
}

export class Session implements SessionApi {
  private m: Machine;
  private loop: RunLoop;
  private spec: LoadSpec;
  private _state: SessionState = 'stopped';
  private _symbols: SymbolTable;
  private _cr3Source: Cr3Source;
  private readonly table = new BreakpointTable();
  private _filter: Condition | null = null;
  private readonly procs: ProcessTable;
  private _lastStop: Stop | null = null;
  private running: Promise<Stop> | null = null;
  private _budget: number | null = null;
  /** Console input sent while a command runs, for the run loop to deliver at its next return from KVM_RUN. */
  private readonly inputQueue: number[] = [];
  /** A recorded future that input delivered during the command discarded (the stop says so). */
  private inputNote: string | null = null;
  /** What the run loop delivers the queue through (runLoopFor). */
  private input!: InputSource;
  /** continue-until-console's text, while that command runs. */
  private consoleWatch: ConsoleWatch | null = null;
  onConsole: ((text: string) => void) | null = null;
  /** Time travel (timeline.ts): record, reverse-stepi, reverse-continue, bookmarks, goto. */
  readonly travel: TimeTravelControl = new TimeTravelControl({
    machine: () => this.m,
    processOf: (cr3) => this.procs.nameOf(cr3),
    idle: () => this.idle(),
    travelled: (stop) => {
      this._lastStop = stop;
      this._state = 'stopped';
    },
    continueWithin: (n) => this.continueWithin(n),
    debuggerState: () => [this.procs.log, this.table],
    restored: () => {
      this.loop = this.runLoopFor(this.m); // a fresh GuestDebug programs KVM_SET_GUEST_DEBUG again
    },
  });

  private constructor(backend: BackendName, spec: LoadSpec, opts: SessionOptions) {
    this.procs = new ProcessTable(opts.hitLogSize ?? DEFAULT_HIT_LOG_SIZE);
    this.procs.icountNow = () => this.travel.icount;
    this.procs.currentCr3 = () => this.m.vcpu.getSregs().cr3;
    this.spec = spec;
    this.m = this.openMachine(backend, spec);
    this.loop = this.runLoopFor(this.m);
    this._symbols = symbolsOf(spec);
    this.procs.attach(awarenessOf(spec, this._symbols), this.m.memory);
    this._cr3Source = defaultCr3Source(this.m.caps);
    configureCr3Source(this.m, this._cr3Source);
    if (opts.cr3Source !== undefined) this.cr3Source = opts.cr3Source;
    if (opts.budget !== undefined) this.budget = opts.budget;
    this._lastStop = entryStop(this.m.vcpu);
  }

  /** Opens a session on `backend` (default emu) with `image` (default the bundled vmos) at its entry state. */
  static async open(opts: SessionOptions = {}): Promise<Session> {
    const spec = opts.linux ? linuxSpec(opts.linux, opts.memSize) : { ...resolveImage(opts.image ?? 'vmos'), memSize: opts.memSize };
    return new Session(opts.backend ?? 'emu', spec, opts);
  }

  // ================================================================ machine
  private openMachine(name: BackendName, spec: LoadSpec): Machine {
    return openMachine(name, spec, (t) => {
      if (this.consoleWatch?.feed(t)) this.loop.consoleMatched();
      this.onConsole?.(t);
    });
  }

  private runLoopFor(m: Machine): RunLoop {
    const queue = this.inputQueue;
    const travel = this.travel;
    const input = this.input = {
      // Not inside a time-travel replay (reverse-continue scans with forward commands): the input waits for a real one.
      get pending() {
        return queue.length > 0 && !travel.scanning;
      },
      deliver: () => {
        const note = this.deliverInput(Uint8Array.from(queue.splice(0)));
        if (note !== null) this.inputNote = note;
      },
    };
    return new RunLoop(m, new GuestDebug(m, this.table), () => this._cr3Source, input);
  }

  /** Into COM1's receiver, and into the time-travel log as an input. */
  private deliverInput(bytes: Uint8Array): string | null {
    this.m.devices.serial.uart.pushInput(bytes);
    return this.travel.consoleInput();
  }

  consoleSend(bytes: Uint8Array): string | null {
    if (this.running !== null) {
      this.inputQueue.push(...bytes);
      this.loop.wake();
      return null;
    }
    return this.deliverInput(bytes);
  }

  /** Replaces the machine (load, reset, backend): the new one is built first, so a failure changes nothing. */
  private replace(name: BackendName, spec: LoadSpec): void {
    this.idle();
    if (name === 'kvm' && name !== this.m.name) {
      const live = this.table.live().filter((b) => b.enabled);
      const pvm = isKvmPvm(name);
      if (live.some((b) => b.kind === 'break')) checkSwAllowed(pvm);
      if (live.some((b) => b.kind === 'watch')) checkWatchAllowed(pvm);
    }
    const m = this.openMachine(name, spec);
    this.inputQueue.length = 0; // typed for the old machine
    const old = this.m;
    this.m = m;
    this.travel.machineReplaced();
    this.loop = this.runLoopFor(m);
    this.spec = spec;
    old.kvm.close();
    this._symbols = symbolsOf(spec);
    this.procs.attach(awarenessOf(spec, this._symbols), m.memory);
    if (cr3SourceMissing(m.caps, this._cr3Source) !== null) this._cr3Source = defaultCr3Source(m.caps);
    configureCr3Source(m, this._cr3Source);
    if (this._budget !== null && !m.caps.budget) this._budget = null;
    this.table.resetHits();
    this.loop.debug.placeInt3s(); // which software breakpoints are pending in this image
    this._state = 'stopped';
    this._lastStop = entryStop(m.vcpu);
  }

  get backend(): BackendName {
    return this.m.name;
  }
  get state(): SessionState {
    return this._state;
  }
  get symbols(): SymbolTable {
    return this._symbols;
  }
  get imageName(): string {
    return this.spec.name;
  }
  get lastStop(): Stop | null {
    return this._lastStop;
  }
  get filter(): Condition | null {
    return this._filter;
  }

  async load(image: string): Promise<void> {
    this.replace(this.m.name, resolveImage(image));
  }

  async loadRaw(file: string, gpa: bigint, entry?: bigint): Promise<void> {
    this.replace(this.m.name, rawSpec(file, gpa, entry));
  }

  async reset(): Promise<void> {
    this.replace(this.m.name, this.spec);
  }

  async switchBackend(name: BackendName): Promise<void> {
    if (name !== 'emu' && name !== 'kvm') throw new SessionError('bad-args', `unknown backend '${name}' (emu or kvm)`);
    try {
      this.replace(name, this.spec);
    } catch (e) {
      if (e instanceof KvmError) throw new SessionError('unsupported', `cannot open the ${name} backend: ${e.message}`, { cause: e });
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.running !== null) {
      this.interrupt();
      await this.running.catch(() => undefined);
    }
    this.loop.debug.removeInt3s();
    this.m.kvm.close();
  }

  // ================================================================ settings
  get cr3Source(): Cr3Source {
    return this._cr3Source;
  }
  set cr3Source(src: Cr3Source) {
    if (src !== 'exit' && src !== 'sregs' && src !== 'sync') throw new SessionError('bad-args', `unknown cr3 source '${String(src)}' (exit, sregs or sync)`);
    const missing = cr3SourceMissing(this.m.caps, src);
    if (missing !== null) throw new SessionError('unsupported', `cr3-source ${src} needs ${missing}, which the ${this.m.name} backend does not have`);
    configureCr3Source(this.m, src);
    this._cr3Source = src;
  }

  /** Instruction budget of each execution command (null: none); needs KVM_CAP_VDBG_INSN_BUDGET (emu). */
  get budget(): number | null {
    return this._budget;
  }
  set budget(n: number | null) {
    if (n !== null && (!Number.isSafeInteger(n) || n < 1)) throw new SessionError('bad-args', `bad instruction budget ${n}: a positive integer`);
    if (n !== null && !this.m.caps.budget) throw new SessionError('unsupported', `instruction budgets need KVM_CAP_VDBG_INSN_BUDGET, which the ${this.m.name} backend does not have`);
    this._budget = n;
  }

  // ================================================================ breakpoints
  addBreakpoint(spec: BreakpointSpec): Breakpoint {
    this.idle();
    checkKind(spec.kind);
    checkCondition(spec.condition ?? null);
    if (spec.kind === 'watch') checkWatchAllowed(this.m.pvm);
    if (spec.kind === 'break') {
      checkSwAllowed(this.m.pvm);
      int3Address(this.m, spec.addr); // throws naming the page walk's failure
    }
    return { ...this.table.add(spec) };
  }

  deleteBreakpoint(n?: number): void {
    this.idle();
    this.table.delete(n);
  }

  enableBreakpoint(n: number, on: boolean): void {
    this.idle();
    const kind = this.table.get(n).kind;
    if (on && kind === 'break') checkSwAllowed(this.m.pvm);
    if (on && kind === 'watch') checkWatchAllowed(this.m.pvm);
    this.table.enable(n, on);
  }

  breakpoints(): readonly Breakpoint[] {
    return this.table.list();
  }

  setFilter(f: Condition | null): void {
    checkCondition(f);
    this._filter = f;
  }

  // ================================================================ inspection
  registers(): RegisterSet {
    return inspect.registers(this.m);
  }

  setRegister(name: string, value: bigint): void {
    this.idle();
    const n = inspect.setRegister(this.m, name, value);
    this.travel.changed();
    if (n === 'rip' && this._lastStop !== null) this._lastStop = { ...this._lastStop, rip: value };
  }

  readVirtual(addr: bigint, len: number, cr3?: bigint): Uint8Array {
    return inspect.readMemory(this.m, addr, len, cr3);
  }

  writeVirtual(addr: bigint, data: Uint8Array, cr3?: bigint): void {
    this.idle();
    this.travel.changed(inspect.writeMemory(this.m, addr, data, cr3));
  }

  segmentRegisters(): RegisterSet {
    return readSegments(this.m.vcpu);
  }

  fpuRegisters(): RegisterSet {
    return fpuRegisterSet(this.fpu());
  }

  fpu(): FpuRegisters {
    return readFpu(this.m.vcpu);
  }

  setFpu(f: FpuRegisters): void {
    this.idle();
    writeFpu(this.m.vcpu, f);
    this.travel.changed();
  }

  processes(): readonly ProcessRow[] {
    return this.procs.rows(this._lastStop?.cr3 ?? this.m.vcpu.getSregs().cr3);
  }

  osInfo(): OsInfo {
    return this.procs.osInfo();
  }

  hits(last?: number): readonly Hit[] {
    if (last !== undefined && (!Number.isSafeInteger(last) || last < 0)) throw new SessionError('bad-args', `bad count ${last}`);
    return this.procs.log.last(last);
  }

  hitCount(): number {
    return this.procs.log.total;
  }

  counters(): Readonly<Record<string, number>> {
    return inspect.counters(this.m);
  }

  jitCounters(): Readonly<Record<string, number>> | null {
    return this.m.vcpu.jitCounters();
  }

  setJit(on: boolean): void {
    try {
      this.m.vcpu.setJit(on);
    } catch (e) {
      throw new SessionError('unsupported', e instanceof Error ? e.message : String(e), { cause: e });
    }
  }

  vcpuInfo(): VcpuInfo {
    return inspect.vcpuInfo(this.m, this.loop.debug.enabled);
  }

  // ================================================================ VM state
  systemState(): SystemState {
    return sys.systemState(this.m);
  }

  readMsrs(indices: readonly number[]): ReadonlyMap<number, bigint> {
    return sys.readMsrs(this.m, indices);
  }

  readPhysical(addr: bigint, len: number): Uint8Array {
    return sys.readPhysical(this.m, addr, len);
  }

  translate(addr: bigint, cr3?: bigint): bigint {
    return sys.translateLinear(this.m, addr, cr3);
  }

  // ================================================================ execution
  interrupt(): void {
    if (this.running === null) return;
    this.loop.interrupt();
  }

  async stepi(n = 1): Promise<Stop> {
    exec.checkCount(n, 'stepi');
    return this.command((st) => exec.stepi(st, n), false);
  }

  async nexti(n = 1): Promise<Stop> {
    exec.checkCount(n, 'nexti');
    return this.command((st) => exec.nexti(st, n), true);
  }

  async finish(): Promise<Stop> {
    return this.command((st) => exec.finish(st), true);
  }

  async cont(n = 1): Promise<Stop> {
    exec.checkCount(n, 'continue');
    return this.command((st) => exec.cont(st, n), true);
  }

  async until(addr: bigint): Promise<Stop> {
    if (addr < 0n || addr >> 64n !== 0n) throw new SessionError('bad-args', `bad address ${addr}`);
    return this.command((st) => exec.until(st, addr), true);
  }

  async runFor(instructions: number): Promise<Stop> {
    exec.checkCount(instructions, 'run-for');
    return this.command((st) => exec.runFor(st, instructions), false);
  }

  async contUntilConsole(text: string): Promise<Stop> {
    if (text.length === 0) throw new SessionError('bad-args', 'continue-until-console: no text to wait for');
    return this.command(async (st) => {
      this.consoleWatch = new ConsoleWatch(text);
      this.loop.idleEnds = true;
      try {
        const stop = await exec.cont(st, 1);
        return stop.reason === 'console' ? { ...stop, detail: `the guest printed ${JSON.stringify(text)}` } : stop;
      } finally {
        this.consoleWatch = null;
      }
    }, true);
  }

  /** Forward `continue` that stops after at most `n` instructions (time travel's replay of a stretch). */
  private async continueWithin(n: number): Promise<Stop> {
    const budget = this._budget;
    this._budget = n;
    try {
      return await this.command((st) => exec.cont(st, 1), true);
    } finally {
      this._budget = budget;
    }
  }

  /**
   * Runs one execution command: the state checks and the INT3s placed
   * (a failure there changes nothing), then the running state, the stop
   * recorded, INT3s out whatever happens. `useBudget`: the session's budget
   * applies (run-for and stepi have their own count).
   */
  private command(body: (st: Stepper) => Promise<Stop>, useBudget: boolean): Promise<Stop> {
    if (this.running !== null) return Promise.reject(new SessionError('not-running', 'a command is already running'));
    if (this._state === 'exited') return Promise.reject(new SessionError('not-running', `the guest has exited (status ${this._lastStop?.status ?? '?'}); reset or load to run it again`));
    if (this._state === 'shutdown') return Promise.reject(new SessionError('not-running', 'the guest shut down (triple fault); reset or load to run it again'));
    const loop = this.loop;
    try {
      loop.debug.placeInt3s();
    } catch (e) {
      return Promise.reject(e);
    }
    const forked = this.travel.beforeForward();
    this._state = 'running';
    loop.begin(useBudget ? this._budget : null, this.travel.runHooks());
    const st = new Stepper({ m: this.m, loop, table: this.table, procs: this.procs, settings: this });
    const p = (async () => {
      try {
        const stop = await body(st);
        // Input sent as the command ended, after the run loop's last look: in the UART before the next command.
        if (this.input.pending) this.input.deliver();
        this.travel.afterForward();
        const note = forked ?? this.inputNote;
        if (note !== null && stop.detail === undefined) stop.detail = note;
        this._lastStop = stop;
        this._state = stop.reason === 'exit' ? 'exited' : stop.reason === 'shutdown' ? 'shutdown' : 'stopped';
        return stop;
      } catch (e) {
        this._state = 'stopped';
        throw e;
      } finally {
        loop.end();
        this.inputNote = null;
        this.running = null;
      }
    })();
    this.running = p;
    return p;
  }

  private idle(): void {
    if (this.running !== null) throw new SessionError('not-running', 'the guest is running; interrupt it first');
  }
}
