/** JIT counters, shown by `info exits` and the hypervisor pane. */
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
