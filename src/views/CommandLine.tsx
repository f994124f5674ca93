/**
 * The `(vdbg)` prompt: while open (after `:`), the text with a cursor
 * and, after a Tab that fits several words, the candidates; closed, a hint.
 */
import { Text } from 'ink';
import { fit } from './format/text.ts';
import type { CommandInput } from './snapshot.ts';
import { paint, type Theme } from './theme.ts';

export interface Props {
  readonly input: CommandInput;
  readonly width: number;
  readonly theme: Theme;
}

export function CommandLine({ input, width, theme }: Props) {
  if (!input.active) return <Text>{paint(theme, fit('(vdbg) press : for the command line', width), { tone: 'dim' })}</Text>;
  if (input.completions.length > 0) {
    return <Text>{fit(`(vdbg) ${input.text}   [${input.completions.join(' ')}]`, width)}</Text>;
  }
  const prompt = '(vdbg) ';
  const room = Math.max(1, width - prompt.length - 1);
  const start = Math.max(0, input.cursor - room);
  const before = input.text.slice(start, input.cursor);
  const at = input.text[input.cursor];
  const after = input.text.slice(input.cursor + 1, start + room);
  // A block at the end of the line shows without colour too.
  return <Text>{`${prompt}${before}${at === undefined ? '█' : paint(theme, at, { inverse: true })}${after}`}</Text>;
}
