/**
 * `-x FILE` scripts (src/commands/script-file.ts): anything that ends is
 * read, a device that never ends is refused after MAX_SCRIPT_BYTES instead
 * of filling the heap, and problems are told in vdbg's words.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SCRIPT_BYTES, readScriptFile } from '../../../src/commands/script-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'vdbg-script-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readScriptFile', () => {
  it('reads a script whole, past one read chunk', () => {
    const text = 'echo é\n'.repeat(20_000);
    writeFileSync(join(dir, 'a.vdbg'), text);
    expect(readScriptFile(join(dir, 'a.vdbg'))).toEqual({ text });
  });

  it('refuses a device that never ends (/dev/zero was read until the heap gave out)', () => {
    expect(readScriptFile('/dev/zero')).toEqual({ problem: `longer than ${MAX_SCRIPT_BYTES >> 20} MiB, not a script (is a character device)` });
  });

  it('an empty device is an empty script; a directory and a missing file in words', () => {
    expect(readScriptFile('/dev/null')).toEqual({ text: '' });
    expect(readScriptFile(dir)).toEqual({ problem: 'is a directory' });
    expect(readScriptFile(join(dir, 'nope'))).toEqual({ problem: 'no such file' });
  });
});
