/** JIT counters, shown by `info jit`, `info exits` (a summary line) and the hypervisor pane. */
export class JitStats {
  /** Regions compiled since reset (including ones dropped since). */
  regions = 0;
  /** Characters of JavaScript generated, in total. */
  bytes = 0;
  /** Regions dropped because their code page was written (self-modifying code, a loader, INT3). */
  invalidations = 0;
  /** Whole-cache flushes: the cache budget was exceeded, or decoded code was dropped. */
  flushes = 0;
  /** Instructions retired inside compiled regions. */
  compiledInsns = 0;
  /** Regions alive now, and their size in characters. */
  liveRegions = 0;
  liveBytes = 0;
}

/**
 * The counters as `info jit` lists them (jit.*; jitSummary words them):
 * `jit.compiled-permille` is the share of all retired instructions that ran
 * in compiled regions, in thousandths (counters are integers).
 */
export function jitCounters(s: JitStats, icount: number, enabled: boolean): Record<string, number> {
  return {
    'jit.enabled': enabled ? 1 : 0,
    'jit.regions': s.regions,
    'jit.live-regions': s.liveRegions,
    'jit.bytes': s.bytes,
    'jit.live-bytes': s.liveBytes,
    'jit.invalidations': s.invalidations,
    'jit.flushes': s.flushes,
    'jit.compiled-insns': s.compiledInsns,
    'jit.compiled-permille': icount > 0 ? Math.round((s.compiledInsns * 1000) / icount) : 0,
  };
}

/**
 * The counters in a few words (the hypervisor pane's `jit` row, the summary
 * under `info exits`): off, or on with regions alive/compiled, the share of
 * retired instructions run compiled, JavaScript alive, invalidations,
 * flushes. `fmt` writes a count (the pane abbreviates large ones).
 */
export function jitSummary(c: Readonly<Record<string, number>>, fmt: (n: number) => string = String): string[] {
  if (c['jit.enabled'] === 0) return ['off (interpreter only)'];
  return [
    'on',
    `regions ${fmt(c['jit.live-regions'] ?? 0)}/${fmt(c['jit.regions'] ?? 0)}`,
    `compiled ${((c['jit.compiled-permille'] ?? 0) / 10).toFixed(1)} %`,
    `JS ${fmt(Math.round((c['jit.live-bytes'] ?? 0) / 1024))} KiB`,
    `invalidations ${fmt(c['jit.invalidations'] ?? 0)}`,
    `flushes ${fmt(c['jit.flushes'] ?? 0)}`,
  ];
}
