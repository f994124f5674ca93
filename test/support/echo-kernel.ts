/**
 * ECHO_SOURCE (linux-image.ts: a synthetic kernel that echoes COM1's input
 * by interrupt and exits on a newline) as a bzImage file, for sessions and
 * the CLI (`--kernel FILE`). Needs GNU as/ld: `echoKernelMissing` says why
 * not, for the caller to print with its skip.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, binutilsMissing, ECHO_SOURCE, makeBzImage } from './linux-image.ts';

export const echoKernelMissing = binutilsMissing();

/** Writes the echo kernel to a fresh directory; `remove` deletes it. */
export function writeEchoKernel(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vdbg-echo-'));
  const file = join(dir, 'echo.bzImage');
  writeFileSync(file, makeBzImage({ kernel: assemble(ECHO_SOURCE.replace('PAD', '0x200'), 0x100000).flat }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
