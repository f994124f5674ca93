/**
 * What a command's `run` returns: a value, never printed output
 * (style.md, src/commands §3). format.ts gives each kind its text form and
 * its JSON form; the TUI renders the same values in its panes.
 */
import type { Breakpoint, Stop } from '../session/types.ts';
import type { DisasmLine } from '../disasm.ts';
import type { CommandError } from '../errors.ts';
import type { PrintFormat } from './print-format.ts';
import type { Frame } from './unwind.ts';

/** A table cell: text (hex already spelt out), a number, or empty. */
export type Cell = string | number | boolean | null;

export interface Column {
  /** JSON key. */
  key: string;
  /** Text header. */
  header: string;
  /** Numbers align right by default. */
  align?: 'left' | 'right';
}

export type Result =
  /** Lines of text (echo, help, acknowledgements). JSON: `{"text":"…"}` (lines joined by \n). */
  | { kind: 'text'; lines: string[] }
  /** Nothing to say (e.g. `set $rax = 1`). JSON: `{}`. */
  | { kind: 'none' }
  /** A table (info breakpoints / processes / hits / exits / vcpu). JSON: `{"rows":[{key:cell}],…}`. */
  | { kind: 'table'; table: string; columns: Column[]; rows: Record<string, Cell>[]; empty: string; footer?: string; extra?: Record<string, Cell> }
  /** Where an execution command stopped; `symbol` is rip as `name+off`; `after`: the auto-displays and the breakpoint's commands run at the stop; `silent`: the commands began with `silent` (no stop line). */
  | { kind: 'stop'; stop: Stop; symbol?: string; after?: Outcome[]; silent?: boolean; temporary?: boolean }
  /**
   * `print`: the value of an expression; `history` its number in the value history (`$N`);
   * `format` a /FMT, shown at the size and signedness of the value's type.
   */
  | { kind: 'value'; expr: string; value: bigint; symbol?: string; history?: number; format?: PrintFormat; size?: number; signed?: boolean }
  /** Lines run by `source`, a user-defined command, or a breakpoint's commands; `failed`: the last one failed and ended the run. */
  | { kind: 'sequence'; outcomes: Outcome[]; failed: boolean }
  /** `backtrace`: the frames, innermost first. */
  | { kind: 'backtrace'; frames: Frame[] }
  /** One auto-display (`display`): its number, and what print or x gave. */
  | { kind: 'display'; number: number; expr: string; inner: Result }
  /** `print` of an x87/SSE register path (`$xmm0`, `$st0`, `$xmm1.v4_float[2]`): gdb's natural form. JSON: `{"expr":…,"value":"…"}`. */
  | { kind: 'fpu-value'; expr: string; text: string }
  /**
   * `info registers`: name/value pairs in display order; `fpu`: x87/SSE
   * registers after them, each a line in gdb's layout (`info all-registers`,
   * `info vector`, `info registers $xmm0`).
   */
  | { kind: 'registers'; group: RegisterGroup; values: [string, bigint][]; fpu?: FpuRegisterRow[] }
  /** `x`: rows of cells, each row starting at an address. */
  | { kind: 'memory'; addr: bigint; count: number; format: XFormat; unit: XUnit; rows: MemoryRow[] }
  /** `disassemble` and `x/Ni`. */
  | { kind: 'disassembly'; lines: DisasmLine[] }
  /** `break`/`hbreak`/`watch`: the breakpoint made; `symbol` its address as `name+off`. */
  | { kind: 'breakpoint'; bp: Breakpoint; symbol?: string; temporary?: boolean }
  /** `set output text|json`: the runner switches format. */
  | { kind: 'output'; format: 'text' | 'json' }
  | { kind: 'quit' }
  | { kind: 'error'; error: CommandError };

/** A line's outcome: the JSON `cmd` (canonical name, or the word as written when it did not parse) and the result. */
export interface Outcome {
  cmd: string;
  result: Result;
}

/** Whether a result is a failure (an error, or a sequence that ended in one). */
export function failed(r: Result): boolean {
  return r.kind === 'error' || (r.kind === 'sequence' && r.failed);
}

/** `all-registers` and `vector`: `info all-registers` and `info vector` (gdb's commands). */
export type RegisterGroup = 'gpr' | 'apx' | 'cr' | 'dr' | 'xcr' | 'all' | 'all-registers' | 'vector';

/** An x87/SSE register as `info registers` shows it: its gdb text line, and its JSON object. */
export interface FpuRegisterRow {
  name: string;
  line: string;
  json: Record<string, string>;
}
/** x/NFU: F. */
export type XFormat = 'x' | 'd' | 'u' | 'c' | 's' | 'i';
/** x/NFU: U (byte, half, word, giant). */
export type XUnit = 'b' | 'h' | 'w' | 'g';

export interface MemoryRow {
  addr: bigint;
  /** The address as `name+off`, when a symbol covers it. */
  symbol?: string;
  cells: string[];
}
