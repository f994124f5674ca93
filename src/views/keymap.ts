/**
 * Keys → actions (tui.md "Keys"). Pure: parseKey turns the bytes Ink hands
 * over for one key press into a Key (F-keys included, which Ink's useInput
 * does not name), and three tables map keys to actions — global keys, the
 * focused pane's keys, and the command line's editing keys.
 */
import type { ScrollTo } from './format/overlay.ts';
import type { PaneId, ViewState } from './snapshot.ts';

export type KeyName =
  | 'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end'
  | 'return' | 'escape' | 'tab' | 'backtab' | 'backspace' | 'delete' | 'f5' | 'f7' | 'f8' | 'ctrl-c' | 'ctrl-u' | 'char'
  /** Any other control character (Ctrl-A … Ctrl-_), `ch` the byte: only console input uses them. */
  | 'ctrl';

export interface Key {
  readonly name: KeyName;
  /** The character for 'char' and 'ctrl'; for 'return' the byte (CR, or LF for Ctrl-J). */
  readonly ch: string;
}

const SEQ: Record<string, KeyName> = {
  '\x1b[A': 'up', '\x1b[B': 'down', '\x1b[C': 'right', '\x1b[D': 'left', '\x1bOA': 'up', '\x1bOB': 'down', '\x1bOC': 'right', '\x1bOD': 'left',
  '\x1b[5~': 'pageup', '\x1b[6~': 'pagedown', '\x1b[H': 'home', '\x1b[F': 'end', '\x1b[1~': 'home', '\x1b[4~': 'end', '\x1bOH': 'home', '\x1bOF': 'end',
  '\r': 'return', '\n': 'return', '\x1b': 'escape', '\t': 'tab', '\x1b[Z': 'backtab', '\x7f': 'backspace', '\b': 'backspace', '\x1b[3~': 'delete',
  '\x1b[15~': 'f5', '\x1b[18~': 'f7', '\x1b[19~': 'f8', '\x1b[[E': 'f5', '\x03': 'ctrl-c', '\x15': 'ctrl-u',
};

/** Ctrl-]: leaves console input, as telnet's escape character. */
export const CONSOLE_ESCAPE = '\x1d';

/** One key press from the raw bytes of one input event; null for sequences vdbg does not use. */
export function parseKey(data: string): Key | null {
  const name = SEQ[data];
  // Enter is CR; Ctrl-J (LF) is told apart for console input only.
  if (name !== undefined) return { name, ch: name === 'return' ? data : '' };
  if (data.length === 1 && data < ' ') return { name: 'ctrl', ch: data };
  if (data.length >= 1 && !data.startsWith('\x1b') && [...data].every((c) => c >= ' ')) return { name: 'char', ch: data };
  return null;
}

/**
 * The keys in one input event: Ink hands over a run of typed-ahead or
 * pasted characters as one string (`:b counter_main\r`); each character
 * becomes its own key, control characters included. Ink splits escape
 * sequences apart, but Esc and the key right after it come as one event
 * (`\x1bs`, read as Alt-s): that is Esc, then the key.
 */
export function parseKeys(data: string): Key[] {
  const whole = parseKey(data);
  if (whole !== null && (whole.name !== 'char' || data.length === 1)) return [whole];
  if (data.startsWith('\x1b')) return /^\x1b[^\x1b[O]/.test(data) ? [{ name: 'escape', ch: '' }, ...parseKeys(data.slice(1))] : [];
  return [...data].map((c) => parseKey(c)).filter((k): k is Key => k !== null);
}

export type Action =
  | { type: 'run'; line: string }
  | { type: 'continue-or-pause' }
  | { type: 'pause' }
  | { type: 'interrupt' }
  | { type: 'focus'; delta: 1 | -1 }
  /** The selection (or the scroll position) by a line, or by a page: the focused pane's visible rows less one. */
  | { type: 'move'; delta: 1 | -1; page: boolean }
  | { type: 'toggle-breakpoint' }
  /** The registers pane: general registers ↔ FPU/SSE view. */
  | { type: 'toggle-registers-view' }
  /** The processes | hits row: those lists ↔ memory | stack. */
  | { type: 'toggle-memory-view' }
  | { type: 'watch' }
  | { type: 'select' }
  /** The hits pane: `goto hit N` for the selected row. */
  | { type: 'goto-hit' }
  | { type: 'open-command' }
  | { type: 'help'; show: boolean }
  /** Reopen the last command output's overlay. */
  | { type: 'output' }
  | { type: 'scroll'; to: ScrollTo }
  | { type: 'close-overlay' }
  | { type: 'quit' }
  /** `i`: console input on (the guest runs); Ctrl-] off (the guest stops). */
  | { type: 'console-input'; on: boolean }
  /** A key in console input: its bytes, for the guest's serial input. */
  | { type: 'console-key'; bytes: string }
  | { type: 'edit'; op: 'insert'; text: string }
  | { type: 'edit'; op: 'backspace' | 'delete' | 'left' | 'right' | 'home' | 'end' | 'kill' | 'submit' | 'cancel' | 'complete' | 'history-up' | 'history-down' };

/** Keys that work whatever pane has focus (outside the command line and the overlays). */
export function globalAction(k: Key): Action | null {
  switch (k.name) {
    case 'f7': return { type: 'run', line: 'stepi' };
    case 'f8': return { type: 'run', line: 'nexti' };
    case 'f5': return { type: 'continue-or-pause' };
    case 'tab': return { type: 'focus', delta: 1 };
    case 'backtab': return { type: 'focus', delta: -1 };
    case 'ctrl-c': return { type: 'interrupt' };
    case 'char':
      switch (k.ch) {
        case 's': return { type: 'run', line: 'stepi' };
        case 'n': return { type: 'run', line: 'nexti' };
        case 'c': return { type: 'continue-or-pause' };
        // Time travel (emu, after `record`): the shifted step/continue keys go backwards, as gdb's rs / rc.
        case 'S': return { type: 'run', line: 'reverse-stepi' };
        case 'C': return { type: 'run', line: 'reverse-continue' };
        case 'f': return { type: 'run', line: 'finish' };
        case ' ': case 'p': return { type: 'pause' };
        case ':': return { type: 'open-command' };
        case '?': return { type: 'help', show: true };
        case 'o': return { type: 'output' };
        case 'v': return { type: 'toggle-registers-view' };
        case 'm': return { type: 'toggle-memory-view' };
        case 'i': return { type: 'console-input', on: true };
        case 'q': return { type: 'quit' };
      }
  }
  return null;
}

/** Keys of the focused pane: selection and scrolling, and the pane's own verbs. */
export function paneAction(pane: PaneId, k: Key): Action | null {
  switch (k.name) {
    case 'up': return { type: 'move', delta: -1, page: false };
    case 'down': return { type: 'move', delta: 1, page: false };
    case 'pageup': return { type: 'move', delta: -1, page: true };
    case 'pagedown': return { type: 'move', delta: 1, page: true };
    case 'return': return pane === 'processes' ? { type: 'select' } : pane === 'hits' ? { type: 'goto-hit' } : null;
    case 'char':
      if (k.ch === 'b' && pane === 'disassembly') return { type: 'toggle-breakpoint' };
      if (k.ch === 'w' && (pane === 'disassembly' || pane === 'registers')) return { type: 'watch' };
      return null;
  }
  return null;
}

/** Keys while the command line is open. */
export function commandLineAction(k: Key): Action | null {
  switch (k.name) {
    case 'char': return { type: 'edit', op: 'insert', text: k.ch };
    case 'return': return { type: 'edit', op: 'submit' };
    case 'escape': case 'ctrl-c': return { type: 'edit', op: 'cancel' };
    case 'tab': return { type: 'edit', op: 'complete' };
    case 'up': return { type: 'edit', op: 'history-up' };
    case 'down': return { type: 'edit', op: 'history-down' };
    case 'backspace': return { type: 'edit', op: 'backspace' };
    case 'delete': return { type: 'edit', op: 'delete' };
    case 'left': return { type: 'edit', op: 'left' };
    case 'right': return { type: 'edit', op: 'right' };
    case 'home': return { type: 'edit', op: 'home' };
    case 'end': return { type: 'edit', op: 'end' };
    case 'ctrl-u': return { type: 'edit', op: 'kill' };
  }
  return null;
}

/**
 * What a serial terminal sends for a key (xterm's bytes, as picocom or
 * screen pass them on): Enter is CR (the guest's tty maps it, ICRNL), Ctrl-J LF,
 * Backspace DEL (0x7f), Ctrl-C 0x03 — every key goes to the guest but
 * Ctrl-], which leaves. F-keys send nothing.
 */
const TERMINAL_BYTES: Partial<Record<KeyName, string>> = {
  return: '\r', backspace: '\x7f', tab: '\t', escape: '\x1b', 'ctrl-c': '\x03', 'ctrl-u': '\x15',
  up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D', home: '\x1b[H', end: '\x1b[F',
  pageup: '\x1b[5~', pagedown: '\x1b[6~', delete: '\x1b[3~', backtab: '\x1b[Z',
};

/** Keys in console input. */
export function consoleInputAction(k: Key): Action | null {
  if (k.name === 'ctrl' && k.ch === CONSOLE_ESCAPE) return { type: 'console-input', on: false };
  if (k.name === 'char' || k.name === 'ctrl') return { type: 'console-key', bytes: k.ch };
  if (k.name === 'return' && k.ch === '\n') return { type: 'console-key', bytes: '\n' }; // Ctrl-J
  const bytes = TERMINAL_BYTES[k.name];
  return bytes === undefined ? null : { type: 'console-key', bytes };
}

/** Keys while an overlay (help, output) is up: the scroll keys scroll it, any other key closes it. */
export function overlayAction(k: Key): Action {
  switch (k.name) {
    case 'up': case 'down': case 'pageup': case 'pagedown': case 'home': case 'end':
      return { type: 'scroll', to: k.name };
  }
  return { type: 'close-overlay' };
}

/** Every key, as the help overlay lists it. */
export const KEY_HELP: readonly [string, string][] = [
  ['s  F7  /  S', 'stepi / reverse-stepi (after record)'],
  ['n  F8', 'nexti'],
  ['c  F5  /  C', 'continue or pause / reverse-continue'],
  ['f', 'finish'],
  ['space  p  Ctrl-C', 'pause a running guest'],
  ['b', 'toggle a breakpoint at the selected disassembly line'],
  ['w', 'watch the selected register value / disassembly address'],
  ['v', 'registers pane: general / FPU-SSE view'],
  ['m', 'processes | hits ↔ memory | stack panes'],
  ['i', "type to the guest's serial input (it runs); Ctrl-] leaves"],
  ['Tab  Shift-Tab', 'move focus between panes'],
  ['↑ ↓ PgUp PgDn', 'move the selection or scroll in the focused pane; scroll this help and the output box'],
  ['Enter', '(processes) filter on it, again clears; (hits) goto that hit'],
  [':', 'command line: every command, ↑ ↓ history, Tab completion, Esc closes'],
  ['o', "the last command's output again: output taller than the console opens in a box over the panes; Esc closes it"],
  ['?', 'this help'],
  ['q', 'quit'],
];

/**
 * The one routing decision per key, from the state as it is when the key
 * arrives (keys typed fast or pasted arrive in one chunk; `:` then `b`
 * must put the `b` on the command line): console input (`i`) takes every
 * key, else an overlay, else the command line, else global keys, else the
 * focused pane's keys.
 */
export function routeKey(s: Pick<ViewState, 'overlay' | 'input' | 'focus' | 'consoleInput'>, k: Key): Action | null {
  if (s.consoleInput) return consoleInputAction(k);
  if (s.overlay !== null) return overlayAction(k);
  if (s.input.active) return commandLineAction(k);
  return globalAction(k) ?? paneAction(s.focus, k);
}
