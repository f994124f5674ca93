/*
 * Shared by the SSE reference-vector generators: a seeded PRNG, the SIGFPE
 * catcher that turns an unmasked SIMD floating-point exception (#XM, which
 * Linux delivers as SIGFPE) into "faulted" plus the MXCSR the handler saw,
 * and the vector-file writer. File layout (little-endian), read back by
 * test/emu/sse/vectors.ts:
 *   "SSEV" u32 version=1, u32 aBytes, u32 bBytes, u32 cBytes, u32 hasImm,
 *   u32 resBytes, u32 nConfigs, u32 config[nConfigs] (MXCSR values),
 *   u32 nRecords, then each record:
 *   a[aBytes] b[bBytes] c[cBytes] imm[hasImm] then per config
 *   res[resBytes] flags(u8: MXCSR bits 0-5, 0x80 when the instruction
 *   faulted — res is then zero) — for integer files flags holds
 *   CF PF AF ZF SF OF in bits 0-5 where the instruction defines them.
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

static u64 rng_state = 0x9e3779b97f4a7c15ull;
static u64 rnd64(void) { /* xorshift64* (Vigna 2016) */
  rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}
static u32 rndn(u32 n) { return (u32)(rnd64() >> 33) % n; }

static sigjmp_buf fault_jb;
static volatile unsigned fault_mxcsr;
static void on_fpe(int sig, siginfo_t *si, void *ctx) {
  (void)sig; (void)si;
  ucontext_t *uc = ctx;
  fault_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
  siglongjmp(fault_jb, 1);
}
static inline void install_fpe(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fpe; sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGFPE, &sa, 0);
}

/* op(a, b, c, imm, res, io): io is the MXCSR to load on entry and receives
   the MXCSR (or, for integer ops, the flags) on exit. */
typedef void OpFn(const u8 *a, const u8 *b, const u8 *c, int imm, u8 *res, unsigned *io);

typedef struct {
  FILE *f; u32 nrec_pos; u32 nrec;
  u32 a, b, c, imm, res, ncfg; const u32 *cfg;
} VecFile;

static void put32(FILE *f, u32 v) { fwrite(&v, 4, 1, f); }

static void vf_open(VecFile *v, const char *path, u32 a, u32 b, u32 c, u32 imm, u32 res, u32 ncfg, const u32 *cfg) {
  v->f = fopen(path, "wb");
  if (!v->f) { perror(path); exit(1); }
  v->a = a; v->b = b; v->c = c; v->imm = imm; v->res = res; v->ncfg = ncfg; v->cfg = cfg; v->nrec = 0;
  fwrite("SSEV", 4, 1, v->f);
  put32(v->f, 1); put32(v->f, a); put32(v->f, b); put32(v->f, c); put32(v->f, imm); put32(v->f, res);
  put32(v->f, ncfg);
  for (u32 k = 0; k < ncfg; k++) put32(v->f, cfg[k]);
  v->nrec_pos = (u32)ftell(v->f);
  put32(v->f, 0);
}

/* Run op under every config and append one record. Integer ops pass
   is_fp = 0: io then starts at 0 and its low 6 bits are stored. */
static void vf_record(VecFile *v, OpFn *op, const u8 *a, const u8 *b, const u8 *c, int imm, int is_fp) {
  static u8 zero[16];
  fwrite(a, 1, v->a, v->f); fwrite(b, 1, v->b, v->f); fwrite(c ? c : zero, 1, v->c, v->f);
  if (v->imm) { u8 i = (u8)imm; fwrite(&i, 1, 1, v->f); }
  for (u32 k = 0; k < v->ncfg; k++) {
    u8 res[16]; memset(res, 0, 16);
    volatile unsigned io = is_fp ? v->cfg[k] : 0;
    u8 flags;
    if (sigsetjmp(fault_jb, 1) == 0) {
      unsigned t = io;
      op(a, b, c, imm, res, &t);
      flags = (u8)(t & 0x3f);
    } else {
      memset(res, 0, 16);
      flags = (u8)((fault_mxcsr & 0x3f) | 0x80);
    }
    fwrite(res, 1, v->res, v->f); fwrite(&flags, 1, 1, v->f);
  }
  v->nrec++;
}

static void vf_close(VecFile *v) {
  fseek(v->f, v->nrec_pos, SEEK_SET); put32(v->f, v->nrec); fclose(v->f);
}

/* imm8 dispatch: C256(M, insn) expands M(insn, n) for n = 0..255 as switch cases. */
#define C1(M, I, n) case (n): M(I, (n)); break;
#define C4(M, I, n) C1(M, I, n) C1(M, I, (n) + 1) C1(M, I, (n) + 2) C1(M, I, (n) + 3)
#define C16(M, I, n) C4(M, I, n) C4(M, I, (n) + 4) C4(M, I, (n) + 8) C4(M, I, (n) + 12)
#define C64(M, I, n) C16(M, I, n) C16(M, I, (n) + 16) C16(M, I, (n) + 32) C16(M, I, (n) + 48)
#define C256(M, I) C64(M, I, 0) C64(M, I, 64) C64(M, I, 128) C64(M, I, 192)
