/**
 * The memory | stack panes (`m`, issue 14) on a real emulated session: the
 * hexdump around `set tui memory`'s address with `??` where nothing is
 * mapped, the last watchpoint access bracketed after a hit, and the
 * telescope resolving the return address at RSP to its symbol.
 */
import { renderToString } from 'ink';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/views/App.tsx';
import { hexdumpRows, telescopeRows } from '../../src/views/format/memory.ts';
import { KEY_HELP } from '../../src/views/keymap.ts';
import { MemoryView } from '../../src/views/MemoryView.tsx';
import { StackView } from '../../src/views/StackView.tsx';
import type { TuiStore } from '../../src/views/store.ts';
import { MONO } from '../../src/views/theme.ts';
import { openStore } from './helpers.ts';

let store: TuiStore;
beforeAll(async () => {
  store = await openStore();
  await store.run('break counter_main');
  await store.run('continue');
  await store.run('delete');
  await store.run('break printf if process counter');
  await store.run('continue'); // at printf's entry: [rsp] is the return address into counter_main
});
afterAll(async () => {
  await store.session.close();
  store.dispose();
});

const press = async (ch: string) => {
  store.key({ name: 'char', ch });
  await store.idle();
};

describe('hexdump and telescope rows', () => {
  it('brackets exactly the marked bytes, ?? and ? where unreadable', () => {
    const bytes = [...Array.from({ length: 20 }, (_, k) => 0x41 + k), null, null, null, null];
    const rows = hexdumpRows({ base: 0x1000n, bytes, mark: { addr: 0x100en, len: 4 } });
    expect(rows[0]).toBe('0x0000000000001000 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e[4f 50] ABCDEFGHIJKLMNOP');
    expect(rows[1]).toBe('0x0000000000001010[51 52]53 54 ?? ?? ?? ??  QRST????');
  });

  it('telescope: the symbol, else the qword pointed to, else the bare value', () => {
    const rows = telescopeRows([
      { addr: 0x2000n, value: 0x400010n, symbol: 'main+16' },
      { addr: 0x2008n, value: 0x3000n, deref: 0x7n },
      { addr: 0x2010n, value: 5n },
      { addr: 0x2018n, value: null },
    ], 0x2000n);
    expect(rows).toEqual([
      '0x0000000000002000 +000: 0x0000000000400010 → <main+16>',
      '0x0000000000002008 +008: 0x0000000000003000 → 0x0000000000000007',
      '0x0000000000002010 +010: 0x0000000000000005',
      '0x0000000000002018 +018: ??              ',
    ]);
  });
});

describe('memory | stack panes', () => {
  it('m swaps processes | hits for memory | stack and back; the help lists it; unseen, nothing is read', async () => {
    expect(store.getSnapshot().memory).toBeNull();
    const before = renderToString(<App view={store.getSnapshot()} columns={120} rows={40} theme={MONO} />, { columns: 120 });
    await press('m');
    const v = store.getSnapshot();
    expect(v.lower).toBe('memory');
    const f = renderToString(<App view={v} columns={120} rows={40} theme={MONO} />, { columns: 120 });
    expect(f).toContain('Memory 0x');
    expect(f).toContain('Stack');
    expect(f).not.toContain('Breakpoint hits');
    await press('m');
    expect(store.getSnapshot().memory).toBeNull();
    expect(renderToString(<App view={store.getSnapshot()} columns={120} rows={40} theme={MONO} />, { columns: 120 })).toBe(before);
    expect(KEY_HELP.some(([k, what]) => k === 'm' && what.includes('stack'))).toBe(true);
  });

  it('the telescope resolves the return address at RSP to its symbol', async () => {
    await press('m');
    const v = store.getSnapshot();
    const top = v.stack!.slots[0];
    expect(top.addr).toBe(v.regs!.rsp);
    expect(top.symbol).toMatch(/^counter_main\+\d+$/);
    expect(store.session.symbols.at(top.value!)).toBeDefined();
    const f = renderToString(<StackView stack={v.stack} width={70} height={10} focused={false} theme={MONO} />, { columns: 70 });
    expect(f).toContain(`+000: 0x${top.value!.toString(16).padStart(16, '0')} → <${top.symbol}>`);
  });

  it('set tui memory: rows of 16 bytes around the address, ?? where nothing is mapped; defaults to RSP', async () => {
    const rsp = store.getSnapshot().regs!.rsp;
    expect(store.getSnapshot().memory!.base).toBe((rsp & ~0xfn) - 16n);
    // The counter's stack ends at 0x40200000: the row before it is mapped, the rows from it are not.
    await store.run('set tui memory 0x40200000');
    const m = store.getSnapshot().memory!;
    expect(m.base).toBe(0x401ffff0n);
    expect(m.bytes.slice(0, 16).every((b) => b !== null)).toBe(true);
    expect(m.bytes.slice(16).every((b) => b === null)).toBe(true);
    const f = renderToString(<MemoryView memory={m} width={90} height={6} focused={false} theme={MONO} />, { columns: 90 });
    expect(f).toMatch(/0x00000000401ffff0( [0-9a-f]{2}){16}  /);
    expect(f).toContain(`0x0000000040200000${' ??'.repeat(16)}  ${'?'.repeat(16)}`);
    await store.run('set tui memory counter_main');
    const code = store.getSnapshot().memory!;
    expect(code.bytes.every((b) => b !== null)).toBe(true);
    await store.run('set tui memory');
    expect(store.getSnapshot().message).toEqual({ text: 'usage: set tui memory ADDR|auto', error: true });
  });

  it('after a watchpoint hit (auto): around the watched address, its bytes bracketed', async () => {
    await store.run('set tui memory auto');
    await store.run('delete');
    await store.run('watch 0x40100008 if process watcher');
    await store.run('continue');
    const v = store.getSnapshot();
    expect(v.stop?.reason).toBe('watchpoint');
    expect(v.memory!.mark).toEqual({ addr: 0x40100008n, len: 8 });
    expect(v.memory!.base).toBe(0x400ffff0n);
    const f = renderToString(<MemoryView memory={v.memory} width={90} height={6} focused={false} theme={MONO} />, { columns: 90 });
    expect(f).toContain('last access 0x40100008/8');
    expect(f).toMatch(/0x0000000040100000( [0-9a-f]{2}){8}\[[0-9a-f]{2}( [0-9a-f]{2}){7}\] /);
  });
});
