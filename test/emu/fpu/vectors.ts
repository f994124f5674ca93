/**
 * The host-FPU reference vectors (fixtures/f80-vectors.json, made by
 * fixtures/gen-f80.sh; record format in gen-f80.c) and a runner that replays
 * one on an X87State the way the generator ran it on hardware:
 * FNINIT; FLDCW; loads; op — then compares FSW, the full tag word, every
 * non-empty ST(i), the memory operand and (FCOMI) RFLAGS.
 */
import { readFileSync } from 'node:fs';
import { X87State } from '../../../src/emu/fpu/x87-state.ts';
import { f80Adjacent } from './f80-ulp.ts';

export interface Vec {
  line: string;
  cw: number;
  a: F80;
  b: F80;
  memIn: Uint8Array | undefined;
  fsw: number;
  ftw: number;
  st: Map<number, F80>;
  memOut: Uint8Array | undefined;
  eflags: number;
}

export interface F80 { se: number; hi: number; lo: number }

function f80(h: string): F80 {
  return { se: parseInt(h.slice(0, 4), 16), hi: parseInt(h.slice(4, 12), 16), lo: parseInt(h.slice(12, 20), 16) };
}

function mem(h: string): Uint8Array | undefined {
  if (h === '-') return undefined;
  const m = new Uint8Array(10);
  for (let k = 0; k < 10; k++) m[9 - k] = parseInt(h.slice(2 * k, 2 * k + 2), 16);
  return m;
}

/** Parse a gen-f80.c output file (the "fxsave" set, of another format, is left out: x87-save.test.ts reads it). */
export function loadVectors(file: URL | string): Record<string, Vec[]> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  const out: Record<string, Vec[]> = {};
  for (const [op, lines] of Object.entries(raw)) {
    if (op === 'fxsave') continue;
    out[op] = lines.map((line) => {
      const [inp, res, m, fl] = line.split('|');
      const [cw, a, b, mi] = inp.split(' ');
      const [fsw, ftw, ...regs] = res.split(' ');
      const st = new Map<number, F80>();
      for (const r of regs) st.set(Number(r.slice(0, r.indexOf(':'))), f80(r.slice(r.indexOf(':') + 1)));
      return {
        line, cw: parseInt(cw, 16), a: f80(a), b: f80(b), memIn: mem(mi), fsw: parseInt(fsw, 16), ftw: parseInt(ftw, 16),
        st, memOut: mem(m), eflags: parseInt(fl, 16),
      };
    });
  }
  return out;
}

export const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');
export const fmt = (v: F80): string => hex(v.se, 4) + hex(v.hi, 8) + hex(v.lo, 8);

/** What an op did beyond the state: the memory operand after it and RFLAGS (ZF/PF/CF…). */
export interface Extra { mem: Uint8Array; eflags: number }

/** Differences between the state after replay and the vector ('' when none). */
export function diff(v: Vec, s: X87State, x: Extra): string {
  const out: string[] = [];
  if (s.statusWord() !== v.fsw) out.push(`fsw ${hex(s.statusWord(), 4)} != ${hex(v.fsw, 4)}`);
  if (s.tagWord() !== v.ftw) out.push(`ftw ${hex(s.tagWord(), 4)} != ${hex(v.ftw, 4)}`);
  for (let i = 0; i < 8; i++) {
    const want = v.st.get(i);
    if (!want || s.isEmpty(i)) continue;
    const got = fmt({ se: s.stSe(i), hi: s.stHi(i), lo: s.stLo(i) });
    if (got !== fmt(want)) out.push(`st${i} ${got} != ${fmt(want)}`);
  }
  const wantMem = v.memOut ?? new Uint8Array(10).fill(0xa5);
  if (Buffer.compare(Buffer.from(x.mem.subarray(0, 10)), Buffer.from(wantMem)) !== 0)
    out.push(`mem ${Buffer.from(x.mem.subarray(0, 10)).reverse().toString('hex')} != ${Buffer.from(wantMem).reverse().toString('hex')}`);
  if (x.eflags !== v.eflags) out.push(`eflags ${hex(x.eflags, 4)} != ${hex(v.eflags, 4)}`);
  return out.join(', ');
}

/**
 * Whether the state after replay is the vector's within one ulp: equal but
 * for at most one stack register holding the neighbour of the hardware's
 * value (same sign) and FSW.C1 (the rounded-up flag) — the x87
 * transcendentals' documented accuracy (SDM Vol. 1 8.3.10: ≤ 1 ulp).
 */
export function within1Ulp(v: Vec, s: X87State, x: Extra): boolean {
  if ((s.statusWord() ^ v.fsw) & ~0x0200) return false;
  if (s.tagWord() !== v.ftw || diffMemAndFlags(v, x)) return false;
  let off = 0;
  for (let i = 0; i < 8; i++) {
    const want = v.st.get(i);
    if (!want || s.isEmpty(i)) continue;
    const got = { se: s.stSe(i), hi: s.stHi(i), lo: s.stLo(i) };
    if (fmt(got) === fmt(want)) continue;
    if (!f80Adjacent([got.se, got.hi, got.lo], [want.se, want.hi, want.lo]) || ++off > 1) return false;
  }
  return true;
}

function diffMemAndFlags(v: Vec, x: Extra): boolean {
  const wantMem = v.memOut ?? new Uint8Array(10).fill(0xa5);
  return Buffer.compare(Buffer.from(x.mem.subarray(0, 10)), Buffer.from(wantMem)) !== 0 || x.eflags !== v.eflags;
}
