/**
 * Live differential run against this machine's own x87: compiles
 * fixtures/gen-f80.c, draws a fresh, larger sample (another seed, `scale`
 * times the fixture's counts) and replays it like x87-vectors.test.ts. Needs
 * gcc on an x86-64 host; elsewhere it is skipped with the reason printed.
 * F80_LIVE_SEED (hex) and F80_LIVE_SCALE override the defaults.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hostGccMissing } from '../../support/host-gcc.ts';
import { OPS, replay } from './replay.ts';
import { checkTrans, minExactShare, statsLine } from './trans-check.ts';
import { type Vec, loadVectors } from './vectors.ts';

const SEED = process.env.F80_LIVE_SEED ?? '5eed0f80';
const SCALE = process.env.F80_LIVE_SCALE ?? '3';

const reason = hostGccMissing();
if (reason) console.warn(`x87-live.test.ts: skipping the live x87 comparison: ${reason}`);
const dir = reason ? '' : mkdtempSync(join(tmpdir(), 'f80-live-'));
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Runs gen-f80.c with `args` (seed, scale[, "trans"]) and loads its vectors. */
function generate(...args: string[]): Record<string, Vec[]> {
  const bin = join(dir, 'gen-f80'), out = join(dir, 'live.json');
  const src = fileURLToPath(new URL('./fixtures/gen-f80.c', import.meta.url));
  execFileSync('gcc', ['-O1', '-mno-red-zone', '-o', bin, src]);
  writeFileSync(out, execFileSync(bin, args, { maxBuffer: 1 << 30 }));
  return loadVectors(out);
}

describe.skipIf(reason !== undefined)(`x87 against this host's FPU, seed ${SEED}, scale ${SCALE}`, () => {
  it('every op set agrees bit-exactly', () => {
    const vectors = generate(SEED, SCALE);
    const bad: string[] = [];
    let n = 0;
    for (const [name, vs] of Object.entries(vectors)) {
      const [load, run] = OPS[name];
      for (const v of vs) {
        n++;
        const d = replay(v, load, run);
        if (d) bad.push(`${name}: ${v.line}\n    ${d}`);
      }
    }
    console.log(`x87-live.test.ts: ${n} vectors replayed, ${bad.length} differ`);
    expect(n).toBeGreaterThan(50_000);
    expect(bad.slice(0, 15).join('\n'), `${bad.length} of ${n} differ`).toBe('');
  });

  // F80_LIVE_TRANS_SCALE (default 5: 3000 vectors per transcendental, ~5 s) sizes the transcendentals' sample.
  it('the transcendentals agree within 1 ulp, mostly bit-exactly', () => {
    const stats = checkTrans(generate(SEED, process.env.F80_LIVE_TRANS_SCALE ?? '5', 'trans'));
    for (const s of stats) console.log(`x87-live.test.ts: ${statsLine(s)}`);
    for (const s of stats) {
      expect(s.bad.slice(0, 10).join('\n'), `${s.name}: ${s.bad.length} of ${s.n} differ by more than 1 ulp`).toBe('');
      expect(s.exact / s.n, s.name).toBeGreaterThanOrEqual(minExactShare(s.name));
    }
  }, 60_000);
});
