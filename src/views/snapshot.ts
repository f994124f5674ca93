/**
 * What the views render: one immutable snapshot of the debug session plus
 * the UI's own state (focus, selections, command line, overlay). The store
 * (store.ts) makes a new one on every change; components only read it.
 */
import type { DisasmLine } from '../commands/disasm.ts';
import type { MemoryDump, StackSlot } from './format/memory.ts';
import type { Breakpoint, Condition, FpuRegisters, Hit, ProcessRow, RegisterSet, SessionState, Stop, VcpuInfo } from '../commands/session/types.ts';

/** Panes that take focus, in Tab order. */
export const PANES = ['registers', 'disassembly', 'processes', 'hits', 'hypervisor', 'console'] as const;
export type PaneId = (typeof PANES)[number];

export interface ConsoleLine {
  /** guest: serial output; cmd: an echoed command; out: its output; err: its error. */
  readonly kind: 'guest' | 'cmd' | 'out' | 'err';
  readonly text: string;
}

export interface CommandInput {
  readonly active: boolean;
  readonly text: string;
  readonly cursor: number;
  /** Candidates from the last Tab when several fit. */
  readonly completions: readonly string[];
}

/** A box over the panes: the help (`?`), or a command's output too tall for the console. */
export interface Overlay {
  readonly kind: 'help' | 'output';
  /** The command line whose output this is ('' for the help). */
  readonly title: string;
  /** The output's lines (the help's come from the key table). */
  readonly lines: readonly string[];
  /** The first row shown (of the rows wrapped to the box's width). */
  readonly top: number;
}

export interface StatusMessage {
  readonly text: string;
  readonly error: boolean;
}

/** What the status line and the timeline row show of a recording (session/timeline.ts). */
export interface RecordView {
  /** Instructions retired now. */
  readonly icount: number;
  /** Now is behind the recorded end (going forward replays the recorded future). */
  readonly replaying: boolean;
  /** Where recording started, and the furthest point recorded. */
  readonly start: number;
  readonly end: number;
  /** Instruction counts of the snapshots held, earliest first. */
  readonly snapshots: readonly number[];
  readonly bookmarks: readonly { readonly name: string; readonly icount: number }[];
}

export interface ViewState {
  readonly state: SessionState;
  readonly backend: string;
  readonly image: string;
  readonly filter: Condition | null;
  readonly stop: Stop | null;
  /** Registers at the last stop, and at the stop before it (for highlighting). */
  readonly regs: RegisterSet | null;
  readonly prevRegs: RegisterSet | null;
  /** The x87/SSE registers at the last stop, and at the stop before it (SessionApi.fpu). */
  readonly fpu: FpuRegisters | null;
  readonly prevFpu: FpuRegisters | null;
  /** What the registers pane shows: the general registers, or the FPU/SSE view (`v`). */
  readonly regView: 'gpr' | 'fpu';
  readonly vcpu: VcpuInfo | null;
  /** Time travel at the last stop (`info record`, the snapshots, the bookmarks); null when not recording. */
  readonly record: RecordView | null;
  /** What the processes | hits row shows: those lists, or memory | stack (`m`). */
  readonly lower: 'lists' | 'memory';
  /** The memory and stack panes' contents, read only while they are shown (null otherwise, or while running). */
  readonly memory: MemoryDump | null;
  readonly stack: { readonly rsp: bigint; readonly slots: readonly StackSlot[] } | null;
  readonly disasm: readonly DisasmLine[];
  readonly breakpoints: readonly Breakpoint[];
  /** The newest hits, newest first. */
  readonly hits: readonly Hit[];
  readonly hitCount: number;
  readonly processes: readonly ProcessRow[];
  readonly counters: Readonly<Record<string, number>>;
  /** The emulator's JIT counters (jit.*), null on kvm; absent: not collected. */
  readonly jit?: Readonly<Record<string, number>> | null;
  /** Per-second rates while running; null when stopped. */
  readonly rates: Readonly<Record<string, number>> | null;
  /** Debug events skipped by a filter or condition, over the session. */
  readonly skipped: number;
  /** Complete console lines (a guest line enters once its newline arrives). */
  readonly console: readonly ConsoleLine[];
  /** The guest's unfinished last line ('' when none): drawn as the console's last row, in place, until it completes. */
  readonly consolePartial: string;
  readonly focus: PaneId;
  /** Console input (`i`): keys go to the guest's serial input while the guest runs, until Ctrl-] (tui.md). */
  readonly consoleInput: boolean;
  /** Selected row per pane (the scroll position for panes without a selection). */
  readonly sel: Readonly<Record<PaneId, number>>;
  readonly input: CommandInput;
  readonly overlay: Overlay | null;
  readonly message: StatusMessage | null;
  readonly quit: boolean;
}

export const EMPTY_INPUT: CommandInput = { active: false, text: '', cursor: 0, completions: [] };
