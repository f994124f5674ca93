/**
 * The contract between the debug session (src/commands/session) and its
 * users: the command language (src/commands/lang), batch mode and, later,
 * the TUI. The session alone owns debugger state (style.md, src/commands §4);
 * commands get this narrow interface, never UI callbacks, and never the
 * emulator (the session talks to the hypervisor only through the uAPI).
 * 64-bit values are bigint.
 */
import type { TimeTravelApi } from './timeline.ts';
import type { BackendName } from '../../core/backend.ts';
import type { SymbolTable } from '../../core/loader/symbols.ts';

/** How CR3 is learned on each debug event (commands.md `set cr3-source`). */
export type Cr3Source = 'exit' | 'sregs' | 'sync';

export type BreakpointKind = 'break' | 'hbreak' | 'watch';
export type WatchAccess = 'write' | 'access';

/** A breakpoint condition: only events under this CR3 / this process count (others resume at once). */
export type Condition = { kind: 'cr3'; cr3: bigint } | { kind: 'process'; name: string };

export interface BreakpointSpec {
  kind: BreakpointKind;
  /** Linear address. */
  addr: bigint;
  /** How the user wrote the location (symbol+off or hex), for tables. */
  location: string;
  /** watch: 1, 2, 4 or 8 bytes (default 8, or 4 when the address is not 8-aligned). */
  len?: 1 | 2 | 4 | 8;
  /** watch: default 'write'. */
  access?: WatchAccess;
  condition?: Condition;
}

export interface Breakpoint extends Required<Omit<BreakpointSpec, 'condition'>> {
  number: number;
  condition: Condition | null;
  enabled: boolean;
  hits: number;
  /** Hardware slot (DR0–DR3) for hbreak/watch while enabled, else null. */
  slot: number | null;
  /**
   * Additive: a software breakpoint whose address has nowhere to go in the
   * loaded image (after `load`/`reset`: no mapping, no load segment). It is
   * kept, as gdb keeps pending breakpoints, and its INT3 goes in at the
   * first command after the address maps again.
   */
  pending?: boolean;
}

export type StopReason =
  | 'breakpoint' // software or hardware execute breakpoint
  | 'watchpoint'
  | 'step' // stepi/nexti finished its N instructions
  | 'finish' // the function returned
  | 'until' // RIP reached the location
  | 'halt' // HLT with no irqchip (raw image), or HLT with nothing runnable
  | 'exit' // the guest wrote the exit port
  | 'shutdown' // triple fault
  | 'budget' // an instruction budget (run-for N, or the session's limit) ran out
  | 'interrupted' // Ctrl-C / interrupt()
  | 'console' // continue-until-console: the guest printed the text (detail: what it waited for)
  | 'error'; // KVM_EXIT_INTERNAL_ERROR / FAIL_ENTRY / unexpected exit

/** One stop: what `continue`/`stepi`/… return; commands.md gives its text and JSON forms. */
export interface Stop {
  reason: StopReason;
  /** Breakpoint number for breakpoint/watchpoint stops. */
  bp?: number;
  cr3: bigint;
  /** Process name from the CR3 → process table, if known. */
  process?: string;
  rip: bigint;
  /** From KVM_EXIT_DEBUG: 1 (#DB) or 3 (#BP). */
  exception?: number;
  dr6?: bigint;
  dr7?: bigint;
  /** Exit-port status for 'exit'. */
  status?: number;
  /** Human detail for 'error'/'halt'/'budget'. */
  detail?: string;
  /** Debug events skipped by a filter or a condition during this run. */
  skipped: number;
}

/** One row of the hit log (commands.md `info hits`). */
export interface Hit {
  seq: number;
  /** The breakpoint or watchpoint that fired (steps are not hits). */
  bp: number;
  cr3: bigint;
  process?: string;
  rip: bigint;
  exception: number;
  dr6: bigint;
  /** Instructions retired when it happened: only for hits logged while recording (emu; `goto hit N`). */
  icount?: number;
}

/** One row of the process table (commands.md `info processes`). */
export interface ProcessRow {
  /** The address space's page-table base; none for a kernel thread (it runs on a borrowed one). */
  cr3?: bigint;
  pid?: number;
  /** The parent's pid (Linux). */
  ppid?: number;
  name?: string;
  state?: string;
  /** A kernel thread (Linux PF_KTHREAD): shown `[name]`, with no CR3. */
  kernelThread?: boolean;
  /** Where the task resumes when it is not on the vCPU (vmos saved_rip). */
  savedRip?: bigint;
  hits: number;
  /** Debug-event sequence number when this CR3 was first seen (sequences start at 1; 0: only in the guest's task table). */
  firstSeen: number;
  lastRip?: bigint;
  /** This is the CR3 of the current stop. */
  current: boolean;
}

/** Which OS-awareness module reads the guest's task list, and how the last read went (commands.md `info os`). */
export interface OsInfo {
  module: 'vmos' | 'linux' | 'none';
  why: string;
  /** Tasks the last read found. */
  tasks?: number;
  /** Why the last read stopped short. */
  partial?: string;
  /** The CR3 kernel memory was last read through. */
  readThrough?: bigint;
}

/** Register file as the debugger shows it (names as in commands.md `info registers all`). */
export type RegisterSet = Record<string, bigint>;

/**
 * The x87 and SSE registers under gdb's amd64 names (session/fpu.ts reads them): ST(0)–ST(7)
 * as 10 raw bytes each (significand little-endian, then sign/exponent),
 * fctrl/fstat, ftag as the full 2-bit-per-register tag word (derived from
 * the abridged tag and the contents, as gdb's i387_supply_fxsave does),
 * fiseg:fioff and foseg:fooff the 64-bit FIP and FDP split into their high
 * and low halves (amd64_supply_fxsave), fop (11 bits), XMM0–15 as 16 raw
 * bytes each, MXCSR.
 */
export interface FpuRegisters {
  st: Uint8Array[];
  fctrl: number;
  fstat: number;
  ftag: number;
  fiseg: number;
  fioff: number;
  foseg: number;
  fooff: number;
  fop: number;
  xmm: Uint8Array[];
  mxcsr: number;
}

export interface VcpuInfo {
  backend: BackendName;
  /** emu only: 'intercepting' | 'guest-loaded' | 'host-debug'. */
  drOwnership?: string;
  guestXcr0: bigint;
  hostXcr0?: bigint;
  apx: boolean;
  /** Additive: why R16–R31 are not shown although the vCPU has APX enabled (no uAPI reads them on this backend). */
  egprsUnavailable?: string;
}

export type SegmentName = 'cs' | 'ds' | 'es' | 'fs' | 'gs' | 'ss' | 'tr' | 'ldt';

/** A segment register: its selector and its descriptor cache (the hidden part), as struct kvm_segment carries them. */
export interface SegmentView {
  selector: number;
  base: bigint;
  limit: number;
  /** Descriptor type (4 bits, SDM Vol. 3A §3.4.5.1). */
  type: number;
  present: boolean;
  dpl: number;
  db: boolean;
  /** S: code/data (true) or system (false). */
  s: boolean;
  /** L: 64-bit code segment. */
  l: boolean;
  g: boolean;
  avl: boolean;
  unusable: boolean;
}

/** Segment registers, GDTR/IDTR and the APIC base (KVM_GET_SREGS). */
export interface SystemState {
  segments: Record<SegmentName, SegmentView>;
  gdt: { base: bigint; limit: number };
  idt: { base: bigint; limit: number };
  apicBase: bigint;
}

export type SessionState = 'stopped' | 'running' | 'exited' | 'shutdown';

export interface SessionApi {
  readonly backend: BackendName;
  /** Time travel (session/timeline.ts); absent in sessions that do not offer it. */
  readonly travel?: TimeTravelApi;
  readonly state: SessionState;
  /** Symbols of the loaded image (empty for a raw image). */
  readonly symbols: SymbolTable;
  readonly imageName: string;
  cr3Source: Cr3Source;

  // machine
  load(image: string): Promise<void>;
  loadRaw(file: string, gpa: bigint, entry?: bigint): Promise<void>;
  reset(): Promise<void>;
  switchBackend(name: BackendName): Promise<void>;

  // execution: each resolves with the stop (the session's console output is delivered through onConsole meanwhile)
  stepi(n: number): Promise<Stop>;
  nexti(n: number): Promise<Stop>;
  finish(): Promise<Stop>;
  cont(n: number): Promise<Stop>;
  until(addr: bigint): Promise<Stop>;
  runFor(instructions: number): Promise<Stop>;
  /** Stop a running execution command as soon as possible (Ctrl-C): it resolves with reason 'interrupted'. */
  interrupt(): void;
  /**
   * Additive (issue 12): `continue` that also stops, with reason 'console',
   * once the guest's serial output since the command started contains
   * `text` (Latin-1, as the console's bytes); on emu it stops with reason
   * 'halt' when the guest blocks in HLT with nothing but input to wake it.
   */
  contUntilConsole(text: string): Promise<Stop>;
  /**
   * Additive (issue 12): bytes for the guest's serial input (COM1's
   * receiver, IRQ 4). Stopped: into the UART now; while a command runs: at
   * the next return from KVM_RUN, the run going on. Logged for time travel
   * as an input. Returns a note when it forked a recorded future, else null.
   */
  consoleSend(bytes: Uint8Array): string | null;

  // breakpoints
  addBreakpoint(spec: BreakpointSpec): Breakpoint;
  deleteBreakpoint(n?: number): void;
  enableBreakpoint(n: number, on: boolean): void;
  breakpoints(): readonly Breakpoint[];
  /** Events from other processes are resumed at once and counted as skipped; null = off. */
  setFilter(f: Condition | null): void;
  readonly filter: Condition | null;

  // inspection
  registers(): RegisterSet;
  /** Write a register through the uAPI (KVM_SET_REGS/SREGS/DEBUGREGS…); throws for registers this vCPU lacks. */
  setRegister(name: string, value: bigint): void;
  /**
   * Read guest virtual memory through the current CR3 — or through `cr3`
   * (another process's address space: additive, for the gdb server's
   * per-thread reads); throws naming the page-walk failure.
   */
  readVirtual(addr: bigint, len: number, cr3?: bigint): Uint8Array;
  /**
   * Additive (gdb server: M/X packets): write guest virtual memory through
   * the current CR3 or `cr3`, ignoring page protections as a debugger does;
   * nothing is written when a page does not translate (throws, naming it).
   */
  writeVirtual(addr: bigint, data: Uint8Array, cr3?: bigint): void;
  /** Additive (gdb server): the segment selectors cs ss ds es fs gs and fs_base/gs_base (KVM_GET_SREGS); read-only. */
  segmentRegisters(): RegisterSet;
  /** The x87/SSE registers from the XSAVE area's legacy region (KVM_GET_XSAVE; session/fpu.ts), on both backends. */
  fpu(): FpuRegisters;
  /** Write them back (KVM_SET_XSAVE), e.g. an edited fpu() result. */
  setFpu(f: FpuRegisters): void;
  /** Additive (gdb server): fpu() as a RegisterSet by gdb's names (st0–7 as 80-bit, fctrl…fop, xmm0–15 as 128-bit, mxcsr). */
  fpuRegisters(): RegisterSet;
  processes(): readonly ProcessRow[];
  /** The OS-awareness module in use and why (commands.md `info os`). */
  osInfo(): OsInfo;
  hits(last?: number): readonly Hit[];
  /** Exact totals even when the log dropped old entries. */
  hitCount(): number;
  counters(): Readonly<Record<string, number>>;
  /** Turn the emulator's JIT on or off (`set jit`); a SessionError on kvm. */
  setJit(on: boolean): void;
  /** The emulator's JIT counters (jit.*: regions, JS size, invalidations, share run compiled); null on kvm. */
  jitCounters(): Readonly<Record<string, number>> | null;
  vcpuInfo(): VcpuInfo;
  /** The stop the session is at (after load: reason 'step' at the entry point, nothing run). */
  readonly lastStop: Stop | null;

  /**
   * Additive: the instruction budget of each execution command (null: none).
   * A run that reaches it stops with reason 'budget'. Needs the vdbg
   * extension KVM_CAP_VDBG_INSN_BUDGET (emu); setting it elsewhere throws.
   */
  budget?: number | null;

  // VM state (system-state.ts): additive, for `info segments`, `info msr`, `info gdt/idt`, `info mem/tlb`, `translate`, `x … phys` (`x … cr3` reads through readVirtual's cr3).
  systemState(): SystemState;
  /** MSRs by index (KVM_GET_MSRS); one the backend cannot read is absent. */
  readMsrs(indices: readonly number[]): ReadonlyMap<number, bigint>;
  /** Guest-physical memory; throws 'unreadable' outside guest memory. */
  readPhysical(addr: bigint, len: number): Uint8Array;
  /** Linear → guest-physical through `cr3` (default the current one); throws naming the page-walk failure. */
  translate(addr: bigint, cr3?: bigint): bigint;

  /** The guest's serial output, as it is produced. */
  onConsole: ((text: string) => void) | null;
  close(): Promise<void>;
}
