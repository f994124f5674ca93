/**
 * Colours, off for --no-color / NO_COLOR: every coloured Text asks the
 * theme, which answers undefined in monochrome. Changed registers, RIP and
 * breakpoints also carry a character marker (`*`, `→`, `●`), so a
 * monochrome screen (and a snapshot) shows them too.
 */
export interface Theme {
  readonly color: boolean;
}

export type Tone = 'accent' | 'changed' | 'rip' | 'bp' | 'error' | 'dim' | 'ok' | 'cmd';

const COLORS: Record<Tone, string> = {
  accent: 'cyan', changed: 'red', rip: 'green', bp: 'red', error: 'red', dim: 'gray', ok: 'green', cmd: 'yellow',
};

export function tone(theme: Theme, t: Tone): string | undefined {
  return theme.color ? COLORS[t] : undefined;
}

export const COLOR: Theme = { color: true };
export const MONO: Theme = { color: false };
