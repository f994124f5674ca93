/**
 * Colours, off for --no-color / NO_COLOR: every coloured line asks the
 * theme, which answers undefined in monochrome. Changed registers, RIP and
 * breakpoints also carry a character marker (`*`, `→`, `●`), so a
 * monochrome screen (and a snapshot) shows them too.
 *
 * Panes hand Ink one pre-formatted string per pane (`paint` styles the
 * pieces with chalk as Ink's <Text color bold inverse> would): Ink's cost
 * grows with every Text node it lays out and writes.
 */
import chalk, { type ForegroundColorName } from 'chalk';

export interface Theme {
  readonly color: boolean;
}

export type Tone = 'accent' | 'changed' | 'rip' | 'bp' | 'error' | 'dim' | 'ok' | 'cmd';

const COLORS: Record<Tone, ForegroundColorName> = {
  accent: 'cyan', changed: 'red', rip: 'green', bp: 'red', error: 'red', dim: 'gray', ok: 'green', cmd: 'yellow',
};

export function tone(theme: Theme, t: Tone): string | undefined {
  return theme.color ? COLORS[t] : undefined;
}

export interface Look {
  readonly tone?: Tone;
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

/**
 * `s` styled like Ink's `<Text color bold inverse>`: the colour only when
 * the theme has colour; bold and inverse also in monochrome (they say
 * something without colour). chalk writes nothing at colour level 0.
 */
export function paint(theme: Theme, s: string, look: Look): string {
  if (s === '') return s;
  let out = s;
  if (look.tone !== undefined && theme.color) out = chalk[COLORS[look.tone]](out);
  if (look.bold) out = chalk.bold(out);
  if (look.inverse) out = chalk.inverse(out);
  return out;
}

export const COLOR: Theme = { color: true };
export const MONO: Theme = { color: false };
