/**
 * Ink's useInput, but handing over the raw key (keymap.parseKey) so F5/F7/F8
 * and Shift-Tab can be told apart (useInput reports them as ''). It listens
 * on the same input stream Ink parses into one event per key, and — the Ink
 * pitfall (stack.md) — is inactive unless raw mode is supported, so a
 * non-TTY stdin never crashes it.
 */
import { useStdin } from 'ink';
import { useEffect } from 'react';
import { parseKeys, type Key } from './keymap.ts';

export function useKeys(handler: (k: Key) => void, isActive: boolean): void {
  const { internal_eventEmitter: events, isRawModeSupported, setRawMode } = useStdin();
  const active = isActive && isRawModeSupported === true;
  useEffect(() => {
    if (!active) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [active, setRawMode]);
  useEffect(() => {
    if (!active) return;
    const onInput = (data: string) => {
      for (const k of parseKeys(data)) handler(k);
    };
    events.on('input', onInput);
    return () => {
      events.off('input', onInput);
    };
  }, [active, events, handler]);
}
