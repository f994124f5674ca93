/** Integer SIMD helpers and CRC32 bit-exact against the host vectors. */
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../src/emu/sse/crc32.ts';
import {
  mpsadbw, pabs, pavg, pcmpgtq, phaddsub, phminposuw, pmaddubsw, pmaddwd, pmuldq, pmulhrsw, pmulhw, pmulld, psadbw, psign,
} from '../../../src/emu/sse/int-arith.ts';
import { SHIFT_ARITH, SHIFT_LEFT, SHIFT_RIGHT, pbyteShift, pshift, xmmCount } from '../../../src/emu/sse/int-shift.ts';
import { blendv, insertps, pack, palignr, pmovx, pshufb, ptest } from '../../../src/emu/sse/int-shuffle.ts';
import type { SseState } from '../../../src/emu/sse/mxcsr.ts';
import { StrCmpResult, pcmpstr, strIndex, strMask } from '../../../src/emu/sse/pcmpstr.ts';
import { type Rec, checkIntVectors, packRflags } from './vectors.ts';

type Run = (st: SseState, rec: Rec) => number;
const op = (f: (st: SseState, rec: Rec) => void): Run => (st, rec) => (f(st, rec), 0);
const i32 = (u: Uint8Array, o = 0): number => u[o] | (u[o + 1] << 8) | (u[o + 2] << 16) | (u[o + 3] << 24);

const VECTOR_OPS: Record<string, Run> = {
  pshufb: op((s) => pshufb(s.x, 0, 1)),
  palignr: op((s, r) => palignr(s.x, 0, 1, r.imm)),
  pmaddwd: op((s) => pmaddwd(s.x, 0, 1)),
  pmaddubsw: op((s) => pmaddubsw(s.x, 0, 1)),
  psadbw: op((s) => psadbw(s.x, 0, 1)),
  mpsadbw: op((s, r) => mpsadbw(s.x, 0, 1, r.imm)),
  phminposuw: op((s) => phminposuw(s.x, 0, 1)),
  packsswb: op((s) => pack(s.x, 0, 1, 2, false)),
  packssdw: op((s) => pack(s.x, 0, 1, 4, false)),
  packuswb: op((s) => pack(s.x, 0, 1, 2, true)),
  packusdw: op((s) => pack(s.x, 0, 1, 4, true)),
  pmulhrsw: op((s) => pmulhrsw(s.x, 0, 1)),
  pmulhuw: op((s) => pmulhw(s.x, 0, 1, false)),
  pmulhw: op((s) => pmulhw(s.x, 0, 1, true)),
  pavgb: op((s) => pavg(s.x, 0, 1, 1)),
  pavgw: op((s) => pavg(s.x, 0, 1, 2)),
  psignb: op((s) => psign(s.x, 0, 1, 1)),
  psignw: op((s) => psign(s.x, 0, 1, 2)),
  psignd: op((s) => psign(s.x, 0, 1, 4)),
  pabsb: op((s) => pabs(s.x, 0, 1, 1)),
  pabsw: op((s) => pabs(s.x, 0, 1, 2)),
  pabsd: op((s) => pabs(s.x, 0, 1, 4)),
  pblendvb: op((s) => blendv(s.x, 0, 1, 2, 1)),
  blendvps: op((s) => blendv(s.x, 0, 1, 2, 4)),
  blendvpd: op((s) => blendv(s.x, 0, 1, 2, 8)),
  insertps: op((s, r) => insertps(s.x, 0, 1, r.imm, false)),
  ptest: (s) => packRflags(ptest(s.x, 0, 1)),
  phaddw: op((s) => phaddsub(s.x, 0, 1, 2, false, false)),
  phaddd: op((s) => phaddsub(s.x, 0, 1, 4, false, false)),
  phaddsw: op((s) => phaddsub(s.x, 0, 1, 2, false, true)),
  phsubw: op((s) => phaddsub(s.x, 0, 1, 2, true, false)),
  phsubd: op((s) => phaddsub(s.x, 0, 1, 4, true, false)),
  phsubsw: op((s) => phaddsub(s.x, 0, 1, 2, true, true)),
  pmuludq: op((s) => pmuldq(s.x, 0, 1, false)),
  pmuldq: op((s) => pmuldq(s.x, 0, 1, true)),
  pmulld: op((s) => pmulld(s.x, 0, 1)),
  pcmpgtq: op((s) => pcmpgtq(s.x, 0, 1)),
  pslldq: op((s, r) => pbyteShift(s.x, 0, r.imm, true)),
  psrldq: op((s, r) => pbyteShift(s.x, 0, r.imm, false)),
};
for (const [name, size, kind] of [
  ['psllw', 2, SHIFT_LEFT], ['pslld', 4, SHIFT_LEFT], ['psllq', 8, SHIFT_LEFT],
  ['psrlw', 2, SHIFT_RIGHT], ['psrld', 4, SHIFT_RIGHT], ['psrlq', 8, SHIFT_RIGHT],
  ['psraw', 2, SHIFT_ARITH], ['psrad', 4, SHIFT_ARITH],
] as const) {
  VECTOR_OPS[name] = op((s) => pshift(s.x, 0, xmmCount(s.x, 1), size, kind));
}
for (const [sx, signed] of [['sx', true], ['zx', false]] as const) {
  for (const [pair, from, to] of [['bw', 1, 2], ['bd', 1, 4], ['bq', 1, 8], ['wd', 2, 4], ['wq', 2, 8], ['dq', 4, 8]] as const) {
    VECTOR_OPS[`pmov${sx}${pair}`] = op((s) => pmovx(s.x, 0, 1, from, to, signed));
  }
}

describe('integer SIMD helpers vs host', () => {
  for (const [name, run] of Object.entries(VECTOR_OPS)) {
    it(name, () => {
      const r = checkIntVectors(name, run);
      expect(r.bad).toEqual([]);
      expect(r.count).toBeGreaterThanOrEqual(200);
    });
  }

  for (const [name, bytes] of [['crc32b', 1], ['crc32w', 2], ['crc32l', 4], ['crc32q', 8]] as const) {
    it(name, () => {
      const out = new Uint8Array(8), dv = new DataView(out.buffer);
      const r = checkIntVectors(
        name,
        (st, rec) => {
          const b = new Uint8Array(8);
          b.set(rec.b);
          dv.setInt32(0, crc32c(i32(rec.a), i32(b), i32(b, 4), bytes), true);
          return 0;
        },
        () => out.subarray(0, bytes === 8 ? 8 : 4),
      );
      expect(r.bad).toEqual([]);
      expect(r.count).toBe(300);
    });
  }

  for (const explicit of [true, false]) {
    for (const mask of [false, true]) {
      const name = `pcmp${explicit ? 'e' : 'i'}str${mask ? 'm' : 'i'}`;
      it(`${name} (random imm8, lengths, strings)`, () => {
        const res = new StrCmpResult(), ecx = new Uint8Array(4), dv = new DataView(ecx.buffer);
        const r = checkIntVectors(
          name,
          (st, rec) => {
            pcmpstr(st.x, 0, 1, rec.imm, !explicit, explicit ? i32(rec.c) : 0, explicit ? i32(rec.c, 4) : 0, res);
            if (mask) strMask(st.x, rec.imm, res);
            else dv.setUint32(0, strIndex(rec.imm, res), true);
            return packRflags(res.flags);
          },
          mask ? undefined : () => ecx,
        );
        expect(r.bad).toEqual([]);
        expect(r.count).toBe(4000);
      });
    }
  }
});
