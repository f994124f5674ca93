/**
 * The terminal while the TUI owns it, as full-screen programs (vim, less,
 * htop) have it: the alternate screen (DECSET 1049 saves the shell's screen
 * and brings it back untouched), left again on every way out, so no frame
 * stays behind:
 * - q: runTui calls the restore when Ink has exited;
 * - a crash: 'uncaughtExceptionMonitor' runs before Node prints the error,
 *   so the stack trace lands on the shell's screen, not the lost one;
 * - SIGTERM/SIGHUP, and SIGINT from outside (raw mode makes Ctrl-C a key):
 *   the restore runs first among the signal's listeners (the one that prints
 *   `vdbg: terminated …` and exits comes after it), and 'exit' catches any
 *   other process.exit.
 * The cursor is shown again too (Ink hides it); raw mode is Ink's to undo,
 * and Node resets the TTY mode at exit anyway.
 */

const ENTER = '\x1b[?1049h';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/** Switches `stdout` to the alternate screen; the function returned switches back (once, whoever calls it first). */
export function takeScreen(stdout: NodeJS.WriteStream): () => void {
  stdout.write(ENTER);
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    process.off('uncaughtExceptionMonitor', restore);
    for (const s of SIGNALS) process.off(s, restore);
    // Synchronous on a TTY, so it is out even when the process is about to end.
    stdout.write(LEAVE);
  };
  process.on('exit', restore);
  process.on('uncaughtExceptionMonitor', restore);
  for (const s of SIGNALS) process.prependListener(s, restore);
  return restore;
}
