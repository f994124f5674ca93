/**
 * The live TUI: reads the store (useSession) and the terminal size, and
 * hands every key to the store (store.key), which queues them and routes
 * each with keymap.routeKey — the help overlay's, the command line's, the
 * global keys, or the focused pane's — from the state the key before it
 * left, not from the last render: keys in one chunk (fast typing, paste, a
 * pty test) or typed while a step runs must each see the effect of the key
 * before them, and each key goes to exactly one handler. Rendering is App's.
 */
import { useApp } from 'ink';
import { useEffect } from 'react';
import { App } from './App.tsx';
import type { TuiStore } from './store.ts';
import type { Theme } from './theme.ts';
import { useKeys } from './useKeys.ts';
import { useSession } from './useSession.ts';
import { useTerminalSize, type Size } from './useTerminalSize.ts';

export interface Props {
  readonly store: TuiStore;
  readonly theme: Theme;
  /** Fixed size (tests); default the terminal's, following resizes. */
  readonly size?: Size;
  /** Called once the first frame is on screen. */
  readonly onReady?: () => void;
}

export function Root({ store, theme, size, onReady }: Props) {
  const view = useSession(store);
  const term = useTerminalSize();
  const { exit } = useApp();
  // One row short of the terminal: Ink clears the whole screen on every frame whose output fills it (flicker).
  const { columns, rows } = size ?? { columns: term.columns, rows: term.rows - 1 };
  useKeys(store.key, true);
  useEffect(() => store.resize(columns, rows), [store, columns, rows]);
  useEffect(() => {
    onReady?.();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (view.quit) exit();
  }, [view.quit, exit]);
  return (
    <App view={view} columns={columns} rows={rows} theme={theme} />
  );
}
