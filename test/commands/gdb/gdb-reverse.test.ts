/**
 * The real gdb's reverse-stepi and reverse-continue against vdbg's server
 * (bs / bc, announced as ReverseStep+;ReverseContinue+ on emu) land where
 * vdbg's own reverse-continue and reverse-stepi land in a second session
 * run the same way (the machine is deterministic); going back past the
 * start of the recording is gdb's "No more reverse-execution history".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GdbServer } from '../../../src/commands/gdb/server.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { closeEmuServer, gdbSkipReason, openEmuServer, runGdb } from './gdb-binary.ts';

describe.skipIf(gdbSkipReason !== null)('the real gdb going back in time (emu, vmos)', () => {
  let s: Session;
  let server: GdbServer;

  beforeAll(async () => ({ s, server } = await openEmuServer()));
  afterAll(() => closeEmuServer(s, server));

  it('is refused in words before recording', async () => {
    const out = await runGdb(server.port, ['reverse-stepi']);
    expect(out).toMatch(/not recording: `monitor record` first/);
  });

  it('reverse-continue and reverse-stepi land where vdbg lands them', async () => {
    s.travel.record();
    await runGdb(server.port, ['break schedule', 'continue', 'continue', 'continue']);
    const out = await runGdb(server.port, ['break schedule', 'reverse-continue', 'p $pc', 'reverse-stepi', 'p $pc']);
    const gdbAt = { icount: s.travel.info()!.icount, rip: s.registers().rip };
    expect(out).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in schedule \(\)/);

    const v = await Session.open({ backend: 'emu' });
    try {
      v.travel.record();
      v.addBreakpoint({ kind: 'break', addr: v.symbols.address('schedule'), location: 'schedule' });
      for (let k = 0; k < 3; k++) expect((await v.cont()).reason).toBe('breakpoint');
      const rc = await v.travel.reverseContinue();
      expect(rc.reason).toBe('breakpoint');
      expect(out).toContain(`= (void (*)()) 0x${rc.rip.toString(16)} <schedule>`);
      await v.travel.reverseStepi(1);
      expect(gdbAt).toEqual({ icount: v.travel.info()!.icount, rip: v.registers().rip });
      expect(out).toContain(`= (void (*)()) 0x${gdbAt.rip.toString(16)}`);
    } finally {
      await v.close();
    }
  });

  it('past the start of the recording: replaylog:begin, gdb says no more history', async () => {
    const start = s.travel.info()!.start;
    const out = await runGdb(server.port, [`monitor goto icount ${start}`, 'reverse-stepi']);
    expect(out).toMatch(/No more reverse-execution history/);
    expect(s.travel.info()!.icount).toBe(start);
  });

  it('property through bc/bs: reverse-continue meets the forward hits in reverse order; reverse-stepi N then stepi N comes back', async () => {
    if (s.travel.recording) s.travel.stop();
    const cmds = ['monitor record', 'break schedule'];
    for (let k = 0; k < 4; k++) cmds.push('continue', 'monitor info record');
    for (let k = 0; k < 3; k++) cmds.push('reverse-continue', 'monitor info record');
    cmds.push('p $pc', 'reverse-stepi', 'reverse-stepi', 'reverse-stepi', 'stepi', 'stepi', 'stepi', 'monitor info record', 'p $pc');
    const out = await runGdb(server.port, cmds);
    const now = [...out.matchAll(/now at (\d+)/g)].map((m) => Number(m[1])).slice(1); // after `monitor record`'s own
    expect(now, out).toHaveLength(8);
    const forward = now.slice(0, 4), back = now.slice(4, 7);
    expect(new Set(forward).size).toBe(4);
    expect(back).toEqual(forward.slice(0, 3).reverse());
    expect(now[7]).toBe(back[2]);
    const pcs = [...out.matchAll(/\$\d+ = \(void \(\*\)\(\)\) (0x[0-9a-f]+)/g)].map((m) => m[1]);
    expect(pcs).toHaveLength(2);
    expect(pcs[1]).toBe(pcs[0]);
  });
});
