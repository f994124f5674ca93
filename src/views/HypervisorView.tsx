/**
 * The hypervisor under the guest: exits to vdbg by reason (with rates per
 * second while running), the emulated hypervisor's own exits, DR ownership
 * (intercepting / guest-loaded / host-debug), DR intercepts, lazy DR loads
 * and saves, XCR0 writes, R16–R31 swaps, ioctls, and events skipped by a
 * filter. Wraps to the width; scrolls when the height is short.
 */
import type { VcpuInfo } from '../commands/session/types.ts';
import { hypervisorGroups, wrapGroups, type Counters } from './format/hypervisor.ts';
import { fit } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import type { Theme } from './theme.ts';

export interface Props {
  readonly counters: Counters;
  /** The JIT's counters (a `jit` row); null/absent: none. */
  readonly jit?: Counters | null;
  /** Per-second rates (while running), or null. */
  readonly rates: Counters | null;
  readonly vcpu: VcpuInfo | null;
  readonly skipped: number;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  /** First line shown. */
  readonly sel: number;
  readonly theme: Theme;
}

export function HypervisorView({ counters, jit, rates, vcpu, skipped, width, height, focused, sel, theme }: Props) {
  const cols = innerCols(width);
  const lines = wrapGroups(hypervisorGroups({ counters, jit, rates, vcpu, skipped }), cols);
  const rows = innerRows(height);
  const first = Math.max(0, Math.min(sel, lines.length - rows));
  const shown = lines.slice(first, first + rows).map((l) => fit(l, cols));
  return <Pane title="Hypervisor" width={width} height={height} focused={focused} theme={theme} lines={shown} />;
}
