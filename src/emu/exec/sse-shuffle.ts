/**
 * SSE … SSE4.1 element rearrangement (SDM Vol. 2 each page): UNPCKL/HPS/PD,
 * PUNPCKL/H*, PACKSS/US*, SHUFPS/SHUFPD, PSHUFD/PSHUFHW/PSHUFLW, PSHUFB,
 * PALIGNR, PINSRB/W/D/Q, PEXTRB/W/D/Q, EXTRACTPS, INSERTPS, BLENDPS/PD,
 * PBLENDW, PBLENDVB/BLENDVPS/PD (XMM0 implicit), PMOVSX/PMOVZX.
 * Results are built in XMM_RES, so the destination may be the source.
 */
import type { Cpu } from '../cpu.ts';
import type { Handler, Insn } from '../insn.ts';
import { ea, readRm32, readRm64, writeRmSized } from '../operands.ts';
import { PC_66, PC_F2, PC_F3, PC_NONE } from '../opcodes/row.ts';
import { blendv, insertps, pack, palignr, pmovx, pshufb } from '../sse/int-shuffle.ts';
import { XMM_RES, type XmmFile } from '../sse/xmm.ts';
import { M128A, M16, M32, M64, type SseEntry, at, src, sseCheck, xreg } from './sse-access.ts';

const R = XMM_RES;

/** A rearrangement f(x, dst, src, imm) of xmm, xmm/m`size`. */
const op = (size: number, f: (x: XmmFile, d: number, s: number, imm: number) => void): Handler => (cpu: Cpu, i: Insn) => {
  sseCheck(cpu);
  const s = src(cpu, i, size);
  f(cpu.sse.x, xreg(i), s, i.imm & 0xff);
};

/** PUNPCKL/H (and UNPCKL/H PS/PD): interleave the low (or high) halves' `e`-byte elements of dst and src. */
export function unpack(e: number, high: boolean) {
  return (x: XmmFile, d: number, s: number) => {
    const b = x.u8, half = high ? 8 : 0;
    for (let k = 0; k < 8 / e; k++) {
      for (let j = 0; j < e; j++) {
        b[R * 16 + 2 * k * e + j] = b[d * 16 + half + k * e + j];
        b[R * 16 + (2 * k + 1) * e + j] = b[s * 16 + half + k * e + j];
      }
    }
    x.copy(d, R);
  };
}

/** SHUFPS: dwords 0, 1 from dst, 2, 3 from src, each picked by two imm8 bits. */
function shufps(x: XmmFile, d: number, s: number, imm: number): void {
  const u = x.u32;
  for (let k = 0; k < 4; k++) u[R * 4 + k] = u[(k < 2 ? d : s) * 4 + ((imm >> (2 * k)) & 3)];
  x.copy(d, R);
}

/** SHUFPD: qword 0 from dst, qword 1 from src, by imm8 bits 0 and 1. */
function shufpd(x: XmmFile, d: number, s: number, imm: number): void {
  const f = x.f64;
  f[R * 2] = f[d * 2 + (imm & 1)];
  f[R * 2 + 1] = f[s * 2 + ((imm >> 1) & 1)];
  x.copy(d, R);
}

/** PSHUFD (words = 0, dwords of src by imm8), PSHUFLW (words 0–3) and PSHUFHW (words 4–7); the other half copied. */
export function pshuf(kind: 'd' | 'lw' | 'hw') {
  return (x: XmmFile, d: number, s: number, imm: number) => {
    if (kind === 'd') {
      for (let k = 0; k < 4; k++) x.u32[R * 4 + k] = x.u32[s * 4 + ((imm >> (2 * k)) & 3)];
    } else {
      const w = x.u16, base = kind === 'hw' ? 4 : 0, other = 4 - base;
      for (let k = 0; k < 4; k++) {
        w[R * 8 + base + k] = w[s * 8 + base + ((imm >> (2 * k)) & 3)];
        w[R * 8 + other + k] = w[s * 8 + other + k];
      }
    }
    x.copy(d, R);
  };
}

/** BLENDPS/BLENDPD/PBLENDW: element k from src where imm8 bit k is set. */
function blend(e: 2 | 4 | 8) {
  return (x: XmmFile, d: number, s: number, imm: number) => {
    const u = x.u16, w = e / 2;
    for (let k = 0; k < 16 / e; k++) if (imm & (1 << k)) for (let j = 0; j < w; j++) u[d * 8 + k * w + j] = u[s * 8 + k * w + j];
  };
}

/**
 * PINSRB (e = 1), PINSRW (2), PINSRD/PINSRQ (4; 8 with REX.W) xmm, r32|r64/m, imm8:
 * element imm8 mod (16/e) of xmm ← the low e bytes of the source.
 */
const pinsr = (e: 1 | 2 | 4): Handler => (cpu, i) => {
  sseCheck(cpu);
  const size = e === 4 && i.rexW ? 8 : e;
  let lo: number, hi = 0;
  if (i.regForm) {
    lo = cpu.r[2 * i.rm];
    hi = cpu.r[2 * i.rm + 1];
  } else if (size === 8) {
    lo = readRm64(cpu, i);
    hi = cpu.mmu.hi;
  } else lo = size === 4 ? readRm32(cpu, i) : size === 2 ? cpu.mmu.read16(ea(cpu, i)) : cpu.mmu.read8(ea(cpu, i));
  const x = cpu.sse.x, d = xreg(i), k = i.imm & (16 / size - 1);
  if (size === 1) x.u8[d * 16 + k] = lo;
  else if (size === 2) x.u16[d * 8 + k] = lo;
  else if (size === 4) x.i32[d * 4 + k] = lo;
  else {
    x.i32[d * 4 + 2 * k] = lo;
    x.i32[d * 4 + 2 * k + 1] = hi;
  }
};

/**
 * PEXTRB/PEXTRW/PEXTRD/PEXTRQ/EXTRACTPS r/m, xmm, imm8 (66 0F 3A 14–17). A
 * register destination receives the element zero-extended to 64 bits (32
 * bits written, or 64 for PEXTRQ: REX.W, which EXTRACTPS ignores); memory
 * gets the element's size.
 */
const pextr = (e: 1 | 2 | 4, quad: boolean): Handler => (cpu, i) => {
  sseCheck(cpu);
  const size = e === 4 && i.rexW && quad ? 8 : e;
  const x = cpu.sse.x, s = xreg(i), k = i.imm & (16 / size - 1);
  let lo: number, hi = 0;
  if (size === 1) lo = x.u8[s * 16 + k];
  else if (size === 2) lo = x.u16[s * 8 + k];
  else if (size === 4) lo = x.i32[s * 4 + k];
  else {
    lo = x.i32[s * 4 + 2 * k];
    hi = x.i32[s * 4 + 2 * k + 1];
  }
  writeRmSized(cpu, i, i.regForm ? (size === 8 ? 8 : 4) : size, lo, hi);
};

/** PEXTRW r32, xmm, imm8 (66 0F C5, register form only). */
const pextrwC5: Handler = (cpu, i) => {
  sseCheck(cpu);
  const x = cpu.sse.x;
  cpu.r[2 * i.reg] = x.u16[(i.rm & 15) * 8 + (i.imm & 7)];
  cpu.r[2 * i.reg + 1] = 0;
};

/** INSERTPS xmm, xmm/m32, imm8. */
const insertpsH: Handler = (cpu, i) => {
  sseCheck(cpu);
  const s = src(cpu, i, M32);
  insertps(cpu.sse.x, xreg(i), s, i.imm & 0xff, !i.regForm);
};

/** PMOVSX/PMOVZX xmm, xmm/m(16·from/to·8): opcodes 20–25 (sign) and 30–35 (zero). */
function pmov(opc: number): Handler {
  const k = opc & 7, signed = opc < 0x30;
  const from = ([1, 1, 1, 2, 2, 4] as const)[k], to = ([2, 4, 8, 4, 8, 8] as const)[k];
  const size = (16 * from) / to; // bytes read: 8, 4, 2, 8, 4, 8
  return op(size === 8 ? M64 : size === 4 ? M32 : M16, (x, d, s) => pmovx(x, d, s, from, to, signed));
}

const punpck: readonly [number, number, boolean][] = [
  [0x60, 1, false], [0x61, 2, false], [0x62, 4, false], [0x68, 1, true], [0x69, 2, true], [0x6a, 4, true],
  [0x6c, 8, false], [0x6d, 8, true],
];

export const SHUFFLE_HANDLERS: readonly SseEntry[] = [
  at(1, PC_NONE, 0x14, op(M128A, unpack(4, false))), at(1, PC_66, 0x14, op(M128A, unpack(8, false))),
  at(1, PC_NONE, 0x15, op(M128A, unpack(4, true))), at(1, PC_66, 0x15, op(M128A, unpack(8, true))),
  ...punpck.map(([o, e, high]) => at(1, PC_66, o, op(M128A, unpack(e, high)))),
  at(1, PC_66, 0x63, op(M128A, (x, d, s) => pack(x, d, s, 2, false))), // PACKSSWB
  at(1, PC_66, 0x67, op(M128A, (x, d, s) => pack(x, d, s, 2, true))), // PACKUSWB
  at(1, PC_66, 0x6b, op(M128A, (x, d, s) => pack(x, d, s, 4, false))), // PACKSSDW
  at(2, PC_66, 0x2b, op(M128A, (x, d, s) => pack(x, d, s, 4, true))), // PACKUSDW
  at(1, PC_66, 0x70, op(M128A, pshuf('d'))),
  at(1, PC_F3, 0x70, op(M128A, pshuf('hw'))),
  at(1, PC_F2, 0x70, op(M128A, pshuf('lw'))),
  at(1, PC_NONE, 0xc6, op(M128A, shufps)), at(1, PC_66, 0xc6, op(M128A, shufpd)),
  at(1, PC_66, 0xc4, pinsr(2)),
  at(1, PC_66, 0xc5, pextrwC5),
  at(2, PC_66, 0x00, op(M128A, pshufb)),
  at(2, PC_66, 0x10, op(M128A, (x, d, s) => blendv(x, d, s, 0, 1))),
  at(2, PC_66, 0x14, op(M128A, (x, d, s) => blendv(x, d, s, 0, 4))),
  at(2, PC_66, 0x15, op(M128A, (x, d, s) => blendv(x, d, s, 0, 8))),
  ...[0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35].map((o) => at(2, PC_66, o, pmov(o))),
  at(3, PC_66, 0x0c, op(M128A, blend(4))),
  at(3, PC_66, 0x0d, op(M128A, blend(8))),
  at(3, PC_66, 0x0e, op(M128A, blend(2))),
  at(3, PC_66, 0x0f, op(M128A, palignr)),
  at(3, PC_66, 0x14, pextr(1, false)),
  at(3, PC_66, 0x15, pextr(2, false)),
  at(3, PC_66, 0x16, pextr(4, true)),
  at(3, PC_66, 0x17, pextr(4, false)), // EXTRACTPS: the dword, as PEXTRD without REX.W
  at(3, PC_66, 0x20, pinsr(1)),
  at(3, PC_66, 0x21, insertpsH),
  at(3, PC_66, 0x22, pinsr(4)),
];
