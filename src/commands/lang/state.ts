/**
 * What the command language remembers between lines of one session, as gdb
 * does above its target: the value history (`$1`, `$`, `$$N`) and the
 * convenience variables `$_`/`$__`, auto-displays, what is attached to a
 * breakpoint by number (temporary, a condition expression, an ignore count,
 * a command list), user-defined commands, the block being recorded
 * (`commands N` / `define NAME` … `end`), and `set logging`.
 *
 * Kept beside the session (a WeakMap keyed by it), not in it: the session
 * owns debugger state the hypervisor sees (style.md, src/commands §4); this
 * is the language's own. Breakpoint numbers are the session's.
 */
import type { SessionApi } from '../session/types.ts';
import type { PrintFormat } from './print-format.ts';
import type { XSpec } from './parse.ts';

export interface Display {
  number: number;
  expr: string;
  /** `display/i $pc`, `display/8xg $sp`: an `x` each time; otherwise `print` (with /FMT when given). */
  x?: XSpec;
  format?: PrintFormat;
  enabled: boolean;
}

export type Recording = { kind: 'commands'; bps: number[]; lines: string[] } | { kind: 'define'; name: string; lines: string[] };

export interface Logging {
  enabled: boolean;
  file: string;
  overwrite: boolean;
  /** Output goes to the file only (gdb's `set logging redirect on`). */
  redirect: boolean;
  /** The file was opened since logging was turned on (overwrite truncates it then). */
  started: boolean;
}

export class LangState {
  readonly history: bigint[] = [];
  readonly convenience = new Map<string, bigint>();
  readonly displays: Display[] = [];
  private nextDisplay = 1;
  readonly temporary = new Set<number>();
  readonly conditions = new Map<number, string>();
  readonly ignoreCounts = new Map<number, number>();
  readonly bpCommands = new Map<number, string[]>();
  readonly defines = new Map<string, string[]>();
  recording: Recording | null = null;
  /** Breakpoint command lists running inside one another (stop-hooks.ts). */
  commandNesting = 0;
  /** Lines running inside source / a user-defined command (only top-level lines are logged). */
  depth = 0;
  /** The TUI memory pane's address (`set tui memory`); null: the last watchpoint hit's address, else RSP. */
  tuiMemory: bigint | null = null;
  readonly logging: Logging = { enabled: false, file: 'vdbg.txt', overwrite: false, redirect: false, started: false };

  /** Append to the value history; returns its number (`$N`). */
  record(v: bigint): number {
    this.history.push(v);
    return this.history.length;
  }

  /** `$…` as the expression evaluator asks (expr.ts ExprContext.variable). */
  variable(name: string): bigint | undefined {
    const h = this.history;
    if (name === '') return h[h.length - 1];
    if (/^[0-9]+$/.test(name)) return Number(name) === 0 ? h[h.length - 1] : h[Number(name) - 1];
    if (name.startsWith('$')) {
      const back = name === '$' ? 1 : Number(name.slice(1));
      return h[h.length - 1 - back];
    }
    return this.convenience.get(name);
  }

  addDisplay(d: Omit<Display, 'number' | 'enabled'>): Display {
    const disp: Display = { ...d, number: this.nextDisplay++, enabled: true };
    this.displays.push(disp);
    return disp;
  }

  /** Forget what was attached to a deleted breakpoint. */
  forgetBreakpoint(n: number): void {
    this.temporary.delete(n);
    this.conditions.delete(n);
    this.ignoreCounts.delete(n);
    this.bpCommands.delete(n);
  }
}

const states = new WeakMap<SessionApi, LangState>();

/** The language state of `session` (made on first use). */
export function langState(session: SessionApi): LangState {
  let s = states.get(session);
  if (s === undefined) states.set(session, (s = new LangState()));
  return s;
}
