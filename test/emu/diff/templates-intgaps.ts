/**
 * Differential templates for issue 11's user-mode integer gaps: BMI1/BMI2
 * (VEX), ADCX/ADOX, MOVBE, CMPXCHG8B/16B (equal and unequal, LOCK,
 * misaligned m128), XLAT. RDRAND/RDSEED/RDTSCP/RDPID are left out (their
 * values differ by design), as are LAR/LSL/VERR/VERW: under kvm_pvm, CPL 3
 * code runs natively against the host's descriptor tables, not the guest's.
 */
import { encode, type RmOp } from './asm.ts';
import { Ctx, RSP_G, type UndefFn } from './gen.ts';
import { AF, DATA, DATA_SIZE, PF, SF } from './layout.ts';

const U_AF_PF: UndefFn = () => ({ flags: AF | PF });
const U_AF_SF_PF: UndefFn = () => ({ flags: AF | SF | PF });

function dstReg(ctx: Ctx): number {
  for (;;) {
    const r = ctx.rng.int(16);
    if (r !== RSP_G) return r;
  }
}

/**
 * A VEX3-encoded instruction: the legacy encoder lays out ModRM/SIB/disp
 * (and the REX bits, which become VEX.R̄X̄B̄); RIP-relative displacements are
 * recomputed for the VEX length.
 */
function vex3(ctx: Ctx, map: number, pp: number, w: boolean, vvvv: number, op: number, reg: number, rm: RmOp, pfx: number[], imm: number[] = []): number[] {
  const probe = encode({ op: [op], reg, rm, imm, pfx }, ctx.addr);
  let k = pfx.length;
  const rex = (probe[k] & 0xf0) === 0x40 ? probe[k++] : 0;
  const legacyLen = probe.length;
  const vexLen = legacyLen - (rex ? 1 : 0) + 3;
  // Encode again at an address shifted by the length difference so a rip-relative disp stays right.
  const bytes = encode({ op: [op], reg, rm, imm, pfx }, ctx.addr + (vexLen - legacyLen));
  const tail = bytes.slice(k + 1);
  const rxb = ((~rex >> 2) & 1) << 7 | ((~rex >> 1) & 1) << 6 | (~rex & 1) << 5;
  return [...pfx, 0xc4, rxb | map, (w ? 0x80 : 0) | ((~vvvv & 15) << 3) | pp, op, ...tail];
}

function rmFor(ctx: Ctx, size: number): { rm: RmOp; pfx: number[] } {
  if (ctx.rng.chance(0.4)) return ctx.mem(size);
  return { rm: { kind: 'reg', reg: ctx.rng.int(16) }, pfx: [] };
}

interface BmiForm {
  map: number;
  pp: number;
  op: number;
  /** /digit (BLS*): ModRM.reg is the digit, vvvv the destination. */
  digit?: number;
  /** vvvv names no operand (RORX). */
  noV?: boolean;
  /** vvvv is written (MULX's low half): never RSP. */
  vDest?: boolean;
  imm?: boolean;
  undef?: UndefFn;
}
const BMI: BmiForm[] = [
  { map: 2, pp: 0, op: 0xf2, undef: U_AF_PF }, // andn
  { map: 2, pp: 0, op: 0xf3, digit: 1, undef: U_AF_PF }, // blsr
  { map: 2, pp: 0, op: 0xf3, digit: 2, undef: U_AF_PF }, // blsmsk
  { map: 2, pp: 0, op: 0xf3, digit: 3, undef: U_AF_PF }, // blsi
  { map: 2, pp: 0, op: 0xf7, undef: U_AF_SF_PF }, // bextr
  { map: 2, pp: 0, op: 0xf5, undef: U_AF_PF }, // bzhi
  { map: 2, pp: 3, op: 0xf5 }, // pdep
  { map: 2, pp: 2, op: 0xf5 }, // pext
  { map: 2, pp: 3, op: 0xf6, vDest: true }, // mulx
  { map: 2, pp: 1, op: 0xf7 }, // shlx
  { map: 2, pp: 2, op: 0xf7 }, // sarx
  { map: 2, pp: 3, op: 0xf7 }, // shrx
  { map: 3, pp: 3, op: 0xf0, noV: true, imm: true }, // rorx
];

export function bmi(ctx: Ctx): void {
  const rng = ctx.rng;
  const f = rng.pick(BMI);
  const w = rng.chance(0.5);
  const size = w ? 8 : 4;
  // BEXTR/BZHI controls and shift counts: small values often, so the interesting ranges are hit.
  const v = f.digit !== undefined || f.vDest ? dstReg(ctx) : f.noV ? 0 : rng.int(16);
  if (!f.noV && f.digit === undefined && rng.chance(0.5) && v !== RSP_G) ctx.movImm(v, rng.int(0x5000));
  const { rm, pfx } = rmFor(ctx, size);
  const reg = f.digit ?? dstReg(ctx);
  const imm = f.imm ? [rng.int(256)] : [];
  ctx.emit(vex3(ctx, f.map, f.pp, w, v, f.op, reg, rm, pfx, imm), f.undef);
}

/** ADCX (66) / ADOX (F3) 0F 38 F6, 32/64-bit. */
export function adx(ctx: Ctx): void {
  const rng = ctx.rng;
  const w = rng.chance(0.5);
  const { rm, pfx } = rmFor(ctx, w ? 8 : 4);
  ctx.emit({ pfx: [...pfx, rng.chance(0.5) ? 0x66 : 0xf3], w, op: [0x0f, 0x38, 0xf6], reg: dstReg(ctx), rm });
}

/** MOVBE load/store at 16/32/64 bits. */
export function movbe(ctx: Ctx): void {
  const rng = ctx.rng;
  const size = rng.pick([2, 4, 8]);
  const { rm, pfx } = ctx.mem(size);
  const store = rng.chance(0.5);
  ctx.emit({ pfx: [...pfx, ...(size === 2 ? [0x66] : [])], w: size === 8, op: [0x0f, 0x38, store ? 0xf1 : 0xf0], reg: store ? rng.int(16) : dstReg(ctx), rm });
}

/** CMPXCHG8B/16B: half the time RDX:RAX is first loaded from the operand so the compare succeeds. */
export function cmpxchg8b16b(ctx: Ctx): void {
  const rng = ctx.rng;
  const wide = rng.chance(0.5);
  const { rm, pfx } = ctx.mem(wide ? 16 : 8, { avoid: [0, 1, 2, 3] });
  if (rng.chance(0.5) && rm.kind === 'mem') {
    const size = wide ? 8 : 4;
    const hiRm = { ...rm, disp: rm.disp + size };
    ctx.emit({ pfx, w: wide, op: [0x8b], reg: 0, rm }); // mov rax/eax, [m]
    ctx.emit({ pfx, w: wide, op: [0x8b], reg: 2, rm: hiRm }); // mov rdx/edx, [m + size]
  }
  ctx.emit({ pfx: [...(rng.chance(0.4) ? [0xf0] : []), ...pfx], w: wide, op: [0x0f, 0xc7], reg: 1, rm });
}

/** XLAT with RBX (or EBX with 67) in the data area. */
export function xlat(ctx: Ctx): void {
  const rng = ctx.rng;
  const a32 = rng.chance(0.2);
  ctx.movImm(3, DATA + rng.int(DATA_SIZE - 256)); // RBX + AL stays in the data area
  ctx.emit(a32 ? [0x67, 0xd7] : [0xd7]);
}

export const INTGAPS_TEMPLATES: [(ctx: Ctx) => void, number][] = [
  [bmi, 10], [adx, 3], [movbe, 3], [cmpxchg8b16b, 4], [xlat, 2],
];
