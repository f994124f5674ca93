/**
 * Named counters for every hypervisor decision that costs something
 * (design.md principle 6): the stats pane shows them, benchmarks read them.
 * Names are dotted, lower-case: `exit.io`, `exit.debug`, `dr.intercept`,
 * `dr.load`, `dr.save`, `xcr0.write`, `apx.swap`, `ioctl.KVM_RUN`,
 * `sync.regs`, `sync.sregs`, `sync.events` …
 */
export class Counters {
  private readonly values = new Map<string, number>();

  inc(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** A sorted plain-object copy. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.values.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  reset(): void {
    this.values.clear();
  }
}
