import { describe, expect, it } from 'vitest';
import type { Breakpoint, Stop } from '../../../src/commands/session/types.ts';
import { CommandError } from '../../../src/commands/errors.ts';
import { breakpointLine, errorJson, formatJson, formatText, hex64, renderTable, stopJson, stopLine } from '../../../src/commands/lang/format.ts';
import type { Result } from '../../../src/commands/lang/result.ts';

const at = { cr3: 0x203000n, rip: 0x401020n, skipped: 0 };

describe('stop lines', () => {
  it.each<[Partial<Stop> & Pick<Stop, 'reason'>, string | undefined, string]>([
    [{ reason: 'breakpoint', bp: 2, process: 'counter', exception: 3 }, 'counter_loop+8', 'Breakpoint 2 hit: cr3=0x0000000000203000 (counter) rip=0x0000000000401020 <counter_loop+8>'],
    [{ reason: 'watchpoint', bp: 3, dr6: 0xffff0ff2n }, undefined, 'Watchpoint 3 hit: cr3=0x0000000000203000 rip=0x0000000000401020 dr6=0x00000000ffff0ff2'],
    [{ reason: 'step' }, 'counter_main', 'Stepped: cr3=0x0000000000203000 rip=0x0000000000401020 <counter_main>'],
    [{ reason: 'finish' }, undefined, 'Returned: cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'until' }, undefined, 'Reached: cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'halt' }, undefined, 'Halted: cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'halt', detail: 'no runnable process' }, undefined, 'Halted: cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'exit', status: 3 }, undefined, 'Guest exited with status 3'],
    [{ reason: 'shutdown' }, undefined, 'Guest shut down (triple fault): cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'budget', detail: 'instruction budget of 1000 reached' }, undefined, 'Stopped: instruction budget of 1000 reached: cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'interrupted' }, undefined, 'Interrupted: cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'error', detail: 'KVM_EXIT_INTERNAL_ERROR' }, undefined, 'Stopped on error: KVM_EXIT_INTERNAL_ERROR: cr3=0x0000000000203000 rip=0x0000000000401020'],
    [{ reason: 'breakpoint', bp: 1, skipped: 4 }, undefined, 'Breakpoint 1 hit: cr3=0x0000000000203000 rip=0x0000000000401020 (4 events skipped)'],
  ])('stop %#', (s, symbol, want) => {
    expect(stopLine({ ...at, ...s }, symbol)).toBe(want);
  });

  it('JSON stop object: commands.md keys in order, 64-bit values as hex strings', () => {
    const stop: Stop = { ...at, reason: 'breakpoint', bp: 2, process: 'counter', exception: 3, dr6: 0xffff0ff0n, dr7: 0x400n };
    expect(JSON.stringify(stopJson(stop))).toBe(
      '{"reason":"breakpoint","bp":2,"cr3":"0x0000000000203000","process":"counter","rip":"0x0000000000401020","exception":3,"dr6":"0x00000000ffff0ff0","dr7":"0x0000000000000400"}',
    );
    expect(stopJson({ ...at, reason: 'exit', status: 0 })).toEqual({ reason: 'exit', status: 0, cr3: '0x0000000000203000', rip: '0x0000000000401020' });
  });
});

describe('results', () => {
  const bp: Breakpoint = { number: 1, kind: 'break', addr: 0x401000n, location: 'counter_main', len: 1, access: 'write', condition: null, enabled: true, hits: 0, slot: null };

  it('breakpoint lines', () => {
    expect(breakpointLine(bp, 'counter_main')).toBe('Breakpoint 1 at 0x0000000000401000 <counter_main>');
    expect(breakpointLine({ ...bp, number: 2, kind: 'hbreak', slot: 0, condition: { kind: 'process', name: 'counter' } })).toBe(
      'Hardware breakpoint 2 at 0x0000000000401000 (DR0) if process counter',
    );
    expect(breakpointLine({ ...bp, number: 3, kind: 'watch', len: 8, access: 'write', slot: 1, condition: { kind: 'cr3', cr3: 0x203000n } })).toBe(
      'Watchpoint 3 at 0x0000000000401000: 8 bytes, write (DR1) if cr3 == 0x0000000000203000',
    );
  });

  it.each<[Result, string, string]>([
    [{ kind: 'text', lines: ['a', 'b'] }, 'a\nb', '{"cmd":"c","ok":true,"result":{"text":"a\\nb"}}'],
    [{ kind: 'none' }, '', '{"cmd":"c","ok":true,"result":{}}'],
    [{ kind: 'quit' }, '', '{"cmd":"c","ok":true,"result":{"quit":true}}'],
    [{ kind: 'output', format: 'json' }, 'Output format is json.', '{"cmd":"c","ok":true,"result":{"output":"json"}}'],
    [
      { kind: 'value', expr: '$rax+8', value: 0x401008n, symbol: 'counter_main+8' },
      '$rax+8 = 0x0000000000401008 (4198408) <counter_main+8>',
      '{"cmd":"c","ok":true,"result":{"expr":"$rax+8","value":"0x0000000000401008","symbol":"counter_main+8"}}',
    ],
    [
      { kind: 'registers', group: 'gpr', values: [['rax', 1n], ['rflags', 2n]] },
      'rax     0x0000000000000001\nrflags  0x0000000000000002',
      '{"cmd":"c","ok":true,"result":{"rax":"0x0000000000000001","rflags":"0x0000000000000002"}}',
    ],
    [
      { kind: 'memory', addr: 0x1000n, count: 3, format: 'x', unit: 'g', rows: [{ addr: 0x1000n, symbol: 'buf', cells: ['0x01', '0x02'] }, { addr: 0x1010n, cells: ['0x03'] }] },
      '0x0000000000001000 <buf>:  0x01  0x02\n0x0000000000001010:  0x03',
      '{"cmd":"c","ok":true,"result":{"addr":"0x0000000000001000","format":"x","unit":"g","count":3,"values":["0x01","0x02","0x03"]}}',
    ],
    [
      { kind: 'disassembly', lines: [{ addr: 0x1000n, len: 1, bytes: 'c3', text: 'ret', symbol: 'f', bp: 1, current: true, isCall: false, apx: false }] },
      '=> b1  0x0000000000001000 <f>:  c3                          ret',
      '{"cmd":"c","ok":true,"result":{"lines":[{"addr":"0x0000000000001000","bytes":"c3","text":"ret","symbol":"f","bp":1,"current":true}]}}',
    ],
    [
      { kind: 'table', table: 't', columns: [{ key: 'n', header: 'Num' }, { key: 's', header: 'Name' }], rows: [], empty: 'Nothing.' },
      'Nothing.',
      '{"cmd":"c","ok":true,"result":{"rows":[]}}',
    ],
  ])('result %#', (r, text, json) => {
    expect(formatText(r)).toBe(text);
    expect(formatJson('c', r)).toBe(json);
  });

  it('tables: padded columns, numbers right-aligned, no trailing blanks', () => {
    const cols = [{ key: 'n', header: 'Num' }, { key: 'name', header: 'Name' }, { key: 'on', header: 'Enb' }];
    expect(renderTable(cols, [{ n: 1, name: 'a', on: true }, { n: 12, name: 'bbbbbb', on: false }])).toEqual(['Num  Name    Enb', '  1  a       y', ' 12  bbbbbb  n']);
  });

  it('errors: text with the hint, JSON with the documented keys first', () => {
    const e = new CommandError('unknown-command', "unknown command 'stpi'", "did you mean 'stepi'?");
    expect(formatText({ kind: 'error', error: e })).toBe("unknown command 'stpi' (did you mean 'stepi'?)");
    expect(errorJson('stpi', e, 12)).toBe('{"cmd":"stpi","ok":false,"error":"unknown command \'stpi\'","line":12,"code":"unknown-command","hint":"did you mean \'stepi\'?"}');
    expect(formatJson('x', { kind: 'error', error: new CommandError('unreadable', 'cannot read 0x0') })).toBe('{"cmd":"x","ok":false,"error":"cannot read 0x0","code":"unreadable"}');
  });

  it('hex64 wraps negatives to 64 bits', () => {
    expect(hex64(-1n)).toBe('0xffffffffffffffff');
  });
});
