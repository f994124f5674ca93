/**
 * The source being generated for one region: lines of JavaScript, the guest
 * registers it keeps in locals (`l<n>`/`h<n>`: low and high halves of GPR n),
 * and what is statically known of the lazy flags at the current point. The
 * lazy flags live in nine locals mirroring cpu.fl word for word (flags.ts):
 * fo F_OP, fz F_SZ, fr/frh F_RES, fd/fdh F_DST, fs/fsh F_SRC, fe F_EAGER.
 */
import { HIGH_BYTE } from '../insn.ts';

export const FLAG_LOCALS = ['fo', 'fz', 'fr', 'frh', 'fd', 'fdh', 'fs', 'fsh', 'fe'] as const;

/** The operation and size of the last flag-writing instruction of this block, if it was translated. */
export interface KnownFlags { readonly op: number; readonly sz: number }

export class Gen {
  readonly lines: string[] = [];
  readonly regs = new Set<number>();
  known: KnownFlags | null = null;
  /** Linear-address consts → their int32 halves (emit-mem.ts emitEa, tlbKey). */
  readonly halvesOf = new Map<string, [string, string]>();
  /** The current instruction's flags are dead (liveness.ts deadRecords): emit no record. */
  deadFlags = false;
  /** Temporaries are numbered per region, so the same region always gets the same source. */
  private temps = 0;

  /** A new temporary name starting with `prefix`. */
  fresh(prefix: string): string {
    return `${prefix}${this.temps++}`;
  }

  emit(line: string): void {
    this.lines.push(line);
  }
  lo(n: number): string {
    this.regs.add(n);
    return `l${n}`;
  }
  hi(n: number): string {
    this.regs.add(n);
    return `h${n}`;
  }
  /** An 8-bit register read (byte code: 0–15, or HIGH_BYTE|n for AH/CH/DH/BH), zero-extended. */
  get8(code: number): string {
    return code & HIGH_BYTE ? `((${this.lo(code & 3)} >> 8) & 255)` : `(${this.lo(code)} & 255)`;
  }
  /** An 8-bit register write of expression `v` (only its low byte counts). */
  set8(code: number, v: string): void {
    if (code & HIGH_BYTE) {
      const l = this.lo(code & 3);
      this.emit(`${l} = (${l} & -65281) | ((${v} & 255) << 8);`);
    } else {
      const l = this.lo(code);
      this.emit(`${l} = (${l} & -256) | (${v} & 255);`);
    }
  }
  /** A 32-bit register write: zero-extends (SDM Vol. 1 §3.4.1.1). */
  set32(n: number, v: string): void {
    this.emit(`${this.lo(n)} = ${v}; ${this.hi(n)} = 0;`);
  }
  set64(n: number, lo: string, hi: string): void {
    this.emit(`${this.lo(n)} = ${lo}; ${this.hi(n)} = ${hi};`);
  }
  /** Statements storing register locals `ns` (default: every one of the region) to cpu.r (`r`). */
  storeRegs(ns: Iterable<number> = this.regs): string {
    return [...ns].map((n) => `r[${2 * n}] = ${this.lo(n)}; r[${2 * n + 1}] = ${this.hi(n)};`).join(' ');
  }
  loadRegs(ns: Iterable<number> = this.regs): string {
    return [...ns].map((n) => `${this.lo(n)} = r[${2 * n}]; ${this.hi(n)} = r[${2 * n + 1}];`).join(' ');
  }
  storeFlags(): string {
    return FLAG_LOCALS.map((f, k) => `fl[${k}] = ${f};`).join(' ');
  }
  loadFlags(): string {
    return FLAG_LOCALS.map((f, k) => `${f} = fl[${k}];`).join(' ');
  }
}
