/*
 * Reference vectors for the SSE floating-point core (src/emu/sse), measured
 * on the host CPU: every operation runs as the real instruction (inline asm,
 * so the compiler cannot fold or reorder it around LDMXCSR) under 21 MXCSR
 * settings — the 4 rounding modes x DAZ x FTZ with all exceptions masked,
 * then 5 settings with some exceptions unmasked (the instruction then
 * faults: SIGFPE, the MXCSR seen by the handler is recorded).
 * Build and run: sh test/emu/sse/gen/gen.sh (needs gcc; the tests do not).
 */
#include "vecfile.h"

static const u32 CONFIGS[] = {
  0x1f80, 0x3f80, 0x5f80, 0x7f80,             /* RC = nearest, down, up, zero */
  0x1fc0, 0x3fc0, 0x5fc0, 0x7fc0,             /* + DAZ */
  0x9f80, 0xbf80, 0xdf80, 0xff80,             /* + FTZ */
  0x9fc0, 0xbfc0, 0xdfc0, 0xffc0,             /* + DAZ + FTZ */
  0x0000,                                     /* nearest, everything unmasked */
  0xf380,                                     /* zero + FTZ, OE and UE unmasked */
  0x4fc0,                                     /* up + DAZ, PE unmasked */
  0x3680,                                     /* down, DE and UE unmasked */
  0x9d40,                                     /* nearest + FTZ + DAZ, IE and ZE unmasked */
};
#define NCFG (sizeof CONFIGS / sizeof CONFIGS[0])

/* ---- operand generators ------------------------------------------------ */

typedef struct { int mbits, ebits, bias; } Fmt;
static const Fmt F64 = { 52, 11, 1023 }, F32 = { 23, 8, 127 };

static u64 mant(const Fmt *f) {
  u64 m = rnd64() & ((1ull << f->mbits) - 1);
  switch (rndn(5)) {
  case 0: { int k = (int)rndn(f->mbits + 1); m = k ? m & ~((1ull << (f->mbits - k)) - 1) : 0; break; } /* short: ties */
  case 1: m |= (1ull << rndn(f->mbits)) - 1; break;                                                  /* trailing ones */
  case 2: { int k = 1 + (int)rndn(f->mbits); m = (m & ~((1ull << k) - 1)) | (1ull << (k - 1)) | rndn(2); break; } /* near-halfway */
  default: break;
  }
  return m & ((1ull << f->mbits) - 1);
}
static u64 pack(const Fmt *f, u64 s, u64 e, u64 m) { return s << (f->mbits + f->ebits) | e << f->mbits | m; }
static u64 emax(const Fmt *f) { return (1ull << f->ebits) - 1; }

static u64 special(const Fmt *f) {
  u64 s = rndn(2), E = emax(f), M = (1ull << f->mbits) - 1, q = 1ull << (f->mbits - 1);
  switch (rndn(14)) {
  case 0: return pack(f, s, 0, 0);                 /* zero */
  case 1: return pack(f, s, 0, 1);                 /* smallest denormal */
  case 2: return pack(f, s, 0, M);                 /* largest denormal */
  case 3: return pack(f, s, 1, 0);                 /* smallest normal */
  case 4: return pack(f, s, E - 1, M);             /* largest finite */
  case 5: return pack(f, s, E, 0);                 /* infinity */
  case 6: return pack(f, 1, E, q);                 /* QNaN floating-point indefinite */
  case 7: return pack(f, s, E, q | (rnd64() & (q - 1)));       /* QNaN with payload */
  case 8: return pack(f, s, E, 1 + (rnd64() & (q - 2)));       /* SNaN with payload */
  case 9: return pack(f, s, f->bias, 0);           /* 1 */
  case 10: return pack(f, s, f->bias + rndn(3), rndn(2) ? q : 0); /* 1.5, 2, 3 ... */
  case 11: return pack(f, s, f->bias - 1, M);      /* 1 - ulp/2 */
  case 12: return pack(f, s, 0, rnd64() & M);      /* random denormal */
  default: return pack(f, s, 1 + rndn(2), rnd64() & M); /* just above the denormals */
  }
}

static u64 gen(const Fmt *f) {
  u64 s = rndn(2), E = emax(f), r = rndn(100), e;
  if (r < 8) return special(f);
  if (r < 20) return pack(f, s, 0, mant(f) | (rndn(4) == 0)); /* denormal */
  if (r < 30) e = 1 + rndn(f->mbits + 10);
  else if (r < 38) e = E - 1 - rndn(f->mbits + 10);
  else if (r < 75) e = f->bias - 30 + rndn(61);
  else e = 1 + rndn((u32)E - 1);
  if (e >= E) e = E - 1;
  return pack(f, s, e, mant(f));
}

static u64 expo(const Fmt *f, u64 x) { return (x >> f->mbits) & emax(f); }

static u64 with_exp(const Fmt *f, long e) {
  long E = (long)emax(f);
  if (e <= 0) return pack(f, rndn(2), 0, mant(f) >> (e < -f->mbits ? f->mbits : -e) | 1);
  if (e >= E) e = E - 1;
  return pack(f, rndn(2), (u64)e, mant(f));
}

/* A second operand related to the first so that sums cancel, ties happen,
   products and quotients land near the underflow and overflow thresholds. */
static u64 gen_b(const Fmt *f, u64 a) {
  long ea = (long)expo(f, a), bias = f->bias;
  switch (rndn(10)) {
  case 4: case 5: return with_exp(f, ea - 2 + (long)rndn(5));             /* cancellation */
  case 6: case 7: return with_exp(f, ea - (long)rndn(f->mbits + 18));       /* ties in add */
  case 8: {                                                                 /* boundary products/quotients */
    long t = rndn(2) ? -(long)rndn(f->mbits + 30) - bias + 10 : bias - 10 + (long)rndn(12);
    long eb = rndn(2) ? t - (ea - bias) + bias : (ea - bias) - t + bias;
    return with_exp(f, eb);
  }
  case 9: return special(f);
  default: return gen(f);
  }
}

/* Values around integers and the int32/int64 limits, for CVT* and ROUND*. */
static u64 gen_intish(const Fmt *f) {
  static const double fr[] = { 0, 0.5, 0.25, 0.75, -0.5, 1.0 / 1024, 0.4999999, 0.5000001 };
  double base;
  switch (rndn(6)) {
  case 0: base = (double)(int64_t)(rnd64() >> rndn(64)); break;
  case 1: base = 2147483648.0 * (rndn(2) ? 1 : -1) + (double)(int)(rndn(9)) - 4; break;
  case 2: base = 9223372036854775808.0 * (rndn(2) ? 1 : -1) * (1 + (rndn(3) - 1.0) * 1e-15); break;
  case 3: base = (double)(int)rndn(20) - 10; break;
  default: return gen(f);
  }
  double v = base + fr[rndn(8)];
  if (f == &F32) { float g = (float)v; u32 u; memcpy(&u, &g, 4); return u; }
  u64 u; memcpy(&u, &v, 8); return u;
}

static u64 gen_int(int bits) {
  u64 v = rnd64() >> rndn(64);
  switch (rndn(6)) {
  case 0: v = (1ull << (bits - 1)) + rndn(5) - 2; break;
  case 1: v = rndn(5); break;
  case 2: v |= rnd64() & 0xff; break;
  default: break;
  }
  if (rndn(2)) v = -v;
  return bits == 32 ? (u32)v : v;
}

static void put(u8 *p, u64 v, int bytes) { memcpy(p, &v, bytes); }

/* ---- the instructions --------------------------------------------------- */

#define ASM2(insn) \
  __asm__ volatile("ldmxcsr %[ci]\n\t" insn " %[y], %[x]\n\tstmxcsr %[co]" \
                   : [x] "+x"(x), [co] "=m"(co) : [y] "x"(y), [ci] "m"(ci))
#define ASM2I(insn, n) \
  __asm__ volatile("ldmxcsr %[ci]\n\t" insn " %[i], %[y], %[x]\n\tstmxcsr %[co]" \
                   : [x] "+x"(x), [co] "=m"(co) : [y] "x"(y), [ci] "m"(ci), [i] "i"(n))
#define PRO __m128i x, y; unsigned ci = *io, co; (void)c; (void)imm; memcpy(&x, a, 16); memcpy(&y, b, 16)
#define EPI memcpy(res, &x, 16); *io = co

#define OP2(name, insn) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { PRO; ASM2(insn); EPI; }
#define OP2I(name, insn) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { \
    PRO; switch (imm) { C256(ASM2I, insn) } EPI; }

OP2(addsd, "addsd") OP2(subsd, "subsd") OP2(mulsd, "mulsd") OP2(divsd, "divsd")
OP2(minsd, "minsd") OP2(maxsd, "maxsd") OP2(sqrtsd, "sqrtsd")
OP2(addss, "addss") OP2(subss, "subss") OP2(mulss, "mulss") OP2(divss, "divss")
OP2(minss, "minss") OP2(maxss, "maxss") OP2(sqrtss, "sqrtss") OP2(rcpss, "rcpss") OP2(rsqrtss, "rsqrtss")
OP2(addpd, "addpd") OP2(subpd, "subpd") OP2(mulpd, "mulpd") OP2(divpd, "divpd")
OP2(minpd, "minpd") OP2(maxpd, "maxpd") OP2(sqrtpd, "sqrtpd")
OP2(addps, "addps") OP2(subps, "subps") OP2(mulps, "mulps") OP2(divps, "divps")
OP2(minps, "minps") OP2(maxps, "maxps") OP2(sqrtps, "sqrtps") OP2(rcpps, "rcpps") OP2(rsqrtps, "rsqrtps")
OP2(haddps, "haddps") OP2(haddpd, "haddpd") OP2(hsubps, "hsubps") OP2(hsubpd, "hsubpd")
OP2(addsubps, "addsubps") OP2(addsubpd, "addsubpd")
OP2(cvtsd2ss, "cvtsd2ss") OP2(cvtss2sd, "cvtss2sd")
OP2(cvtdq2ps, "cvtdq2ps") OP2(cvtps2dq, "cvtps2dq") OP2(cvttps2dq, "cvttps2dq")
OP2(cvtdq2pd, "cvtdq2pd") OP2(cvtpd2dq, "cvtpd2dq") OP2(cvttpd2dq, "cvttpd2dq")
OP2(cvtps2pd, "cvtps2pd") OP2(cvtpd2ps, "cvtpd2ps")
OP2I(cmpsd, "cmpsd") OP2I(cmpss, "cmpss") OP2I(cmppd, "cmppd") OP2I(cmpps, "cmpps")
OP2I(roundsd, "roundsd") OP2I(roundss, "roundss") OP2I(roundpd, "roundpd") OP2I(roundps, "roundps")
OP2I(dpps, "dpps") OP2I(dppd, "dppd")

/* COMISx and UCOMISx: res = RFLAGS low 12 bits (ZF PF CF set, OF SF AF cleared). Built with -mno-red-zone for PUSHF. */
#define OPCOMI(name, insn) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { \
    PRO; u64 fl; \
    __asm__ volatile("ldmxcsr %[ci]\n\tmov $0x8d5, %%eax\n\tpush %%rax\n\tpopfq\n\t" insn " %[y], %[x]\n\t" \
                     "pushfq\n\tpop %[fl]\n\tstmxcsr %[co]" \
                     : [fl] "=r"(fl), [co] "=m"(co) : [x] "x"(x), [y] "x"(y), [ci] "m"(ci) : "rax", "cc"); \
    memset(res, 0, 16); put(res, fl & 0x8d5, 2); *io = co; }
OPCOMI(comisd, "comisd") OPCOMI(ucomisd, "ucomisd") OPCOMI(comiss, "comiss") OPCOMI(ucomiss, "ucomiss")

/* Integer source in b (GPR), result xmm. */
#define OPSI2F(name, insn, T) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { \
    __m128i x; T g; unsigned ci = *io, co; (void)c; (void)imm; memcpy(&x, a, 16); memcpy(&g, b, sizeof g); \
    __asm__ volatile("ldmxcsr %[ci]\n\t" insn " %[g], %[x]\n\tstmxcsr %[co]" : [x] "+x"(x), [co] "=m"(co) : [g] "r"(g), [ci] "m"(ci)); \
    EPI; }
OPSI2F(cvtsi2sd32, "cvtsi2sdl", int32_t) OPSI2F(cvtsi2sd64, "cvtsi2sdq", int64_t)
OPSI2F(cvtsi2ss32, "cvtsi2ssl", int32_t) OPSI2F(cvtsi2ss64, "cvtsi2ssq", int64_t)

/* xmm source in b, integer result. */
#define OPF2SI(name, insn, T) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { \
    __m128i y; T g = 0; unsigned ci = *io, co; (void)a; (void)c; (void)imm; memcpy(&y, b, 16); \
    __asm__ volatile("ldmxcsr %[ci]\n\t" insn " %[y], %[g]\n\tstmxcsr %[co]" : [g] "=r"(g), [co] "=m"(co) : [y] "x"(y), [ci] "m"(ci)); \
    memset(res, 0, 16); memcpy(res, &g, sizeof g); *io = co; }
OPF2SI(cvtsd2si32, "cvtsd2si", int32_t) OPF2SI(cvtsd2si64, "cvtsd2si", int64_t)
OPF2SI(cvttsd2si32, "cvttsd2si", int32_t) OPF2SI(cvttsd2si64, "cvttsd2si", int64_t)
OPF2SI(cvtss2si32, "cvtss2si", int32_t) OPF2SI(cvtss2si64, "cvtss2si", int64_t)
OPF2SI(cvttss2si32, "cvttss2si", int32_t) OPF2SI(cvttss2si64, "cvttss2si", int64_t)

/* ---- the files ---------------------------------------------------------- */

enum Gen { BIN, UNARY, INTISH, INT32, INT64 };
typedef struct { const char *name; OpFn *fn; const Fmt *f; int lanes, aB, bB, imm, immMax, resB, n, gen; } Spec;

static const Spec SPECS[] = {
  { "addsd", addsd, &F64, 1, 8, 8, 0, 0, 8, 2000, BIN }, { "subsd", subsd, &F64, 1, 8, 8, 0, 0, 8, 1000, BIN },
  { "mulsd", mulsd, &F64, 1, 8, 8, 0, 0, 8, 2000, BIN }, { "divsd", divsd, &F64, 1, 8, 8, 0, 0, 8, 2000, BIN },
  { "minsd", minsd, &F64, 1, 8, 8, 0, 0, 8, 800, BIN }, { "maxsd", maxsd, &F64, 1, 8, 8, 0, 0, 8, 800, BIN },
  { "sqrtsd", sqrtsd, &F64, 1, 0, 8, 0, 0, 8, 1500, UNARY },
  { "addss", addss, &F32, 1, 4, 4, 0, 0, 4, 2000, BIN }, { "subss", subss, &F32, 1, 4, 4, 0, 0, 4, 1000, BIN },
  { "mulss", mulss, &F32, 1, 4, 4, 0, 0, 4, 2000, BIN }, { "divss", divss, &F32, 1, 4, 4, 0, 0, 4, 2000, BIN },
  { "minss", minss, &F32, 1, 4, 4, 0, 0, 4, 800, BIN }, { "maxss", maxss, &F32, 1, 4, 4, 0, 0, 4, 800, BIN },
  { "sqrtss", sqrtss, &F32, 1, 0, 4, 0, 0, 4, 1500, UNARY },
  { "rcpss", rcpss, &F32, 1, 0, 4, 0, 0, 4, 1500, UNARY }, { "rsqrtss", rsqrtss, &F32, 1, 0, 4, 0, 0, 4, 1500, UNARY },
  { "cmpsd", cmpsd, &F64, 1, 8, 8, 1, 8, 8, 1500, BIN }, { "cmpss", cmpss, &F32, 1, 4, 4, 1, 8, 4, 1500, BIN },
  { "comisd", comisd, &F64, 1, 8, 8, 0, 0, 2, 800, BIN }, { "ucomisd", ucomisd, &F64, 1, 8, 8, 0, 0, 2, 800, BIN },
  { "comiss", comiss, &F32, 1, 4, 4, 0, 0, 2, 800, BIN }, { "ucomiss", ucomiss, &F32, 1, 4, 4, 0, 0, 2, 800, BIN },
  { "roundsd", roundsd, &F64, 1, 0, 8, 1, 16, 8, 1500, INTISH }, { "roundss", roundss, &F32, 1, 0, 4, 1, 16, 4, 1500, INTISH },
  { "cvtsd2ss", cvtsd2ss, &F64, 1, 0, 8, 0, 0, 4, 2000, UNARY }, { "cvtss2sd", cvtss2sd, &F32, 1, 0, 4, 0, 0, 8, 800, UNARY },
  { "cvtsi2sd32", cvtsi2sd32, 0, 1, 0, 4, 0, 0, 8, 300, INT32 }, { "cvtsi2sd64", cvtsi2sd64, 0, 1, 0, 8, 0, 0, 8, 1000, INT64 },
  { "cvtsi2ss32", cvtsi2ss32, 0, 1, 0, 4, 0, 0, 4, 1000, INT32 }, { "cvtsi2ss64", cvtsi2ss64, 0, 1, 0, 8, 0, 0, 4, 1000, INT64 },
  { "cvtsd2si32", cvtsd2si32, &F64, 1, 0, 8, 0, 0, 4, 1000, INTISH }, { "cvtsd2si64", cvtsd2si64, &F64, 1, 0, 8, 0, 0, 8, 1000, INTISH },
  { "cvttsd2si32", cvttsd2si32, &F64, 1, 0, 8, 0, 0, 4, 800, INTISH }, { "cvttsd2si64", cvttsd2si64, &F64, 1, 0, 8, 0, 0, 8, 800, INTISH },
  { "cvtss2si32", cvtss2si32, &F32, 1, 0, 4, 0, 0, 4, 1000, INTISH }, { "cvtss2si64", cvtss2si64, &F32, 1, 0, 4, 0, 0, 8, 1000, INTISH },
  { "cvttss2si32", cvttss2si32, &F32, 1, 0, 4, 0, 0, 4, 800, INTISH }, { "cvttss2si64", cvttss2si64, &F32, 1, 0, 4, 0, 0, 8, 800, INTISH },
  /* packed: a and b are whole registers */
  { "addpd", addpd, &F64, 2, 16, 16, 0, 0, 16, 400, BIN }, { "subpd", subpd, &F64, 2, 16, 16, 0, 0, 16, 300, BIN },
  { "mulpd", mulpd, &F64, 2, 16, 16, 0, 0, 16, 400, BIN }, { "divpd", divpd, &F64, 2, 16, 16, 0, 0, 16, 400, BIN },
  { "minpd", minpd, &F64, 2, 16, 16, 0, 0, 16, 300, BIN }, { "maxpd", maxpd, &F64, 2, 16, 16, 0, 0, 16, 300, BIN },
  { "sqrtpd", sqrtpd, &F64, 2, 0, 16, 0, 0, 16, 400, UNARY },
  { "addps", addps, &F32, 4, 16, 16, 0, 0, 16, 400, BIN }, { "subps", subps, &F32, 4, 16, 16, 0, 0, 16, 300, BIN },
  { "mulps", mulps, &F32, 4, 16, 16, 0, 0, 16, 400, BIN }, { "divps", divps, &F32, 4, 16, 16, 0, 0, 16, 400, BIN },
  { "minps", minps, &F32, 4, 16, 16, 0, 0, 16, 300, BIN }, { "maxps", maxps, &F32, 4, 16, 16, 0, 0, 16, 300, BIN },
  { "sqrtps", sqrtps, &F32, 4, 0, 16, 0, 0, 16, 400, UNARY },
  { "rcpps", rcpps, &F32, 4, 0, 16, 0, 0, 16, 300, UNARY }, { "rsqrtps", rsqrtps, &F32, 4, 0, 16, 0, 0, 16, 300, UNARY },
  { "cmppd", cmppd, &F64, 2, 16, 16, 1, 8, 16, 400, BIN }, { "cmpps", cmpps, &F32, 4, 16, 16, 1, 8, 16, 400, BIN },
  { "haddpd", haddpd, &F64, 2, 16, 16, 0, 0, 16, 400, BIN }, { "hsubpd", hsubpd, &F64, 2, 16, 16, 0, 0, 16, 400, BIN },
  { "haddps", haddps, &F32, 4, 16, 16, 0, 0, 16, 400, BIN }, { "hsubps", hsubps, &F32, 4, 16, 16, 0, 0, 16, 400, BIN },
  { "addsubpd", addsubpd, &F64, 2, 16, 16, 0, 0, 16, 400, BIN }, { "addsubps", addsubps, &F32, 4, 16, 16, 0, 0, 16, 400, BIN },
  { "dppd", dppd, &F64, 2, 16, 16, 1, 256, 16, 1500, BIN }, { "dpps", dpps, &F32, 4, 16, 16, 1, 256, 16, 1500, BIN },
  { "roundpd", roundpd, &F64, 2, 0, 16, 1, 16, 16, 400, INTISH }, { "roundps", roundps, &F32, 4, 0, 16, 1, 16, 16, 400, INTISH },
  { "cvtps2pd", cvtps2pd, &F32, 2, 0, 16, 0, 0, 16, 300, UNARY }, { "cvtpd2ps", cvtpd2ps, &F64, 2, 0, 16, 0, 0, 16, 400, UNARY },
  { "cvtdq2ps", cvtdq2ps, 0, 4, 0, 16, 0, 0, 16, 400, INT32 }, { "cvtdq2pd", cvtdq2pd, 0, 2, 0, 16, 0, 0, 16, 200, INT32 },
  { "cvtps2dq", cvtps2dq, &F32, 4, 0, 16, 0, 0, 16, 400, INTISH }, { "cvttps2dq", cvttps2dq, &F32, 4, 0, 16, 0, 0, 16, 400, INTISH },
  { "cvtpd2dq", cvtpd2dq, &F64, 2, 0, 16, 0, 0, 16, 400, INTISH }, { "cvttpd2dq", cvttpd2dq, &F64, 2, 0, 16, 0, 0, 16, 400, INTISH },
};

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  install_fpe();
  for (size_t s = 0; s < sizeof SPECS / sizeof SPECS[0]; s++) {
    const Spec *sp = &SPECS[s];
    char path[512]; snprintf(path, sizeof path, "%s/%s.bin", dir, sp->name);
    VecFile v;
    vf_open(&v, path, sp->aB, sp->bB, 0, sp->imm, sp->resB, NCFG, CONFIGS);
    rng_state = 0x9e3779b97f4a7c15ull ^ (u64)(s + 1) * 0x100000001b3ull;
    int lb = sp->f == &F64 ? 8 : 4; /* lane bytes */
    for (int r = 0; r < sp->n; r++) {
      u8 a[16], b[16];
      for (int k = 0; k < 16; k += 8) { put(a + k, rnd64(), 8); put(b + k, rnd64(), 8); }
      int lanes = sp->lanes, ilanes = (sp->gen == INT32 || sp->gen == INT64) && sp->lanes > 1 ? 4 : lanes;
      for (int l = 0; l < ilanes; l++) {
        switch (sp->gen) {
        case BIN: { u64 x = gen(sp->f); put(a + l * lb, x, lb); put(b + l * lb, gen_b(sp->f, x), lb); break; }
        case UNARY: { u64 x = gen(sp->f); if (rndn(3)) x &= ~(1ull << (lb * 8 - 1)); put(b + l * lb, x, lb); break; }
        case INTISH: put(b + l * lb, gen_intish(sp->f), lb); break;
        case INT32: put(b + l * 4, gen_int(32), 4); break;
        case INT64: put(b, gen_int(64), 8); break;
        }
      }
      if (sp->aB == 0) memcpy(a, b, 16); /* unary: the destination's old value is irrelevant */
      vf_record(&v, sp->fn, a, b, 0, sp->imm ? (int)rndn(sp->immMax) : 0, 1);
    }
    vf_close(&v);
  }
  return 0;
}
