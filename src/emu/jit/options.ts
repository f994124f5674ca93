/**
 * JIT settings: on/off, the heat at which a block entry is compiled, and the
 * translation-cache budget. `VDBG_JIT` in the environment picks the default
 * for every CPU created afterwards (so a whole test suite can run with it):
 *   VDBG_JIT=off    interpreter only (default)
 *   VDBG_JIT=on     tiered
 *   VDBG_JIT=force  compile every block entry at first sight (threshold 1)
 * Off by default: tiered, it runs the integer benchmark 3.2x faster but the
 * bundled Linux's boot 2x slower (kernel code: short regions, entry costs).
 */
export interface JitOptions {
  enabled: boolean;
  /** Block entries at one address before it is compiled. */
  threshold: number;
  /** Translation-cache budget in characters of generated JavaScript; over it, the cache is flushed. */
  cacheBytes: number;
}

export const DEFAULT_THRESHOLD = 1000;
export const DEFAULT_CACHE_BYTES = 32 << 20;

/** Options as the environment asks for them. */
export function jitOptionsFromEnv(env: Record<string, string | undefined> = process.env): JitOptions {
  const v = (env.VDBG_JIT ?? '').toLowerCase();
  return {
    enabled: v === 'on' || v === 'force' || v === '1' || v === 'true',
    threshold: v === 'force' ? 1 : DEFAULT_THRESHOLD,
    cacheBytes: DEFAULT_CACHE_BYTES,
  };
}
