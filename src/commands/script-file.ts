/**
 * Reading a `-x FILE` script: any file that ends (a regular file, a pipe
 * such as `-x <(…)`, /dev/stdin), up to MAX_SCRIPT_BYTES. A device that
 * never ends (/dev/zero, /dev/urandom) would otherwise be read until the
 * heap gave out, before a single command ran and deaf to Ctrl-C
 * (readFileSync does not return to the event loop); a directory is refused
 * by name. Problems are told in vdbg's words (src/core/file-problem.ts).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileKind, fileProblem } from '../core/file-problem.ts';

/** A longer script is taken for a device that never ends: no hand-written or generated script comes near. */
export const MAX_SCRIPT_BYTES = 16 << 20;
const CHUNK = 1 << 16;

/** The script's text (UTF-8), or what is wrong with the file (`is a directory`, `no such file`, …). */
export function readScriptFile(path: string): { text: string } | { problem: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { problem: fileProblem(e) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { problem: fileKind(st) };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_SCRIPT_BYTES) return { problem: `longer than ${MAX_SCRIPT_BYTES >> 20} MiB, not a script (${fileKind(st)})` };
      chunks.push(buf.subarray(0, n));
    }
    return { text: Buffer.concat(chunks, total).toString('utf8') };
  } catch (e) {
    return { problem: fileProblem(e) };
  } finally {
    closeSync(fd);
  }
}
