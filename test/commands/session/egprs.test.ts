/**
 * R16–R31 in the debug session: read and written through the uAPI
 * (KVM_GET_XSAVE2 / KVM_SET_XSAVE, APX's XSAVE component) while the bundled
 * guest's `apx` program has XCR0.APX set; absent, with a clear error, before.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/index.ts';

describe('R16–R31 in the session (emu, vmos apx program)', () => {
  it('are absent without APX, then shown and writable at apx_check after apx_fill ran', async () => {
    const s = await Session.open({ backend: 'emu', image: 'vmos' });
    try {
      expect(s.registers().r16).toBeUndefined();
      expect(() => s.setRegister('r16', 1n)).toThrow(/exist only with APX enabled/);
      s.addBreakpoint({ kind: 'break', addr: s.symbols.address('apx_check'), location: 'apx_check' });
      const stop = await s.cont(1);
      expect(stop).toMatchObject({ reason: 'breakpoint', process: 'apx' });
      const regs = s.registers();
      // apx_fill(seed) left R(16+i) = seed + i; apx_check(seed) is called with the same seed in rdi.
      const seed = regs.rdi;
      for (let i = 0; i < 16; i++) expect(regs[`r${16 + i}`]).toBe(seed + BigInt(i));
      expect(s.vcpuInfo()).toMatchObject({ apx: true });
      expect(s.vcpuInfo().egprsUnavailable).toBeUndefined();
      s.setRegister('r20', 0x1234n);
      expect(s.registers().r20).toBe(0x1234n);
      expect(s.registers().r21).toBe(seed + 5n);
    } finally {
      await s.close();
    }
  });
});
