/**
 * What went wrong with a file, in vdbg's words: `no such file`, `permission
 * denied`, … rather than Node's `EISDIR: illegal operation on a directory,
 * read` or `The argument 'path' must be … without null bytes`. The caller
 * puts the file's name in front (`FILE: problem`).
 */
import type { Stats } from 'node:fs';

const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links (a link that points back at itself?)',
  ENAMETOOLONG: 'the name is too long',
  ENXIO: 'no such device',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
  ETXTBSY: 'the file is busy',
  // Node refuses a path with a NUL byte before asking the OS.
  ERR_INVALID_ARG_VALUE: 'a file name cannot contain a NUL byte',
  ERR_INVALID_ARG_TYPE: 'a file name cannot contain a NUL byte',
};

/**
 * The problem `e` (thrown by a node:fs call on the file) describes. `writing`:
 * the file was being created, so a missing path means a missing directory.
 */
export function fileProblem(e: unknown, writing = false): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (writing && code === 'ENOENT') return 'no such directory';
  if (code !== undefined && WORDS[code] !== undefined) return WORDS[code];
  // Anything else: the OS's own words, without Node's `CODE: ` prefix and `, syscall 'path'` suffix.
  const m = /^[A-Z0-9_]+: (.*?), \w+(?: '.*')?$/s.exec(e instanceof Error ? e.message : String(e));
  return m ? m[1] : `cannot use it (${code ?? String(e)})`;
}

/** What a file that is not a regular file is: `is a directory`, `is a character device`, …. */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isCharacterDevice()) return 'is a character device';
  if (st.isBlockDevice()) return 'is a block device';
  if (st.isFIFO()) return 'is a FIFO (named pipe)';
  if (st.isSocket()) return 'is a socket';
  return 'is a regular file';
}
