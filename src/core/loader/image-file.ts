/**
 * Reading an image file (`vdbg IMAGE`, `load IMAGE`, `load raw FILE`)
 * safely: only a regular file, and only one that fits in guest RAM, checked
 * on the open descriptor before a byte is read. /dev/zero, /dev/urandom or a
 * FIFO would otherwise be read without end (14 GB before the heap gave out,
 * deaf to Ctrl-C: readFileSync never returns to the event loop).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { fileKind, fileProblem } from '../file-problem.ts';

/** What is wrong with an image file, and the file system's error when one said so. */
export interface ImageFileProblem {
  problem: string;
  cause?: NodeJS.ErrnoException;
}

/** The file's bytes, or what is wrong with it (`is a character device, not a regular file`). */
export function readImageFile(path: string, maxBytes: number): { bytes: Uint8Array } | ImageFileProblem {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { problem: fileProblem(e), cause: e as NodeJS.ErrnoException };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: `${fileKind(st)}, not a regular file` };
    if (st.size > maxBytes) return { problem: `${sizeText(st.size)}, larger than the guest's ${sizeText(maxBytes)} of RAM` };
    const bytes = new Uint8Array(st.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break; // shrank since fstat
      got += n;
    }
    return { bytes: bytes.subarray(0, got) };
  } catch (e) {
    return { problem: fileProblem(e), cause: e as NodeJS.ErrnoException };
  } finally {
    closeSync(fd);
  }
}

/** `123 bytes`, `14 MiB`, `3.5 GiB`. */
function sizeText(n: number): string {
  for (const [unit, shift] of [['GiB', 30], ['MiB', 20], ['KiB', 10]] as const) {
    if (n >= 2 ** shift) return `${+(n / 2 ** shift).toFixed(1)} ${unit}`;
  }
  return `${n} bytes`;
}
