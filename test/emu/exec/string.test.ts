/**
 * MOVS/CMPS/STOS/LODS/SCAS at 8/16/32/64 bits, DF both ways, REP/REPE/REPNE,
 * RCX = 0, 67 (ESI/EDI/ECX), FS override on the source only, and exact state
 * when a REP string stops in the middle: a #PF in iteration k (k-1 iterations
 * done, RIP at the instruction), a single-step trap per iteration, a data
 * breakpoint (trap after the iteration that hit), the CHUNK split.
 *
 * Encodings (as --64): a4 movsb, 66 a5 movsw, a5 movsd, 48 a5 movsq; a6/a7
 * cmps; aa/ab stos; ac/ad lods; ae/af scas; f3 rep/repe, f2 repne, 67 addr32,
 * 64 fs:. `enc` builds them by size.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../../src/emu/cpu.ts';
import { EXIT_EXCEPTION } from '../../../src/emu/exits.ts';
import { DB, GP, PF } from '../../../src/emu/fault.ts';
import { SEG_FS } from '../../../src/emu/insn.ts';
import { CHUNK } from '../../../src/emu/exec/string.ts';
import { CODE, DATA, PD, PDPT } from '../machine.ts';
import { get, machine, pat, peek, poke, run, set, u64, unmap2M } from './dm-harness.ts';

const RAX = 0, RCX = 1, RSI = 6, RDI = 7;
const SRC = DATA, DST = DATA + 0x10000;
const SIZES = [1, 2, 4, 8] as const;
const DF = 0x400;

/** Opcode bytes for a string instruction at a size: prefixes, then 66/REX.W, then the opcode. */
function enc(op: number, size: number, prefixes: number[] = []): number[] {
  const sz = size === 1 ? [] : size === 2 ? [0x66] : size === 8 ? [0x48] : [];
  return [...prefixes, ...sz, size === 1 ? op : op + 1];
}

/** SUB flags of a - b at `bits` (SDM CMPS/SCAS: temp = SRC1 - SRC2), as RFLAGS bits. */
function subFlags(a: bigint, b: bigint, bits: number): number {
  const m = (1n << BigInt(bits)) - 1n;
  const r = (a - b) & m;
  const sign = (v: bigint): bigint => (v >> BigInt(bits - 1)) & 1n;
  let f = 0;
  if (a < b) f |= 1;
  let ones = 0;
  for (let k = 0n; k < 8n; k++) ones += Number((r >> k) & 1n);
  if (ones % 2 === 0) f |= 4;
  if (((a ^ b ^ r) >> 4n) & 1n) f |= 0x10;
  if (r === 0n) f |= 0x40;
  if (sign(r)) f |= 0x80;
  if (sign(a) !== sign(b) && sign(r) !== sign(a)) f |= 0x800;
  return f;
}

/** Map 0xffe00000 (PDPT[3] -> PD 0xa000 -> phys 0x800000) and 0x100000000 (PDPT[4] -> PD 0xb000 -> phys 0xa00000). */
function map4g(m: Cpu): void {
  m.mem.dv.setUint32(PDPT + 3 * 8, 0xa000 | 7, true);
  m.mem.dv.setUint32(0xa000 + 511 * 8, 0x800000 | 0x87, true);
  m.mem.dv.setUint32(PDPT + 4 * 8, 0xb000 | 7, true);
  m.mem.dv.setUint32(0xb000, 0xa00000 | 0x87, true);
}

/** Bytes 0x11, 0x22 … pattern for a source buffer. */
function fill(cpu: Cpu, at: number, n: number, seed = 1): void {
  for (let k = 0; k < n; k++) cpu.mem.u8[at + k] = (seed + k * 37) & 0xff;
}

describe('single string instructions', () => {
  for (const size of SIZES) {
    for (const df of [0, DF]) {
      const d = BigInt(df ? -size : size);
      const tag = `${size * 8}-bit, DF=${df ? 1 : 0}`;
      it(`movs ${tag}`, () => {
        const cpu = run(enc(0xa4, size), (m) => {
          fill(m, SRC, 16);
          set(m, RSI, BigInt(SRC + 8));
          set(m, RDI, BigInt(DST + 8));
          m.writeRflags(df | 2);
        });
        expect(peek(cpu, DST + 8, size)).toBe(peek(cpu, SRC + 8, size));
        expect(peek(cpu, DST + 8 + size, 8)).toBe(0n);
        expect(get(cpu, RSI)).toBe(BigInt(SRC + 8) + d);
        expect(get(cpu, RDI)).toBe(BigInt(DST + 8) + d);
      });
      it(`stos ${tag}`, () => {
        const A = pat(RAX);
        const cpu = run(enc(0xaa, size), (m) => {
          set(m, RAX, A);
          set(m, RDI, BigInt(DST + 8));
          m.writeRflags(df | 2);
        });
        expect(peek(cpu, DST + 8, size)).toBe(A & ((1n << BigInt(size * 8)) - 1n));
        expect(peek(cpu, DST + 8 + size, 8)).toBe(0n);
        expect(get(cpu, RDI)).toBe(BigInt(DST + 8) + d);
      });
      it(`lods ${tag}`, () => {
        const A = pat(RAX);
        const cpu = run(enc(0xac, size), (m) => {
          fill(m, SRC, 16);
          set(m, RAX, A);
          set(m, RSI, BigInt(SRC + 8));
          m.writeRflags(df | 2);
        });
        const v = peek(cpu, SRC + 8, size);
        const want = size === 1 ? (A & ~0xffn) | v : size === 2 ? (A & ~0xffffn) | v : v; // 32-bit zero-extends
        expect(get(cpu, RAX)).toBe(want);
        expect(get(cpu, RSI)).toBe(BigInt(SRC + 8) + d);
      });
      for (const [a, b] of [[5n, 5n], [1n, 2n], [0x80n, 0x7fn], [0n, 1n], [0x7fn, 0xffn]]) {
        // widen the operands to the size: a in the top byte for sign/overflow coverage
        const sh = BigInt(size * 8 - 8);
        const av = (a << sh) | 0x0fn, bv = (b << sh) | 0x0fn;
        it(`cmps ${tag} 0x${av.toString(16)} vs 0x${bv.toString(16)}`, () => {
          const cpu = run(enc(0xa6, size), (m) => {
            poke(m, SRC, av, size);
            poke(m, DST, bv, size);
            set(m, RSI, BigInt(SRC));
            set(m, RDI, BigInt(DST));
            m.writeRflags(df | 2);
          });
          expect(cpu.readRflags() & 0x8d5).toBe(subFlags(av, bv, size * 8));
          expect(get(cpu, RSI)).toBe(BigInt(SRC) + d);
          expect(get(cpu, RDI)).toBe(BigInt(DST) + d);
        });
        it(`scas ${tag} 0x${av.toString(16)} vs 0x${bv.toString(16)}`, () => {
          const hi = 0xa5a5a5a5a5a5a5a5n & ~((1n << BigInt(size * 8)) - 1n);
          const cpu = run(enc(0xae, size), (m) => {
            set(m, RAX, size === 8 ? av : hi | av);
            poke(m, DST, bv, size);
            set(m, RDI, BigInt(DST));
            m.writeRflags(df | 2);
          });
          expect(cpu.readRflags() & 0x8d5).toBe(subFlags(av, bv, size * 8));
          expect(get(cpu, RDI)).toBe(BigInt(DST) + d);
        });
      }
    }
  }
});

describe('REP string instructions', () => {
  for (const size of SIZES) {
    for (const df of [0, DF]) {
      const tag = `${size * 8}-bit, DF=${df ? 1 : 0}`;
      const n = 9;
      // Forward runs start at the buffer, backward runs at its last element.
      const first = (base: number): number => (df ? base + (n - 1) * size : base);
      const after = (base: number): bigint => BigInt(df ? base - size : base + n * size);
      it(`rep movs ${tag}`, () => {
        const cpu = run(enc(0xa4, size, [0xf3]), (m) => {
          fill(m, SRC, 256);
          set(m, RSI, BigInt(first(SRC)));
          set(m, RDI, BigInt(first(DST)));
          set(m, RCX, BigInt(n));
          m.writeRflags(df | 2);
        });
        expect(peek(cpu, DST, n * size)).toBe(peek(cpu, SRC, n * size));
        expect(peek(cpu, DST + n * size, 8)).toBe(0n);
        expect(peek(cpu, DST - 8, 8)).toBe(0n);
        expect(get(cpu, RCX)).toBe(0n);
        expect(get(cpu, RSI)).toBe(after(SRC));
        expect(get(cpu, RDI)).toBe(after(DST));
      });
      it(`rep stos ${tag}`, () => {
        const A = pat(RAX), mask = (1n << BigInt(size * 8)) - 1n;
        const cpu = run(enc(0xaa, size, [0xf3]), (m) => {
          set(m, RAX, A);
          set(m, RDI, BigInt(first(DST)));
          set(m, RCX, BigInt(n));
          m.writeRflags(df | 2);
        });
        for (let k = 0; k < n; k++) expect(peek(cpu, DST + k * size, size)).toBe(A & mask);
        expect(peek(cpu, DST + n * size, 8)).toBe(0n);
        expect(get(cpu, RDI)).toBe(after(DST));
        expect(get(cpu, RCX)).toBe(0n);
      });
      it(`rep lods ${tag} leaves the last element in rAX`, () => {
        const cpu = run(enc(0xac, size, [0xf3]), (m) => {
          fill(m, SRC, 256);
          set(m, RAX, 0n);
          set(m, RSI, BigInt(first(SRC)));
          set(m, RCX, BigInt(n));
          m.writeRflags(df | 2);
        });
        const last = df ? SRC : SRC + (n - 1) * size;
        expect(get(cpu, RAX)).toBe(peek(cpu, last, size));
        expect(get(cpu, RSI)).toBe(after(SRC));
      });
    }
  }

  it('RCX = 0 does nothing (rep movsb, repe cmpsb, addr32 rep stosb keeps RCX[63:32])', () => {
    for (const code of [[0xf3, 0xa4], [0xf3, 0xa6], [0x67, 0xf3, 0xaa]]) {
      const cpu = run(code, (m) => {
        fill(m, SRC, 16);
        set(m, RSI, BigInt(SRC));
        set(m, RDI, BigInt(DST));
        set(m, RCX, code[0] === 0x67 ? 0x500000000n : 0n);
        m.writeRflags(0x8d5 | 2);
      });
      expect(get(cpu, RSI)).toBe(BigInt(SRC));
      expect(get(cpu, RDI)).toBe(BigInt(DST));
      expect(get(cpu, RCX)).toBe(code[0] === 0x67 ? 0x500000000n : 0n);
      expect(peek(cpu, DST)).toBe(0n);
      expect(cpu.readRflags() & 0x8d5).toBe(0x8d5);
    }
  });

  it('repe cmpsb stops after the first mismatch (f3 a6)', () => {
    const cpu = run([0xf3, 0xa6], (m) => {
      poke(m, SRC, 0x4433221100n, 8);
      poke(m, DST, 0x4433991100n, 8); // differs at index 2 (0x22 vs 0x99)
      set(m, RSI, BigInt(SRC));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 8n);
    });
    expect(get(cpu, RCX)).toBe(5n); // three compares done
    expect(get(cpu, RSI)).toBe(BigInt(SRC + 3));
    expect(get(cpu, RDI)).toBe(BigInt(DST + 3));
    expect(cpu.readRflags() & 0x8d5).toBe(subFlags(0x22n, 0x99n, 8));
  });
  it('repe cmpsq over equal buffers runs to RCX = 0 with ZF = 1 (f3 48 a7)', () => {
    const cpu = run([0xf3, 0x48, 0xa7], (m) => {
      fill(m, SRC, 32);
      fill(m, DST, 32);
      set(m, RSI, BigInt(SRC));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 4n);
    });
    expect(get(cpu, RCX)).toBe(0n);
    expect(cpu.readRflags() & 0x40).toBe(0x40);
  });
  it('repne scasb finds a byte (f2 ae); repne cmpsw stops on equality (66 f2 a7)', () => {
    let cpu = run([0xf2, 0xae], (m) => {
      poke(m, DST, 0x0807060504030201n);
      set(m, RAX, 0x05n);
      set(m, RDI, BigInt(DST));
      set(m, RCX, 100n);
    });
    expect(get(cpu, RDI)).toBe(BigInt(DST + 5));
    expect(get(cpu, RCX)).toBe(95n);
    expect(cpu.readRflags() & 0x40).toBe(0x40);
    cpu = run([0x66, 0xf2, 0xa7], (m) => {
      poke(m, SRC, 0x000300020001n);
      poke(m, DST, 0x000300090008n);
      set(m, RSI, BigInt(SRC));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 10n);
    });
    expect(get(cpu, RCX)).toBe(7n);
    expect(get(cpu, RSI)).toBe(BigInt(SRC + 6));
  });
  it('repe scasd with no mismatch exhausts RCX (f3 af)', () => {
    const cpu = run([0xf3, 0xaf], (m) => {
      poke(m, DST, 0x1234567812345678n);
      set(m, RAX, 0x12345678n);
      set(m, RDI, BigInt(DST));
      set(m, RCX, 2n);
    });
    expect(get(cpu, RCX)).toBe(0n);
    expect(get(cpu, RDI)).toBe(BigInt(DST + 8));
  });
  it('F2 on MOVS acts as REP (f2 a4)', () => {
    const cpu = run([0xf2, 0xa4], (m) => {
      fill(m, SRC, 8);
      set(m, RSI, BigInt(SRC));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 8n);
    });
    expect(peek(cpu, DST)).toBe(peek(cpu, SRC));
    expect(get(cpu, RCX)).toBe(0n);
  });
  it('addr32 rep movsb uses ESI/EDI/ECX and zero-extends them (67 f3 a4)', () => {
    const cpu = run([0x67, 0xf3, 0xa4], (m) => {
      fill(m, SRC, 8);
      set(m, RSI, 0xdead000000000000n | BigInt(SRC));
      set(m, RDI, 0xbeef000000000000n | BigInt(DST));
      set(m, RCX, 0x1234000000000004n);
    });
    expect(peek(cpu, DST, 4)).toBe(peek(cpu, SRC, 4));
    expect(get(cpu, RSI)).toBe(BigInt(SRC + 4));
    expect(get(cpu, RDI)).toBe(BigInt(DST + 4));
    expect(get(cpu, RCX)).toBe(0n);
  });
  it('addr32 wraps ESI at 4 GiB (67 ac lodsb with ESI = 0xffffffff, DF = 0)', () => {
    const cpu = run([0x67, 0xac], (m) => {
      map4g(m);
      m.mem.u8[0x800000 + 0x1fffff] = 0x5a;
      set(m, RSI, 0xffffffffn);
    });
    expect(get(cpu, RSI)).toBe(0n);
    expect(get(cpu, RAX) & 0xffn).toBe(0x5an);
  });
  it('RSI carries into and borrows from bit 32 with a 64-bit address size', () => {
    // ac lodsb
    let cpu = run([0xac], (m) => {
      map4g(m);
      m.mem.u8[0x800000 + 0x1fffff] = 0x5a;
      set(m, RSI, 0xffffffffn);
    });
    expect(get(cpu, RSI)).toBe(0x100000000n);
    expect(get(cpu, RAX) & 0xffn).toBe(0x5an);
    // fd std | ac lodsb
    cpu = run([0xfd, 0xac], (m) => {
      map4g(m);
      m.mem.u8[0xa00000] = 0xa5;
      set(m, RSI, 0x100000000n);
    });
    expect(get(cpu, RSI)).toBe(0xffffffffn);
    expect(get(cpu, RAX) & 0xffn).toBe(0xa5n);
  });
  it('an FS override applies to the source only (64 a4 movsb, 64 aa stosb)', () => {
    const cpu = run([0x64, 0xa4, 0x64, 0xaa], (m) => {
      m.seg[SEG_FS].base = SRC;
      poke(m, SRC + 0x10, 0x77n, 1);
      set(m, RSI, 0x10n);
      set(m, RDI, BigInt(DST));
      set(m, RAX, 0x66n);
    });
    expect(peek(cpu, DST, 1)).toBe(0x77n);
    expect(peek(cpu, DST + 1, 1)).toBe(0x66n); // stos ignores FS
    expect(get(cpu, RSI)).toBe(0x11n);
  });
  it('a non-canonical RSI is #GP(0) before anything changes', () => {
    const cpu = machine([0xf3, 0xa4], (m) => {
      set(m, RSI, 0x0000800000000000n);
      set(m, RDI, BigInt(DST));
      set(m, RCX, 3n);
    });
    const exit = cpu.run(100);
    expect(exit.vector).toBe(GP);
    expect(get(cpu, RCX)).toBe(3n);
    expect(cpu.rip).toBe(CODE);
  });
});

describe('REP MOVS/STOS against an element-by-element reference (page runs, overlap, misalignment)', () => {
  const BUF = DATA, LEN = 0x4000;
  /** SDM semantics: each element is read whole, then written, in DF order. */
  function refMovs(m: Uint8Array, src: number, dst: number, size: number, n: number, down: boolean): void {
    for (let k = 0; k < n; k++) {
      const off = down ? -k * size : k * size;
      const el = m.slice(src + off, src + off + size);
      m.set(el, dst + off);
    }
  }
  const cases: [number, number, number, number, boolean][] = [
    // [src offset, dst offset, size, count, DF]
    [0x000, 0x2000, 8, 0x380, false], // whole pages, non-overlapping
    [0xffc, 0x2001, 8, 0x300, false], // first source element straddles a page
    [0x010, 0x011, 1, 0x1800, false], // dst = src + 1: byte replication across pages
    [0x011, 0x010, 1, 0x1800, false],
    [0x1800, 0x1801, 1, 0x1000, true], // backwards overlapping bytes
    [0x100, 0x104, 8, 0x400, false], // overlapping qwords (slow path)
    [0x100, 0x0fc, 4, 0x500, false],
    [0x2ff8, 0x1ff0, 8, 0x200, true], // backwards, non-overlapping, page crossings
    [0x0002, 0x3000, 2, 0x7ff, false],
  ];
  for (const [so, dof, size, n, down] of cases) {
    it(`movs size ${size} src+0x${so.toString(16)} dst+0x${dof.toString(16)} n=0x${n.toString(16)} DF=${down ? 1 : 0}`, () => {
      const init = new Uint8Array(LEN);
      for (let k = 0; k < LEN; k++) init[k] = (k * 131 + 7) & 0xff;
      const want = init.slice();
      refMovs(want, so, dof, size, n, down);
      const cpu = run(enc(0xa4, size, [0xf3]), (m) => {
        m.mem.u8.set(init, BUF);
        set(m, RSI, BigInt(BUF + so));
        set(m, RDI, BigInt(BUF + dof));
        set(m, RCX, BigInt(n));
        m.writeRflags((down ? DF : 0) | 2);
      });
      expect(Buffer.from(cpu.mem.u8.subarray(BUF, BUF + LEN)).equals(Buffer.from(want))).toBe(true);
      const delta = BigInt((down ? -n : n) * size);
      expect(get(cpu, RSI)).toBe(BigInt(BUF + so) + delta);
      expect(get(cpu, RDI)).toBe(BigInt(BUF + dof) + delta);
      expect(get(cpu, RCX)).toBe(0n);
    });
  }
  it('rep stos of every size over several pages, misaligned, both directions', () => {
    for (const size of SIZES) {
      for (const down of [false, true]) {
        const start = BUF + 0x1003, n = 0x1234 / size;
        const A = 0x8877665544332211n;
        const cpu = run(enc(0xaa, size, [0xf3]), (m) => {
          set(m, RAX, A);
          set(m, RDI, BigInt(start));
          set(m, RCX, BigInt(Math.floor(n)));
          m.writeRflags((down ? DF : 0) | 2);
        });
        const cnt = Math.floor(n);
        const lo = down ? start - (cnt - 1) * size : start;
        for (let k = 0; k < cnt; k++) expect(peek(cpu, lo + k * size, size)).toBe(A & ((1n << BigInt(size * 8)) - 1n));
        expect(peek(cpu, lo - 8, 8)).toBe(0n);
        expect(peek(cpu, lo + cnt * size, 8)).toBe(0n);
      }
    }
  });
  it('rep stosb over the code that follows it (self-modifying): the new bytes execute', () => {
    // 0: f3 aa rep stosb (AL = 0x90, RDI = CODE+2, RCX = 5) | 2: b8 01 00 00 00 mov eax,0x1 -> five NOPs
    const cpu = run([0xf3, 0xaa, 0xb8, 1, 0, 0, 0], (m) => {
      set(m, RAX, 0x90n);
      set(m, RDI, BigInt(CODE + 2));
      set(m, RCX, 5n);
    });
    expect(get(cpu, RAX)).toBe(0x90n);
  });
});

describe('REP stopping in the middle', () => {
  const HOLE = 0x400000;
  function remap(cpu: Cpu): void {
    cpu.mem.dv.setUint32(PD + (HOLE / 0x200000) * 8, HOLE | 0x87, true);
    cpu.mmu.flushTlb();
  }
  it('#PF on the source in iteration k: k-1 done, RIP at the instruction; resuming finishes', () => {
    // f3 a4   rep movsb: 32 bytes from HOLE-16, the 17th read faults
    const cpu = machine([0xf3, 0xa4], (m) => {
      fill(m, HOLE - 16, 16);
      fill(m, HOLE, 16, 100);
      set(m, RSI, BigInt(HOLE - 16));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 32n);
      unmap2M(m, HOLE);
    });
    const exit = cpu.run(100);
    expect(exit.reason).toBe(EXIT_EXCEPTION);
    expect(exit.vector).toBe(PF);
    expect(exit.qual).toBe(HOLE);
    expect(cpu.rip).toBe(CODE);
    expect(get(cpu, RCX)).toBe(16n);
    expect(get(cpu, RSI)).toBe(BigInt(HOLE));
    expect(get(cpu, RDI)).toBe(BigInt(DST + 16));
    expect(peek(cpu, DST, 8)).toBe(peek(cpu, HOLE - 16, 8));
    expect(peek(cpu, DST + 16, 8)).toBe(0n);
    remap(cpu);
    expect(cpu.run(100).name).toBe('hlt');
    expect(get(cpu, RCX)).toBe(0n);
    expect(peek(cpu, DST + 16, 8)).toBe(peek(cpu, HOLE, 8));
    expect(cpu.icount).toBe(1);
  });
  it('#PF on the destination going backwards (DF = 1, rep stosq)', () => {
    // fd std | f3 48 ab rep stosq: RDI from ABOVE+16 down; the 4th store (ABOVE-8, in the hole) faults
    const ABOVE = HOLE + 0x200000;
    const cpu = machine([0xfd, 0xf3, 0x48, 0xab], (m) => {
      set(m, RDI, BigInt(ABOVE + 16));
      set(m, RAX, u64(-1n));
      set(m, RCX, 10n);
      unmap2M(m, HOLE);
    });
    const exit = cpu.run(100);
    expect(exit.vector).toBe(PF);
    expect(exit.qual).toBe(ABOVE - 8);
    expect(exit.errorCode).toBe(2); // not present, write
    expect(cpu.rip).toBe(CODE + 1);
    expect(get(cpu, RCX)).toBe(7n);
    expect(get(cpu, RDI)).toBe(BigInt(ABOVE - 8));
    expect(peek(cpu, ABOVE, 8)).toBe(u64(-1n));
    expect(peek(cpu, ABOVE + 16, 8)).toBe(u64(-1n));
  });
  it('repe cmpsb faulting mid-way keeps the flags of the last completed compare', () => {
    const cpu = machine([0xf3, 0xa6], (m) => {
      fill(m, HOLE - 4, 4);
      fill(m, DST, 4);
      set(m, RSI, BigInt(HOLE - 4));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 10n);
      unmap2M(m, HOLE);
    });
    expect(cpu.run(100).vector).toBe(PF);
    expect(get(cpu, RCX)).toBe(6n);
    expect(cpu.readRflags() & 0x40).toBe(0x40);
  });
  it('single-step (TF) traps after every iteration with RIP at the instruction', () => {
    const cpu = machine([0xf3, 0xa4], (m) => {
      fill(m, SRC, 4);
      set(m, RSI, BigInt(SRC));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 3n);
      m.writeRflags(0x100 | 2);
    });
    for (const left of [2n, 1n]) {
      const exit = cpu.run(100);
      expect(exit.vector).toBe(DB);
      expect(exit.qual & 0x4000).toBe(0x4000);
      expect(cpu.rip).toBe(CODE);
      expect(get(cpu, RCX)).toBe(left);
    }
    const exit = cpu.run(100);
    expect(exit.vector).toBe(DB);
    expect(cpu.rip).toBe(CODE + 2); // the last iteration completes the instruction
    expect(get(cpu, RCX)).toBe(0n);
    expect(peek(cpu, DST, 3)).toBe(peek(cpu, SRC, 3));
  });
  it('a data breakpoint traps after the iteration that wrote the watched byte', () => {
    const cpu = machine([0xf3, 0xa4], (m) => {
      fill(m, SRC, 16);
      set(m, RSI, BigInt(SRC));
      set(m, RDI, BigInt(DST));
      set(m, RCX, 10n);
      m.dr[0] = DST + 5;
      m.dr7 = 0x1 | (1 << 16); // L0, R/W0 = 01 (writes), LEN0 = 1 byte
      m.debugRegsChanged();
    });
    const exit = cpu.run(100);
    expect(exit.vector).toBe(DB);
    expect(exit.qual & 0xf).toBe(1); // B0
    expect(cpu.rip).toBe(CODE);
    expect(get(cpu, RCX)).toBe(4n); // iterations 0..5 done
    expect(get(cpu, RDI)).toBe(BigInt(DST + 6));
    expect(peek(cpu, DST + 5, 1)).toBe(peek(cpu, SRC + 5, 1));
    expect(peek(cpu, DST + 6, 1)).toBe(0n);
  });
  it(`a count above CHUNK (${CHUNK}) completes across handler calls and retires once`, () => {
    const n = CHUNK + 5;
    const cpu = run([0xf3, 0xaa], (m) => {
      set(m, RAX, 0xabn);
      set(m, RDI, BigInt(DST));
      set(m, RCX, BigInt(n));
    });
    expect(get(cpu, RCX)).toBe(0n);
    expect(peek(cpu, DST + n - 1, 1)).toBe(0xabn);
    expect(peek(cpu, DST + n, 1)).toBe(0n);
    expect(cpu.icount).toBe(1);
  });
});
