/**
 * Registers at the last stop: rip, rflags (decoded), rax–r15, r16–r31 when
 * the vCPU has APX, CR0/2/3/4, EFER, DR0–3/6/7, XCR0. Registers that changed
 * since the previous stop are bold/red and marked `*`. As many columns as
 * the width allows; scrolls to keep the selected register in view.
 */
import type { FpuRegisters, RegisterSet, VcpuInfo } from '../commands/session/types.ts';
import { fpuLines } from './format/fpu.ts';
import { changedRegisters, decodeRflags, egprNote, gridRows, registerCells } from './format/registers.ts';
import { fit, windowAround } from './format/text.ts';
import { Pane, innerCols, innerRows } from './Pane.tsx';
import { paint, type Theme } from './theme.ts';

export interface Props {
  readonly regs: RegisterSet | null;
  /** Registers at the stop before, for highlighting; null: nothing highlighted. */
  readonly prevRegs: RegisterSet | null;
  readonly vcpu: VcpuInfo | null;
  /** Which view: the general registers, or the x87/SSE registers (`v` toggles). */
  readonly view?: RegisterView;
  /** x87/SSE registers at the last stop and at the stop before it. */
  readonly fpu?: FpuRegisters | null;
  readonly prevFpu?: FpuRegisters | null;
  readonly width: number;
  readonly height: number;
  readonly focused: boolean;
  /** Selected register (index in display order). */
  readonly sel: number;
  readonly theme: Theme;
}

/** `▸rflags 0x0000000000000246*`. */
const CELL = 27;

export type RegisterView = 'gpr' | 'fpu';

export function RegistersView(props: Props) {
  return props.view === 'fpu' ? <FpuRegistersView {...props} /> : <GeneralRegistersView {...props} />;
}

/** The FPU/SSE view (format/fpu.ts): changed words, ST registers and XMM lanes marked, the pane scrolled to the selection. */
function FpuRegistersView({ fpu, prevFpu, width, height, focused, sel, theme }: Props) {
  const cols = innerCols(width);
  const rows = innerRows(height);
  const title = 'Registers · FPU/SSE';
  if (!fpu) {
    return <Pane title={title} width={width} height={height} focused={focused} theme={theme} lines={[fit('(x87/SSE registers unavailable)', cols)]} />;
  }
  const all = fpuLines(fpu, prevFpu ?? null, cols);
  const [first, last] = windowAround(all.length, rows, sel);
  const lines = all.slice(first, last).map((segs, k) => {
    let left = cols;
    const picked = focused && first + k === sel;
    return segs
      .map((g, i) => {
        const text = `${i === 0 ? (picked ? '▸' : ' ') : ''}${g.text}${g.changed ? '*' : g.mark ? ' ' : ''}`.slice(0, Math.max(0, left));
        left -= text.length;
        return paint(theme, text, { tone: g.changed ? 'changed' : g.dim ? 'dim' : undefined, bold: g.changed, inverse: picked && i === 0 });
      })
      .join('');
  });
  return <Pane title={title} width={width} height={height} focused={focused} theme={theme} lines={lines} />;
}

function GeneralRegistersView({ regs, prevRegs, vcpu, width, height, focused, sel, theme }: Props) {
  const cols = innerCols(width);
  const rows = innerRows(height);
  if (regs === null) {
    return <Pane title="Registers" width={width} height={height} focused={focused} theme={theme} lines={[fit('(registers unavailable)', cols)]} />;
  }
  const cells = registerCells(regs, changedRegisters(prevRegs, regs));
  const perRow = Math.max(1, Math.floor((cols + 1) / (CELL + 1)));
  const grid = gridRows(cells.map((c, k) => ({ ...c, k })), perRow);
  const note = egprNote(regs, vcpu);
  const extra = [` flags ${decodeRflags(regs.rflags)}`, ...(note ? [` ${note}`] : [])];
  const gridRowsShown = Math.max(0, rows - extra.length);
  const [first, last] = windowAround(grid.length, gridRowsShown, Math.floor(sel / perRow));
  const lines = grid.slice(first, last).map((row) =>
    row
      .map((c, i) => {
        const picked = focused && c.k === sel;
        const text = `${i > 0 ? ' ' : ''}${picked ? '▸' : ' '}${c.name.padEnd(6)} ${c.value}${c.changed ? '*' : ' '}`.slice(0, cols);
        return paint(theme, text, { tone: c.changed ? 'changed' : undefined, bold: c.changed, inverse: picked });
      })
      .join(''),
  );
  for (const t of extra.slice(0, rows)) lines.push(paint(theme, fit(t, cols), { tone: 'dim' }));
  return <Pane title="Registers" width={width} height={height} focused={focused} theme={theme} lines={lines} />;
}
