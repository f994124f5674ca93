/**
 * Reader for the host reference vectors (test/emu/sse/gen/vecfile.h has the
 * layout) and a checker that runs an operation under every recorded MXCSR
 * setting and compares result bytes, MXCSR flags and faulting.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SseState } from '../../../src/emu/sse/mxcsr.ts';

const DIR = new URL('./vectors/', import.meta.url);

export interface Rec {
  a: Uint8Array;
  b: Uint8Array;
  c: Uint8Array;
  imm: number;
  /** Per config: expected result bytes and flags (bit 7: faulted). */
  res: Uint8Array[];
  flags: number[];
}
export interface Vectors {
  name: string;
  aBytes: number;
  bBytes: number;
  resBytes: number;
  configs: number[];
  records: Rec[];
}

export function loadVectors(name: string): Vectors {
  const buf = gunzipSync(readFileSync(new URL(`${name}.bin.gz`, DIR)));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.subarray(0, 4).toString() !== 'SSEV') throw new Error(`${name}: not a vector file`);
  let o = 8;
  const u32 = (): number => {
    const v = dv.getUint32(o, true);
    o += 4;
    return v;
  };
  const aB = u32(), bB = u32(), cB = u32(), hasImm = u32(), resB = u32(), nc = u32();
  const configs = Array.from({ length: nc }, u32);
  const n = u32();
  const bytes = (k: number): Uint8Array => {
    const v = new Uint8Array(buf.subarray(o, o + k));
    o += k;
    return v;
  };
  const records: Rec[] = [];
  for (let r = 0; r < n; r++) {
    const a = bytes(aB), b = bytes(bB), c = bytes(cB);
    const imm = hasImm ? buf[o++] : 0;
    const res: Uint8Array[] = [], flags: number[] = [];
    for (let k = 0; k < nc; k++) {
      res.push(bytes(resB));
      flags.push(buf[o++]);
    }
    records.push({ a, b, c, imm, res, flags });
  }
  if (o !== buf.length) throw new Error(`${name}: ${buf.length - o} trailing bytes`);
  return { name, aBytes: aB, bBytes: bB, resBytes: resB, configs, records };
}

export const hex = (u: Uint8Array): string =>
  Array.from(u).reverse().map((v) => v.toString(16).padStart(2, '0')).join('');

/**
 * Run `run` for every record and config of vector file `name`. Before each
 * run xmm0 holds a (rest filled with a pattern), xmm1 holds b, MXCSR the
 * config. `run` returns true when it reports an unmasked exception; `out`
 * gives the bytes to compare (default: xmm0). Returns mismatch descriptions
 * (at most `limit`) and the number of comparisons.
 */
export function checkVectors(
  name: string,
  run: (st: SseState, rec: Rec) => boolean,
  out?: (st: SseState) => Uint8Array,
  limit = 12,
): { bad: string[]; count: number; mismatches: number } {
  const v = loadVectors(name);
  const st = new SseState();
  const bad: string[] = [];
  let count = 0, mismatches = 0;
  const fill = (reg: number, bytes: Uint8Array): void => {
    for (let k = 0; k < 16; k++) st.x.u8[reg * 16 + k] = 0xa5 ^ (k * 17);
    st.x.u8.set(bytes.subarray(0, 16), reg * 16);
  };
  for (const rec of v.records) {
    for (let c = 0; c < v.configs.length; c++) {
      fill(0, rec.a.length ? rec.a : rec.b);
      fill(1, rec.b);
      fill(2, rec.c);
      const before = st.x.u8.slice(0, 16);
      st.mxcsr = v.configs[c];
      const faulted = run(st, rec);
      const want = rec.flags[c];
      const got = (st.mxcsr & 0x3f) | (faulted ? 0x80 : 0);
      const res = faulted ? before : (out ? out(st) : st.x.u8.subarray(0, 16)).subarray(0, v.resBytes);
      const wantRes = want & 0x80 ? (out ? res : before) : rec.res[c];
      count++;
      const resOk = res.length === wantRes.length && res.every((x, k) => x === wantRes[k]);
      if (got !== want || !resOk || (st.mxcsr & ~0x3f) !== (v.configs[c] & ~0x3f)) {
        mismatches++;
        if (bad.length < limit) {
          bad.push(
            `${name} a=${hex(rec.a)} b=${hex(rec.b)}${rec.c.length ? ` c=${hex(rec.c)}` : ''} imm=${rec.imm} ` +
              `mxcsr=${v.configs[c].toString(16)}: got ${hex(res)} fl=${got.toString(16)}, ` +
              `want ${hex(wantRes)} fl=${want.toString(16)}`,
          );
        }
      }
    }
  }
  return { bad, count, mismatches };
}

/** RFLAGS CF PF AF ZF SF OF → the vector files' flag bits 0-5. */
export function packRflags(f: number): number {
  return (f & 1) | ((f >> 1) & 2) | ((f >> 2) & 4) | ((f >> 3) & 8) | ((f >> 3) & 16) | ((f >> 6) & 32);
}

/**
 * For the integer files (one config): xmm0 = a, xmm1 = b, xmm2 = c, then
 * `run` returns the packed flags it produced (0 where the instruction writes
 * no RFLAGS); compared with the result bytes (`out`, default xmm0).
 */
export function checkIntVectors(
  name: string,
  run: (st: SseState, rec: Rec) => number,
  out?: (st: SseState) => Uint8Array,
): { bad: string[]; count: number } {
  const v = loadVectors(name);
  const st = new SseState();
  const bad: string[] = [];
  for (const rec of v.records) {
    for (let k = 0; k < 48; k++) st.x.u8[k] = 0xa5 ^ (k * 17);
    st.x.u8.set(rec.a.length ? rec.a : rec.b, 0);
    st.x.u8.set(rec.b, 16);
    st.x.u8.set(rec.c, 32);
    const fl = run(st, rec);
    const res = (out ? out(st) : st.x.u8.subarray(0, 16)).subarray(0, v.resBytes);
    const want = rec.res[0];
    if (fl !== rec.flags[0] || !res.every((x, k) => x === want[k])) {
      if (bad.length < 12) {
        bad.push(
          `${name} a=${hex(rec.a)} b=${hex(rec.b)}${rec.c.length ? ` c=${hex(rec.c)}` : ''} imm=${rec.imm}: ` +
            `got ${hex(res)} fl=${fl.toString(16)}, want ${hex(want)} fl=${rec.flags[0].toString(16)}`,
        );
      }
    }
  }
  return { bad, count: v.records.length };
}
