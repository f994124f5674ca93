/**
 * Replays every host-FPU reference vector (see vectors.ts) on the emulated
 * x87 and requires bit-exact agreement: FSW (flags, C0–C3, SF, ES, TOP), the
 * full tag word, the stack registers, memory results and RFLAGS.
 */
import { describe, expect, it } from 'vitest';
import { X87State } from '../../../src/emu/fpu/x87-state.ts';
import { OP_ADD, OP_DIV, OP_DIVR, OP_MUL, OP_SUB, OP_SUBR, arithSt, sqrtSt } from '../../../src/emu/fpu/x87-arith-ops.ts';
import { type Extra, type Vec, diff, loadVectors } from './vectors.ts';

type Run = (s: X87State, v: Vec, x: Extra) => void;
/** How the generator loaded the stack before the op (gen-f80.c L2/L1/L0/LF). */
type Load = 'L2' | 'L1' | 'L0' | 'LF';

const OPS: Record<string, [Load, Run]> = {
  fadd: ['L2', (s) => arithSt(s, OP_ADD, 0, 1, false)],
  fsub: ['L2', (s) => arithSt(s, OP_SUB, 0, 1, false)],
  fsubr: ['L2', (s) => arithSt(s, OP_SUBR, 0, 1, false)],
  fmul: ['L2', (s) => arithSt(s, OP_MUL, 0, 1, false)],
  fdiv: ['L2', (s) => arithSt(s, OP_DIV, 0, 1, false)],
  fdivr: ['L2', (s) => arithSt(s, OP_DIVR, 0, 1, false)],
  faddp: ['L2', (s) => arithSt(s, OP_ADD, 1, 0, true)],
  fsqrt: ['L2', (s) => sqrtSt(s)],
  fadd_under: ['L1', (s) => arithSt(s, OP_ADD, 0, 1, false)],
};

function replay(v: Vec, load: Load, run: Run): string {
  const s = new X87State();
  s.init();
  s.setControlWord(v.cw);
  if (load === 'L2') { s.push(v.b.se, v.b.hi, v.b.lo); s.push(v.a.se, v.a.hi, v.a.lo); }
  else if (load === 'L1') s.push(v.a.se, v.a.hi, v.a.lo);
  else if (load === 'LF') {
    for (let k = 0; k < 7; k++) s.push(v.b.se, v.b.hi, v.b.lo);
    s.push(v.a.se, v.a.hi, v.a.lo);
  }
  const x: Extra = { mem: new Uint8Array(16).fill(0xa5), eflags: 0 };
  if (v.memIn) x.mem.set(v.memIn);
  run(s, v, x);
  return diff(v, s, x);
}

const vectors = loadVectors();

describe('x87 against host-FPU vectors', () => {
  for (const [name, [load, run]] of Object.entries(OPS)) {
    it(`${name} (${vectors[name].length} vectors)`, () => {
      const bad: string[] = [];
      for (const v of vectors[name]) {
        const d = replay(v, load, run);
        if (d) bad.push(`${v.line}\n    ${d}`);
      }
      expect(bad.slice(0, 12).join('\n'), `${bad.length} of ${vectors[name].length} differ`).toBe('');
    });
  }
});
