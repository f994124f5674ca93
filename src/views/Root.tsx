/**
 * The live TUI: reads the store (useSession), the terminal size, and routes
 * keys — global keys, the focused pane's keys (one handler per pane, active
 * only while it has focus), the command line's, or the help overlay's — to
 * store actions. Rendering is App's.
 */
import { useApp } from 'ink';
import { useCallback, useEffect } from 'react';
import { App } from './App.tsx';
import { commandLineAction, globalAction, helpAction, paneAction, type Action, type Key } from './keymap.ts';
import { PANES, type PaneId } from './snapshot.ts';
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

function useRoute(dispatch: (a: Action) => void, map: (k: Key) => Action | null, active: boolean): void {
  const handler = useCallback((k: Key) => {
    const a = map(k);
    if (a !== null) dispatch(a);
  }, [dispatch, map]);
  useKeys(handler, active);
}

function PaneKeys({ pane, active, dispatch }: { readonly pane: PaneId; readonly active: boolean; readonly dispatch: (a: Action) => void }) {
  const map = useCallback((k: Key) => paneAction(pane, k), [pane]);
  useRoute(dispatch, map, active);
  return null;
}

export function Root({ store, theme, size, onReady }: Props) {
  const view = useSession(store);
  const term = useTerminalSize();
  const { exit } = useApp();
  const { columns, rows } = size ?? term;
  const normal = !view.help && !view.input.active;
  useRoute(store.dispatch, globalAction, normal);
  useRoute(store.dispatch, commandLineAction, view.input.active && !view.help);
  useRoute(store.dispatch, helpAction, view.help);
  useEffect(() => onReady?.(), []); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (view.quit) exit();
  }, [view.quit, exit]);
  return (
    <>
      {PANES.map((p) => (
        <PaneKeys key={p} pane={p} active={normal && view.focus === p} dispatch={store.dispatch} />
      ))}
      <App view={view} columns={columns} rows={rows} theme={theme} />
    </>
  );
}
