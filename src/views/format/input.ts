/** Command-line editing as pure functions over CommandInput (the store keeps history and runs the line). */
import type { CommandInput } from '../snapshot.ts';

export type EditOp = 'backspace' | 'delete' | 'left' | 'right' | 'home' | 'end' | 'kill';

export function insert(i: CommandInput, text: string): CommandInput {
  const t = text.replace(/[\r\n]+/g, ' ');
  return { ...i, text: i.text.slice(0, i.cursor) + t + i.text.slice(i.cursor), cursor: i.cursor + t.length, completions: [] };
}

export function edit(i: CommandInput, op: EditOp): CommandInput {
  const { text, cursor } = i;
  switch (op) {
    case 'backspace':
      return cursor === 0 ? i : { ...i, text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1, completions: [] };
    case 'delete':
      return { ...i, text: text.slice(0, cursor) + text.slice(cursor + 1), completions: [] };
    case 'left':
      return { ...i, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { ...i, cursor: Math.min(text.length, cursor + 1) };
    case 'home':
      return { ...i, cursor: 0 };
    case 'end':
      return { ...i, cursor: text.length };
    case 'kill':
      return { ...i, text: '', cursor: 0, completions: [] };
  }
}

/** Longest common prefix of the candidates. */
export function commonPrefix(xs: readonly string[]): string {
  if (xs.length === 0) return '';
  let p = xs[0];
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Applies a completion: the word from `start` to the cursor becomes the candidates' common prefix (plus a blank when only one fits). */
export function applyCompletion(i: CommandInput, start: number, candidates: readonly string[]): CommandInput {
  if (candidates.length === 0) return { ...i, completions: [] };
  const word = candidates.length === 1 ? `${candidates[0]} ` : commonPrefix(candidates);
  const cur = i.text.slice(start, i.cursor);
  const repl = word.length >= cur.length ? word : cur;
  const text = i.text.slice(0, start) + repl + i.text.slice(i.cursor);
  return { ...i, text, cursor: start + repl.length, completions: candidates.length > 1 ? candidates : [] };
}
