/**
 * gdb habits and gdb's commands (issue 14, command language) against a real
 * emulated session with the bundled vmos, through runLine → text / JSON.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/session.ts';
import { parse, runLine } from '../../../src/commands/lang/registry.ts';
import { formatJson, formatText } from '../../../src/commands/lang/format.ts';
import type { Result } from '../../../src/commands/lang/result.ts';

let s: Session;
beforeEach(async () => {
  s = await Session.open({ backend: 'emu' });
});
afterEach(async () => {
  await s.close();
});

async function run(line: string): Promise<{ r: Result; text: string; json: Record<string, unknown> }> {
  const o = await runLine(s, line);
  if (o === null) return { r: { kind: 'none' }, text: '', json: {} };
  return { r: o.result, text: formatText(o.result), json: JSON.parse(formatJson(o.cmd, o.result)) as Record<string, unknown> };
}
async function ok(line: string): Promise<string> {
  const { r, text } = await run(line);
  if (r.kind === 'error' || (r.kind === 'sequence' && r.failed)) throw new Error(`${line}: ${text}`);
  return text;
}
async function err(line: string): Promise<string> {
  const { r, text } = await run(line);
  if (r.kind !== 'error') throw new Error(`${line} did not fail: ${text}`);
  return text;
}

describe('gdb habits that failed before (issue 14)', () => {
  it.each([
    ['bt', 'backtrace'],
    ['run', 'run'],
    ['r', 'run'],
    ['s', 'step'],
    ['n', 'next'],
    ['u counter_main', 'until'],
    ['print/x 1', 'print'],
    ['p $rip == 0x1000', 'print'],
    ['info registers rip', 'info registers'],
    ['source x.vdbg', 'source'],
  ])('%s parses as %s', (line, name) => {
    const p = parse(line);
    expect(p.kind === 'invocation' ? p.name : p.kind === 'error' ? p.error.line : p.kind).toBe(name);
  });

  it('run, s, n, p with comparisons, /, &sym, casts, /FMT, history; info registers rip', async () => {
    await ok('break counter_main');
    expect(await ok('run')).toBe('Breakpoint 1 hit: cr3=0x0000000000117000 (counter) rip=0x00000000400004a0 <counter_main>');
    expect(await ok('p $rip == counter_main')).toBe('$rip == counter_main = 0x0000000000000001 (1)');
    expect(await ok('p 10/3')).toBe('10/3 = 0x0000000000000003 (3)');
    expect(await ok('p -7/2')).toBe('-7/2 = 0xfffffffffffffffd (18446744073709551613)');
    expect(await ok('p/d -7/2')).toBe('-7/2 = -3');
    expect(await ok('p/x 255')).toBe('255 = 0xff');
    expect(await ok('p/t 10')).toBe('10 = 1010');
    expect(await ok('p/c 65')).toBe("65 = 65 'A'");
    expect(await ok('p/x (char)-1')).toBe('(char)-1 = 0xff');
    expect(await ok('p/a counter_main+3')).toBe('counter_main+3 = 0x400004a3 <counter_main+3>');
    expect(await ok('p &count')).toBe('&count = 0x0000000040100010 (1074790416) <count>');
    expect(await ok('p (long)count')).toBe('(long)count = 0x0000000000000000 (0)');
    expect(await ok('p {int}&count + 1')).toBe('{int}&count + 1 = 0x0000000000000001 (1)');
    const h = await run('p $1 + $2');
    expect(h.text).toBe('$1 + $2 = 0x0000000000000004 (4)');
    expect((h.json.result as { history: number }).history).toBe(13);
    expect(await ok('p $ * 2')).toBe('$ * 2 = 0x0000000000000008 (8)');
    expect(await ok('info registers rip $rsp')).toBe('rip  0x00000000400004a0\nrsp  0x00000000401ffff8');
    expect(await ok('s')).toBe('Stepped: cr3=0x0000000000117000 (counter) rip=0x00000000400004a2 <counter_main+2>');
    expect(await ok('n 2')).toMatch(/^Stepped: .* <counter_main\+\d+>$/);
    expect(await err('p/q 1')).toBe("bad format '/q' for print (one of x d u o t c a z)");
    expect(await err(`p ${'('.repeat(5000)}1${')'.repeat(5000)}`)).toMatch(/^expression nested too deeply/);
  });
});

describe('gdb breakpoint commands (issue 14)', () => {
  it('tbreak stops once and is deleted', async () => {
    expect(await ok('tbreak counter_main')).toBe('Temporary breakpoint 1 at 0x00000000400004a0 <counter_main>');
    expect(await ok('continue')).toMatch(/^Temporary breakpoint 1 hit: .*<counter_main>$/);
    expect(await ok('info breakpoints')).toBe('No breakpoints or watchpoints.');
  });

  it('condition N EXPR and ignore N COUNT resume until they let a hit stop', async () => {
    await ok('watch count');
    expect(await ok('condition 1 (long)count == 3')).toBe('');
    expect(await ok('c')).toMatch(/^Watchpoint 1 hit: .* \(2 events skipped\)$/);
    expect(await ok('p (long)count')).toBe('(long)count = 0x0000000000000003 (3)');
    expect(await ok('condition 1')).toBe('Breakpoint 1 now unconditional.');
    expect(await ok('ignore 1 2')).toBe('Will ignore next 2 crossings of breakpoint 1.');
    expect(await ok('c')).toMatch(/\(2 events skipped\)$/);
    expect(await ok('p (long)count')).toBe('(long)count = 0x0000000000000006 (6)');
    expect(await err('condition 1 (long)count ==')).toBe("incomplete expression '(long)count =='");
    expect(await err('condition 9 1')).toBe('no breakpoint number 9');
  });

  it("commands N … end run at the stop ('silent' hides the stop line), also in JSON", async () => {
    await ok('break counter_main');
    for (const l of ['commands', 'silent', 'p $rip == counter_main', 'echo at main', 'end']) expect((await run(l)).text).toBe('');
    const { text, json } = await run('c');
    expect(text).toBe('$rip == counter_main = 0x0000000000000001 (1)\nat main');
    const res = json.result as { silent: boolean; after: { cmd: string; ok: boolean }[] };
    expect(res.silent).toBe(true);
    expect(res.after.map((a) => [a.cmd, a.ok])).toEqual([['print', true], ['echo', true]]);
  });

  it('display shows after each stop; undisplay, info display', async () => {
    expect(await ok('display/i $pc')).toMatch(/^1: x\/1i \$pc\n=> +0x0000000000100000 <_start>:/);
    expect(await ok('display/x $rflags')).toBe('2: $rflags = 0x2');
    const t = (await ok('stepi')).split('\n');
    expect(t[0]).toMatch(/^Stepped: /);
    expect(t[1]).toBe('1: x/1i $pc');
    expect(t[2]).toMatch(/^=> /);
    expect(t[3]).toMatch(/^2: \$rflags = 0x/);
    expect(await ok('info display')).toBe(['Num  Enb  Fmt  Expression', '  1  y    /1i  $pc', '  2  y    /x   $rflags'].join('\n'));
    await ok('undisplay 1');
    expect((await ok('stepi')).split('\n')).toHaveLength(2);
    await ok('undisplay');
    expect(await ok('info display')).toBe('There are no auto-display expressions now.');
  });

  it('rwatch / awatch are access watchpoints (x86 has no read-only DR condition)', async () => {
    expect(await ok('rwatch count')).toBe('Watchpoint 1 at 0x0000000040100010 <count>: 8 bytes, access (DR0)');
    expect(await ok('awatch count len 4')).toBe('Watchpoint 2 at 0x0000000040100010 <count>: 4 bytes, access (DR1)');
    expect(await ok('c')).toMatch(/^Watchpoint 1 hit: .*<counter_main\+\d+>/);
  });

  it('advance LOC and jump LOC', async () => {
    expect(await ok('advance counter_main')).toMatch(/^Reached: .*<counter_main>$/);
    await ok('break counter_main');
    expect(await ok('jump counter_main')).toMatch(/^Breakpoint 1 hit: .*<counter_main>$/);
  });
});

describe('source, define, set logging (issue 14)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vdbg-gdb-'));

  it('source FILE runs its lines; a failure names FILE:LINE and ends it', async () => {
    const f = join(dir, 'setup.vdbg');
    writeFileSync(f, 'break counter_main\n# comment\ncontinue\np $rip == counter_main\n');
    expect(await ok(`source ${f}`)).toMatch(/^Breakpoint 1 at .*\nBreakpoint 1 hit: .*\n\$rip == counter_main = 0x0000000000000001 \(1\)$/);
    const bad = join(dir, 'bad.vdbg');
    writeFileSync(bad, 'echo one\nstpi\necho never\n');
    const { r, text } = await run(`source ${bad}`);
    expect(r.kind === 'sequence' && r.failed).toBe(true);
    expect(text).toBe(`one\n${bad}:2: unknown command 'stpi' (did you mean 'stepi'?)`);
    expect(await err(`source ${join(dir, 'none')}`)).toBe(`${join(dir, 'none')}: no such file`);
  });

  it('define NAME … end with $arg0 / $argc', async () => {
    for (const l of ['define twice', 'p $arg0 * 2', 'echo argc $argc', 'end']) await run(l);
    expect(await ok('twice 21')).toBe('21 * 2 = 0x000000000000002a (42)\nargc 1');
    expect(await err('define print')).toBe("'print' is a built-in command (print); choose another name");
    for (const l of ['define loop', 'loop', 'end']) await run(l);
    expect((await run('loop')).text).toMatch(/nested more than 64 deep/);
  });

  it('set logging copies the output to a file', async () => {
    const f = join(dir, 'log.txt');
    await ok(`set logging file ${f}`);
    await ok('set logging overwrite on');
    expect(await ok('set logging on')).toBe(`Copying output to ${f}.`);
    await ok('p 1+1');
    await run('stpi');
    await ok('set logging off');
    await ok('p 3');
    expect(readFileSync(f, 'utf8')).toBe(`Copying output to ${f}.\n1+1 = 0x0000000000000002 (2)\nunknown command 'stpi' (did you mean 'stepi'?)\n`);
  });

  it('info symbol ADDR', async () => {
    expect(await ok('info symbol counter_main+8')).toBe('counter_main + 8');
    expect(await ok('info symbol counter_main')).toBe('counter_main');
    expect(await ok('info symbol 0')).toBe('No symbol matches 0 (0x0000000000000000).');
  });
});

describe('backtrace and info frame (issue 14)', () => {
  it('unwinds the kernel by stack scan, across the user→kernel interrupt frame, into the user stack', async () => {
    await ok('break counter_main');
    await ok('c');
    await ok('delete');
    await ok('break trap');
    await ok('c');
    await ok('c');
    const bt = await run('bt');
    expect(bt.text).toBe(
      [
        '#0  0x00000000001014c0 in trap ()  [CPL 0] sp=0x000000000011cf48',
        '#1  0x00000000001002f2 in trap_return ()  [CPL 0, scan] sp=0x000000000011cf50',
        '    <user→kernel: interrupt/SYSCALL frame at 0x000000000011cfd8: cs=0x23 ss=0x1b rflags=0x246>',
        '#2  0x00000000400000e8 in printf+232 ()  [CPL 3, trap] sp=0x00000000401ffed8',
        '#3  0x00000000400004dc in counter_main+60 ()  [CPL 3, scan] sp=0x00000000401fffe0',
      ].join('\n'),
    );
    const frames = (bt.json.result as { frames: { cpl: number; how: string; trap?: { cs: string } }[] }).frames;
    expect(frames.map((f) => [f.cpl, f.how])).toEqual([[0, 'regs'], [0, 'scan'], [3, 'trap'], [3, 'scan']]);
    expect(frames[2].trap?.cs).toBe('0x0000000000000023');
    expect(await ok('bt 2')).toMatch(/^#0 .*\n#1 [^\n]*$/);
    expect(await ok('info frame')).toBe(
      [
        'Stack level 0, frame at 0x000000000011cf50:',
        ' rip = 0x00000000001014c0 in trap; saved rip = 0x00000000001002f2',
        ' called by frame at 0x000000000011cf50 (trap_return), found by a stack scan',
        ' CPL 0 (cs=0x8, ss=0x10), rsp = 0x000000000011cf48',
        ' Saved registers:\n  rip at 0x000000000011cf48',
      ].join('\n'),
    );
  });
});

describe('VM state for hypervisor developers (issue 14)', () => {
  it('segments with descriptors and CPL, MSRs, GDT, IDT, page tables of any CR3, physical and cross-process memory', async () => {
    await ok('break counter_main');
    await ok('c');
    const seg = await run('info segments');
    expect(seg.text.split('\n').slice(0, 3)).toEqual([
      'Reg  Selector  Base                Limit       Type        DPL  Flags',
      'cs   0x0023    0x0000000000000000  0xffffffff  code R A      3  P S L G',
      'ss   0x001b    0x0000000000000000  0xffffffff  data W A      3  P S DB G',
    ]);
    expect(seg.text).toContain('tr   0x0028    0x0000000000104540  0x67        TSS (busy)    0  P');
    expect(seg.text.split('\n').slice(-3)).toEqual(['CPL 3', 'GDTR base=0x0000000000103000 limit=0x37', 'IDTR base=0x00000000001042c0 limit=0x27f']);
    expect((seg.json.result as { cpl: number }).cpl).toBe(3);

    expect(await ok('info msr lstar efer')).toBe(['MSR         Index       Value', 'IA32_LSTAR  0xc0000082  0x00000000001002b0', 'IA32_EFER   0xc0000080  0x0000000000000d01'].join('\n'));
    expect(await ok('p/a 0x1002b0')).toBe('0x1002b0 = 0x1002b0 <syscall_entry>');
    expect(await err('info msr nosuch')).toMatch(/^bad MSR 'ia32_nosuch'/);

    const gdt = (await ok('info gdt')).split('\n');
    expect(gdt[1]).toBe('  1  0x0008    0x0000000000000000  0xfffff  code R A      0  P S L G');
    expect(gdt[5]).toBe('  5  0x0028    0x0000000000104540  0x67     TSS (busy)    0  P');
    const idt = (await ok('info idt')).split('\n');
    expect(idt[1]).toBe('  0  0x0000000000100010  vmos_vectors      0x0008    interrupt gate    0    0  y');
    expect(idt).toHaveLength(1 + 40 + 1);

    const mem = (await ok('info mem')).split('\n');
    expect(mem.slice(0, 3)).toEqual([
      'Start               End                 Size                Rights',
      '0x0000000000000000  0x0000000004000000  0x0000000004000000  -rwx',
      '0x0000000040000000  0x0000000040001000  0x0000000000001000  ur-x',
    ]);
    expect(await ok('info tlb process 3')).toContain('0x0000000040100000  0x0000000000128000  4K    urw-');
    expect(await ok('translate count')).toBe('0x0000000040100010 → physical 0x000000000011d010 (cr3 0x0000000000117000)');
    expect(await ok('translate count process 3')).toBe('0x0000000040100010 → physical 0x0000000000128010 (cr3 0x0000000000122000)');
    expect(await err('translate count process counter')).toMatch(/^process 'counter' is ambiguous: pid 2 cr3 0x0000000000117000, pid 3 cr3 0x0000000000122000/);

    // The same bytes three ways: linear in the other counter (pid 3), physical, and through pid 2's CR3 from there.
    await ok('delete');
    await ok('break counter_main if cr3 == 0x122000');
    await ok('c');
    const pid2 = (await ok('x/1xg count cr3 0x117000')).split('  ')[1];
    expect(pid2).not.toBe('0x0000000000000000');
    expect(await ok('x/1xg phys 0x11d010')).toBe(`0x000000000011d010:  ${pid2}`);
    expect(await ok('x/1xg count')).toBe('0x0000000040100010 <count>:  0x0000000000000000');
    expect(await ok('p $__')).toBe('$__ = 0x0000000000000000 (0)');
    expect(await ok('p $_ == &count')).toBe('$_ == &count = 0x0000000000000001 (1)');
    expect(await err('x/1xg phys 0x100000000')).toMatch(/outside guest memory/);
  });
});
