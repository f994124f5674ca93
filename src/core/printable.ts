/**
 * Text that came from outside — a command's words, a file name, a symbol of
 * the image — made safe to repeat inside one of vdbg's messages: control
 * characters escaped (`\n`, `\x1b`, …, so a line stays one line and cannot
 * drive the terminal), and cut to MAX_SHOWN characters with `…` (an error
 * about a 1 MB line quotes its start, not all of it).
 */

/** Longest piece of outside text a message repeats, escapes counted. */
export const MAX_SHOWN = 80;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * C0 and C1 controls, DEL, the line/paragraph separators and the bidi
 * overrides (they reorder what follows on the terminal line).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function escapeChar(ch: string): string {
  if (!UNSAFE.test(ch)) return ch;
  const c = ch.charCodeAt(0);
  return NAMED[ch] ?? (c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`);
}

/** `text` escaped and, past `max` characters, cut with `…`. */
export function printable(text: string, max = MAX_SHOWN): string {
  let out = '';
  for (const ch of text) {
    const piece = escapeChar(ch);
    if (out.length + piece.length > max) return `${out}…`;
    out += piece;
  }
  return out;
}

/** `printable(text)` in single quotes, as messages quote input: `unknown command 'stpi'`. */
export function quoted(text: string, max = MAX_SHOWN): string {
  return `'${printable(text, max)}'`;
}
