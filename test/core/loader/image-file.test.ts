/**
 * Image files are checked on the open descriptor before a byte is read
 * (src/core/loader/image-file.ts), and file problems are told in vdbg's
 * words (src/core/file-problem.ts), on real files of each kind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileProblem } from '../../../src/core/file-problem.ts';
import { readImageFile } from '../../../src/core/loader/image-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'vdbg-image-'));
const MiB = 1 << 20;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('readImageFile', () => {
  it('reads a regular file up to the limit', () => {
    writeFileSync(join(dir, 'ok.bin'), Buffer.from([1, 2, 3]));
    expect(readImageFile(join(dir, 'ok.bin'), 3)).toEqual({ bytes: new Uint8Array([1, 2, 3]) });
  });

  it('refuses what is not a regular file, at once (a FIFO with no writer, endless devices)', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readImageFile(fifo, MiB)).toEqual({ problem: 'is a FIFO (named pipe), not a regular file' });
    for (const dev of ['/dev/zero', '/dev/urandom', '/dev/null']) {
      expect(readImageFile(dev, MiB)).toEqual({ problem: 'is a character device, not a regular file' });
    }
    expect(readImageFile(dir, MiB)).toEqual({ problem: 'is a directory, not a regular file' });
  });

  it('refuses a file larger than guest RAM without reading it (sparse: 3 GiB costs nothing)', () => {
    const big = join(dir, 'big.bin');
    writeFileSync(big, '');
    truncateSync(big, 3 * 1024 * MiB);
    expect(readImageFile(big, 16 * MiB)).toEqual({ problem: "3 GiB, larger than the guest's 16 MiB of RAM" });
    truncateSync(big, 16 * MiB + 1);
    expect(readImageFile(big, 16 * MiB)).toEqual({ problem: "16 MiB, larger than the guest's 16 MiB of RAM" });
  });

  it('says open failures in our words, the file system error kept as the cause', () => {
    symlinkSync('loop', join(dir, 'loop'));
    expect(readImageFile(join(dir, 'loop'), MiB)).toMatchObject({ problem: 'too many levels of symbolic links (a link that points back at itself?)', cause: { code: 'ELOOP' } });
    expect(readImageFile(join(dir, 'nope'), MiB)).toMatchObject({ problem: 'no such file', cause: { code: 'ENOENT' } });
    expect(readImageFile('/etc/hostname/x', MiB)).toMatchObject({ problem: 'a part of the path is not a directory', cause: { code: 'ENOTDIR' } });
    expect(readImageFile('a\0b', MiB)).toMatchObject({ problem: 'a file name cannot contain a NUL byte' });
  });
});

describe('fileProblem', () => {
  it('a missing directory when creating; a directory read as a file', () => {
    expect(fileProblem(thrown(() => openSync('/nonexistent/dir/x', 'w')), true)).toBe('no such directory');
    expect(fileProblem(thrown(() => readFileSync(dir)))).toBe('is a directory');
  });

  // Root passes permission checks on ordinary files; sysfs still refuses writes to read-only attributes.
  const roAttr = '/sys/kernel/mm/transparent_hugepage/hpage_pmd_size';
  it.skipIf(!existsSync(roAttr))('permission denied', () => {
    const e = thrown(() => openSync(roAttr, process.getuid?.() === 0 ? 'w' : 'r+'));
    expect(fileProblem(e)).toBe('permission denied');
  });
});
