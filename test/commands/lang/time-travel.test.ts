/**
 * The time-travel commands (commands.md "Time travel") on an emulated vmos
 * session: record / info record / record stop, reverse-stepi, bookmark,
 * goto, info bookmarks, set record memory, and their errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/session.ts';
import { runLine } from '../../../src/commands/lang/registry.ts';
import { formatText } from '../../../src/commands/lang/format.ts';

let s: Session;
beforeEach(async () => {
  s = await Session.open({ backend: 'emu' });
});
afterEach(async () => {
  await s.close();
});

async function run(line: string): Promise<{ kind: string; text: string }> {
  const o = await runLine(s, line);
  if (o === null) throw new Error('empty line');
  return { kind: o.result.kind, text: formatText(o.result) };
}

describe('time-travel commands', () => {
  it('record, step forward, reverse-stepi back, bookmarks and goto', async () => {
    expect((await run('info record')).text).toBe('Not recording.');
    expect((await run('reverse-stepi')).text).toMatch(/not recording: `record` first/);
    expect((await run('record')).text).toMatch(/^Recording from icount 0 to 0; now at 0\./);
    await run('run-for 5000');
    const rip5000 = s.registers().rip;
    expect((await run('bookmark five')).text).toBe('Bookmark five at icount 5000.');
    await run('stepi 3');
    const back = await run('rsi 3');
    expect(back.kind).toBe('stop');
    expect(s.registers().rip).toBe(rip5000);
    expect((await run('info record')).text).toMatch(/now at 5000 \(replaying the recorded future\)/);
    await run('goto icount 100');
    expect(s.travel.info()!.icount).toBe(100);
    await run('goto five');
    expect(s.registers().rip).toBe(rip5000);
    expect((await run('info bookmarks')).text).toMatch(/five\s+5000/);
    expect((await run('goto nowhere')).text).toMatch(/no bookmark 'nowhere'/);
    expect((await run('set record memory 64M')).text).toBe('Record memory: 64.0 MiB.');
    expect((await run('set record memory lots')).text).toMatch(/usage: set record memory SIZE/);
    // reverse-nexti / reverse-finish: over the CALL of new_address_space (test/commands/session/reverse-frames.test.ts has the rules)
    s.addBreakpoint({ kind: 'break', addr: s.symbols.address('new_address_space'), location: 'new_address_space' });
    await run('continue');
    s.deleteBreakpoint();
    const entry = s.travel.info()!.icount;
    expect((await run('reverse-nexti')).kind).toBe('stop');
    expect(s.travel.info()!.icount).toBe(entry - 1);
    const callRip = s.registers().rip;
    await run('nexti');
    expect((await run('rni')).text).toMatch(/^Stepped: /);
    expect(s.registers().rip).toBe(callRip);
    await run('goto icount ' + (entry + 3));
    await run('reverse-finish');
    expect(s.travel.info()!.icount).toBe(entry - 1);
    expect((await run('reverse-finish now')).text).toMatch(/'reverse-finish' takes no arguments/);
    expect((await run('record stop')).text).toMatch(/Recording stopped/);
    expect((await run('goto five')).text).toMatch(/not recording/);
  });

  it('reverse-continue honours condition expressions and the filter: hits that fail them are passed over, going back', async () => {
    await run('record');
    await run('break schedule');
    const forward: { icount: number; cr3: bigint }[] = [];
    for (let k = 0; k < 5; k++) {
      expect((await run('continue')).text).toMatch(/^Breakpoint 1 hit/);
      forward.push({ icount: s.travel.info()!.icount, cr3: s.registers().cr3 });
    }
    const cr3s = [...new Set(forward.map((h) => h.cr3))];
    expect(cr3s.length).toBeGreaterThan(1);
    const keep = forward.at(-2)!.cr3;
    const wanted = forward.slice(0, -1).filter((h) => h.cr3 === keep).map((h) => h.icount).reverse();
    const other = forward.slice(0, -1).filter((h) => h.cr3 !== keep);
    expect(other.length).toBeGreaterThan(0);

    const backTo = async (): Promise<number[]> => {
      const seen: number[] = [];
      for (;;) {
        const r = await run('reverse-continue');
        if (!/^Breakpoint 1 hit/.test(r.text)) return seen;
        seen.push(s.travel.info()!.icount);
      }
    };
    // A condition expression (evaluated by the language at each hit, as gdb does in either direction).
    await run(`condition 1 $cr3 == 0x${keep.toString(16)}`);
    expect(await backTo()).toEqual(wanted);
    // The process filter (the session passes over hits in other processes).
    await run('condition 1');
    await run(`goto icount ${forward.at(-1)!.icount}`);
    await run(`filter cr3 0x${keep.toString(16)}`);
    expect(await backTo()).toEqual(wanted);
  });

  it('set record memory: over the cap every other snapshot goes and the interval doubles, as info record reports', async () => {
    expect((await run('set record memory 65M')).text).toBe('Record memory: 65.0 MiB.');
    await run('record');
    for (let k = 0; k < 30; k++) await run('run-for 50000');
    const info = (await run('info record')).text;
    const m = /(\d+) snapshot\(s\), every (\d+) instructions or more; ([\d.]+) MiB of 65\.0 MiB; (\d+) dropped to stay under it\./.exec(info);
    expect(m, info).not.toBeNull();
    const [snapshots, interval, mib, dropped] = [Number(m![1]), Number(m![2]), Number(m![3]), Number(m![4])];
    expect(interval).toBeGreaterThan(50_000);
    expect(dropped).toBeGreaterThan(0);
    expect(snapshots).toBeLessThan(30);
    expect(mib).toBeLessThanOrEqual(65);
    // Still exact: back to a point between the snapshots that are left.
    await run('goto icount 123457');
    const rip = s.registers().rip;
    const fresh = await Session.open({ backend: 'emu' });
    try {
      await fresh.runFor(123_457);
      expect(fresh.registers().rip).toBe(rip);
    } finally {
      await fresh.close();
    }
  });
});
