/**
 * Every command against a real emulated session (Session.open({backend:'emu'})
 * with the bundled vmos), through runLine → Result → text and JSON forms.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/session.ts';
import { COMMANDS, runLine } from '../../../src/commands/lang/registry.ts';
import { formatJson, formatText } from '../../../src/commands/lang/format.ts';
import type { Result } from '../../../src/commands/lang/result.ts';
import { CommandError } from '../../../src/commands/errors.ts';

let s: Session;
beforeEach(async () => {
  s = await Session.open({ backend: 'emu' });
});
afterEach(async () => {
  await s.close();
});

async function run(line: string): Promise<{ r: Result; text: string; json: Record<string, unknown> }> {
  const o = await runLine(s, line);
  if (o === null) throw new Error('empty line');
  return { r: o.result, text: formatText(o.result), json: JSON.parse(formatJson(o.cmd, o.result)) as Record<string, unknown> };
}
async function ok(line: string): Promise<string> {
  const { r, text } = await run(line);
  if (r.kind === 'error') throw new Error(`${line}: ${r.error.line}`);
  return text;
}
async function fails(line: string): Promise<CommandError> {
  const { r } = await run(line);
  if (r.kind !== 'error') throw new Error(`${line} did not fail: ${formatText(r)}`);
  return r.error;
}

describe('commands on an emulated session', () => {
  it('break / continue: the documented stop line and JSON object', async () => {
    expect(await ok('break counter_main')).toBe('Breakpoint 1 at 0x00000000400004a0 <counter_main>');
    const { text, json } = await run('c');
    expect(text).toBe('Breakpoint 1 hit: cr3=0x0000000000117000 (counter) rip=0x00000000400004a0 <counter_main>');
    expect(json).toEqual({
      cmd: 'continue',
      ok: true,
      result: { reason: 'breakpoint', bp: 1, cr3: '0x0000000000117000', process: 'counter', rip: '0x00000000400004a0', exception: 3, dr6: '0x0000000000000000', dr7: '0x0000000000000000', symbol: 'counter_main' },
    });
    expect(await ok('info breakpoints')).toBe(
      ['Num  Type   Address             Location      Watch  Slot  Condition  Hits  Enb', '  1  break  0x00000000400004a0  counter_main                             1  y'].join('\n'),
    );
  });

  it('hbreak, watch with conditions; the process table and the hit log', async () => {
    expect(await ok('watch count if process counter')).toBe('Watchpoint 1 at 0x0000000040100010 <count>: 8 bytes, write (DR0) if process counter');
    expect(await ok('hbreak watcher_main')).toBe('Hardware breakpoint 2 at 0x0000000040000570 <watcher_main> (DR1)');
    const stop = await ok('continue');
    expect(stop).toMatch(/^Watchpoint 1 hit: cr3=0x[0-9a-f]{16} \(counter\) rip=0x[0-9a-f]{16} <counter_main\+\d+> dr6=0x[0-9a-f]{16}$/);
    const ps = await run('ps');
    expect(ps.r.kind).toBe('table');
    const rows = (ps.json.result as { rows: { name: string; current: string }[] }).rows;
    expect(rows.find((r) => r.current === '*')?.name).toBe('counter');
    expect(ps.text.split('\n')[0]).toBe('   CR3                 PID  Name     State     Hits  First seen  Last RIP            Where');
    const hits = await run('hits');
    expect(hits.text.split('\n').at(-1)).toBe('1 debug event in total.');
    expect(hits.json.result).toMatchObject({ total: 1, rows: [{ seq: 1, bp: 1, process: 'counter', exception: 1 }] });
  });

  it('stepping, until, finish, run-for, print, x, disassemble', async () => {
    expect(await ok('until kmain')).toBe('Reached: cr3=0x0000000000003000 rip=0x0000000000101760 <kmain>');
    expect(await ok('si')).toMatch(/^Stepped: cr3=0x0000000000003000 rip=0x[0-9a-f]{16} <kmain\+\d+>$/);
    expect(await ok('p $rip')).toMatch(/^\$rip = 0x[0-9a-f]{16} \(\d+\) <kmain\+\d+>$/);
    expect(await ok('x/2i $rip')).toMatch(/^=> {5}0x[0-9a-f]{16} <kmain\+\d+>: /);
    expect(await ok('disassemble _start 2')).toBe(
      [
        '       0x0000000000100000 <_start>:  31 ed                       xor ebp, ebp',
        '       0x0000000000100002 <_start+2>:  e8 59 17 00 00              call 0x101760 <kmain>',
      ].join('\n'),
    );
    expect(await ok('x/4xb _start')).toBe('0x0000000000100000 <_start>:  0x31  0xed  0xe8  0x59');
    expect(await ok('x/2dw _start')).toBe('0x0000000000100000 <_start>:  1508437297  -201326569');
    expect(await ok('x/2c _start')).toBe("0x0000000000100000 <_start>:  '1'  '\\xed'");
    expect(await ok('run-for 50')).toMatch(/^Stopped: ran 50 instructions \(run-for\): cr3=0x0000000000003000 rip=/);
    await ok('break counter_main');
    await ok('c');
    // A user address, mapped under the counter's CR3.
    expect(await ok('x/s 0x40000825')).toBe('0x0000000040000825:  "counter[%d]: counting at %p\\n"');
    await ok('d');
    await ok('break printf');
    expect(await ok('c')).toBe('Breakpoint 2 hit: cr3=0x0000000000117000 (counter) rip=0x0000000040000000 <printf>');
    expect(await ok('finish')).toBe('Returned: cr3=0x0000000000117000 (counter) rip=0x00000000400004dc <counter_main+60>');
  });

  it('set $REG, info registers groups and names', async () => {
    expect(await ok('set $rax = 0x1234 + 1')).toBe('');
    expect(await ok('p $rax')).toBe('$rax = 0x0000000000001235 (4661)');
    expect(await ok('regs $rax $cr3')).toBe('rax  0x0000000000001235\ncr3  0x0000000000003000');
    const all = await run('info registers all');
    expect(Object.keys(all.json.result as object)).toEqual([
      'rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
      'rip', 'rflags', 'cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer', 'dr0', 'dr1', 'dr2', 'dr3', 'dr6', 'dr7', 'xcr0',
    ]);
    expect((await ok('regs cr')).split('\n').map((l) => l.split(' ')[0])).toEqual(['cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer']);
    expect((await ok('i r dr')).split('\n')).toHaveLength(6);
    expect(await ok('info registers xcr')).toBe('xcr0  0x0000000000000003');
  });

  it('delete, disable, enable, filter, settings, echo, help, quit', async () => {
    await ok('b counter_main');
    await ok('hbreak kmain');
    expect(await ok('disable 2')).toBe('Disabled breakpoint 2.');
    expect(await ok('enable 2')).toBe('Enabled breakpoint 2.');
    expect(await ok('delete 1')).toBe('Deleted breakpoint 1.');
    expect(await ok('d')).toBe('Deleted 1 breakpoint.');
    expect(await ok('i b')).toBe('No breakpoints or watchpoints.');
    expect(await ok('filter process counter')).toBe('Filter: process counter.');
    expect(s.filter).toEqual({ kind: 'process', name: 'counter' });
    expect(await ok('filter cr3 0x117000')).toBe('Filter: cr3 == 0x0000000000117000.');
    expect(await ok('filter off')).toBe('Filter off.');
    expect(s.filter).toBeNull();
    expect(await ok('set cr3-source sregs')).toBe('CR3 source: sregs.');
    expect(s.cr3Source).toBe('sregs');
    expect((await run('set output json')).r).toEqual({ kind: 'output', format: 'json' });
    expect(await ok('echo hello # not this')).toBe('hello');
    expect((await ok('help')).split('\n')).toHaveLength(COMMANDS.length);
    expect(await ok('help si')).toBe('usage: stepi [N]\nexecute N instructions (default 1) with single-step guest debug\naliases: si');
    expect((await run('quit')).r).toEqual({ kind: 'quit' });
    expect(await ok('info exits')).toMatch(/^Counter +Count\n/);
    await ok('set jit on');
    expect(await ok('info jit')).toMatch(/^Counter +Count\n(.*\n)*jit\.enabled +1\n/);
    await ok('set jit off');
    expect(await ok('info jit')).toMatch(/^Counter +Count\n(.*\n)*jit\.enabled +0\n/);
    expect(await ok('info vcpu')).toContain('DR ownership');
  });

  it('load raw, reset, load', async () => {
    expect(await ok('load raw guests/tiny/tiny.bin at 0x10000')).toBe('Loaded guests/tiny/tiny.bin at 0x0000000000010000, entry 0x0000000000010000, on emu.');
    expect(s.symbols.symbols).toHaveLength(0);
    expect(await ok('p $rip')).toBe('$rip = 0x0000000000010000 (65536)');
    expect(await ok('load vmos')).toMatch(/^Loaded vmos \(\d+ symbols\) on emu\.$/);
    expect(await ok('reset')).toMatch(/^Stepped: cr3=0x[0-9a-f]{16} rip=0x0000000000100000 <_start>$/);
  });
});

describe('bad input: one clear line, a code, and nothing changed', () => {
  it.each<[string, string, string]>([
    ['stpi', 'unknown-command', "unknown command 'stpi' (did you mean 'stepi'?)"],
    ['break cuonter_main', 'no-symbol', "no symbol 'cuonter_main' in the image (did you mean 'counter_main'?)"],
    ['break 0x12zz', 'bad-number', "bad number '0x12zz'"],
    ['p $r16', 'no-such-reg', 'register $r16 does not exist on this vCPU (R16–R31 need APX)'],
    ['set $r16 = 1', 'no-such-reg', 'register $r16 does not exist on this vCPU (R16–R31 need APX)'],
    ['set $foo = 1', 'no-such-reg', "unknown register '$foo'"],
    ['info registers apx', 'no-such-reg', 'this vCPU has no APX: R16–R31 do not exist'],
    ['x/2xg 0xdead0000', 'unreadable', 'cannot read 0xdead0000: not mapped: PDPTE[3] not present'],
    ['p *0', 'unreadable', 'cannot read 0x0: not mapped: PTE[0] not present'],
    ['delete 9', 'no-such-bp', 'no breakpoint number 9'],
    ['enable 9', 'no-such-bp', 'no breakpoint number 9'],
    ['load nosuch.elf', 'no-file', 'nosuch.elf: no such file'],
    ['load raw nosuch.bin at 0x1000', 'no-file', 'nosuch.bin: no such file'],
    // refused before a byte is read (they never end); named as given, in our words
    ['load /dev/zero', 'failed', '/dev/zero: is a character device, not a regular file'],
    ['load raw /dev/urandom at 0x100000', 'failed', '/dev/urandom: is a character device, not a regular file'],
    ['load raw /dev/null at 0x100000', 'failed', '/dev/null: is a character device, not a regular file'],
    ['load /', 'failed', '/: is a directory, not a regular file'],
    ['watch count len 8 write if cr3 == $nope', 'no-such-reg', "unknown register '$nope'"],
    ['watch count+4 len 8', 'bad-args', 'watch address 0x40100014 is not aligned to its length 8'],
  ])('%s', async (line, code, text) => {
    const before = JSON.stringify([s.breakpoints(), s.filter, s.cr3Source, s.registers().rip.toString()]);
    const e = await fails(line);
    expect([e.code, e.line]).toEqual([code, text]);
    expect(JSON.stringify([s.breakpoints(), s.filter, s.cr3Source, s.registers().rip.toString()])).toBe(before);
  });

  it('a fifth hardware breakpoint: no-slot, and the four stay', async () => {
    for (const a of ['0x1000', '0x2000', '0x3000']) await ok(`hbreak ${a}`);
    await ok('watch count');
    const e = await fails('hbreak 0x5000');
    expect([e.code, e.line]).toEqual(['no-slot', 'all four hardware debug registers (DR0–DR3) are in use (delete or disable a hardware breakpoint or watchpoint)']);
    expect(s.breakpoints()).toHaveLength(4);
    await ok('disable 1');
    expect(await ok('hbreak 0x5000')).toBe('Hardware breakpoint 5 at 0x0000000000005000 (DR0)');
    expect((await fails('enable 1')).code).toBe('no-slot');
  });

  it('the JSON error line', async () => {
    const o = await runLine(s, 'stpi');
    expect(formatJson(o!.cmd, o!.result, 12)).toBe(
      '{"cmd":"stpi","ok":false,"error":"unknown command \'stpi\'","line":12,"code":"unknown-command","hint":"did you mean \'stepi\'?"}',
    );
  });

  it('after the guest exits, execution commands say so', async () => {
    await ok('load raw guests/tiny/tiny.bin at 0x10000');
    let t = '';
    for (let k = 0; k < 5 && !t.startsWith('Guest exited') && !t.startsWith('Halted'); k++) t = await ok('c');
    expect(t).toMatch(/^(Guest exited with status \d+|Halted: )/);
    if (t.startsWith('Guest exited')) expect((await fails('si')).code).toBe('not-running');
  });
});

describe('completion with a session', () => {
  it('offers the image symbols for locations and only the registers this vCPU has', async () => {
    const { complete } = await import('../../../src/commands/lang/complete.ts');
    expect(complete('break coun', 10, s, COMMANDS)).toEqual({ start: 6, candidates: ['count', 'counter_main'] });
    expect(complete('p $r1', 5, s, COMMANDS).candidates).toEqual(['$r10', '$r11', '$r12', '$r13', '$r14', '$r15']);
    expect(complete('x/4xg kma', 9, s, COMMANDS).candidates).toEqual(['kmain']);
  });
});
