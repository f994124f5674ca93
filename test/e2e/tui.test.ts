/**
 * The TUI end to end (tui.md): the real `vdbg` binary on the bundled guest
 * in a real terminal (tmux), driven with keys, the screen read back after
 * each. Every wait polls the screen with a timeout (≤ 10 s); nothing sleeps
 * a fixed time. The steps share one vdbg and run in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourCodes, hasTmux, lines, pane, sgrParams, statusLine, TmuxTerm } from './tmux.ts';

const TMUX = hasTmux();
if (!TMUX) console.log('test/e2e/tui.test.ts: skipped — tmux is not installed (the TUI needs a real terminal)');

const STATUS = (state: string, filter = '') => new RegExp(`${state} · emu · ${filter ? `filter: ${filter} · ` : ''}\\? help$`);
const PANES = ['Registers', 'Disassembly', 'Processes (CR3)', 'Breakpoint hits', 'Hypervisor', 'Console (guest serial)'];

/** The disassembly line with the RIP marker `→`. */
const ripLine = (s: string) => pane(s, 'Disassembly').find((l) => l.includes('→')) ?? '';

/** A screen of `columns` where every pane row is whole: starts and ends with a border at the edges of its box. */
function boxesWhole(s: string, columns: number): boolean {
  const body = lines(s).slice(0, -3);
  return body.every((l) => {
    const cs = [...l];
    return cs.length === columns && /[│║┌╔└╚]/.test(cs[0]) && /[│║┐╗┘╝]/.test(cs[columns - 1]);
  });
}

describe.skipIf(!TMUX)('vdbg TUI in tmux (emu, bundled vmos)', () => {
  let t: TmuxTerm;
  let screen = '';

  beforeAll(() => {
    // Colour forced on, so the monochrome tests below have something to differ from.
    t = TmuxTerm.start({ columns: 120, rows: 40, env: { FORCE_COLOR: '1' } });
  });

  afterAll(() => {
    t?.kill();
    TmuxTerm.killServer();
  });

  it('draws the first frame and sets the ready marker', async () => {
    screen = await t.ready();
    expect(t.query('#{pane_title}')).toBe('vdbg: vmos');
    for (const p of PANES) expect(screen).toContain(`─ ${p}`.replace('─ Disassembly', '═ Disassembly'));
    expect(statusLine(screen)).toMatch(STATUS('stopped'));
    expect(ripLine(screen)).toMatch(/→ 0x100000 +<_start>/);
    expect(pane(screen, 'Registers')[0]).toMatch(/rip +0x0000000000100000 /);
  });

  it('s steps: the RIP marker moves, RIP is highlighted (marked * and coloured)', async () => {
    t.keys('s');
    screen = await t.waitFor('the RIP marker at 0x100002', (s) => /→ 0x100002 /.test(ripLine(s)));
    expect(pane(screen, 'Registers')[0]).toMatch(/rip +0x0000000000100002\*/);
    expect(statusLine(screen)).toMatch(/^Stepped: cr3=0x0000000000003000 rip=0x0000000000100002 <_start\+2>/);
    // The changed register is drawn bold in red; the first row's rip cell carries the colour.
    const regRow = t.screenEscapes().split('\n')[1];
    expect(regRow).toMatch(/\x1b\[[0-9;]*31[;m][^\n]*rip/);
    expect(sgrParams(regRow).some((p) => p.includes(1))).toBe(true);
  });

  it('F7 steps too (into kmain)', async () => {
    t.keys('F7');
    screen = await t.waitFor('RIP in kmain', (s) => /→ 0x101760 /.test(ripLine(s)));
    // A long instruction (mov rax, imm64) drops the symbol column in a 63-column pane; the next line names kmain.
    expect(pane(screen, 'Disassembly').join('\n')).toContain('<kmain+10>');
    expect(pane(screen, 'Registers')[0]).toMatch(/rip +0x0000000000101760\*/);
  });

  it('keys typed fast are all handled, in order: ten s in one send step ten times, five s 20 ms apart five', async () => {
    t.type('ssssssssss');
    screen = await t.waitFor('RIP ten steps on, at kmain+69', (s) => /→ 0x1017a5 /.test(ripLine(s)));
    for (let k = 0; k < 5; k++) {
      t.keys('s');
      await new Promise((r) => setTimeout(r, 20));
    }
    screen = await t.waitFor('RIP five steps on, at kmain+90', (s) => /→ 0x1017ba /.test(ripLine(s)));
    expect(statusLine(screen)).toMatch(/^Stepped: .*<kmain\+90>/);
    expect(screen).not.toContain('the guest is running');
  });

  it(': b counter_main Enter sets a breakpoint from the command line', async () => {
    t.keys(':');
    await t.waitFor('the command line open', (s) => lines(s).some((l) => l.startsWith('(vdbg) █')));
    t.type('b counter_main');
    await t.waitFor('the typed command', (s) => lines(s).some((l) => l.startsWith('(vdbg) b counter_main█')));
    t.keys('Enter');
    screen = await t.waitFor('the breakpoint message', (s) => statusLine(s).startsWith('Breakpoint 1 at 0x00000000400004a0 <counter_main>'));
    expect(lines(screen).some((l) => l.startsWith('(vdbg) press : for the command line'))).toBe(true);
  });

  it('c runs (status: running) and stops at the breakpoint: status line, hits pane, current CR3 in the processes pane', async () => {
    t.keys('c');
    await t.waitFor('the running state', (s) => STATUS('running').test(statusLine(s)));
    screen = await t.waitFor('the breakpoint stop', (s) => STATUS('stopped').test(statusLine(s)) && statusLine(s).startsWith('Breakpoint 1 hit'));
    expect(statusLine(screen)).toMatch(/^Breakpoint 1 hit: cr3=0x0000000000117000 .*rip=0x00000000400004a0/);
    expect(ripLine(screen)).toMatch(/→●0x400004a0 +<counter_main>/);
    const hits = pane(screen, 'Breakpoint hits');
    // The steps before it are no hits (issue 10 item 14): the breakpoint is the first.
    expect(hits[0]).toMatch(/^#1 bp1 .*0x400004a0 #BP/);
    expect(screen).toMatch(/Breakpoint hits \(1\)/);
    const procs = pane(screen, 'Processes (CR3)');
    expect(procs.filter((l) => l.startsWith('▸'))).toHaveLength(1);
    expect(procs.find((l) => l.startsWith('▸'))).toMatch(/^▸0x117000 +2 counter/);
    // The current process is also drawn bold and coloured.
    const esc = t.screenEscapes().split('\n').find((l) => l.includes('▸0x117000')) ?? '';
    expect(esc).toMatch(/\x1b\[[0-9;]*32[;m][^\n]*▸0x117000/);
    // The console (last rows of the guest's serial) shows the boot up to the stop.
    expect(pane(screen, 'Console (guest serial)').join('\n')).toMatch(/init: started \w+ as pid \d/);
  });

  it('Tab focuses the processes pane; Enter on a process filters on it (status line), again clears it', async () => {
    t.keys('Tab');
    screen = await t.waitFor('the processes pane focused', (s) => s.includes('╔═ Processes (CR3)'));
    expect(screen).not.toContain('╔═ Disassembly');
    // The table is in pid order: idle, init, counter.
    t.keys('Down', 'Down', 'Enter');
    screen = await t.waitFor('the filter in the status line', (s) => STATUS('stopped', 'process counter').test(statusLine(s)));
    const procs = pane(screen, 'Processes (CR3)');
    expect(procs.filter((l) => l.endsWith('[filter]'))).toHaveLength(2);
    // With the filter, c stops at the breakpoint in the other counter.
    t.keys('c');
    screen = await t.waitFor('the stop in the second counter', (s) => statusLine(s).startsWith('Breakpoint 1 hit: cr3=0x0000000000122000'));
    expect(statusLine(screen)).toMatch(STATUS('stopped', 'process counter'));
    expect(pane(screen, 'Processes (CR3)').find((l) => l.startsWith('▸'))).toMatch(/^▸0x122000 +3 cou/);
    // Enter on the counter row again: filter off.
    t.keys('Enter');
    screen = await t.waitFor('the filter cleared', (s) => STATUS('stopped').test(statusLine(s)));
    expect(pane(screen, 'Processes (CR3)').some((l) => l.includes('[filter]'))).toBe(false);
  });

  it(':record draws the timeline row over the command line; S moves now (▲) back over the replayed future; :record stop removes it', async () => {
    /** The row over the command line (a pane's bottom border when not recording). */
    const timeline = (s: string) => {
      const ls = lines(s);
      return ls[ls.findIndex((l) => l.startsWith('(vdbg) ')) - 1] ?? '';
    };
    const command = async (line: string) => {
      t.keys(':');
      await t.waitFor('the command line open', (s) => lines(s).some((l) => l.startsWith('(vdbg) █')));
      t.type(line);
      await t.waitFor(`the typed ${line}`, (s) => lines(s).some((l) => l.startsWith(`(vdbg) ${line}█`)));
      t.keys('Enter');
    };
    expect(timeline(screen)).toMatch(/^└─+┘$/);
    await command('record');
    screen = await t.waitFor('the timeline row', (s) => /^(\d+) ├─+▲┤ \1 live$/.test(timeline(s)));
    const start = Number(timeline(screen).match(/^\d+/)![0]);
    expect(statusLine(screen)).toMatch(new RegExp(`stopped · emu · icount ${start} · \\? help$`));
    t.type('sssss');
    const end = start + 5;
    screen = await t.waitFor('five steps recorded', (s) => timeline(s).endsWith(`▲┤ ${end} live`) && statusLine(s).includes(`icount ${end} · `));
    const live = timeline(screen);
    expect(live).toMatch(new RegExp(`^${start} ├┬─+▲┤ ${end} live$`));
    t.type('SS');
    screen = await t.waitFor('two steps back: replaying', (s) => / replaying$/.test(timeline(s)) && statusLine(s).includes(`icount ${end - 2} replaying`));
    const back = timeline(screen);
    expect(back).toMatch(/^\d+ ├┬─+▲┄+┤ \d+ replaying$/);
    expect(back.indexOf('▲')).toBeLessThan(live.indexOf('▲'));
    expect([...back]).toHaveLength(120);
    // Back to the breakpoint stop the tests after this one start from, then the row goes with the recording.
    await command(`goto icount ${start}`);
    screen = await t.waitFor('back at the start of the recording', (s) => statusLine(s).includes(`icount ${start} replaying`));
    await command('record stop');
    screen = await t.waitFor('the row gone', (s) => /^└─+┘$/.test(timeline(s)));
    expect(statusLine(screen)).toMatch(STATUS('stopped'));
  });

  it('resized to 70×30 the panes stack, full width, no line cut; back at 160×48 they sit side by side', async () => {
    t.resize(70, 30);
    screen = await t.waitFor('the stacked layout at 70 columns', (s) => {
      const ls = lines(s);
      return PANES.every((p) => ls.some((l) => new RegExp(`^[┌╔][─═] ${p.replace(/[()]/g, '\\$&')}`).test(l))) && boxesWhole(s, 70);
    });
    expect(t.query('#{window_width}x#{window_height}')).toBe('70x30');
    const ls = lines(screen);
    expect(ls.length).toBeLessThanOrEqual(30);
    // One pane per row band, in order, each title at the left edge.
    const tops = PANES.map((p) => ls.findIndex((l) => l.includes(p)));
    expect([...tops].sort((a, b) => a - b)).toEqual(tops);
    expect(ls.every((l) => [...l].length <= 70)).toBe(true);
    expect(statusLine(screen)).toMatch(STATUS('stopped'));
    expect(ripLine(screen)).toContain('→●0x400004a0');

    t.resize(160, 48);
    screen = await t.waitFor('the wide layout at 160 columns', (s) => /^┌─ Registers ─+┐┌─ Disassembly ─+┐$/.test(lines(s)[0] ?? '') && boxesWhole(s, 160));
    expect(lines(screen)[0]).toHaveLength(160);
    expect(lines(screen).some((l) => /Processes \(CR3\).*Breakpoint hits/.test(l))).toBe(true);
    expect(statusLine(screen)).toMatch(STATUS('stopped'));
  });

  it('? shows the help over the panes with every key; any other key than the scroll keys closes it', async () => {
    t.keys('?');
    screen = await t.waitFor('the help overlay', (s) => s.includes('═ Keys'));
    const help = pane(screen, 'Keys').join('\n');
    for (const k of ['stepi', 'nexti', 'continue or pause', 'reverse-stepi', 'reverse-continue', 'finish', 'toggle a breakpoint', 'move focus between panes', 'command line', 'quit']) {
      expect(help).toContain(k);
    }
    expect(help).not.toContain('…');
    expect(screen).toContain('─ Registers'); // around the box
    t.keys('Escape');
    screen = await t.waitFor('the help closed', (s) => !s.includes('═ Keys'));
  });

  it('q quits with exit status 0', async () => {
    t.keys('q');
    expect(await t.exitStatus()).toBe(0);
  });
});

describe.skipIf(!TMUX)('vdbg TUI in small terminals', () => {
  let t: TmuxTerm;
  afterAll(() => {
    t?.kill();
    TmuxTerm.killServer();
  });

  it('80×24: the registers pane shows rip, rflags and rax–r11 (was 5 registers); multi-line output opens over the panes, scrolls (PgDn) and closes (Esc); o shows it again', async () => {
    t = TmuxTerm.start({ columns: 80, rows: 24 });
    let screen = await t.ready();
    const regs = pane(screen, 'Registers').filter((l) => /^ *▸?\w+ +0x[0-9a-f]{16}/.test(l));
    expect(regs.length).toBeGreaterThanOrEqual(14);
    t.keys(':');
    t.type('help');
    t.keys('Enter');
    screen = await t.waitFor('the output box', (s) => /^╔═ Output: help · 1–\d+ of \d+/.test(lines(s)[0] ?? ''));
    const page = pane(screen, 'Output: help');
    expect(page[0]).toMatch(/^load +load a guest ELF/);
    expect(statusLine(screen)).toMatch(/^help: \d+ lines/);
    t.keys('PPage'); // at the top already: stays
    t.keys('NPage');
    // A page is the rows shown less one: the last row stays, at the top.
    screen = await t.waitFor('the second page', (s) => (lines(s)[0] ?? '').includes(`Output: help · ${page.length}–`));
    expect(pane(screen, 'Output: help')[0]).toBe(page.at(-1));
    t.keys('Escape');
    screen = await t.waitFor('the box closed', (s) => !s.includes('Output: help') && s.includes('─ Registers'));
    t.keys('o');
    await t.waitFor('the box again', (s) => (lines(s)[0] ?? '').includes('Output: help · 1–'));
    t.keys('q'); // closes the box
    await t.waitFor('the box closed', (s) => !s.includes('Output: help'));
  });

  it('60×40: the help lines wrap under their column, no …, and the box is as tall as its text', async () => {
    t.resize(60, 40);
    t.keys('?');
    const screen = await t.waitFor('the help at 60 columns', (s) => s.includes('═ Keys') && lines(s).every((l) => [...l].length <= 60));
    const help = pane(screen, 'Keys');
    expect(help.join('\n')).not.toContain('…');
    expect(help.length).toBeLessThan(38);
    expect(help.filter((l) => l.trim() === '')).toHaveLength(1);
    t.keys('x');
    await t.waitFor('the help closed', (s) => !s.includes('═ Keys'));
    t.keys('q');
    expect(await t.exitStatus()).toBe(0);
  });
});

describe.skipIf(!TMUX)('vdbg TUI monochrome', () => {
  afterAll(() => TmuxTerm.killServer());

  const cases: [string, { args?: string[]; env: Record<string, string> }][] = [
    ['--no-color', { args: ['--no-color'], env: { FORCE_COLOR: '1' } }],
    ['NO_COLOR=1', { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }],
  ];

  it.each(cases)('%s: no SGR colour codes on the screen; markers (*, →, ▸) still show the state', async (_, opts) => {
    const t = TmuxTerm.start({ ...opts, columns: 100, rows: 30 });
    try {
      await t.ready();
      t.keys('s');
      const screen = await t.waitFor('the step', (s) => /→ 0x100002 /.test(ripLine(s)));
      expect(pane(screen, 'Registers')[0]).toMatch(/rip +0x0000000000100002\*/);
      expect(colourCodes(t.screenEscapes())).toEqual([]);
      t.keys('q');
      expect(await t.exitStatus()).toBe(0);
    } finally {
      t.kill();
    }
  });
});
