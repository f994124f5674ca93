/**
 * JIT settings: on/off, the heat at which a block entry is compiled, and the
 * translation-cache budget. `VDBG_JIT` in the environment picks the default
 * for every CPU created afterwards (so a whole test suite can run with it):
 *   VDBG_JIT=on     tiered (default)
 *   VDBG_JIT=off    interpreter only
 *   VDBG_JIT=force  compile every block entry at first sight (threshold 1)
 *   VDBG_JIT_THRESHOLD=N  block entries before a region is compiled
 * The threshold is high (50,000) because a region is slower than the
 * interpreter until V8 has optimized it, and V8 optimizing hundreds of kernel
 * regions cost more than it saved: at 1,000 the bundled Linux booted 2x
 * slower than interpreted, at 50,000 it boots faster, and the integer
 * benchmark runs faster too (regions formed later cover more of the loop).
 */
export interface JitOptions {
  enabled: boolean;
  /** Block entries at one address before it is compiled. */
  threshold: number;
  /** Translation-cache budget in characters of generated JavaScript; over it, the cache is flushed. */
  cacheBytes: number;
}

export const DEFAULT_THRESHOLD = 50_000;
export const DEFAULT_CACHE_BYTES = 32 << 20;

/** Options as the environment asks for them. */
export function jitOptionsFromEnv(env: Record<string, string | undefined> = process.env): JitOptions {
  const v = (env.VDBG_JIT ?? '').toLowerCase();
  return {
    enabled: !(v === 'off' || v === '0' || v === 'false'),
    threshold: v === 'force' ? 1 : positive(env.VDBG_JIT_THRESHOLD) ?? DEFAULT_THRESHOLD,
    cacheBytes: DEFAULT_CACHE_BYTES,
  };
}

/** A positive integer setting, or undefined (unset or not a positive integer). */
function positive(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
