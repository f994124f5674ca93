/**
 * An execution command that cannot start (its own INT3 with nowhere to go
 * under the current CR3) fails and leaves the session stopped and usable: it
 * used to fail after the session had marked itself running, and every later
 * command then answered "a command is already running". A user's breakpoint
 * with nowhere to go is pending instead (issue 10 item 13), not a failure.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/index.ts';

describe('a command that cannot start', () => {
  it('fails naming the breakpoint, and the session stays stopped and usable', async () => {
    const s = await Session.open({ image: 'tiny' });
    try {
      s.addBreakpoint({ kind: 'break', addr: 0x10013n, location: '0x10013' });
      const cr3 = s.registers().cr3;
      s.setRegister('cr3', 0x800000n); // a zeroed page: nothing is mapped through it
      await expect(s.until(0x10013n)).rejects.toThrow(/cannot insert a breakpoint at 0x10013: not mapped: PML4E\[0\] not present/);
      expect(s.state).toBe('stopped');
      expect(s.breakpoints()[0].pending).toBe(true);
      s.setRegister('cr3', cr3);
      const stop = await s.cont(1);
      expect([stop.reason, stop.rip]).toEqual(['breakpoint', 0x10013n]);
    } finally {
      await s.close();
    }
  });
});
