import { describe, expect, it } from 'vitest';
import { parse, COMMANDS } from '../../../src/commands/lang/registry.ts';
import { parseXSuffix, splitWords } from '../../../src/commands/lang/parse.ts';

/** Parse a line and give [canonical name, args] or ['error', code, message, hint]. */
function p(line: string): unknown {
  const r = parse(line);
  if (r.kind === 'empty') return 'empty';
  if (r.kind === 'error') return ['error', r.error.code, r.error.message, r.error.hint];
  return [r.name, r.args];
}

describe('parseLine: names, shorthands, prefixes, comments', () => {
  it.each<[string, unknown]>([
    ['', 'empty'],
    ['   ', 'empty'],
    ['# a comment', 'empty'],
    ['  # indented comment', 'empty'],
    ['stepi', ['stepi', { n: 1 }]],
    ['stepi 5', ['stepi', { n: 5 }]],
    ['si 0x10', ['stepi', { n: 16 }]],
    ['stepi 3 # three', ['stepi', { n: 3 }]],
    ['ni', ['nexti', { n: 1 }]],
    ['c', ['continue', { n: 1 }]],
    ['cont 2', ['continue', { n: 2 }]],
    ['continue', ['continue', { n: 1 }]],
    ['fin', ['finish', undefined]],
    ['until counter_loop+8', ['until', { loc: 'counter_loop+8' }]],
    ['run-for 1000', ['run-for', { n: 1000 }]],
    ['console-send ls -l\\r', ['console-send', { bytes: Uint8Array.from(Buffer.from('ls -l\r')) }]],
    ['console-send  a\\tb\\x7f\\e\\\\\\n', ['console-send', { bytes: Uint8Array.from([0x61, 9, 0x62, 0x7f, 0x1b, 0x5c, 0x0a]) }]],
    ['console-send é', ['console-send', { bytes: Uint8Array.from([0xc3, 0xa9]) }]],
    ['continue-until-console login: ', ['continue-until-console', { text: 'login:' }]],
    ['continue-until-console \\x24\\x20', ['continue-until-console', { text: '$ ' }]],
    ['cont', ['continue', { n: 1 }]],
    ['b counter_main', ['break', { loc: 'counter_main', condition: undefined }]],
    ['break 0x401000 if cr3 == 0x203000', ['break', { loc: '0x401000', condition: { kind: 'cr3', expr: '0x203000' } }]],
    ['break counter_loop if cr3==$cr3', ['break', { loc: 'counter_loop', condition: { kind: 'cr3', expr: '$cr3' } }]],
    ['break counter_loop process counter', ['break', { loc: 'counter_loop', condition: { kind: 'process', name: 'counter' } }]],
    ['break counter_loop if process counter', ['break', { loc: 'counter_loop', condition: { kind: 'process', name: 'counter' } }]],
    ['hbreak counter_main', ['hbreak', { loc: 'counter_main', condition: undefined }]],
    ['watch counter_value', ['watch', { loc: 'counter_value', condition: undefined }]],
    ['watch counter_value len 4 access', ['watch', { loc: 'counter_value', len: 4, access: 'access', condition: undefined }]],
    ['watch 0x1000 write process counter', ['watch', { loc: '0x1000', access: 'write', condition: { kind: 'process', name: 'counter' } }]],
    ['d', ['delete', {}]],
    ['delete 2', ['delete', { n: 2 }]],
    ['disable 1', ['disable', { n: 1 }]],
    ['enable 1', ['enable', { n: 1 }]],
    ['i b', ['info breakpoints', undefined]],
    ['info break', ['info breakpoints', undefined]],
    ['info breakpoints', ['info breakpoints', undefined]],
    ['i r', ['info registers', { group: 'gpr' }]],
    ['regs all', ['info registers', { group: 'all' }]],
    ['info reg apx', ['info registers', { group: 'apx' }]],
    ['info registers $rax $r16', ['info registers', { names: ['rax', 'r16'] }]],
    ['p $rax+8', ['print', { expr: '$rax+8' }]],
    ['print *($rsp + 8)', ['print', { expr: '*($rsp + 8)' }]],
    ['x/8xg $rsp', ['x', { count: 8, format: 'x', unit: 'g', expr: '$rsp', phys: false }]],
    ['x/4dw counter_value', ['x', { count: 4, format: 'd', unit: 'w', expr: 'counter_value', phys: false }]],
    ['x/s msg', ['x', { count: 1, format: 's', unit: 'g', expr: 'msg', phys: false }]],
    ['x/3i $rip', ['x', { count: 3, format: 'i', unit: 'g', expr: '$rip', phys: false }]],
    ['x/c $rsi', ['x', { count: 1, format: 'c', unit: 'b', expr: '$rsi', phys: false }]],
    ['x $rsp', ['x', { count: 1, format: 'x', unit: 'g', expr: '$rsp', phys: false }]],
    ['disas', ['disassemble', { count: 10 }]],
    ['disassemble counter_main 4', ['disassemble', { loc: 'counter_main', count: 4 }]],
    ['ps', ['info processes', undefined]],
    ['info proc', ['info processes', undefined]],
    ['hits', ['info hits', {}]],
    ['hits 5', ['info hits', { last: 5 }]],
    ['stats', ['info exits', undefined]],
    ['info exits', ['info exits', undefined]],
    ['info vcpu', ['info vcpu', undefined]],
    ['set $rax = 0x10', ['set', { reg: 'rax', expr: '0x10' }]],
    ['set $r16=5', ['set', { reg: 'r16', expr: '5' }]],
    ['set cr3-source sregs', ['set cr3-source', { source: 'sregs' }]],
    ['set cr3 sync', ['set cr3-source', { source: 'sync' }]],
    ['set output json', ['set output', { format: 'json' }]],
    ['set out text', ['set output', { format: 'text' }]],
    ['set jit off', ['set jit', { on: false }]],
    ['set jit on', ['set jit', { on: true }]],
    ['filter process counter', ['filter', { kind: 'process', name: 'counter' }]],
    ['filter cr3 0x203000', ['filter', { kind: 'cr3', expr: '0x203000' }]],
    ['filter off', ['filter', { kind: 'off' }]],
    ['load guests/vmos/vmos.elf', ['load', { image: 'guests/vmos/vmos.elf' }]],
    ['load raw tiny.bin at 0x100000', ['load raw', { file: 'tiny.bin', gpa: 0x100000n }]],
    ['load raw tiny.bin at 0x100000 entry 0x100010 mode 64', ['load raw', { file: 'tiny.bin', gpa: 0x100000n, entry: 0x100010n }]],
    ['reset', ['reset', undefined]],
    ['backend kvm', ['backend', { name: 'kvm' }]],
    ['echo hello  world', ['echo', { text: 'hello  world' }]],
    ['echo', ['echo', { text: '' }]],
    ['help', ['help', { topic: '' }]],
    ['help stepi', ['help', { topic: 'stepi' }]],
    ['quit', ['quit', undefined]],
    ['STEPI 2', ['stepi', { n: 2 }]],
  ])('%j', (line, want) => {
    expect(p(line)).toEqual(want);
  });
});

describe('parseLine: errors', () => {
  it.each<[string, string, string, string | undefined]>([
    ['stpi', 'unknown-command', "unknown command 'stpi'", "did you mean 'stepi'?"],
    ['contnue', 'unknown-command', "unknown command 'contnue'", "did you mean 'continue'?"],
    ['frobnicate', 'unknown-command', "unknown command 'frobnicate'", undefined],
    ['info', 'bad-args', "'info' needs one of: all-registers, bookmarks, breakpoints, display, exits, float, frame, gdt, hits, idt, jit, mem, msr, os, processes, record, registers, segments, symbol, tlb, vcpu, vector", undefined],
    ['info regsiters', 'unknown-command', "unknown command 'info regsiters'", "did you mean 'registers'?"],
    ['ru', 'ambiguous', "ambiguous command 'ru': run, run-for", undefined],
    ['disa 1', 'ambiguous', "ambiguous command 'disa': disable, disassemble", undefined],
    ['stepi x', 'bad-number', "bad count 'x'", undefined],
    ['stepi 0', 'bad-args', 'count must be at least 1', undefined],
    ['stepi 1 2', 'bad-args', 'too many arguments (usage: stepi [N])', undefined],
    ['run-for', 'bad-args', 'missing instruction count (usage: run-for N)', undefined],
    ['console-send', 'bad-args', 'missing text (usage: console-send TEXT)', undefined],
    ['continue-until-console # nothing', 'bad-args', 'missing text (usage: continue-until-console TEXT)', undefined],
    ['console-send a\\q', 'bad-args', "unknown escape \\q in 'a\\q' (\\n \\r \\t \\e \\a \\b \\f \\v \\0 \\\\ \\xNN)", undefined],
    ['console-send \\xg', 'bad-args', "\\x needs one or two hex digits in '\\xg'", undefined],
    ['console-send a\\', 'bad-args', "a lone backslash at the end of 'a\\' (write \\\\ for one)", undefined],
    ['conti', 'ambiguous', "ambiguous command 'conti': continue, continue-until-console", undefined],
    ['break', 'bad-args', 'missing location (usage: break LOC [if cr3 == VALUE | process NAME])', undefined],
    ['break foo if rax == 1', 'bad-args', "bad condition 'if rax == 1' (expected: if cr3 == VALUE, or process NAME)", undefined],
    ['watch foo len 3', 'bad-args', "bad length '3' (len 1, 2, 4 or 8)", undefined],
    ['x/8q $rsp', 'bad-args', "bad format letter 'q' in '/8q' (F: x d u c s i; U: b h w g)", undefined],
    ['x/8xg', 'bad-args', 'missing address (usage: x/NFU ADDR [cr3 VALUE | process NAME|PID] | x/NFU phys ADDR)', undefined],
    ['stepi/2', 'bad-args', "'stepi' takes no '/' suffix", undefined],
    ['set $rax 5', 'bad-args', 'usage: set $REG = VALUE (or set cr3-source …, set output …)', undefined],
    ['set output xml', 'bad-args', "bad output format 'xml' (expected text|json)", undefined],
    ['set jit maybe', 'bad-args', "bad jit setting 'maybe' (expected on|off)", undefined],
    ['set cr3-source exti', 'bad-args', "bad cr3 source 'exti' (expected exit|sregs|sync)", "did you mean 'exit'?"],
    ['filter', 'bad-args', 'missing filter (process|cr3|off)', undefined],
    ['filter process', 'bad-args', 'usage: filter process NAME | filter cr3 VALUE | filter off', undefined],
    ['load raw tiny.bin 0x1000', 'bad-args', 'usage: load raw FILE at GPA [entry ADDR] [mode 64]', undefined],
    ['load raw tiny.bin at 0x1000 mode 32', 'bad-args', 'mode 32 is not supported (only mode 64)', undefined],
    ['load raw tiny.bin at 0x10zz', 'bad-number', "bad number '0x10zz'", undefined],
    ['backend xen', 'bad-args', "bad backend 'xen' (expected emu|kvm)", undefined],
    ['delete one', 'bad-number', "bad breakpoint number 'one'", undefined],
    ['quit now', 'bad-args', "'quit' takes no arguments", undefined],
    ['info hits 1 2', 'bad-args', 'usage: info hits [N]', undefined],
    // a negative count is not read as 2^64-1 ("too large"); input is quoted escaped and cut
    ['continue -1', 'bad-number', "bad count '-1' (a count cannot be negative)", undefined],
    ['stepi 99999999999', 'bad-number', "count '99999999999' is too large (at most 2147483647)", undefined],
    ['stpi\x1b[31m', 'unknown-command', "unknown command 'stpi\\x1b[31m'", undefined],
    ['x/\x1b]2;pwned\x07 0', 'bad-args', "bad format '/\\x1b]2;pwned\\x07' (expected /NFU: N a count, F one of x d u c s i, U one of b h w g)", undefined],
    ['watch foo len \u202e8', 'bad-args', "bad length '\\u202e8' (len 1, 2, 4 or 8)", undefined],
  ])('%j', (line, code, message, hint) => {
    expect(p(line)).toEqual(['error', code, message, hint]);
  });

  it('a 1 MB line is quoted by its first 80 characters, not echoed whole', () => {
    const r = parse('x'.repeat(1 << 20));
    expect(r.kind === 'error' && [r.error.line, r.word]).toEqual([`unknown command '${'x'.repeat(80)}…'`, `${'x'.repeat(80)}…`]);
  });

  it('a failed parse names the word as written', () => {
    const r = parse('x/8q $rsp');
    expect(r.kind === 'error' && r.word).toBe('x');
  });
});

describe('helpers', () => {
  it('splitWords drops comments only at the start of a word', () => {
    expect(splitWords('echo a#b # c')).toEqual({ words: ['echo', 'a#b'], text: 'echo a#b' });
  });
  it.each<[string, unknown]>([
    ['', { count: 1, format: 'x', unit: 'g' }],
    ['8xg', { count: 8, format: 'x', unit: 'g' }],
    ['16bx', { count: 16, format: 'x', unit: 'b' }],
    ['2uh', { count: 2, format: 'u', unit: 'h' }],
    ['0x10xw', { count: 16, format: 'x', unit: 'w' }],
    ['c', { count: 1, format: 'c', unit: 'b' }],
  ])('x/%s', (suffix, want) => {
    expect(parseXSuffix(suffix)).toEqual(want);
  });
  it('every command has a usage and a summary; names and aliases are unique', () => {
    const seen = new Set<string>();
    for (const c of COMMANDS) {
      expect(c.usage.length).toBeGreaterThan(0);
      expect(c.summary.length).toBeGreaterThan(0);
      for (const s of [c.name, ...c.aliases]) {
        expect(seen.has(s)).toBe(false);
        seen.add(s);
      }
    }
  });
});
