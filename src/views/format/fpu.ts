/**
 * The registers pane's FPU/SSE view (toggled with `v`): the x87 control
 * registers and MXCSR as hex cells, MXCSR's flags, ST(0)–ST(7) as long
 * doubles (gdb's `print $st0`; `(empty)` for an empty one), and XMM0–XMM15
 * as four 32-bit lanes in element order (v4_int32[0] first, as `print`
 * lists them), hex. What changed since the previous stop — a control word,
 * an ST register, a single lane — is marked, as the general registers are.
 */
import type { FpuRegisters } from '../../commands/session/types.ts';
import { FPU_CONTROL_NAMES, mxcsrText, stText, VEC128_LANES, laneValues, XMM_NAMES } from '../../commands/lang/fpu-values.ts';

/**
 * A run of text in a line. A value (`mark`) is followed by a one-column
 * slot: `*` when it changed since the previous stop, else a blank, so that
 * columns stay aligned; `dim` for an empty x87 register.
 */
export interface Seg {
  readonly text: string;
  readonly mark?: boolean;
  readonly changed?: boolean;
  readonly dim?: boolean;
}
export type FpuLine = readonly Seg[];

const V4_INT32 = VEC128_LANES.find((t) => t.name === 'v4_int32')!;
const NAME_W = 6;

function hexw(v: number, w: number): string {
  return (v >>> 0).toString(16).padStart(w, '0');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, k) => x === b[k]);
}

/** Physical register of ST(i) empty, from the full tag word. */
function stEmpty(f: FpuRegisters, i: number): boolean {
  const r = (((f.fstat >> 11) & 7) + i) & 7;
  return ((f.ftag >> (2 * r)) & 3) === 3;
}

/**
 * The view's lines for a pane `cols` wide: control cells as many to a line
 * as fit, the MXCSR flags, ST(0)–ST(7), then each XMM register with as many
 * of its four lanes to a line as fit (the rest on indented lines below).
 */
export function fpuLines(f: FpuRegisters, prev: FpuRegisters | null, cols: number): FpuLine[] {
  const out: FpuLine[] = [];
  const cells: Seg[] = [...FPU_CONTROL_NAMES, 'mxcsr'].map((n) => {
    const v = n === 'mxcsr' ? f.mxcsr : f[n as (typeof FPU_CONTROL_NAMES)[number]];
    const p = prev === null ? undefined : n === 'mxcsr' ? prev.mxcsr : prev[n as (typeof FPU_CONTROL_NAMES)[number]];
    return { text: `${n.padEnd(NAME_W)}${hexw(v, n === 'fiseg' || n === 'fioff' || n === 'foseg' || n === 'fooff' ? 8 : 4)}`, mark: true, changed: p !== undefined && p !== v };
  });
  // A line: the selection column, then cells of cellW + the mark, a blank apart.
  const cellW = Math.max(...cells.map((c) => c.text.length));
  const perLine = Math.max(1, Math.floor(cols / (cellW + 2)));
  for (let k = 0; k < cells.length; k += perLine) {
    out.push(cells.slice(k, k + perLine).flatMap((c, i) => [...(i > 0 ? [{ text: ' '.repeat(cellW - cells[k + i - 1].text.length + 1) }] : []), c]));
  }
  out.push([{ text: `mxcsr ${mxcsrText(f.mxcsr)}`, dim: true }]);
  for (let i = 0; i < 8; i++) {
    const changed = prev !== null && !sameBytes(prev.st[i], f.st[i]);
    const empty = stEmpty(f, i);
    out.push([{ text: `st${i}`.padEnd(NAME_W) }, { text: empty ? '(empty)' : stText(f.st[i]), mark: true, changed, dim: empty }]);
  }
  // The selection column, the name, then lanes of 8 digits + the mark, a blank apart.
  const lanesPerLine = Math.max(1, Math.min(4, Math.floor((cols - 1 - NAME_W + 1) / 10)));
  XMM_NAMES.forEach((name, n) => {
    const lanes = laneValues(f.xmm[n], V4_INT32);
    const before = prev === null ? null : laneValues(prev.xmm[n], V4_INT32);
    for (let k = 0; k < 4; k += lanesPerLine) {
      const line: Seg[] = [{ text: (k === 0 ? name : '').padEnd(NAME_W) }];
      for (let j = k; j < Math.min(4, k + lanesPerLine); j++) {
        if (j > k) line.push({ text: ' ' });
        line.push({ text: lanes[j].toString(16).padStart(8, '0'), mark: true, changed: before !== null && before[j] !== lanes[j] });
      }
      out.push(line);
    }
  });
  return out;
}
