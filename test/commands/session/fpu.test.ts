/**
 * The x87/SSE registers the session shows (session/fpu.ts): the XSAVE
 * area's legacy region decoded field by field (SDM Vol. 1 Table 10-2), the
 * full tag word rebuilt from FXSAVE's abridged one (§10.5.1.1), and on emu
 * what KVM_GET_XSAVE2 reports for a vCPU at its entry state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTag, fullTagWord } from '../../../src/commands/session/fpu.ts';
import { Session } from '../../../src/commands/session/index.ts';
import { KVM_XSAVE_SIZE, readLegacyRegion } from '../../../src/core/uapi/xsave.ts';

const ONE = 0x3fff_8000_0000_0000_0000n; // 1.0
const NAN = 0x7fff_c000_0000_0000_0000n; // quiet NaN
const DENORMAL = 0x0000_0000_0000_0000_0001n;
const UNNORMAL = 0x3fff_0000_0000_0000_0001n; // integer bit clear, exponent not zero

function putLe(b: Uint8Array, off: number, v: bigint, len: number): void {
  for (let i = 0; i < len; i++) b[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

describe('x87 tags from the abridged tag byte', () => {
  it('classifies a register by its contents', () => {
    expect([ONE, 0n, NAN, DENORMAL, UNNORMAL].map(contentTag)).toEqual([0n, 1n, 2n, 2n, 2n]);
  });

  it('maps physical registers to ST(i) through TOP, empty where the abridged bit is clear', () => {
    // TOP = 6: ST(0) = R6 (1.0), ST(1) = R7 (zero); every other register empty.
    const st = [ONE, 0n, 0n, 0n, 0n, 0n, 0n, 0n];
    expect(fullTagWord(0b1100_0000, 6 << 11, st)).toBe(0x4fffn); // R7 zero (01), R6 valid (00), R0–R5 empty (11)
    expect(fullTagWord(0, 0, st)).toBe(0xffffn);
  });
});

describe('the XSAVE legacy region', () => {
  it('decodes every field at its offset', () => {
    const b = new Uint8Array(KVM_XSAVE_SIZE);
    putLe(b, 0, 0x037fn, 2); // FCW
    putLe(b, 2, 0x3000n, 2); // FSW: TOP = 6
    b[4] = 0xc0; // abridged tag
    putLe(b, 6, 0xf8dbn, 2); // FOP: 11 bits kept
    putLe(b, 8, 0x1122_3344n, 4);
    putLe(b, 12, 0x0023n, 4);
    putLe(b, 16, 0x5566_7788n, 4);
    putLe(b, 20, 0x002bn, 4);
    putLe(b, 24, 0x1f80n, 4); // MXCSR
    putLe(b, 32, ONE, 10); // ST(0)
    putLe(b, 32 + 16 * 7, NAN, 10); // ST(7)
    putLe(b, 160 + 16 * 15, 0x0102030405060708_090a0b0c0d0e0f10n, 16); // XMM15
    const r = readLegacyRegion(b);
    expect(r).toMatchObject({ fcw: 0x37f, fsw: 0x3000, abridgedTag: 0xc0, fop: 0x0db, fioff: 0x11223344, fiseg: 0x23, fooff: 0x55667788, foseg: 0x2b, mxcsr: 0x1f80 });
    expect(r.st[0]).toBe(ONE);
    expect(r.st[7]).toBe(NAN);
    expect(r.xmm[15]).toBe(0x0102030405060708_090a0b0c0d0e0f10n);
    expect(r.xmm[0]).toBe(0n);
  });
});

describe('fpuRegisters on emu', () => {
  let s: Session;
  beforeAll(async () => {
    s = await Session.open({ backend: 'emu' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('reports what KVM_GET_XSAVE2 fills in: the reset FCW and MXCSR, every register empty', () => {
    const f = s.fpuRegisters();
    expect(f).not.toBeNull();
    expect(f!.fctrl).toBe(0x37fn);
    expect(f!.mxcsr).toBe(0x1f80n);
    expect(f!.ftag).toBe(0xffffn);
    expect(Object.keys(f!)).toEqual([
      ...Array.from({ length: 8 }, (_, k) => `st${k}`), 'fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop',
      ...Array.from({ length: 16 }, (_, k) => `xmm${k}`), 'mxcsr',
    ]);
  });
});
