/** The one way components read the session: the store's snapshot through useSyncExternalStore. */
import { useSyncExternalStore } from 'react';
import type { ViewState } from './snapshot.ts';
import type { TuiStore } from './store.ts';

export function useSession(store: TuiStore): ViewState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
