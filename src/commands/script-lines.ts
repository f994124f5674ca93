/** Splitting a script file into lines (batch mode's -x, and `source`). */

/** Lines of a string (a script file's text): split on \n, a trailing \r dropped, no phantom line after a final newline. */
export function scriptLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
