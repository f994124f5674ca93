/** The pure modules: key parsing and the key tables, layout, formatting, command-line editing. */
import { describe, expect, it } from 'vitest';
import { commandLineAction, globalAction, overlayAction, paneAction, parseKey, parseKeys } from '../../src/views/keymap.ts';
import { KeyQueue } from '../../src/views/keyQueue.ts';
import { innerRows, layout, wideRegisterRows } from '../../src/views/layout.ts';
import { changedRegisters, decodeRflags, registerOrder } from '../../src/views/format/registers.ts';
import { hypervisorGroups, rates, wrapGroups } from '../../src/views/format/hypervisor.ts';
import { applyCompletion, edit, insert } from '../../src/views/format/input.ts';
import { fit, windowAround } from '../../src/views/format/text.ts';
import { filterKeeps, processLine } from '../../src/views/format/lists.ts';
import { EMPTY_INPUT } from '../../src/views/snapshot.ts';

describe('keymap', () => {
  it.each([
    ['s', { type: 'run', line: 'stepi' }], ['\x1b[18~', { type: 'run', line: 'stepi' }],
    ['n', { type: 'run', line: 'nexti' }], ['\x1b[19~', { type: 'run', line: 'nexti' }],
    ['c', { type: 'continue-or-pause' }], ['\x1b[15~', { type: 'continue-or-pause' }],
    ['f', { type: 'run', line: 'finish' }], [' ', { type: 'pause' }], ['p', { type: 'pause' }], ['\x03', { type: 'interrupt' }],
    ['\t', { type: 'focus', delta: 1 }], ['\x1b[Z', { type: 'focus', delta: -1 }],
    [':', { type: 'open-command' }], ['?', { type: 'help', show: true }], ['o', { type: 'output' }], ['q', { type: 'quit' }],
    ['b', null], ['x', null], ['\x1b[A', null],
  ])('global %j', (data, action) => expect(globalAction(parseKey(data)!)).toEqual(action));

  it('pane keys', () => {
    expect(paneAction('disassembly', parseKey('b')!)).toEqual({ type: 'toggle-breakpoint' });
    expect(paneAction('hits', parseKey('b')!)).toBeNull();
    expect(paneAction('registers', parseKey('w')!)).toEqual({ type: 'watch' });
    expect(paneAction('processes', parseKey('\r')!)).toEqual({ type: 'select' });
    expect(paneAction('console', parseKey('\x1b[6~')!)).toEqual({ type: 'move', delta: 1, page: true });
    expect(paneAction('hits', parseKey('\x1b[B')!)).toEqual({ type: 'move', delta: 1, page: false });
  });

  it('command line and help keys', () => {
    expect(commandLineAction(parseKey('s')!)).toEqual({ type: 'edit', op: 'insert', text: 's' });
    expect(commandLineAction(parseKey('\t')!)).toEqual({ type: 'edit', op: 'complete' });
    expect(commandLineAction(parseKey('\x1b')!)).toEqual({ type: 'edit', op: 'cancel' });
    expect(commandLineAction(parseKey('\x1b[A')!)).toEqual({ type: 'edit', op: 'history-up' });
    expect(overlayAction(parseKey('x')!)).toEqual({ type: 'close-overlay' });
    expect(overlayAction(parseKey('q')!)).toEqual({ type: 'close-overlay' });
    expect(overlayAction(parseKey('\x1b[6~')!)).toEqual({ type: 'scroll', to: 'pagedown' });
    expect(parseKey('\x1b[99~')).toBeNull();
    expect(parseKeys(':b x\r').map((k) => k.name + k.ch)).toEqual(['char:', 'charb', 'char ', 'charx', 'return\r']);
    expect(parseKeys('\x1b[15~')).toEqual([{ name: 'f5', ch: '' }]);
    expect(parseKeys('\x1bs')).toEqual([{ name: 'escape', ch: '' }, { name: 'char', ch: 's' }]);
  });
});

describe('KeyQueue', () => {
  it('hands keys over one at a time, each after the promise of the one before; Ctrl-C while held interrupts and drops the rest', async () => {
    const seen: string[] = [];
    const pending: (() => void)[] = [];
    let interrupts = 0;
    const q = new KeyQueue({
      handle: (k) => {
        seen.push(k.ch || k.name);
        if (k.ch === 's') return new Promise<void>((r) => pending.push(r));
      },
      interrupt: () => interrupts++,
    });
    for (const k of parseKeys('sab')) q.push(k);
    expect(seen).toEqual(['s']);
    expect(q.waiting).toBe(2);
    pending.shift()!();
    await q.idle();
    expect(seen).toEqual(['s', 'a', 'b']);
    for (const k of parseKeys('sxy\x03')) q.push(k);
    expect(interrupts).toBe(1);
    expect(q.waiting).toBe(0);
    pending.shift()!();
    await q.idle();
    expect(seen).toEqual(['s', 'a', 'b', 's']);
    q.push(parseKey('\x03')!); // not held: an ordinary key
    expect(seen.at(-1)).toBe('ctrl-c');
  });
});

describe('layout', () => {
  it('modes by width; panes fit the body and never exceed the width', () => {
    for (const [c, r, mode] of [[60, 40, 'narrow'], [80, 24, 'medium'], [119, 30, 'medium'], [120, 40, 'wide'], [160, 48, 'wide']] as const) {
      const L = layout(c, r);
      expect(L.mode).toBe(mode);
      for (const p of [L.registers, L.disassembly, L.processes, L.hits, L.hypervisor, L.console]) {
        expect(p.width).toBeLessThanOrEqual(c);
        expect(p.height).toBeGreaterThanOrEqual(3);
      }
      const { hypervisorAt: at } = L;
      const stack = mode === 'narrow' ? [L.registers, L.disassembly, L.processes, L.hits, L.hypervisor, L.console] : at === 'right' ? [L.registers, L.console] : [L.registers, L.hypervisor, L.console];
      expect(stack.reduce((s, p) => s + p.height, 0)).toBe(r - 2);
      // Beside the registers (and the hypervisor when it is under them): the disassembly over the lists (and the hypervisor), as tall.
      if (mode !== 'narrow') expect(L.disassembly.height + L.processes.height + (at === 'right' ? L.hypervisor.height : 0)).toBe(L.registers.height + (at === 'left' ? L.hypervisor.height : 0));
    }
  });

  it('uses the space: at 80×24 the registers pane is as tall as the disassembly, the lists and the hypervisor; at 160×48 the hypervisor goes under the registers and the console grows', () => {
    const m = layout(80, 23);
    expect(m.hypervisorAt).toBe('right');
    expect(innerRows(m.registers.height)).toBeGreaterThanOrEqual(15);
    expect(innerRows(m.disassembly.height)).toBeGreaterThanOrEqual(6);
    // Tall enough for rip, rflags, rax–r15 and the flags line with the hypervisor in a band of its own: it is.
    const tall = layout(100, 40);
    expect(tall.hypervisorAt).toBe('band');
    expect(innerRows(tall.registers.height)).toBeGreaterThanOrEqual(19);
    const w = layout(160, 48, 30);
    expect(w.hypervisorAt).toBe('left');
    expect(w.registers.height).toBe(wideRegisterRows(30));
    expect(innerRows(w.console.height)).toBeGreaterThanOrEqual(10);
    // No room under the registers: the hypervisor keeps its band.
    expect(layout(120, 30, 30).hypervisorAt).toBe('band');
  });
});

describe('format', () => {
  it('rflags, changed registers, order', () => {
    expect(decodeRflags(0x246n)).toBe('[PF ZF IF]');
    expect(decodeRflags(0x3002n)).toBe('[IOPL=3]');
    expect([...changedRegisters({ rax: 1n, rbx: 2n }, { rax: 1n, rbx: 3n })]).toEqual(['rbx']);
    expect(changedRegisters(null, { rax: 1n }).size).toBe(0);
    expect(registerOrder({ rax: 0n, rip: 0n, cr0: 0n, r16: 0n })).toEqual(['rip', 'rax', 'r16', 'cr0']);
  });

  it('rates, wrapping, fitting', () => {
    expect(rates({ a: 10 }, { a: 30, b: 5 }, 500)).toEqual({ a: 40, b: 10 });
    expect(rates({ a: 10 }, { a: 30 }, 0)).toEqual({});
    expect(wrapGroups([{ label: 'x', tokens: ['aaaa', 'bbbb', 'cccc'] }], 12)).toEqual(['x  aaaa', '   bbbb', '   cccc']);
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(windowAround(100, 10, 50)).toEqual([45, 55]);
    expect(windowAround(5, 10, 3)).toEqual([0, 5]);
  });

  it('the hypervisor pane\'s jit row: off, or on with its counters', () => {
    const row = (jit: Record<string, number>): string[] | undefined =>
      hypervisorGroups({ counters: {}, jit, rates: {}, vcpu: null, skipped: 0 }).find((g) => g.label === 'jit')?.tokens;
    expect(row({ 'jit.enabled': 0 })).toEqual(['off (interpreter only)']);
    expect(row({ 'jit.enabled': 1, 'jit.regions': 20, 'jit.live-regions': 18, 'jit.compiled-permille': 923, 'jit.live-bytes': 204800, 'jit.invalidations': 3, 'jit.flushes': 0 }))
      .toEqual(['on', 'regions 18/20', 'compiled 92.3 %', 'JS 200 KiB', 'invalidations 3', 'flushes 0']);
  });

  it('process lines: a Linux kernel thread has no CR3 (-) and its name in brackets', () => {
    expect(processLine({ pid: 2, name: 'kthreadd', state: 'S', kernelThread: true, hits: 0, firstSeen: 0, current: false }, 40)).toBe(' -           2 [kthreadd] S');
    expect(processLine({ cr3: 0x6bd000n, pid: 18, name: 'counter', state: 'S', hits: 2, firstSeen: 1, current: true }, 40)).toBe('▸0x6bd000   18 counter   S        2 hits');
  });

  it('command-line editing and completion', () => {
    let i = insert({ ...EMPTY_INPUT, active: true }, 'info re');
    expect(i).toMatchObject({ text: 'info re', cursor: 7 });
    i = applyCompletion(i, 5, ['registers']);
    expect(i).toMatchObject({ text: 'info registers ', cursor: 15 });
    i = applyCompletion(insert({ ...EMPTY_INPUT, active: true }, 'info '), 5, ['hits', 'hbreak']);
    expect(i.completions).toEqual(['hits', 'hbreak']);
    i = edit(edit(insert(EMPTY_INPUT, 'abc'), 'left'), 'backspace');
    expect(i).toMatchObject({ text: 'ac', cursor: 1 });
  });
});

describe('routeKey', () => {
  it('sends each key to exactly one place, by the state when it arrives', async () => {
    const { routeKey } = await import('../../src/views/keymap.ts');
    const base = { overlay: null, input: EMPTY_INPUT, focus: 'disassembly' as const, consoleInput: false };
    expect(routeKey(base, parseKey(':')!)).toEqual({ type: 'open-command' });
    expect(routeKey({ ...base, input: { ...EMPTY_INPUT, active: true } }, parseKey('b')!)).toEqual({ type: 'edit', op: 'insert', text: 'b' });
    expect(routeKey(base, parseKey('b')!)).toEqual({ type: 'toggle-breakpoint' });
    expect(routeKey({ ...base, focus: 'hits' }, parseKey('b')!)).toBeNull();
    expect(routeKey({ ...base, overlay: { kind: 'help', title: '', lines: [], top: 0 } }, parseKey('s')!)).toEqual({ type: 'close-overlay' });
    expect(routeKey(base, parseKey('i')!)).toEqual({ type: 'console-input', on: true });
  });

  it('console input: every key goes to the guest as a serial terminal sends it, but Ctrl-] (telnet\'s escape), which leaves', async () => {
    const { routeKey, parseKeys } = await import('../../src/views/keymap.ts');
    const on = { overlay: null, input: EMPTY_INPUT, focus: 'console' as const, consoleInput: true };
    const sent = (data: string) => parseKeys(data).map((k) => routeKey(on, k));
    expect(sent('ls -l\r')).toEqual([...'ls -l'].map((c) => ({ type: 'console-key', bytes: c })).concat([{ type: 'console-key', bytes: '\r' }]));
    expect(sent('\x7f')).toEqual([{ type: 'console-key', bytes: '\x7f' }]); // Backspace: DEL
    expect(sent('\x03')).toEqual([{ type: 'console-key', bytes: '\x03' }]); // Ctrl-C: to the guest, not an interrupt
    expect(sent('\x04')).toEqual([{ type: 'console-key', bytes: '\x04' }]); // Ctrl-D
    expect(sent('\x1b[A')).toEqual([{ type: 'console-key', bytes: '\x1b[A' }]);
    expect(sent('q:s')).toEqual([...'q:s'].map((c) => ({ type: 'console-key', bytes: c })));
    expect(sent('\x1b[15~')).toEqual([null]); // F5 sends nothing
    expect(sent('\x1d')).toEqual([{ type: 'console-input', on: false }]);
    // Off again: Ctrl-] is nothing to the debugger's keys.
    expect(routeKey({ ...on, consoleInput: false }, parseKeys('\x1d')[0])).toBeNull();
  });
});

describe('filterKeeps', () => {
  it('a CR3 filter keeps its address space whatever PCID the kernel loaded it with; a kernel thread (no CR3) is not kept', () => {
    const f = { kind: 'cr3' as const, cr3: 0x6bd000n };
    expect(filterKeeps(f, 0x6bd003n, 'counter')).toBe(true);
    expect(filterKeeps(f, 0x6cc003n, 'counter')).toBe(false);
    expect(filterKeeps(f, undefined, 'kthreadd')).toBe(false);
    expect(filterKeeps({ kind: 'process', name: 'counter' }, undefined, 'counter')).toBe(true);
    expect(filterKeeps(null, 0x6bd000n, 'counter')).toBe(false);
  });
});
