/**
 * Batch mode's standard streams when they are pipes (commands.md "Invocation").
 *
 * - `flushed`: resolves once everything written so far has left the process.
 *   A pipe holds 64 KiB; beyond that Node queues the output in memory, and
 *   process.exit drops the queue, so a slow reader (`| (sleep 1; wc -c)`)
 *   got the first 64 KiB only. Exit after this, not before.
 * - `quietOnClosedPipe`: a reader that went away (`| head -1`) ends vdbg
 *   quietly with status 141 (128 + SIGPIPE), what a shell reports for cat or
 *   gdb killed by SIGPIPE. Node ignores SIGPIPE, so the write fails with EPIPE
 *   instead, which would otherwise be an unhandled 'error' with a stack trace.
 */

/** Exit status after the reader of stdout closed its end: 128 + SIGPIPE (13). */
export const EXIT_CLOSED_PIPE = 141;

/** Resolves when `stream` has handed every queued byte to the OS (or failed: nothing more can be done then). */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  // Writes complete in order: the callback of an empty write runs after those queued before it.
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/**
 * stdout: EPIPE ends the process at once with EXIT_CLOSED_PIPE, nothing
 * printed. stderr: write errors are dropped (there is nowhere left to say
 * them). Other stdout errors (EIO, ENOSPC) stay errors.
 */
export function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(EXIT_CLOSED_PIPE);
    else throw e;
  });
  process.stderr.on('error', () => {});
}
