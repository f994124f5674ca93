/**
 * The committed guest images are what `npm run build:guests` makes from the
 * sources today (when gcc/as/ld are installed; otherwise the skip says so).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, TINY_BIN, VMOS_ELF } from './vmos.ts';

const missing = ['gcc', 'as', 'ld', 'objcopy', 'nm'].filter((t) => spawnSync(t, ['--version']).status !== 0);
if (missing.length) console.warn(`[skip] guest rebuild: toolchain missing (${missing.join(', ')}); the committed images are used as they are`);

describe.skipIf(missing.length > 0)('guests/build.sh', () => {
  it('rebuilds vmos.elf and tiny.bin byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'vdbg-guests-'));
    try {
      execFileSync('sh', [`${ROOT}guests/build.sh`, out], { stdio: 'pipe' });
      const same = (a: string, b: string) => Buffer.compare(readFileSync(a), readFileSync(b)) === 0;
      expect(same(join(out, 'vmos.elf'), VMOS_ELF), 'guests/vmos/vmos.elf is stale: run npm run build:guests and commit it').toBe(true);
      expect(same(join(out, 'tiny.bin'), TINY_BIN), 'guests/tiny/tiny.bin is stale: run npm run build:guests and commit it').toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
