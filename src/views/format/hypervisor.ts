/**
 * The hypervisor pane's content: exits to vdbg by reason (with per-second
 * rates while running), the emulated hypervisor's own exits, its local
 * APIC's work once the guest uses it (`lapic.*`), DR ownership
 * and the lazy-DR/XCR0/APX counters, ioctls, and events skipped by a filter.
 */
import type { VcpuInfo } from '../../commands/session/types.ts';
import { count } from './text.ts';
import { jitSummary } from '../../emu/jit/stats.ts';

export type Counters = Readonly<Record<string, number>>;

/** Per-second rates of every counter between two samples `ms` apart (empty when ms ≤ 0). */
export function rates(prev: Counters, cur: Counters, ms: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (ms <= 0) return out;
  for (const [k, v] of Object.entries(cur)) {
    const d = v - (prev[k] ?? 0);
    if (d > 0) out[k] = Math.round((d * 1000) / ms);
  }
  return out;
}

function withPrefix(c: Counters, prefix: string): [string, number][] {
  return Object.entries(c)
    .filter(([k, v]) => k.startsWith(prefix) && v > 0)
    .map(([k, v]): [string, number] => [k.slice(prefix.length), v])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function rated(name: string, key: string, c: Counters, r: Counters | null): string {
  const rate = r?.[key];
  return `${name} ${count(c[key] ?? 0)}${rate ? ` (${count(rate)}/s)` : ''}`;
}

export interface HypervisorInput {
  readonly counters: Counters;
  /** The emulator's JIT counters (jit.*), if any. */
  readonly jit?: Counters | null;
  readonly rates: Counters | null;
  readonly vcpu: VcpuInfo | null;
  /** Debug events skipped by a filter or condition, over the session. */
  readonly skipped: number;
}

/**
 * The emulator's JIT (issue 13): on or off, and when on its counters —
 * regions alive (compiled in all), the share of retired instructions run
 * compiled, JavaScript alive, invalidations by code writes, whole-cache
 * flushes. `info jit` prints them all. They differ between a tiered and a
 * forced run (VDBG_JIT=force), so screen snapshots are taken with it off.
 */
function jitTokens(c: Counters): string[] {
  return jitSummary(c, count);
}

/** Groups of tokens: [label, tokens…]; the view wraps them to its width. */
export function hypervisorGroups(h: HypervisorInput): { label: string; tokens: string[] }[] {
  const { counters: c, rates: r } = h;
  const exits = withPrefix(c, 'exit.').map(([k]) => rated(k.toUpperCase(), `exit.${k}`, c, r));
  const vmexits = withPrefix(c, 'vmexit.').map(([k]) => rated(k, `vmexit.${k}`, c, r));
  const lapic = withPrefix(c, 'lapic.').map(([k]) => rated(k, `lapic.${k}`, c, r));
  const ioctls = withPrefix(c, 'ioctl.').reduce((s, [, v]) => s + v, 0);
  const dr = [
    `DR: ${h.vcpu?.drOwnership ?? (h.vcpu ? 'host-owned' : '?')}`,
    rated('DR intercepts', 'dr.intercept', c, r),
    `DR loads ${count(c['dr.load'] ?? 0)}`,
    `saves ${count(c['dr.save'] ?? 0)}`,
    rated('XCR0 writes', 'xcr0.write', c, r),
    rated('R16–R31 swaps', 'apx.swap', c, r),
  ];
  const misc = [`ioctls ${count(ioctls)}`, rated('KVM_RUN', 'ioctl.KVM_RUN', c, r).replace(/^KVM_RUN/, 'runs'), `skipped ${count(h.skipped)}`];
  const groups = [{ label: 'exits', tokens: exits.length ? exits : ['none yet'] }];
  if (vmexits.length) groups.push({ label: 'vmexits', tokens: vmexits });
  if (lapic.length) groups.push({ label: 'lapic', tokens: lapic });
  groups.push({ label: 'debug', tokens: dr }, { label: 'vdbg', tokens: misc });
  if (h.jit) groups.push({ label: 'jit', tokens: jitTokens(h.jit) });
  return groups;
}

/** Tokens wrapped into lines of `width`: `label  tok  tok`, continuation lines indented. */
export function wrapGroups(groups: readonly { label: string; tokens: string[] }[], width: number): string[] {
  const lines: string[] = [];
  const pad = Math.max(...groups.map((g) => g.label.length)) + 2;
  for (const g of groups) {
    let line = g.label.padEnd(pad);
    let fresh = true;
    for (const t of g.tokens) {
      const add = fresh ? t : `  ${t}`;
      if (!fresh && line.length + add.length > width) {
        lines.push(line);
        line = ' '.repeat(pad) + t;
      } else line += add;
      fresh = false;
    }
    lines.push(line);
  }
  return lines;
}
