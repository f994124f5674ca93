/**
 * `goto hit N` (commands.md "Time travel"): a hit logged while recording
 * carries its instruction count (an Icount column in `info hits`), and goto
 * lands exactly there, on the breakpoint; a hit logged before recording has
 * none, and the command says so.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/session.ts';
import { runLine } from '../../../src/commands/lang/registry.ts';
import { formatText } from '../../../src/commands/lang/format.ts';

let s: Session;
beforeEach(async () => {
  s = await Session.open({ backend: 'emu', image: 'vmos' });
});
afterEach(async () => {
  await s.close();
});

async function run(line: string): Promise<string> {
  const o = await runLine(s, line);
  if (o === null) throw new Error('empty line');
  return formatText(o.result);
}

describe('goto hit N', () => {
  it('goes to the instruction count each hit of the log happened at', async () => {
    await run('break schedule');
    await run('continue'); // hit 1: before recording
    expect(await run('info hits')).not.toMatch(/Icount/);
    await run('record');
    const at: number[] = [];
    for (let k = 0; k < 3; k++) {
      await run('continue');
      at.push(s.travel.info()!.icount);
    }
    const rip = s.registers().rip;
    const table = await run('info hits');
    expect(table).toMatch(/Icount/);
    for (const n of at) expect(table).toContain(String(n));
    expect(s.hits().map((h) => h.icount)).toEqual([undefined, ...at]);

    expect(await run('goto hit 2')).toMatch(/^Breakpoint 1 hit: /);
    expect(s.travel.info()!.icount).toBe(at[0]);
    expect(s.registers().rip).toBe(rip);
    await run('goto hit 4');
    expect(s.travel.info()!.icount).toBe(at[2]);
    expect(await run('goto hit 1')).toMatch(/hit 1 has no instruction count: it was logged while not recording/);
    expect(await run('goto hit 9')).toMatch(/no hit 9 in the hit log/);
    expect(await run('goto hit x')).toMatch(/hit/);
  });
});
