/**
 * The debug session (SessionApi, types.ts): one guest on one backend, driven
 * only through the uAPI classes (openKvm → VmFd → VcpuFd). It owns all
 * debugger state: the machine, breakpoints (INT3 written into guest memory
 * with KVM_GUESTDBG_USE_SW_BP; DR0–DR3 owned by the host with USE_HW_BP),
 * the CR3 learned at every debug event (`cr3Source`), the process table keyed
 * by CR3, the hit log and the VMM devices (serial console, exit port).
 *
 * Execution commands are built from one primitive, `enter(mode)`: program
 * guest debug for the mode, insert the INT3s, KVM_RUN until something the
 * debugger must look at (IO to the console is answered inside), take the
 * INT3s out again. So guest memory never holds an INT3 while the session is
 * stopped, and a breakpoint at RIP is stepped over by one single-step with
 * the execute breakpoints out (not RF: KVM's emulator ignores RF for host
 * breakpoints).
 *
 * On emu, instruction budgets (run-for N, `budget`) use the vdbg extension
 * KVM_CAP_VDBG_INSN_BUDGET (docs/uapi-extensions.md §3); real KVM has no such
 * counter, so there run-for single-steps and a session budget is refused.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kvm, VcpuFd, VmFd } from '../../core/api/index.ts';
import type { Backend, BackendName } from '../../core/backend.ts';
import { Counters } from '../../core/counters.ts';
import { EmuBackend } from '../../core/emu/backend.ts';
import { KvmBackend } from '../../core/kvm/backend.ts';
import { kvmHost } from '../../core/kvm/host.ts';
import { readElfFile, type Elf64 } from '../../core/loader/elf.ts';
import { SymbolTable } from '../../core/loader/symbols.ts';
import { Errno, KvmError } from '../../core/uapi/errors.ts';
import type { VcpuExit } from '../../core/uapi/exit.ts';
import { KvmCap } from '../../core/uapi/ioctls.ts';
import { KVM_SYNC_REGS_CONDITIONAL, KvmExitReason, KvmSyncX86 } from '../../core/uapi/kvm-run.ts';
import { KvmGuestDbg as G } from '../../core/uapi/structs.ts';
import { readApxComponent, writeApxComponent } from '../../core/uapi/xsave.ts';
import { ExitPort, SerialConsole } from '../../core/vmm/devices.ts';
import { createGuestVm, type GuestImage } from '../../core/vmm/run-guest.ts';
import { readVmosTasks, physReader } from '../../core/vmm/vmos.ts';
import { BreakpointError, BreakpointTable, HW_SLOTS, hwDebugregs } from './breakpoints.ts';
import { HitLog, DEFAULT_HIT_LOG_SIZE } from './hitlog.ts';
import { classify } from './insn.ts';
import { PageWalkError, readVirtual, translate, writeVirtual, type Paging } from './memory.ts';
import { EGPRS, readRegisters, registerClass, writeRegister, XCR0_APX } from './registers.ts';
import { readSegments } from './segments.ts';
import type {
  Breakpoint, BreakpointSpec, Condition, Cr3Source, Hit, ProcessRow, RegisterSet, SessionApi, SessionState, Stop, StopReason,
  VcpuInfo,
} from './types.ts';

const GUESTS = fileURLToPath(new URL('../../../guests/', import.meta.url));
/** Bundled guests by name (commands.md: IMAGE may name one). */
export const BUNDLED: Record<string, string> = { vmos: `${GUESTS}vmos/vmos.elf`, tiny: `${GUESTS}tiny/tiny.bin` };
const TINY_GPA = 0x10000;

const INT3 = 0xcc;
/**
 * Longest the session runs without yielding to the event loop (ms of wall
 * clock — scheduling only, never in output): every execution loop goes
 * through enter(), which then lets timers and signal handlers (Ctrl-C) run
 * and checks the interrupt flag, even when every event is answered inside
 * (skipped breakpoints, step-overs, console IO).
 */
const YIELD_MS = 20;
/** finish gives up after this many next-steps without a return (about 1 s on emu, 2.5 s on kvm_pvm). */
const FINISH_MAX_STEPS = 20_000;
const TF = 1n << 8n;
/** DR6 bits (uapi.md §2.1): B0–B3, BS, the active-low/fixed-1 bits, and bit 12 (always 0). */
const DR6_B = 0xfn;
const DR6_BS = 0x4000n;
const DR6_ACTIVE_LOW = 0xffff0ff0n;
const DR6_BIT12 = 1n << 12n;
const EGPRS_UNAVAILABLE = 'R16–R31 cannot be read or written: this backend has no KVM_GET_XSAVE2 (KVM_CAP_XSAVE2)';

/** A session-level failure: bad input, or a command the state does not allow. Nothing changed. */
export class SessionError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-args' | 'no-such-reg' | 'not-running' | 'running' | 'unsupported' | 'memory' | 'io' = 'bad-args',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SessionError';
  }
}

export interface SessionOptions {
  backend?: BackendName;
  /** Path of an ELF image, or a bundled name ('vmos', 'tiny'); default vmos. */
  image?: string;
  /** How CR3 is learned per debug event; default the cheapest the backend offers. */
  cr3Source?: Cr3Source;
  /** Entries the hit log keeps (totals stay exact); default 10,000. */
  hitLogSize?: number;
  /** Instruction budget of each execution command (emu only); default none. */
  budget?: number | null;
}

type LoadSpec =
  | { kind: 'elf'; name: string; elf: Elf64 }
  | { kind: 'raw'; name: string; file: string; bytes: Uint8Array; gpa: number; entry?: number };

type DebugExit = Extract<VcpuExit, { kind: 'debug' }>;

type RunEvent =
  | { kind: 'debug'; exit: DebugExit; cr3: bigint; internal: boolean }
  | { kind: 'exit'; status: number }
  | { kind: 'halt' }
  | { kind: 'shutdown' }
  | { kind: 'error'; detail: string }
  | { kind: 'budget' }
  | { kind: 'interrupted' };

/** A breakpoint of the debugger's own (nexti's return address, finish, until). */
interface TempBp {
  addr: bigint;
  /** Whether a hit here ends the command (e.g. the same CR3 and stack depth). */
  accept(cr3: bigint, vcpu: VcpuFd): boolean;
}

interface Mode {
  step: boolean;
  blockIrq: boolean;
  /** Execute breakpoints (INT3s and hbreak slots) in; watchpoints are always in. */
  exec: boolean;
  temp: TempBp | null;
  /** The guest's own RFLAGS.TF before a single-step (what its #DB's DR6.BS would say). */
  guestTf?: boolean;
}

interface Machine {
  backend: Backend;
  kvm: Kvm;
  vm: VmFd;
  vcpu: VcpuFd;
  memory: Uint8Array;
  serial: SerialConsole;
  exitPort: ExitPort;
  /** ELF load segments (vaddr → paddr) for INT3s at addresses the current CR3 does not map yet. */
  segments: { vaddr: bigint; paddr: bigint; size: bigint }[];
  caps: { cr3Field: boolean; conditional: boolean; syncRegs: boolean; budget: boolean; xsave: boolean };
  pvm: boolean;
}

function hex(v: bigint): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}

function resolveImage(image: string): LoadSpec {
  if (image === 'tiny') return rawSpec(BUNDLED.tiny, BigInt(TINY_GPA), undefined, 'tiny');
  const path = BUNDLED[image] ?? image;
  const elf = readElfFile(path);
  return { kind: 'elf', name: BUNDLED[image] ? image : basename(path), elf };
}

function rawSpec(file: string, gpa: bigint, entry: bigint | undefined, name = basename(file)): LoadSpec {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new SessionError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'io');
  }
  if (gpa < 0n || gpa > 0xffff_ffffn) throw new SessionError(`load address ${gpa} is out of range`);
  if (entry !== undefined && (entry < 0n || entry > 0xffff_ffffn)) throw new SessionError(`entry ${entry} is out of range`);
  return { kind: 'raw', name, file, bytes, gpa: Number(gpa), entry: entry === undefined ? undefined : Number(entry) };
}

export class Session implements SessionApi {
  private m: Machine;
  private spec: LoadSpec;
  private backendName: BackendName;
  private _state: SessionState = 'stopped';
  private _symbols: SymbolTable;
  private _cr3Source: Cr3Source;
  private readonly table = new BreakpointTable();
  private _filter: Condition | null = null;
  private readonly log: HitLog;
  private readonly observed = new Map<bigint, { firstSeen: number; hits: number; lastRip: bigint }>();
  private names = new Map<bigint, { pid: number; name: string; state: string }>();
  private namesStale = true;
  private vmm = new Counters();
  private _lastStop: Stop | null = null;
  /** Physical address → original byte of each INT3 in guest memory (only while running). */
  private readonly inserted = new Map<number, number>();
  /** Linear address of a software breakpoint → where its INT3 goes, resolved at the start of each command. */
  private swPhys = new Map<bigint, number>();
  private lastDebugKey = '';
  private programmedDr7 = 0x400n;
  /** DR6 B0–B3 the debugger can cause in the current entry: all four under USE_HW_BP (the host owns DR0–DR3, §3.7), else none. */
  private hostSlots = 0n;
  /** A #DB of the guest's own is waiting for the next KVM_SET_GUEST_DEBUG (KVM_GUESTDBG_INJECT_DB). */
  private injectDb = false;
  private interruptRequested = false;
  private lastYield = 0;
  private running: Promise<Stop> | null = null;
  private skipped = 0;
  /** Instructions the current command may still retire (null: no budget). */
  private budgetLeft: number | null = null;
  private _budget: number | null;
  onConsole: ((text: string) => void) | null = null;

  private constructor(backend: BackendName, spec: LoadSpec, opts: SessionOptions) {
    this.backendName = backend;
    this.spec = spec;
    this.log = new HitLog(opts.hitLogSize ?? DEFAULT_HIT_LOG_SIZE);
    this._budget = null;
    this.m = this.build(backend, spec);
    this._symbols = spec.kind === 'elf' ? new SymbolTable(spec.elf.symbols) : new SymbolTable([]);
    this._cr3Source = this.defaultCr3Source();
    this.configureCr3Source(this._cr3Source);
    if (opts.cr3Source !== undefined) this.cr3Source = opts.cr3Source;
    if (opts.budget !== undefined) this.budget = opts.budget;
    this._lastStop = this.entryStop();
  }

  /** Opens a session on `backend` (default emu) with `image` (default the bundled vmos) at its entry state. */
  static async open(opts: SessionOptions = {}): Promise<Session> {
    return new Session(opts.backend ?? 'emu', resolveImage(opts.image ?? 'vmos'), opts);
  }

  // ================================================================ machine
  private build(name: BackendName, spec: LoadSpec): Machine {
    const backend = name === 'emu' ? new EmuBackend() : new KvmBackend();
    const image: GuestImage = spec.kind === 'elf' ? { kind: 'elf', elf: spec.elf } : { kind: 'raw', bytes: spec.bytes, gpa: spec.gpa, entry: spec.entry, name: spec.name };
    const g = createGuestVm(backend, image);
    const serial = new SerialConsole();
    serial.onOutput = (t) => this.onConsole?.(t);
    const has = (cap: number): boolean => g.kvm.checkExtension(cap) > 0;
    const caps = {
      cr3Field: has(KvmCap.X86_GUEST_DEBUG_CR3),
      conditional: has(KvmCap.SYNC_REGS_CONDITIONAL),
      syncRegs: (g.kvm.checkExtension(KvmCap.SYNC_REGS) & KvmSyncX86.SREGS) !== 0,
      budget: has(KvmCap.VDBG_INSN_BUDGET),
      xsave: has(KvmCap.XSAVE),
    };
    if (caps.budget) g.vm.enableCap(KvmCap.VDBG_INSN_BUDGET);
    const host = name === 'kvm' ? kvmHost() : null;
    const segments = spec.kind === 'elf' ? spec.elf.segments.map((s) => ({ vaddr: s.vaddr, paddr: s.paddr, size: BigInt(s.memsz) })) : [];
    return {
      backend, kvm: g.kvm, vm: g.vm, vcpu: g.vcpu, memory: g.memory, serial, exitPort: new ExitPort(), segments, caps,
      pvm: host !== null && host.modules.includes('kvm_pvm') && !host.hardware,
    };
  }

  /** Replaces the machine (load, reset, backend): the new one is built first, so a failure changes nothing. */
  private replace(name: BackendName, spec: LoadSpec): void {
    this.idle();
    if (name === 'kvm' && name !== this.backendName) {
      const live = this.table.live().filter((b) => b.enabled);
      this.checkSwAllowed(name, live.some((b) => b.kind === 'break'));
      this.checkWatchAllowed(name, live.some((b) => b.kind === 'watch'));
    }
    const m = this.build(name, spec);
    const old = this.m;
    this.m = m;
    this.backendName = name;
    this.spec = spec;
    old.kvm.close();
    this._symbols = spec.kind === 'elf' ? new SymbolTable(spec.elf.symbols) : new SymbolTable([]);
    const src = this.sourceAvailable(this._cr3Source) === null ? this._cr3Source : this.defaultCr3Source();
    this._cr3Source = src;
    this.configureCr3Source(src);
    if (this._budget !== null && !m.caps.budget) this._budget = null;
    this.lastDebugKey = '';
    this.injectDb = false;
    this.hostSlots = 0n;
    this.log.clear();
    this.observed.clear();
    this.names.clear();
    this.namesStale = true;
    this.vmm = new Counters();
    this.table.resetHits();
    this._state = 'stopped';
    this._lastStop = this.entryStop();
  }

  get backend(): BackendName {
    return this.backendName;
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
    this.replace(this.backendName, resolveImage(image));
  }

  async loadRaw(file: string, gpa: bigint, entry?: bigint): Promise<void> {
    this.replace(this.backendName, rawSpec(file, gpa, entry));
  }

  async reset(): Promise<void> {
    this.replace(this.backendName, this.spec);
  }

  async switchBackend(name: BackendName): Promise<void> {
    if (name !== 'emu' && name !== 'kvm') throw new SessionError(`unknown backend '${name}' (emu or kvm)`);
    try {
      this.replace(name, this.spec);
    } catch (e) {
      if (e instanceof KvmError) throw new SessionError(`cannot open the ${name} backend: ${e.message}`, 'unsupported', { cause: e });
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.running !== null) {
      this.interrupt();
      await this.running.catch(() => undefined);
    }
    this.removeSw();
    this.m.kvm.close();
  }

  // ================================================================ CR3 source
  get cr3Source(): Cr3Source {
    return this._cr3Source;
  }
  set cr3Source(src: Cr3Source) {
    if (src !== 'exit' && src !== 'sregs' && src !== 'sync') throw new SessionError(`unknown cr3 source '${String(src)}' (exit, sregs or sync)`);
    const missing = this.sourceAvailable(src);
    if (missing !== null) throw new SessionError(`cr3-source ${src} needs ${missing}, which the ${this.backendName} backend does not have`, 'unsupported');
    this.configureCr3Source(src);
    this._cr3Source = src;
  }

  /** null when the backend offers `src`, else the missing capability. */
  private sourceAvailable(src: Cr3Source): string | null {
    if (src === 'exit' && !this.m.caps.cr3Field) return 'KVM_CAP_X86_GUEST_DEBUG_CR3';
    if (src === 'sync' && !this.m.caps.syncRegs) return 'KVM_CAP_SYNC_REGS';
    return null;
  }

  private defaultCr3Source(): Cr3Source {
    if (this.m.caps.cr3Field) return 'exit';
    return this.m.caps.syncRegs ? 'sync' : 'sregs';
  }

  private configureCr3Source(src: Cr3Source): void {
    const { vm, vcpu, caps } = this.m;
    if (src === 'exit' && !vm.capEnabled(KvmCap.X86_GUEST_DEBUG_CR3)) vm.enableCap(KvmCap.X86_GUEST_DEBUG_CR3);
    if (src === 'sync') {
      if (caps.conditional) {
        if (!vm.capEnabled(KvmCap.SYNC_REGS_CONDITIONAL)) vm.enableCap(KvmCap.SYNC_REGS_CONDITIONAL);
        vcpu.syncRegs.setSaveOnExit(KvmExitReason.DEBUG, true);
        vcpu.syncRegs.validRegs = KVM_SYNC_REGS_CONDITIONAL | BigInt(KvmSyncX86.SREGS);
      } else {
        vcpu.syncRegs.validRegs = BigInt(KvmSyncX86.SREGS);
      }
    } else if (caps.syncRegs) {
      vcpu.syncRegs.validRegs = 0n;
    }
  }

  private learnCr3(e: DebugExit): bigint {
    switch (this._cr3Source) {
      case 'exit':
        if (e.cr3 !== undefined) return e.cr3;
        break;
      case 'sync':
        return this.m.vcpu.syncRegs.sregs.cr3;
    }
    return this.m.vcpu.getSregs().cr3;
  }

  // ================================================================ budget
  /** Instruction budget of each execution command (null: none); needs KVM_CAP_VDBG_INSN_BUDGET (emu). */
  get budget(): number | null {
    return this._budget;
  }
  set budget(n: number | null) {
    if (n !== null && (!Number.isSafeInteger(n) || n < 1)) throw new SessionError(`bad instruction budget ${n}: a positive integer`);
    if (n !== null && !this.m.caps.budget) throw new SessionError(`instruction budgets need KVM_CAP_VDBG_INSN_BUDGET, which the ${this.backendName} backend does not have`, 'unsupported');
    this._budget = n;
  }

  // ================================================================ breakpoints
  addBreakpoint(spec: BreakpointSpec): Breakpoint {
    this.idle();
    if (spec.kind !== 'break' && spec.kind !== 'hbreak' && spec.kind !== 'watch') throw new SessionError(`unknown breakpoint kind '${String(spec.kind)}'`);
    this.checkCondition(spec.condition ?? null);
    if (spec.kind === 'watch') this.checkWatchAllowed(this.backendName, true);
    if (spec.kind === 'break') {
      this.checkSwAllowed(this.backendName, true);
      this.physForSw(spec.addr); // throws naming the page walk's failure
    }
    try {
      return { ...this.table.add(spec) };
    } catch (e) {
      if (e instanceof BreakpointError) throw new SessionError(e.message);
      throw e;
    }
  }

  deleteBreakpoint(n?: number): void {
    this.idle();
    this.wrap(() => this.table.delete(n));
  }

  enableBreakpoint(n: number, on: boolean): void {
    this.idle();
    const kind = this.wrap(() => this.table.get(n)).kind;
    if (on && kind === 'break') this.checkSwAllowed(this.backendName, true);
    if (on && kind === 'watch') this.checkWatchAllowed(this.backendName, true);
    this.wrap(() => this.table.enable(n, on));
  }

  breakpoints(): readonly Breakpoint[] {
    return this.table.list();
  }

  setFilter(f: Condition | null): void {
    this.checkCondition(f);
    this._filter = f;
  }

  private wrap<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof BreakpointError) throw new SessionError(e.message);
      throw e;
    }
  }

  private checkCondition(c: Condition | null): void {
    if (c === null) return;
    if (c.kind === 'cr3' && (typeof c.cr3 !== 'bigint' || c.cr3 < 0n || c.cr3 >> 64n !== 0n)) throw new SessionError(`bad CR3 value ${String(c.cr3)}`);
    if (c.kind === 'process' && (typeof c.name !== 'string' || c.name === '')) throw new SessionError('a process condition needs a name');
    if (c.kind !== 'cr3' && c.kind !== 'process') throw new SessionError(`unknown condition '${String((c as { kind: unknown }).kind)}'`);
  }

  /** Whether `backend` is kvm_pvm (the current machine's flag, or the host's for a backend not open yet). */
  private isPvm(backend: BackendName): boolean {
    return backend === this.backendName ? this.m.pvm : backend === 'kvm' && (() => {
      const h = kvmHost();
      return h.modules.includes('kvm_pvm') && !h.hardware;
    })();
  }

  /** kvm_pvm runs guest CPL 0 in KVM's emulator, which has no INT3 (KVM_EXIT_INTERNAL_ERROR), and does not intercept #BP at CPL 3. */
  private checkSwAllowed(backend: BackendName, any: boolean): void {
    if (any && this.isPvm(backend)) {
      throw new SessionError(
        'software breakpoints do not work on this host\'s /dev/kvm (kvm_pvm: INT3 at CPL 0 is an emulation failure, #BP at CPL 3 is not intercepted); use hbreak',
        'unsupported',
      );
    }
  }

  /**
   * kvm_pvm: KVM's instruction emulator (guest CPL 0) checks only code
   * breakpoints, never data breakpoints, and at CPL 3 host debug registers do
   * not fire at all (docs/hypervisor.md): a watchpoint would take a DR slot and
   * never fire.
   */
  private checkWatchAllowed(backend: BackendName, any: boolean): void {
    if (any && this.isPvm(backend)) {
      throw new SessionError(
        'watchpoints do not fire on this host\'s /dev/kvm (kvm_pvm: KVM\'s emulator checks only execute breakpoints at CPL 0, and debug registers do not fire at CPL 3)',
        'unsupported',
      );
    }
  }

  /** Where the INT3 for linear `addr` goes: through the current CR3, else through the image's load segments. */
  private physForSw(addr: bigint): number {
    let walkError: PageWalkError | null = null;
    try {
      const pa = translate(this.m.memory, this.paging(), addr);
      if (pa < BigInt(this.m.memory.length)) return Number(pa);
    } catch (e) {
      if (!(e instanceof PageWalkError)) throw e;
      walkError = e;
    }
    for (const s of this.m.segments) {
      if (addr >= s.vaddr && addr < s.vaddr + s.size) return Number(s.paddr + (addr - s.vaddr));
    }
    const why = walkError !== null ? `not mapped: ${walkError.reason}` : 'outside guest memory';
    throw new SessionError(`cannot insert a breakpoint at 0x${addr.toString(16)}: ${why}`, 'memory');
  }

  /** How linear addresses translate now: the current CR3, or `cr3` (another address space) with the current CR0.PG. */
  private paging(cr3?: bigint): Paging {
    const s = this.m.vcpu.getSregs();
    return { cr3: cr3 ?? s.cr3, enabled: (s.cr0 & (1n << 31n)) !== 0n };
  }

  // ================================================================ inspection
  registers(): RegisterSet {
    const { set, xcr0 } = readRegisters(this.m.vcpu);
    if (xcr0 & XCR0_APX) {
      const egprs = this.readEgprs();
      if (egprs !== null) {
        const out: RegisterSet = {};
        for (const [k, v] of Object.entries(set)) {
          out[k] = v;
          if (k === 'r15') egprs.forEach((x, i) => (out[EGPRS[i]] = x));
        }
        return out;
      }
    }
    return set;
  }

  /**
   * R16–R31 through the uAPI: the APX component (19) of the guest's XSAVE
   * area (KVM_GET_XSAVE2), as Chang Bae's APX series exposes them; null when
   * the backend has no XSAVE uAPI.
   */
  private readEgprs(): bigint[] | null {
    if (!this.m.kvm.hasExtension(KvmCap.XSAVE2)) return null;
    return readApxComponent(this.m.vcpu.getXsave2());
  }

  setRegister(name: string, value: bigint): void {
    this.idle();
    const n = name.replace(/^\$/, '').toLowerCase();
    const cls = registerClass(n);
    if (cls === undefined) throw new SessionError(`no register '${name}'`, 'no-such-reg');
    if (value < 0n || value >> 64n !== 0n) throw new SessionError(`value ${value} does not fit in 64 bits`);
    if (cls === 'apx') {
      const xcr0 = this.m.vcpu.getXcrs().xcrs.find((x) => x.xcr === 0)?.value ?? 0n;
      if (!(xcr0 & XCR0_APX)) throw new SessionError(`no register $${n} on this vCPU: R16–R31 exist only with APX enabled (XCR0.APX = 0)`, 'no-such-reg');
      if (this.readEgprs() === null) throw new SessionError(`$${n}: ${EGPRS_UNAVAILABLE}`, 'unsupported');
      // Read-modify-write of the XSAVE area's APX component (KVM_GET_XSAVE2 / KVM_SET_XSAVE).
      const area = this.m.vcpu.getXsave2();
      const regs = readApxComponent(area);
      regs[EGPRS.indexOf(n)] = value;
      writeApxComponent(area, regs);
      this.m.vcpu.setXsave(area);
      return;
    }
    try {
      writeRegister(this.m.vcpu, n, value);
    } catch (e) {
      if (e instanceof KvmError) throw new SessionError(`cannot set $${n} = 0x${value.toString(16)}: ${e.message}`, 'bad-args', { cause: e });
      throw e;
    }
    if (n === 'rip' && this._lastStop !== null) this._lastStop = { ...this._lastStop, rip: value };
  }

  readVirtual(addr: bigint, len: number, cr3?: bigint): Uint8Array {
    if (!Number.isSafeInteger(len) || len < 0 || len > 1 << 20) throw new SessionError(`bad length ${len}`);
    try {
      return readVirtual(this.m.memory, this.paging(cr3), addr, len);
    } catch (e) {
      if (e instanceof PageWalkError) throw new SessionError(`cannot read 0x${e.addr.toString(16)}: not mapped: ${e.reason}`, 'memory', { cause: e });
      throw e;
    }
  }

  writeVirtual(addr: bigint, data: Uint8Array, cr3?: bigint): void {
    this.idle();
    if (data.length > 1 << 20) throw new SessionError(`bad length ${data.length}`);
    try {
      writeVirtual(this.m.memory, this.paging(cr3), addr, data);
    } catch (e) {
      if (e instanceof PageWalkError) throw new SessionError(`cannot write 0x${e.addr.toString(16)}: not mapped: ${e.reason}`, 'memory', { cause: e });
      throw e;
    }
  }

  segmentRegisters(): RegisterSet {
    return readSegments(this.m.vcpu);
  }

  processes(): readonly ProcessRow[] {
    this.namesStale = true;
    this.refreshNames();
    const current = this._lastStop?.cr3 ?? this.m.vcpu.getSregs().cr3;
    const cr3s = new Set<bigint>([...this.names.keys(), ...this.observed.keys()]);
    const rows: ProcessRow[] = [];
    for (const cr3 of cr3s) {
      const t = this.names.get(cr3), o = this.observed.get(cr3);
      const row: ProcessRow = { cr3, hits: o?.hits ?? 0, firstSeen: o?.firstSeen ?? 0, current: cr3 === current };
      if (t !== undefined) Object.assign(row, { pid: t.pid, name: t.name, state: t.state });
      if (o !== undefined) row.lastRip = o.lastRip;
      rows.push(row);
    }
    return rows.sort((a, b) =>
      a.pid !== undefined && b.pid !== undefined ? a.pid - b.pid : a.pid !== undefined ? -1 : b.pid !== undefined ? 1 : a.firstSeen - b.firstSeen);
  }

  hits(last?: number): readonly Hit[] {
    if (last !== undefined && (!Number.isSafeInteger(last) || last < 0)) throw new SessionError(`bad count ${last}`);
    return this.log.last(last);
  }

  hitCount(): number {
    return this.log.total;
  }

  counters(): Readonly<Record<string, number>> {
    const c = new Counters();
    for (const src of [this.m.vm.counters(), this.m.vcpu.counters(), this.vmm.snapshot()]) for (const [k, v] of Object.entries(src)) c.inc(k, v);
    return c.snapshot();
  }

  vcpuInfo(): VcpuInfo {
    const xcr0 = this.m.vcpu.getXcrs().xcrs.find((x) => x.xcr === 0)?.value ?? 0n;
    const info: VcpuInfo = { backend: this.backendName, guestXcr0: xcr0, apx: (xcr0 & XCR0_APX) !== 0n };
    if (info.apx && this.readEgprs() === null) info.egprsUnavailable = EGPRS_UNAVAILABLE;
    if (this.backendName === 'emu') {
      const hostDebug = this.lastDebugKey !== '' && !this.lastDebugKey.startsWith('0:');
      const c = this.m.vcpu.counters();
      info.drOwnership = hostDebug ? 'host-debug' : (c['dr.wont_exit'] ?? 0) > 0 ? 'guest-loaded' : 'intercepting';
    }
    return info;
  }

  // ================================================================ processes
  private refreshNames(): void {
    if (!this.namesStale) return;
    this.namesStale = false;
    if (this._symbols.get('vmos_tasks') === undefined || this._symbols.get('vmos_ntasks') === undefined) return;
    try {
      const tasks = readVmosTasks(this._symbols, physReader(this.m.memory));
      const map = new Map<bigint, { pid: number; name: string; state: string }>();
      for (const t of tasks) {
        const prev = map.get(t.cr3);
        // Two tasks on one CR3 (the idle task's kernel tables before init): keep a live one.
        if (prev === undefined || prev.state === 'exited') map.set(t.cr3, { pid: t.pid, name: t.name, state: t.state });
      }
      this.names = map;
    } catch {
      // A table the guest has not written yet, or garbage: names stay as they were.
    }
  }

  /** The name of a CR3's process; an unknown CR3 re-reads the guest's table (the process may be newer than the last read). */
  private processOf(cr3: bigint): string | undefined {
    if (!this.names.has(cr3)) {
      this.namesStale = true;
      this.refreshNames();
    }
    return this.names.get(cr3)?.name;
  }

  private matches(c: Condition, cr3: bigint): boolean {
    return c.kind === 'cr3' ? c.cr3 === cr3 : this.processOf(cr3) === c.name;
  }

  private record(bp: number | null, cr3: bigint, e: DebugExit): void {
    const seq = this.log.total + 1;
    const process = this.processOf(cr3);
    const hit: Hit = { seq, bp, cr3, rip: e.pc, exception: e.exception, dr6: e.dr6 };
    if (process !== undefined) hit.process = process;
    this.log.add(hit);
    const o = this.observed.get(cr3);
    if (o === undefined) this.observed.set(cr3, { firstSeen: seq, hits: 1, lastRip: e.pc });
    else {
      o.hits++;
      o.lastRip = e.pc;
    }
  }

  // ================================================================ execution
  interrupt(): void {
    if (this.running === null) return;
    this.interruptRequested = true;
    this.m.vcpu.kick();
  }

  async stepi(n = 1): Promise<Stop> {
    this.checkCount(n, 'stepi');
    return this.command(async () => {
      this.checkStepAllowed();
      let stop: Stop | null = null;
      for (let k = 0; k < n; k++) {
        stop = await this.stepOne();
        if (stop.reason !== 'step') return stop;
      }
      return stop!;
    }, false);
  }

  async nexti(n = 1): Promise<Stop> {
    this.checkCount(n, 'nexti');
    return this.command(async () => {
      let stop: Stop | null = null;
      for (let k = 0; k < n; k++) {
        stop = await this.nextOne();
        if (stop.reason !== 'step') return stop;
      }
      return stop!;
    }, true);
  }

  /**
   * finish: next-steps until a RET at the entry's stack level (or above),
   * or an IRET/SYSRET at the entry's CPL (the end of the interrupt or
   * syscall handler finish started in, which has no caller frame), and
   * steps it. Where nothing returns (an idle loop, a
   * task that never comes back) it gives up after FINISH_MAX_STEPS steps
   * with a budget stop rather than stepping until the guest exits.
   */
  async finish(): Promise<Stop> {
    return this.command(async () => {
      const vcpu = this.m.vcpu;
      const rsp0 = vcpu.getRegs().rsp;
      const cpl0 = this.cpl();
      for (let k = 0; ; k++) {
        const r = vcpu.getRegs();
        const flow = this.flowAt(r.rip);
        // An IRET/SYSRET ends the handler finish started in; one at another CPL ends a handler the steps entered (a SYSCALL, a fault).
        if ((flow.kind === 'ret' && r.rsp >= rsp0) || (flow.kind === 'iret' && this.cpl() === cpl0)) {
          const s = await this.stepOne();
          return s.reason === 'step' ? { ...s, reason: 'finish' } : s;
        }
        const s = await this.nextOne();
        if (s.reason !== 'step') return s;
        if (k + 1 >= FINISH_MAX_STEPS) {
          return { ...s, reason: 'budget', detail: `finish found no return in ${FINISH_MAX_STEPS} instructions (stepped); nothing to return to here?` };
        }
      }
    }, true);
  }

  async cont(n = 1): Promise<Stop> {
    this.checkCount(n, 'continue');
    return this.command(() => this.runToStop(n, null, 'breakpoint'), true);
  }

  async until(addr: bigint): Promise<Stop> {
    if (addr < 0n || addr >> 64n !== 0n) throw new SessionError(`bad address ${addr}`);
    return this.command(() => this.runToStop(1, { addr, accept: () => true }, 'until'), true);
  }

  async runFor(instructions: number): Promise<Stop> {
    this.checkCount(instructions, 'run-for');
    return this.command(async () => {
      if (this.m.caps.budget) {
        this.budgetLeft = instructions;
        const s = await this.runToStop(1, null, 'breakpoint');
        return s.reason === 'budget' ? { ...s, detail: `ran ${instructions} instructions (run-for)` } : s;
      }
      return this.runForByStepping(instructions);
    }, false);
  }

  private checkCount(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 1) throw new SessionError(`${what}: bad count ${n} (a positive integer)`);
  }

  /** Runs one execution command: state checks, the running flag, the stop recorded, INT3s out whatever happens. */
  private command(body: () => Promise<Stop>, useBudget: boolean): Promise<Stop> {
    if (this.running !== null) return Promise.reject(new SessionError('a command is already running', 'running'));
    if (this._state === 'exited') return Promise.reject(new SessionError(`the guest has exited (status ${this._lastStop?.status ?? '?'}); reset or load to run it again`, 'not-running'));
    if (this._state === 'shutdown') return Promise.reject(new SessionError('the guest shut down (triple fault); reset or load to run it again', 'not-running'));
    this._state = 'running';
    this.interruptRequested = false;
    this.skipped = 0;
    this.budgetLeft = useBudget ? this._budget : null;
    this.swPhys = new Map();
    const p = (async () => {
      try {
        for (const b of this.table.live()) if (b.kind === 'break' && b.enabled) this.swPhys.set(b.addr, this.physForSw(b.addr));
        const stop = await body();
        this._lastStop = stop;
        this._state = stop.reason === 'exit' ? 'exited' : stop.reason === 'shutdown' ? 'shutdown' : 'stopped';
        return stop;
      } catch (e) {
        this._state = 'stopped';
        throw e;
      } finally {
        this.removeSw();
        this.budgetLeft = null;
        this.m.vcpu.setImmediateExit(false);
        this.running = null;
      }
    })();
    this.running = p;
    return p;
  }

  private idle(): void {
    if (this.running !== null) throw new SessionError('the guest is running; interrupt it first', 'running');
  }

  private cpl(): number {
    return this.m.vcpu.getSregs().cs.selector & 3;
  }

  private checkStepAllowed(): void {
    if (this.m.pvm && this.cpl() === 3) {
      throw new SessionError('single-step is not intercepted at CPL 3 on this host\'s /dev/kvm (kvm_pvm); only kernel code can be stepped', 'unsupported');
    }
  }

  private flowAt(rip: bigint) {
    try {
      return classify(this.readVirtual(rip, 15));
    } catch {
      return { kind: 'other' } as const;
    }
  }

  /** One single-step (interrupts held back with BLOCKIRQ); a watchpoint that fires on the way stops as such. */
  private async stepOne(): Promise<Stop> {
    this.checkStepAllowed();
    const ev = await this.singleStep(true);
    if (ev.kind !== 'debug') return this.finalStop(ev);
    const w = this.watchHit(ev);
    if (w !== null) return w;
    this.record(null, ev.cr3, ev.exit);
    return this.stopAt('step', ev);
  }

  /** nexti: a CALL runs to its return (same CR3, stack back at the call's level); anything else is one step. */
  private async nextOne(): Promise<Stop> {
    const r = this.m.vcpu.getRegs();
    const flow = this.flowAt(r.rip);
    if (flow.kind !== 'call') return this.stepOne();
    const cr3 = this.m.vcpu.getSregs().cr3;
    const ret = r.rip + BigInt(flow.len);
    const temp: TempBp = { addr: ret, accept: (c, vcpu) => c === cr3 && vcpu.getRegs().rsp >= r.rsp };
    const s = await this.runToStop(1, temp, 'step');
    return s;
  }

  /** Watchpoints that fired in a single-step event, with their conditions; null when none stops. */
  private watchHit(ev: Extract<RunEvent, { kind: 'debug' }>): Stop | null {
    const slots = this.table.slots();
    let stopBp: Breakpoint | null = null;
    for (let i = 0; i < HW_SLOTS; i++) {
      const b = slots[i];
      if (b === null || b.kind !== 'watch' || !(ev.exit.dr6 & (1n << BigInt(i)))) continue;
      if (this.passes(b, ev.cr3) && stopBp === null) stopBp = b;
    }
    if (stopBp === null) return null;
    stopBp.hits++;
    this.record(stopBp.number, ev.cr3, ev.exit);
    return this.stopAt('watchpoint', ev, stopBp.number);
  }

  private passes(b: Breakpoint, cr3: bigint): boolean {
    const ok = (b.condition === null || this.matches(b.condition, cr3)) && (this._filter === null || this.matches(this._filter, cr3));
    if (!ok) {
      this.skipped++;
      this.vmm.inc(this._filter !== null && !this.matches(this._filter, cr3) ? 'filter.skipped' : 'condition.skipped');
    }
    return ok;
  }

  /**
   * Runs with every breakpoint in until the `n`-th stop (a breakpoint or
   * watchpoint whose condition and filter pass, a HLT exit, the budget), or
   * until `temp` is hit and accepts (then the stop has reason `tempReason`).
   */
  private async runToStop(n: number, temp: TempBp | null, tempReason: StopReason): Promise<Stop> {
    let stops = 0;
    let pending: RunEvent | null = await this.stepOverIfAtBreakpoint(temp);
    for (;;) {
      const ev = pending ?? (await this.enter({ step: false, blockIrq: false, exec: true, temp }));
      pending = null;
      if (ev.kind !== 'debug') {
        const s = this.finalStop(ev);
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
          } else if (temp !== null && i === this.firstFreeSlot() && temp.addr === e.pc) {
            tempHit = true;
            execEvent = true;
          }
        }
      }
      if (ev.internal && hitBps.length === 0 && !tempHit) continue; // the step-over's own single-step
      if (hitBps.length > 0 || !ev.internal) this.record(hitBps[0]?.number ?? null, cr3, e);
      const stopping = hitBps.filter((b) => this.passes(b, cr3));
      if (stopping.length > 0) {
        for (const b of stopping) b.hits++;
        if (++stops >= n) return this.stopAt(stopping[0].kind === 'watch' ? 'watchpoint' : 'breakpoint', ev, stopping[0].number);
      } else if (tempHit && temp!.accept(cr3, this.m.vcpu)) {
        return this.stopAt(tempReason, ev);
      }
      if (execEvent) pending = await this.stepOver(temp);
    }
  }

  /** Resuming from an execute breakpoint (or the debugger's own) at RIP: one single-step with them out. */
  private async stepOverIfAtBreakpoint(temp: TempBp | null): Promise<RunEvent | null> {
    const rip = this.m.vcpu.getRegs().rip;
    const at = this.table.live().some((b) => b.enabled && b.kind !== 'watch' && b.addr === rip) || temp?.addr === rip;
    return at ? this.stepOver(temp) : null;
  }

  private async stepOver(temp: TempBp | null): Promise<RunEvent | null> {
    this.vmm.inc('session.step_over');
    if (this.m.pvm && this.cpl() === 3) {
      // No single-step at CPL 3 there (and no execute breakpoints fire at CPL 3 either): just run on.
      return null;
    }
    void temp;
    const ev = await this.singleStep(true);
    if (ev.kind !== 'debug') return ev;
    ev.internal = true;
    // Only a watchpoint in the stepped instruction makes the step-over an event of its own.
    return ev.exit.dr6 & DR6_B & this.hostSlots ? ev : null;
  }

  /** run-for on a backend without the budget extension: single-steps, stopping at an execute breakpoint whose condition passes. */
  private async runForByStepping(count: number): Promise<Stop> {
    let last: Stop | null = null;
    for (let k = 0; k < count; k++) {
      this.checkStepAllowed();
      const ev = await this.singleStep(false);
      if (ev.kind !== 'debug') return this.finalStop(ev);
      const w = this.watchHit(ev);
      if (w !== null) return w;
      last = this.stopAt('budget', ev, undefined, `ran ${k + 1} instructions (run-for, single-stepped)`);
      const rip = ev.exit.pc;
      const bp = this.table.live().find((b) => b.enabled && b.kind !== 'watch' && b.addr === rip && this.passes(b, ev.cr3));
      if (bp !== undefined && k + 1 < count) {
        bp.hits++;
        this.record(bp.number, ev.cr3, ev.exit);
        return this.stopAt('breakpoint', ev, bp.number);
      }
    }
    return last!;
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
    const ev = await this.enter({ step: true, blockIrq, exec: false, temp: null, guestTf: tf !== 0n });
    if (ev.kind === 'debug' && tf === 0n) {
      if (flow.kind === 'syscall') {
        const r = vcpu.getRegs();
        if (r.r11 & TF) vcpu.setRegs({ ...r, r11: r.r11 & ~TF });
      } else if (flow.kind === 'pushf') {
        try {
          const rsp = vcpu.getRegs().rsp;
          const pa = Number(translate(this.m.memory, this.paging(), rsp + 1n));
          this.m.memory[pa] &= ~1; // bit 8 of the pushed RFLAGS
        } catch {
          // the push faulted: nothing was saved
        }
      }
    }
    return ev;
  }

  // ---------------------------------------------------------------- enter
  private firstFreeSlot(): number | null {
    const s = this.table.slots();
    const i = s.findIndex((x) => x === null);
    return i < 0 ? null : i;
  }

  private applyDebug(mode: Mode): void {
    const slots = this.table.slots().map((b) => (b === null || (!mode.exec && b.kind !== 'watch') ? null : b));
    let tempSw: bigint | null = null;
    if (mode.temp !== null) {
      const t = this.firstFreeSlot();
      if (t !== null) slots[t] = { addr: mode.temp.addr, kind: 'hbreak', len: 1, access: 'write' } as Breakpoint;
      else if (this.m.pvm) throw new SessionError('no free debug register for the debugger\'s own breakpoint (this host has no INT3 breakpoints); free one of DR0–DR3', 'unsupported');
      else tempSw = mode.temp.addr;
    }
    const regs = hwDebugregs(slots);
    const sw = mode.exec && (this.swPhys.size > 0 || tempSw !== null);
    let control = 0;
    if (mode.step) control |= G.ENABLE | G.SINGLESTEP | (mode.blockIrq ? G.BLOCKIRQ : 0);
    if (sw) control |= G.ENABLE | G.USE_SW_BP;
    if (regs !== null) control |= G.ENABLE | G.USE_HW_BP;
    this.programmedDr7 = regs?.[7] ?? 0x400n;
    this.hostSlots = regs !== null ? DR6_B : 0n;
    const key = `${control}:${regs?.join(',') ?? ''}`;
    // Single-step re-arms each time: KVM sets TF for it at KVM_SET_GUEST_DEBUG, and an IRET or POPF the guest steps may clear it.
    if (key !== this.lastDebugKey || mode.step || this.injectDb) {
      const debugreg = regs ?? undefined;
      if (this.injectDb) {
        try {
          this.m.vcpu.setGuestDebug({ control: control | G.INJECT_DB, debugreg });
          this.injectDb = false;
        } catch (e) {
          // EBUSY: an exception is already pending; KVM delivers that first, the #DB goes with the next entry.
          if (!(e instanceof KvmError && e.errno === Errno.EBUSY)) throw e;
          this.m.vcpu.setGuestDebug({ control, debugreg });
        }
      } else {
        this.m.vcpu.setGuestDebug({ control, debugreg });
      }
      this.lastDebugKey = key;
    }
    if (mode.exec) {
      for (const pa of this.swPhys.values()) this.insert(pa);
      if (tempSw !== null) this.insert(this.physForSw(tempSw));
    }
  }

  private insert(pa: number): void {
    if (this.inserted.has(pa)) return;
    this.inserted.set(pa, this.m.memory[pa]);
    this.m.memory[pa] = INT3;
  }

  private removeSw(): void {
    for (const [pa, orig] of this.inserted) this.m.memory[pa] = orig;
    this.inserted.clear();
  }

  /** Program guest debug for `mode`, KVM_RUN until an event the debugger must see; console IO is answered inside. */
  private async enter(mode: Mode): Promise<RunEvent> {
    const { vcpu, serial, exitPort, caps } = this.m;
    this.applyDebug(mode);
    this.namesStale = true;
    try {
      for (;;) {
        if (performance.now() - this.lastYield >= YIELD_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          this.lastYield = performance.now();
        }
        if (this.interruptRequested) {
          this.interruptRequested = false;
          return { kind: 'interrupted' };
        }
        if (caps.budget) vcpu.insnBudget = BigInt(this.budgetLeft ?? 0);
        if (this.budgetLeft !== null && this.budgetLeft <= 0) return { kind: 'budget' };
        const exit = await vcpu.runAsync();
        if (caps.budget && this.budgetLeft !== null) this.budgetLeft = Number(vcpu.insnBudget);
        // Exits by reason are counted by the backend (`exit.*`), merged in counters().
        switch (exit.kind) {
          case 'io': {
            const { port, direction, size, data } = exit;
            if (serial.handles(port)) {
              this.vmm.inc('io.serial');
              if (direction === 'out') serial.out(port, data[0]);
              else data.fill(0).set([serial.in(port)]);
            } else if (exitPort.handles(port) && direction === 'out') {
              exitPort.out(data[0]);
              return { kind: 'exit', status: exitPort.status! };
            } else {
              this.vmm.inc('io.unclaimed');
              if (direction === 'in') data.fill(0xff, 0, size);
            }
            continue;
          }
          case 'irq-window-open':
            continue;
          case 'intr':
            vcpu.setImmediateExit(false);
            if (this.budgetLeft === 0) return { kind: 'budget' };
            if (this.interruptRequested) {
              this.interruptRequested = false;
              return { kind: 'interrupted' };
            }
            continue;
          case 'debug': {
            const guestBits = exit.exception === 1 ? exit.dr6 & DR6_B & ~this.hostSlots : 0n;
            if (guestBits !== 0n) {
              this.giveBackDb(guestBits | (mode.step && mode.guestTf ? DR6_BS : 0n));
              // Nothing of the debugger's in it (no single-step, no host slot): the guest's alone, run on.
              if (!(exit.dr6 & ~DR6_ACTIVE_LOW & ~DR6_B) && !(exit.dr6 & this.hostSlots)) {
                this.applyDebug(mode);
                continue;
              }
            }
            return { kind: 'debug', exit, cr3: this.learnCr3(exit), internal: false };
          }
          case 'hlt':
            return { kind: 'halt' };
          case 'shutdown':
            return { kind: 'shutdown' };
          case 'internal-error':
            return { kind: 'error', detail: `KVM_EXIT_INTERNAL_ERROR suberror ${exit.suberror}${exit.suberror === 1 ? ' (instruction emulation failed)' : ''}` };
          case 'fail-entry':
            return { kind: 'error', detail: `KVM_EXIT_FAIL_ENTRY, reason 0x${exit.hardwareEntryFailureReason.toString(16)}` };
          case 'mmio':
            return { kind: 'error', detail: `MMIO ${exit.isWrite ? 'write' : 'read'} at 0x${exit.physAddr.toString(16)} (no device there)` };
          default:
            return { kind: 'error', detail: `unexpected exit ${exit.kind} (reason ${exit.reason})` };
        }
      }
    } finally {
      this.removeSw();
    }
  }

  /**
   * A #DB the guest's own debug registers raised while the debugger had KVM
   * intercept every #DB (KVM_GUESTDBG_SINGLESTEP): KVM reported it to us
   * (DR6 B0–B3 of slots the debugger does not own) and the guest never saw
   * it. Give it back as KVM would have delivered it without the debugger
   * (kvm_queue_exception_p(DB, payload), uapi.md §2.4): the guest's DR6 as
   * kvm_deliver_exception_payload writes it (KVM_SET_DEBUGREGS), then a #DB
   * queued with KVM_GUESTDBG_INJECT_DB at the next KVM_SET_GUEST_DEBUG — a
   * trap, so the guest's handler sees the RIP after the access. As QEMU's
   * kvm_handle_debug re-injects what is not its own.
   */
  private giveBackDb(payload: bigint): void {
    const vcpu = this.m.vcpu;
    const d = vcpu.getDebugRegs();
    let dr6 = d.dr6;
    dr6 &= ~DR6_B;
    dr6 |= DR6_ACTIVE_LOW;
    dr6 |= payload;
    dr6 ^= payload & DR6_ACTIVE_LOW;
    dr6 &= ~DR6_BIT12;
    vcpu.setDebugRegs({ ...d, dr6, flags: 0n });
    this.injectDb = true;
    this.vmm.inc('session.db_reinjected');
  }

  // ---------------------------------------------------------------- stops
  private stopAt(reason: StopReason, ev: Extract<RunEvent, { kind: 'debug' }>, bp?: number, detail?: string): Stop {
    const { exit: e, cr3 } = ev;
    // The stop's RIP: where the vCPU is now (a trap-like #DB reports the next instruction, an INT3 its own address).
    const rip = this.m.vcpu.getRegs().rip;
    // kvm_pvm's emulator does not write the exit's dr7 (stale bytes): give the DR7 the session programmed, as VMX/SVM report it.
    const dr7 = this.m.pvm ? this.programmedDr7 : e.dr7;
    const s: Stop = { reason, cr3, rip, exception: e.exception, dr6: e.dr6, dr7, skipped: this.skipped };
    if (bp !== undefined) s.bp = bp;
    const p = this.processOf(cr3);
    if (p !== undefined) s.process = p;
    if (detail !== undefined) s.detail = detail;
    return s;
  }

  private finalStop(ev: Exclude<RunEvent, { kind: 'debug' }>): Stop {
    const cr3 = this.m.vcpu.getSregs().cr3;
    const rip = this.m.vcpu.getRegs().rip;
    const base: Stop = { reason: 'error', cr3, rip, skipped: this.skipped };
    const p = this.processOf(cr3);
    if (p !== undefined) base.process = p;
    switch (ev.kind) {
      case 'exit':
        return { ...base, reason: 'exit', status: ev.status };
      case 'halt':
        return { ...base, reason: 'halt', detail: 'the vCPU halted (KVM_EXIT_HLT)' };
      case 'shutdown':
        return { ...base, reason: 'shutdown', detail: 'triple fault (KVM_EXIT_SHUTDOWN)' };
      case 'budget':
        return { ...base, reason: 'budget', detail: `instruction budget of ${this._budget ?? '?'} reached` };
      case 'interrupted':
        return { ...base, reason: 'interrupted' };
      case 'error':
        return { ...base, reason: 'error', detail: ev.detail };
    }
  }

  private entryStop(): Stop {
    const cr3 = this.m.vcpu.getSregs().cr3;
    const s: Stop = { reason: 'step', cr3, rip: this.m.vcpu.getRegs().rip, skipped: 0 };
    return s;
  }
}

export { hex as hex64 };
