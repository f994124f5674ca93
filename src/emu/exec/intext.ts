/**
 * Integer extensions found in real binaries, one small handler each:
 * MOVBE (0F 38 F0/F1), ADCX/ADOX (66/F3 0F 38 F6), CMPXCHG8B/CMPXCHG16B
 * (0F C7 /1), RDRAND (0F C7 /6), RDSEED (0F C7 /7), RDPID (F3 0F C7 /7),
 * XLAT (D7), MOVNTI (0F C3) — SDM Vol. 2 under each name.
 */
import { GP, GuestFault } from '../fault.ts';
import { arithFlags, setArithFlags } from '../flags.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, linearAddress, readRmSized, setRegSized, writeRmSized } from '../operands.ts';
import { FLAG_CF, FLAG_OF, FLAG_ZF, RAX, RBX, RCX, RDX } from '../regs.ts';

// ---- MOVBE: load (F0) or store (F1) with the bytes reversed; 16, 32 or 64 bits.
function bswap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
}
function bswap32(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}
const movbe: Handler = (cpu, i) => {
  const size = i.osz, r = cpu.r;
  if (i.op === 0xf0) {
    const lo = readRmSized(cpu, i, size), hi = cpu.mmu.hi;
    if (size === 8) setRegSized(cpu, 8, i.reg, bswap32(hi), bswap32(lo));
    else setRegSized(cpu, size, i.reg, size === 4 ? bswap32(lo) : bswap16(lo), 0);
  } else {
    const lo = r[2 * i.reg], hi = r[2 * i.reg + 1];
    if (size === 8) writeRmSized(cpu, i, 8, bswap32(hi), bswap32(lo));
    else writeRmSized(cpu, i, size, size === 4 ? bswap32(lo) : bswap16(lo), 0);
  }
};

// ---- ADCX / ADOX: reg += r/m + CF (or OF); only that flag changes. The 66/F3
// prefix is mandatory, so the operand size is 32, or 64 with REX.W.
function addCarryOnly(flag: number): Handler {
  return (cpu, i) => {
    const size = i.rexW ? 8 : 4;
    const sl = readRmSized(cpu, i, size), sh = size === 8 ? cpu.mmu.hi : 0;
    const f = arithFlags(cpu.fl);
    const c = (f & flag) !== 0 ? 1 : 0;
    const r = cpu.r, dl = r[2 * i.reg], dh = size === 8 ? r[2 * i.reg + 1] : 0;
    const s = (dl >>> 0) + (sl >>> 0) + c;
    let carry = s > 0xffffffff ? 1 : 0;
    let hi = 0;
    if (size === 8) {
      const t = (dh >>> 0) + (sh >>> 0) + carry;
      carry = t > 0xffffffff ? 1 : 0;
      hi = t | 0;
    }
    setRegSized(cpu, size, i.reg, s | 0, hi);
    setArithFlags(cpu.fl, (f & ~flag) | (carry ? flag : 0));
  };
}
const adcx = addCarryOnly(FLAG_CF);
const adox = addCarryOnly(FLAG_OF);

// ---- CMPXCHG8B / CMPXCHG16B (REX.W): compare EDX:EAX (RDX:RAX) with m64 (m128);
// equal: ZF = 1, store ECX:EBX (RCX:RBX); else ZF = 0, load it into EDX:EAX
// (RDX:RAX). The memory always sees a write (a locked read-modify-write), so
// it is read with write intent and a read-only page faults either way. An
// m128 that is not 16-byte aligned is #GP(0). Other flags are unchanged.
const cmpxchg8b: Handler = (cpu, i) => {
  const la = ea(cpu, i), mmu = cpu.mmu, r = cpu.r;
  const f = arithFlags(cpu.fl);
  if (i.rexW) {
    if (la % 16 !== 0) throw new GuestFault(GP, 0);
    const m0 = mmu.rmw64(la), m1 = mmu.hi;
    const m2 = mmu.rmw64(la + 8), m3 = mmu.hi;
    const eq = m0 === r[2 * RAX] && m1 === r[2 * RAX + 1] && m2 === r[2 * RDX] && m3 === r[2 * RDX + 1];
    if (eq) {
      mmu.write64(la, r[2 * RBX], r[2 * RBX + 1]);
      mmu.write64(la + 8, r[2 * RCX], r[2 * RCX + 1]);
    } else {
      mmu.write64(la, m0, m1);
      mmu.write64(la + 8, m2, m3);
      setRegSized(cpu, 8, RAX, m0, m1);
      setRegSized(cpu, 8, RDX, m2, m3);
    }
    setArithFlags(cpu.fl, (f & ~FLAG_ZF) | (eq ? FLAG_ZF : 0));
    return;
  }
  const lo = mmu.rmw64(la), hi = mmu.hi;
  const eq = lo === r[2 * RAX] && hi === r[2 * RDX];
  if (eq) {
    mmu.write64(la, r[2 * RBX], r[2 * RCX]);
  } else {
    mmu.write64(la, lo, hi);
    setRegSized(cpu, 4, RAX, lo, 0);
    setRegSized(cpu, 4, RDX, hi, 0);
  }
  setArithFlags(cpu.fl, (f & ~FLAG_ZF) | (eq ? FLAG_ZF : 0));
};

// ---- RDRAND / RDSEED: a random value of the operand size into r/m (a register), CF = 1,
// OF = SF = ZF = AF = PF = 0. Deterministic on this CPU: the per-CPU PRNG of rng.ts.
const rdrand: Handler = (cpu, i) => {
  const lo = cpu.rng.next();
  const hi = i.osz === 8 ? cpu.rng.next() : 0;
  setRegSized(cpu, i.osz, i.rm, i.osz === 2 ? lo & 0xffff : lo, hi);
  setArithFlags(cpu.fl, FLAG_CF);
};

// ---- RDPID: r64 := IA32_TSC_AUX (64-bit operand size in 64-bit mode).
const rdpid: Handler = (cpu, i) => {
  setRegSized(cpu, 8, i.rm, cpu.tscAux | 0, 0);
};

// ---- XLAT: AL := [seg:rBX + zero-extended AL] (EBX with a 67 prefix).
const xlat: Handler = (cpu, i) => {
  const r = cpu.r;
  const al = r[2 * RAX] & 0xff;
  const blo = r[2 * RBX], bhi = i.asz === 4 ? 0 : r[2 * RBX + 1];
  const sum = (blo >>> 0) + al;
  const lo = sum | 0;
  const hi = i.asz === 4 ? 0 : (bhi + (sum > 0xffffffff ? 1 : 0)) | 0;
  const la = linearAddress(lo, hi, i.seg >= 4 ? cpu.seg[i.seg].base : 0);
  const v = cpu.mmu.read8(la);
  r[2 * RAX] = (r[2 * RAX] & ~0xff) | v;
};

// ---- MOVNTI m32/m64, r (0F C3, SSE2): a store with a non-temporal hint; no cache is modelled.
const movnti: Handler = (cpu, i) => {
  writeRmSized(cpu, i, i.rexW ? 8 : 4, cpu.r[2 * i.reg], cpu.r[2 * i.reg + 1]);
};

/** 0F C7 (group 9): /1 memory CMPXCHG8B/16B; register forms /6 RDRAND, /7 RDSEED (no prefix or 66), F3 /7 RDPID. */
function bindGroup9(i: Insn): Handler | undefined {
  if (!i.regForm) return i.digit === 1 ? cmpxchg8b : undefined;
  if (i.rep === 0xf3) return i.digit === 7 ? rdpid : undefined;
  if (i.rep !== 0) return undefined;
  return i.digit === 6 || i.digit === 7 ? rdrand : undefined;
}

export function bind(i: Insn): Handler | undefined {
  if (i.map === 0) return i.op === 0xd7 && !i.lock ? xlat : undefined;
  if (i.map === 1) return i.op === 0xc7 ? bindGroup9(i) : i.op === 0xc3 && !i.lock ? movnti : undefined;
  if (i.lock) return undefined;
  switch (i.op) {
    case 0xf0: case 0xf1: return movbe;
    case 0xf6: return i.rep === 0xf3 ? adox : adcx;
  }
  return undefined;
}
