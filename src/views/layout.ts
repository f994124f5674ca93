/**
 * Where each pane goes for a terminal size (pure; App.tsx draws it):
 * - wide (≥ 120 columns): registers in two columns on the left, beside the
 *   disassembly with processes | hits under it; the registers pane is as
 *   tall as its registers, and when that leaves room under it the
 *   hypervisor pane goes there and the console alone takes the bottom band;
 * - medium (80–119): registers in one column on the left, beside the
 *   disassembly and processes | hits; hypervisor and console below — or,
 *   when that leaves the registers too short for rip, rflags and the 16
 *   GPRs, the hypervisor under the lists and the console alone below;
 * - narrow (< 80): every pane stacked at full width, never cut sideways.
 * The command line and status line take the last two rows (three with the
 * timeline row, while recording: viewLayout). Short terminals
 * give each pane fewer rows; panes scroll.
 */
import { registerOrder } from './format/registers.ts';
import type { ViewState } from './snapshot.ts';

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
  /** The rows above the command line (overlays go over them). */
  readonly body: Rect;
  /** Where the hypervisor pane goes: under the registers, under the lists, or a band of its own above the console. */
  readonly hypervisorAt: 'left' | 'right' | 'band';
}

/** Rows of a one-column registers pane with rip, rflags, rax–r15 and the flags line. */
const GPR_ROWS = 2 + 16 + 1 + 2;

/** Rows the wide registers pane needs for `registers` cells in two columns: the grid, the flags line, a note, the border. */
export const wideRegisterRows = (registers: number): number => Math.ceil(registers / 2) + 2 + 2;

/** Content rows inside a pane of `height` (its border takes two). */
export const innerRows = (height: number): number => Math.max(0, height - 2);
/** Content columns inside a pane of `width`. */
export const innerCols = (width: number): number => Math.max(0, width - 2);

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/**
 * `registers`: how many registers the pane shows (registerOrder), for the
 * height of the wide layout's registers pane; default rip, rflags, the
 * GPRs and the 12 system registers.
 */
export function layout(columns: number, rows: number, registers = 30): Layout {
  const cols = Math.max(20, columns);
  const avail = Math.max(12, rows - 2);
  const body = { width: cols, height: avail };
  if (cols < 80) {
    const weights = [3, 3, 2, 2, 2, 2];
    const total = weights.reduce((a, b) => a + b, 0);
    const hs = weights.map((w) => Math.max(3, Math.floor((avail * w) / total)));
    hs[0] += Math.max(0, avail - hs.reduce((a, b) => a + b, 0));
    const r = (k: number): Rect => ({ width: cols, height: hs[k] });
    return { mode: 'narrow', columns: cols, rows, registers: r(0), disassembly: r(1), processes: r(2), hits: r(3), hypervisor: r(4), console: r(5), body, hypervisorAt: 'band' };
  }
  const hv = avail >= 30 ? 6 : 5;
  const con = clamp(Math.floor(avail * 0.17), 4, 12);
  const top = avail - hv - con;
  const wide = cols >= 120;
  const regW = wide ? 57 : 30;
  const right = cols - regW;
  const list = wide ? clamp(Math.floor(top * 0.4), 4, 14) : clamp(Math.floor(avail * 0.18), 4, 10);
  const procW = Math.floor(right / 2);
  const side = {
    disassembly: { width: right, height: top - list },
    processes: { width: procW, height: list }, hits: { width: right - procW, height: list },
  };
  const regH = wide ? Math.min(top, wideRegisterRows(registers)) : top;
  if (wide && top - regH >= 6) {
    return {
      mode: 'wide', columns: cols, rows, ...side, body, hypervisorAt: 'left',
      registers: { width: regW, height: regH }, hypervisor: { width: regW, height: top - regH }, console: { width: cols, height: con + hv },
    };
  }
  if (!wide && top < GPR_ROWS) {
    return {
      mode: 'medium', columns: cols, rows, ...side, body, hypervisorAt: 'right',
      disassembly: { width: right, height: top - list }, hypervisor: { width: right, height: hv },
      registers: { width: regW, height: top + hv }, console: { width: cols, height: con },
    };
  }
  return {
    mode: wide ? 'wide' : 'medium', columns: cols, rows, ...side, body, hypervisorAt: 'band',
    registers: { width: regW, height: top }, hypervisor: { width: cols, height: hv }, console: { width: cols, height: con },
  };
}

/**
 * The layout for a snapshot: as many registers as it has, and one row fewer
 * for the panes while recording (the timeline row over the command line).
 * App and the store's paging use the same.
 */
export function viewLayout(v: Pick<ViewState, 'regs' | 'record'>, columns: number, rows: number): Layout {
  return layout(columns, v.record !== null ? rows - 1 : rows, v.regs ? registerOrder(v.regs).length : 0);
}
