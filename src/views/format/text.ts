/**
 * Width helpers shared by the panes: every line a pane draws is cut to its
 * width here (with `…`), so Ink never wraps a line into the next row.
 */

/** `0x%016x`. */
export function hex16(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;
}

/** `0x…` without leading zeros. */
export function hexShort(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

/** Cut `s` to `width` columns, ending in `…` when cut. */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  return width === 1 ? '…' : `${s.slice(0, width - 1)}…`;
}

/** Cut or pad to exactly `width`. */
export function cell(s: string, width: number): string {
  return fit(s, width).padEnd(Math.max(0, width));
}

/** The window of `count` rows out of `total` that keeps `sel` visible, as [first, last). */
export function windowAround(total: number, count: number, sel: number): [number, number] {
  if (total <= count) return [0, total];
  const first = Math.max(0, Math.min(total - count, sel - Math.floor(count / 2)));
  return [first, first + count];
}

/** Compact count: 1234 → 1234, 12345 → 12.3k, 1234567 → 1.23M. */
export function count(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}
