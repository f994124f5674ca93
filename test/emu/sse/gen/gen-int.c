/*
 * Reference vectors for the SSE integer helpers (src/emu/sse/int*.ts),
 * measured on the host CPU: each instruction runs on random and edge
 * operands (immediates random over all 256 values where the instruction has
 * one). flags = CF PF AF ZF SF OF in bits 0-5 where the instruction writes
 * RFLAGS. Build and run: sh test/emu/sse/gen/gen.sh.
 */
#include "vecfile.h"

static const u32 CFG[] = { 0x1f80 };

/* RFLAGS (CF bit 0, PF 2, AF 4, ZF 6, SF 7, OF 11) -> bits 0-5 */
static unsigned packfl(u64 f) {
  return (f & 1) | (f >> 1 & 2) | (f >> 2 & 4) | (f >> 3 & 8) | (f >> 3 & 16) | (f >> 6 & 32);
}

#define PRO __m128i x, y, z = _mm_setzero_si128(); (void)z; (void)imm; memcpy(&x, a, 16); memcpy(&y, b, 16); if (c) memcpy(&z, c, 16)
#define OUT(v) do { __m128i t_ = (v); memcpy(res, &t_, 16); *io = 0; } while (0)
#define OPV(name, expr) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { PRO; OUT(expr); }
#define IMMV(E, n) t = E(x, y, n)
#define OPVI(name, E) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { \
    PRO; __m128i t = x; switch (imm) { C256(IMMV, E) } OUT(t); }

OPV(pshufb, _mm_shuffle_epi8(x, y)) OPV(pmaddwd, _mm_madd_epi16(x, y)) OPV(pmaddubsw, _mm_maddubs_epi16(x, y))
OPV(psadbw, _mm_sad_epu8(x, y)) OPV(phminposuw, _mm_minpos_epu16(y))
OPV(packsswb, _mm_packs_epi16(x, y)) OPV(packssdw, _mm_packs_epi32(x, y))
OPV(packuswb, _mm_packus_epi16(x, y)) OPV(packusdw, _mm_packus_epi32(x, y))
OPV(pmulhrsw, _mm_mulhrs_epi16(x, y)) OPV(pmulhuw, _mm_mulhi_epu16(x, y)) OPV(pmulhw, _mm_mulhi_epi16(x, y))
OPV(pavgb, _mm_avg_epu8(x, y)) OPV(pavgw, _mm_avg_epu16(x, y))
OPV(psignb, _mm_sign_epi8(x, y)) OPV(psignw, _mm_sign_epi16(x, y)) OPV(psignd, _mm_sign_epi32(x, y))
OPV(pabsb, _mm_abs_epi8(y)) OPV(pabsw, _mm_abs_epi16(y)) OPV(pabsd, _mm_abs_epi32(y))
OPV(pblendvb, _mm_blendv_epi8(x, y, z))
OPV(blendvps, _mm_castps_si128(_mm_blendv_ps(_mm_castsi128_ps(x), _mm_castsi128_ps(y), _mm_castsi128_ps(z))))
OPV(blendvpd, _mm_castpd_si128(_mm_blendv_pd(_mm_castsi128_pd(x), _mm_castsi128_pd(y), _mm_castsi128_pd(z))))
OPV(pmovsxbw, _mm_cvtepi8_epi16(y)) OPV(pmovsxbd, _mm_cvtepi8_epi32(y)) OPV(pmovsxbq, _mm_cvtepi8_epi64(y))
OPV(pmovsxwd, _mm_cvtepi16_epi32(y)) OPV(pmovsxwq, _mm_cvtepi16_epi64(y)) OPV(pmovsxdq, _mm_cvtepi32_epi64(y))
OPV(pmovzxbw, _mm_cvtepu8_epi16(y)) OPV(pmovzxbd, _mm_cvtepu8_epi32(y)) OPV(pmovzxbq, _mm_cvtepu8_epi64(y))
OPV(pmovzxwd, _mm_cvtepu16_epi32(y)) OPV(pmovzxwq, _mm_cvtepu16_epi64(y)) OPV(pmovzxdq, _mm_cvtepu32_epi64(y))

OPV(phaddw, _mm_hadd_epi16(x, y)) OPV(phaddd, _mm_hadd_epi32(x, y)) OPV(phaddsw, _mm_hadds_epi16(x, y))
OPV(phsubw, _mm_hsub_epi16(x, y)) OPV(phsubd, _mm_hsub_epi32(x, y)) OPV(phsubsw, _mm_hsubs_epi16(x, y))
OPV(pmuludq, _mm_mul_epu32(x, y)) OPV(pmuldq, _mm_mul_epi32(x, y)) OPV(pmulld, _mm_mullo_epi32(x, y))
OPV(pcmpgtq, _mm_cmpgt_epi64(x, y))
OPV(psllw, _mm_sll_epi16(x, y)) OPV(pslld, _mm_sll_epi32(x, y)) OPV(psllq, _mm_sll_epi64(x, y))
OPV(psrlw, _mm_srl_epi16(x, y)) OPV(psrld, _mm_srl_epi32(x, y)) OPV(psrlq, _mm_srl_epi64(x, y))
OPV(psraw, _mm_sra_epi16(x, y)) OPV(psrad, _mm_sra_epi32(x, y))

#define PALIGNR(x, y, n) _mm_alignr_epi8(x, y, n)
#define PSLLDQ(x, y, n) _mm_slli_si128(x, n)
#define PSRLDQ(x, y, n) _mm_srli_si128(x, n)
#define MPSADBW(x, y, n) _mm_mpsadbw_epu8(x, y, (n) & 7)
#define INSERTPS(x, y, n) _mm_castps_si128(_mm_insert_ps(_mm_castsi128_ps(x), _mm_castsi128_ps(y), n))
OPVI(palignr, PALIGNR) OPVI(mpsadbw, MPSADBW) OPVI(insertps, INSERTPS) OPVI(pslldq, PSLLDQ) OPVI(psrldq, PSRLDQ)

static void ptest(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) {
  PRO; u64 fl;
  __asm__ volatile("mov $0x8d5, %%eax\n\tpush %%rax\n\tpopfq\n\tptest %[y], %[x]\n\tpushfq\n\tpop %[fl]"
                   : [fl] "=r"(fl) : [x] "x"(x), [y] "x"(y) : "rax", "cc");
  memset(res, 0, 16); *io = packfl(fl);
}

#define CRC(name, insn, T, DM, AM) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { \
    u64 acc = 0; T d; (void)c; (void)imm; memcpy(&acc, a, 4); memcpy(&d, b, sizeof d); \
    __asm__(insn " %" DM "[d], %" AM "[acc]" : [acc] "+r"(acc) : [d] "r"(d)); \
    memset(res, 0, 16); memcpy(res, &acc, 8); *io = 0; }
CRC(crc32b, "crc32b", uint8_t, "b", "k") CRC(crc32w, "crc32w", uint16_t, "w", "k")
CRC(crc32l, "crc32l", uint32_t, "k", "k") CRC(crc32q, "crc32q", u64, "q", "q")

/* PCMPxSTRx: c holds EAX then EDX (explicit lengths); res = ECX or XMM0. */
#define ESTRI(I, n) __asm__("mov %[la], %%eax\n\tmov %[lb], %%edx\n\tpush $0x8d5\n\tpopfq\n\t" I " %[i], %[y], %[x]\n\t" \
  "pushfq\n\tpop %[fl]\n\tmov %%ecx, %k[r]" : [fl] "=&r"(fl), [r] "=&r"(r) : [x] "x"(x), [y] "x"(y), [la] "r"(la), [lb] "r"(lb), [i] "i"(n) : "rax", "rcx", "rdx", "cc")
#define ESTRM(I, n) __asm__("mov %[la], %%eax\n\tmov %[lb], %%edx\n\tpush $0x8d5\n\tpopfq\n\t" I " %[i], %[y], %[x]\n\t" \
  "pushfq\n\tpop %[fl]\n\tmovdqa %%xmm0, %[m]" : [fl] "=&r"(fl), [m] "=x"(m) : [x] "x"(x), [y] "x"(y), [la] "r"(la), [lb] "r"(lb), [i] "i"(n) : "rax", "rdx", "xmm0", "cc")
#define STRFN(name, M, I, isM) \
  static void name(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io) { \
    PRO; u64 fl = 0, r = 0; __m128i m = x; int32_t la = 0, lb = 0; if (c) { memcpy(&la, c, 4); memcpy(&lb, c + 4, 4); } \
    switch (imm) { C256(M, I) } \
    memset(res, 0, 16); if (isM) memcpy(res, &m, 16); else memcpy(res, &r, 4); *io = packfl(fl); }
STRFN(pcmpestri, ESTRI, "pcmpestri", 0) STRFN(pcmpestrm, ESTRM, "pcmpestrm", 1)
STRFN(pcmpistri, ESTRI, "pcmpistri", 0) STRFN(pcmpistrm, ESTRM, "pcmpistrm", 1)

/* ---- operands ------------------------------------------------------------ */

static const uint16_t EDGE16[] = { 0, 0x7fff, 0x8000, 0xffff, 1, 0xff, 0xff00, 0x7f80, 0x807f, 0x0080, 0x8080, 0x7f7f };
static void gen_vec(u8 *p) {
  for (int k = 0; k < 16; k += 2) {
    uint16_t w = (uint16_t)rnd64();
    if (rndn(10) < 3) w = EDGE16[rndn(sizeof EDGE16 / 2)];
    memcpy(p + k, &w, 2);
  }
}
/* Strings over a small alphabet so that matches, ranges and substrings occur; some with a NUL. */
static void gen_str(u8 *p) {
  u8 alpha[6]; int n = 2 + (int)rndn(5);
  for (int k = 0; k < n; k++) alpha[k] = rndn(3) ? (u8)('a' + rndn(8)) : (u8)rnd64();
  for (int k = 0; k < 16; k++) p[k] = alpha[rndn(n)];
  if (rndn(3) == 0) for (int k = 0; k < 16; k += 2) p[k + 1] = rndn(4) ? 0 : p[k + 1]; /* word-ish */
  int z = (int)rndn(24);
  if (z < 16 && rndn(2)) { p[z] = 0; if (rndn(2)) p[z ^ 1] = 0; }
}
static int32_t gen_len(void) {
  switch (rndn(8)) {
  case 0: return (int32_t)rnd64();
  case 1: return rndn(2) ? INT32_MIN : INT32_MAX;
  default: return (int32_t)rndn(41) - 20;
  }
}

enum Kind { VEC, STR_E, STR_I, CRCK, BLEND, SHIFT };
typedef struct { const char *name; OpFn *fn; int aB, bB, cB, imm, resB, n, kind; } Spec;
static const Spec SPECS[] = {
  { "pcmpestri", pcmpestri, 16, 16, 8, 1, 4, 4000, STR_E }, { "pcmpestrm", pcmpestrm, 16, 16, 8, 1, 16, 4000, STR_E },
  { "pcmpistri", pcmpistri, 16, 16, 0, 1, 4, 4000, STR_I }, { "pcmpistrm", pcmpistrm, 16, 16, 0, 1, 16, 4000, STR_I },
  { "crc32b", crc32b, 4, 1, 0, 0, 4, 300, CRCK }, { "crc32w", crc32w, 4, 2, 0, 0, 4, 300, CRCK },
  { "crc32l", crc32l, 4, 4, 0, 0, 4, 300, CRCK }, { "crc32q", crc32q, 4, 8, 0, 0, 8, 300, CRCK },
  { "pshufb", pshufb, 16, 16, 0, 0, 16, 300, VEC }, { "palignr", palignr, 16, 16, 0, 1, 16, 500, VEC },
  { "pmaddwd", pmaddwd, 16, 16, 0, 0, 16, 300, VEC }, { "pmaddubsw", pmaddubsw, 16, 16, 0, 0, 16, 300, VEC },
  { "psadbw", psadbw, 16, 16, 0, 0, 16, 300, VEC }, { "mpsadbw", mpsadbw, 16, 16, 0, 1, 16, 500, VEC },
  { "phminposuw", phminposuw, 0, 16, 0, 0, 16, 300, VEC },
  { "packsswb", packsswb, 16, 16, 0, 0, 16, 300, VEC }, { "packssdw", packssdw, 16, 16, 0, 0, 16, 300, VEC },
  { "packuswb", packuswb, 16, 16, 0, 0, 16, 300, VEC }, { "packusdw", packusdw, 16, 16, 0, 0, 16, 300, VEC },
  { "pmulhrsw", pmulhrsw, 16, 16, 0, 0, 16, 300, VEC }, { "pmulhuw", pmulhuw, 16, 16, 0, 0, 16, 300, VEC },
  { "pmulhw", pmulhw, 16, 16, 0, 0, 16, 300, VEC }, { "pavgb", pavgb, 16, 16, 0, 0, 16, 300, VEC },
  { "pavgw", pavgw, 16, 16, 0, 0, 16, 300, VEC }, { "psignb", psignb, 16, 16, 0, 0, 16, 300, VEC },
  { "psignw", psignw, 16, 16, 0, 0, 16, 300, VEC }, { "psignd", psignd, 16, 16, 0, 0, 16, 300, VEC },
  { "pabsb", pabsb, 0, 16, 0, 0, 16, 300, VEC }, { "pabsw", pabsw, 0, 16, 0, 0, 16, 300, VEC },
  { "pabsd", pabsd, 0, 16, 0, 0, 16, 300, VEC },
  { "pblendvb", pblendvb, 16, 16, 16, 0, 16, 300, BLEND }, { "blendvps", blendvps, 16, 16, 16, 0, 16, 300, BLEND },
  { "blendvpd", blendvpd, 16, 16, 16, 0, 16, 300, BLEND }, { "insertps", insertps, 16, 16, 0, 1, 16, 600, VEC },
  { "pmovsxbw", pmovsxbw, 0, 16, 0, 0, 16, 200, VEC }, { "pmovsxbd", pmovsxbd, 0, 16, 0, 0, 16, 200, VEC },
  { "pmovsxbq", pmovsxbq, 0, 16, 0, 0, 16, 200, VEC }, { "pmovsxwd", pmovsxwd, 0, 16, 0, 0, 16, 200, VEC },
  { "pmovsxwq", pmovsxwq, 0, 16, 0, 0, 16, 200, VEC }, { "pmovsxdq", pmovsxdq, 0, 16, 0, 0, 16, 200, VEC },
  { "pmovzxbw", pmovzxbw, 0, 16, 0, 0, 16, 200, VEC }, { "pmovzxbd", pmovzxbd, 0, 16, 0, 0, 16, 200, VEC },
  { "pmovzxbq", pmovzxbq, 0, 16, 0, 0, 16, 200, VEC }, { "pmovzxwd", pmovzxwd, 0, 16, 0, 0, 16, 200, VEC },
  { "pmovzxwq", pmovzxwq, 0, 16, 0, 0, 16, 200, VEC }, { "pmovzxdq", pmovzxdq, 0, 16, 0, 0, 16, 200, VEC },
  { "ptest", ptest, 16, 16, 0, 0, 0, 600, VEC },
  { "phaddw", phaddw, 16, 16, 0, 0, 16, 300, VEC }, { "phaddd", phaddd, 16, 16, 0, 0, 16, 300, VEC },
  { "phaddsw", phaddsw, 16, 16, 0, 0, 16, 300, VEC }, { "phsubw", phsubw, 16, 16, 0, 0, 16, 300, VEC },
  { "phsubd", phsubd, 16, 16, 0, 0, 16, 300, VEC }, { "phsubsw", phsubsw, 16, 16, 0, 0, 16, 300, VEC },
  { "pmuludq", pmuludq, 16, 16, 0, 0, 16, 400, VEC }, { "pmuldq", pmuldq, 16, 16, 0, 0, 16, 400, VEC },
  { "pmulld", pmulld, 16, 16, 0, 0, 16, 300, VEC }, { "pcmpgtq", pcmpgtq, 16, 16, 0, 0, 16, 400, VEC },
  { "psllw", psllw, 16, 16, 0, 0, 16, 300, SHIFT }, { "pslld", pslld, 16, 16, 0, 0, 16, 300, SHIFT },
  { "psllq", psllq, 16, 16, 0, 0, 16, 300, SHIFT }, { "psrlw", psrlw, 16, 16, 0, 0, 16, 300, SHIFT },
  { "psrld", psrld, 16, 16, 0, 0, 16, 300, SHIFT }, { "psrlq", psrlq, 16, 16, 0, 0, 16, 300, SHIFT },
  { "psraw", psraw, 16, 16, 0, 0, 16, 300, SHIFT }, { "psrad", psrad, 16, 16, 0, 0, 16, 300, SHIFT },
  { "pslldq", pslldq, 16, 0, 0, 1, 16, 300, VEC }, { "psrldq", psrldq, 16, 0, 0, 1, 16, 300, VEC },
};

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  for (size_t s = 0; s < sizeof SPECS / sizeof SPECS[0]; s++) {
    const Spec *sp = &SPECS[s];
    char path[512]; snprintf(path, sizeof path, "%s/%s.bin", dir, sp->name);
    VecFile v;
    vf_open(&v, path, sp->aB, sp->bB, sp->cB, sp->imm, sp->resB, 1, CFG);
    rng_state = 0x243f6a8885a308d3ull ^ (u64)(s + 1) * 0x100000001b3ull;
    for (int r = 0; r < sp->n; r++) {
      u8 a[16], b[16], c[16];
      gen_vec(a); gen_vec(b); gen_vec(c);
      if (sp->kind == STR_E || sp->kind == STR_I) {
        gen_str(a); gen_str(b);
        if (rndn(4) == 0) memcpy(b + rndn(8), a, 1 + rndn(6)); /* plant a substring */
        int32_t la = gen_len(), lb = gen_len(); memcpy(c, &la, 4); memcpy(c + 4, &lb, 4);
      }
      if (sp->kind == CRCK && rndn(4) == 0) memset(a, 0xff, 4);
      if (sp->kind == SHIFT) { /* count = b's low quadword: mostly in range, sometimes huge */
        u64 n = rndn(4) ? rndn(70) : rnd64() >> rndn(64);
        memcpy(b, &n, 8);
      }
      if (!strcmp(sp->name, "pcmpgtq") && rndn(3) == 0) memcpy(b + 4 * rndn(4), a + 4 * rndn(4), 4); /* equal halves */
      if (sp->kind == VEC && rndn(8) == 0) memcpy(b, a, 16); /* equal operands: PTEST ZF/CF, PSAD 0 */
      if (!strcmp(sp->name, "ptest") && rndn(3) == 0) for (int k = 0; k < 16; k++) b[k] &= ~a[k];
      vf_record(&v, sp->fn, a, b, sp->cB ? c : 0, sp->imm ? (int)rndn(256) : 0, 0);
    }
    vf_close(&v);
  }
  return 0;
}
