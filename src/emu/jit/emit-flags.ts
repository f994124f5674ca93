/**
 * Lazy flags in generated code: recording an operation into the flag locals
 * exactly as flags.ts setLazy/setLazy32/setIncDec do (a record liveness.ts
 * found dead is left out), and condition codes — a direct comparison
 * when this block's last flag writer is known (cmp/test/sub + jcc fusion, as
 * blink's fusion.c), else flags.ts `cond` through the runtime.
 */
import { ADD, DEC, INC, LOGIC, SUB } from '../flags.ts';
import { FLAG_CF } from '../regs.ts';
import type { Gen } from './gen.ts';

const ALL = 'fo, fz, fr, frh, fd, fdh, fs, fsh, fe';

/** setLazy (64) / setLazy32 (8/16/32): op and size are constants; values are expressions. */
export function recordLazy(g: Gen, op: number, sz: number, res: string, resh: string, dst: string, dsth: string, src: string, srch: string): void {
  if (skipDead(g)) return;
  if (sz === 64) g.emit(`fo = ${op}; fz = 64; fr = ${res}; frh = ${resh}; fd = ${dst}; fdh = ${dsth}; fs = ${src}; fsh = ${srch};`);
  else g.emit(`fo = ${op}; fz = ${sz}; fr = ${res}; fd = ${dst}; fs = ${src};`);
  g.known = { op, sz };
}

/** setIncDec: CF survives into F_EAGER. */
export function recordIncDec(g: Gen, op: number, sz: number, res: string, resh: string, dst: string, dsth: string): void {
  if (skipDead(g)) return;
  g.emit(`fe = ${cfExpr(g)} ? ${FLAG_CF} : 0;`);
  g.emit(`fo = ${op}; fz = ${sz}; fr = ${res}; frh = ${resh}; fd = ${dst}; fdh = ${dsth}; fs = 1; fsh = 0;`);
  g.known = { op, sz };
}

/** A dead record is not emitted; what the locals hold is then unknown (and unread). */
function skipDead(g: Gen): boolean {
  if (!g.deadFlags) return false;
  g.known = null;
  return true;
}

/** The flags were changed behind the generator's back (handler call): nothing is known. */
export function forget(g: Gen): void {
  g.known = null;
}

function cfExpr(g: Gen): string {
  const k = g.known;
  if (k !== null && k.sz === 32) {
    if (k.op === SUB) return `((fd >>> 0) < (fs >>> 0))`;
    if (k.op === ADD) return `((fr >>> 0) < (fd >>> 0))`;
  }
  if (k !== null && k.op === LOGIC) return 'false';
  if (k !== null && (k.op === INC || k.op === DEC)) return `((fe & ${FLAG_CF}) !== 0)`;
  return `K.cond(2, ${ALL})`;
}

/** A JS boolean expression for condition code cc (0–15, SDM Vol. 1 Appendix B) on the flag locals. */
export function condExpr(g: Gen, cc: number): string {
  const e = fastCond(g, cc >> 1);
  if (e === null) return `K.cond(${cc}, ${ALL})`;
  return cc & 1 ? `!(${e})` : `(${e})`;
}

function fastCond(g: Gen, c: number): string | null {
  const k = g.known;
  if (k === null) return null;
  if (k.sz === 8) return fastCond8(k.op, c);
  const wide = k.sz === 64;
  if (k.sz !== 32 && !wide) return null;
  const zero = wide ? '(fr | frh) === 0' : 'fr === 0';
  const neg = wide ? 'frh < 0' : 'fr < 0';
  if (k.op === SUB) {
    const below = wide ? '((fdh >>> 0) < (fsh >>> 0) || (fdh === fsh && (fd >>> 0) < (fs >>> 0)))' : '(fd >>> 0) < (fs >>> 0)';
    const less = wide ? '(fdh < fsh || (fdh === fsh && (fd >>> 0) < (fs >>> 0)))' : 'fd < fs';
    switch (c) {
      case 1: return below;
      case 2: return zero;
      case 3: return `${below} || ${zero}`;
      case 4: return neg;
      case 6: return less;
      case 7: return `${less} || ${zero}`;
    }
    return null;
  }
  if (k.op === LOGIC) {
    switch (c) {
      case 0: case 1: return 'false';
      case 2: case 3: return zero;
      case 4: case 6: return neg;
      case 7: return `${zero} || ${neg}`;
    }
    return null;
  }
  if (c === 2) return zero;
  if (c === 4) return neg;
  return null;
}

/** Byte results (zero-extended in the locals): the common tests after cmp/test/sub of bytes. */
function fastCond8(op: number, c: number): string | null {
  if (c === 2) return 'fr === 0';
  if (c === 4) return '(fr & 128) !== 0';
  if (op === SUB && c === 1) return 'fd < fs';
  if (op === SUB && c === 3) return 'fd <= fs';
  if (op === LOGIC && (c === 0 || c === 1)) return 'false';
  return null;
}
