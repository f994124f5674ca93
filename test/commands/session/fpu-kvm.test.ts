/**
 * The x87/SSE views on /dev/kvm: what real instructions left (MOVD, PCMPEQD,
 * FLD1, FLDPI at CPL 3, test/support/fpu-guest.ts) as `print $xmm0`,
 * `print $st0` and `info float` show it; and a debug session on kvm writing
 * lanes and reading them back from the kernel (through KVM_GET/SET_XSAVE:
 * test/commands/session/fpu-uapi-kvm.test.ts shows the guest then runs with them).
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../../src/commands/session/index.ts';
import { fpuFromLegacy } from '../../../src/commands/session/fpu.ts';
import { KVM_FPU, readLegacyRegion } from '../../../src/core/uapi/xsave.ts';
import { fpuValue, fpuValueText, parseFpuPath } from '../../../src/commands/lang/fpu-expr.ts';
import { floatInfoLines } from '../../../src/commands/lang/fpu-info.ts';
import { runLine } from '../../../src/commands/lang/registry.ts';
import { formatText } from '../../../src/commands/lang/format.ts';
import { runFpuGuestOnKvm } from '../../support/fpu-guest.ts';
import { kvmSkipReason } from '../../core/kvm/available.ts';

const skip = kvmSkipReason('x87/SSE views on /dev/kvm');

describe.skipIf(skip)('x87/SSE on /dev/kvm', () => {
  it('prints the registers real instructions left, in gdb’s forms', () => {
    const r = runFpuGuestOnKvm();
    const f = fpuFromLegacy(readLegacyRegion(r.xsave)); // what the session reads
    // KVM_GET_FPU agrees on XMM
    expect(Array.from(r.fpu.subarray(KVM_FPU.xmm, KVM_FPU.xmm + 256))).toEqual(f.xmm.flatMap((b) => Array.from(b)));
    const p = (path: string) => fpuValueText(fpuValue(parseFpuPath(path)!, f));
    expect(p('$xmm0.v4_float')).toBe('{1.5, 0, 0, 0}');
    expect(p('$xmm1.v4_int32')).toBe('{-1, -1, -1, -1}');
    expect(p('$xmm1.v16_int8')).toBe('{-1 <repeats 16 times>}');
    expect(p('$xmm1.v2_double')).toBe('{-nan(0xfffffffffffff), -nan(0xfffffffffffff)}');
    expect(p('$st0')).toBe('3.14159265358979323851');
    expect(p('$st1')).toBe('1');
    expect(f.ftag).toBe(0x0fff); // R7, R6 valid; the rest empty
    const info = floatInfoLines(f);
    expect(info.slice(0, 3)).toEqual([
      '  R7: Valid   0x3fff8000000000000000 +1',
      '=>R6: Valid   0x4000c90fdaa22168c235 +3.141592653589793239',
      '  R5: Empty   0x00000000000000000000',
    ]);
    expect(info[10]).toBe('                       TOP: 6');
    expect(info[14]).toBe('Tag Word:            0x0fff');
  });

  it('a kvm session writes lanes and $st0 (KVM_SET_XSAVE) and reads them back (KVM_GET_XSAVE)', async () => {
    const s = await Session.open({ backend: 'kvm' });
    try {
      const run = async (line: string) => formatText((await runLine(s, line))!.result);
      await run('set $xmm5.v4_float[2] = 2.5');
      await run('set $xmm5.v8_int16[0] = -3');
      await run('set $st3 = -0.125');
      // lane 0 is now 0x0000fffd: the subnormal 65533 · 2^-149
      expect(await run('p $xmm5.v4_float')).toBe('$xmm5.v4_float = {9.18312923e-41, 0, 2.5, 0}');
      expect(await run('p $xmm5.v8_int16[0]')).toBe('$xmm5.v8_int16[0] = -3');
      expect(await run('p $st3')).toBe('$st3 = -0.125');
      expect(Array.from(s.fpu().xmm[5].subarray(0, 2))).toEqual([0xfd, 0xff]);
    } finally {
      await s.close();
    }
  }, 30_000);
});
