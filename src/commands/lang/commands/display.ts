import { defineCommand } from '../command.ts';
import { CommandError } from '../../errors.ts';
import { showDisplay, xSuffix } from '../display.ts';
import { parseCount } from '../expr.ts';
import { symbolNames } from '../helpers.ts';
import { parseXSuffix, type XSpec } from '../parse.ts';
import { parsePrintFormat, type PrintFormat } from '../print-format.ts';
import { langState } from '../state.ts';

type DisplayArgs = { expr: string; x?: XSpec; format?: PrintFormat };

/** `/i`, `/s`, or a count or unit: an `x` display (gdb: "display/FMT with i, s or a size examines memory"); one letter of print: a print display. */
function displayFormat(suffix: string): { x?: XSpec; format?: PrintFormat } {
  if (suffix === '') return {};
  if (/^[xducotaz]$/.test(suffix) && suffix !== 'c') return { format: parsePrintFormat(suffix) };
  return { x: parseXSuffix(suffix) };
}

export const displayCommand = defineCommand<DisplayArgs | null>({
  name: 'display',
  aliases: [],
  summary: 'show EXPR after every stop (display/i $pc, display/4xg $sp examine memory); without EXPR, show them all now',
  usage: 'display[/FMT] [EXPR]',
  takesSuffix: true,
  parse({ rest, suffix }) {
    if (rest === '') {
      if (suffix !== '') throw new CommandError('bad-args', 'missing expression (usage: display[/FMT] EXPR)');
      return null;
    }
    return { expr: rest, ...displayFormat(suffix) };
  },
  complete: (_k, _w, session) => symbolNames(session),
  run(session, args) {
    const st = langState(session);
    if (args === null) return { kind: 'sequence', outcomes: st.displays.filter((d) => d.enabled).map((d) => ({ cmd: 'display', result: showDisplay(session, d) })), failed: false };
    return showDisplay(session, st.addDisplay(args));
  },
});

export const undisplayCommand = defineCommand<{ numbers: number[] }>({
  name: 'undisplay',
  aliases: ['delete display'],
  summary: 'stop showing display N… (all without N)',
  usage: 'undisplay [N…]',
  parse: ({ words }) => ({ numbers: words.map((w) => parseCount(w, 'display number')) }),
  run(session, { numbers }) {
    const st = langState(session);
    if (numbers.length === 0) {
      st.displays.splice(0);
      return { kind: 'none' };
    }
    for (const n of numbers) {
      const k = st.displays.findIndex((d) => d.number === n);
      if (k < 0) throw new CommandError('bad-args', `no display number ${n}`);
      st.displays.splice(k, 1);
    }
    return { kind: 'none' };
  },
});

export const infoDisplayCommand = defineCommand<void>({
  name: 'info display',
  aliases: [],
  summary: 'table of the auto-display expressions',
  usage: 'info display',
  parse({ words }) {
    if (words.length > 0) throw new CommandError('bad-args', "'info display' takes no arguments");
  },
  run(session) {
    const rows = langState(session).displays.map((d) => ({
      number: d.number,
      enabled: d.enabled,
      format: d.x ? `/${xSuffix(d.x)}` : d.format ? `/${d.format}` : '',
      expr: d.expr,
    }));
    return {
      kind: 'table',
      table: 'display',
      columns: [
        { key: 'number', header: 'Num', align: 'right' },
        { key: 'enabled', header: 'Enb' },
        { key: 'format', header: 'Fmt' },
        { key: 'expr', header: 'Expression' },
      ],
      rows,
      empty: 'There are no auto-display expressions now.',
    };
  },
});
