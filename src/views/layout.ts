/**
 * Where each pane goes for a terminal size (pure; App.tsx draws it):
 * - wide (≥ 120 columns): registers in two columns beside the disassembly,
 *   processes and hits under the disassembly; hypervisor and console below;
 * - medium (80–119): registers in one column beside the disassembly, then
 *   processes | hits, hypervisor, console;
 * - narrow (< 80): every pane stacked at full width, never cut sideways.
 * The command line and status line take the last two rows. Short terminals
 * give each pane fewer rows; panes scroll.
 */
export type Mode = 'wide' | 'medium' | 'narrow';

export interface Rect {
  readonly width: number;
  readonly height: number;
}

export interface Layout {
  readonly mode: Mode;
  readonly columns: number;
  readonly rows: number;
  readonly registers: Rect;
  readonly disassembly: Rect;
  readonly processes: Rect;
  readonly hits: Rect;
  readonly hypervisor: Rect;
  readonly console: Rect;
  /** The rows above the command line (the help overlay covers them). */
  readonly body: Rect;
}

/** Content rows inside a pane of `height` (its border takes two). */
export const innerRows = (height: number): number => Math.max(0, height - 2);
/** Content columns inside a pane of `width`. */
export const innerCols = (width: number): number => Math.max(0, width - 2);

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

export function layout(columns: number, rows: number): Layout {
  const cols = Math.max(20, columns);
  const avail = Math.max(12, rows - 2);
  const body = { width: cols, height: avail };
  if (cols < 80) {
    const weights = [3, 3, 2, 2, 2, 2];
    const total = weights.reduce((a, b) => a + b, 0);
    const hs = weights.map((w) => Math.max(3, Math.floor((avail * w) / total)));
    hs[0] += Math.max(0, avail - hs.reduce((a, b) => a + b, 0));
    const r = (k: number): Rect => ({ width: cols, height: hs[k] });
    return { mode: 'narrow', columns: cols, rows, registers: r(0), disassembly: r(1), processes: r(2), hits: r(3), hypervisor: r(4), console: r(5), body };
  }
  const hv = avail >= 30 ? 6 : 5;
  const con = clamp(Math.floor(avail * 0.17), 4, 12);
  const top = avail - hv - con;
  const half = Math.floor(cols / 2);
  if (cols < 120) {
    const list = clamp(Math.floor(avail * 0.18), 4, 10);
    const regW = 30;
    return {
      mode: 'medium', columns: cols, rows,
      registers: { width: regW, height: top - list }, disassembly: { width: cols - regW, height: top - list },
      processes: { width: half, height: list }, hits: { width: cols - half, height: list },
      hypervisor: { width: cols, height: hv }, console: { width: cols, height: con }, body,
    };
  }
  const regW = 57;
  const right = cols - regW;
  const list = clamp(Math.floor(top * 0.4), 4, 14);
  const procW = Math.floor(right / 2);
  return {
    mode: 'wide', columns: cols, rows,
    registers: { width: regW, height: top }, disassembly: { width: right, height: top - list },
    processes: { width: procW, height: list }, hits: { width: right - procW, height: list },
    hypervisor: { width: cols, height: hv }, console: { width: cols, height: con }, body,
  };
}
