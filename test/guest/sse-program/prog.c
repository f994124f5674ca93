/*
 * An ordinary gcc -O2 program (built without -mgeneral-regs-only, with
 * -msse4.2): strings, struct copies, doubles and floats, a qsort of doubles,
 * printf-like formatting of doubles done here, CRC32 and PCMPISTRI through
 * the SSE4.2 intrinsics. Freestanding: prog_main(out) writes its text to
 * `out` and returns the length. sse-program.test.ts links it with the
 * benchmark guest's entry (bench/guest/start.S, link.ld: main() at CPL 3,
 * its result stored at 0xF0000), runs it on the emulator and on the real CPU
 * (through /dev/kvm, and as a host process with -DHOSTED) and compares the
 * bytes. No long double (x87 is another piece of work).
 */
#include <nmmintrin.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *a = d;
  const unsigned char *b = s;
  while (n--) *a++ = *b++;
  return d;
}
void *memmove(void *d, const void *s, size_t n) {
  unsigned char *a = d;
  const unsigned char *b = s;
  if (a < b) while (n--) *a++ = *b++;
  else while (n--) a[n] = b[n];
  return d;
}
void *memset(void *d, int c, size_t n) {
  unsigned char *a = d;
  while (n--) *a++ = (unsigned char)c;
  return d;
}
int memcmp(const void *x, const void *y, size_t n) {
  const unsigned char *a = x, *b = y;
  for (; n; n--, a++, b++) if (*a != *b) return *a - *b;
  return 0;
}

static char *out;
static size_t pos;

static void put(char c) { out[pos++] = c; }
static void puts_(const char *s) { while (*s) put(*s++); }
static size_t slen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

static void put_u64(uint64_t v) {
  char t[24];
  int n = 0;
  do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) put(t[--n]);
}
static void put_i64(int64_t v) {
  if (v < 0) { put('-'); put_u64((uint64_t)0 - (uint64_t)v); } else put_u64((uint64_t)v);
}
static void put_hex(uint64_t v, int digits) {
  for (int k = digits - 1; k >= 0; k--) put("0123456789abcdef"[(v >> (4 * k)) & 15]);
}

/* %.<prec>f with round-half-even on the decimal digits computed in doubles. */
static void put_fixed(double x, int prec) {
  if (x != x) { puts_("nan"); return; }
  if (x < 0 || (x == 0 && 1 / x < 0)) { put('-'); x = -x; }
  if (x > 1e18) { puts_("inf-or-huge"); return; }
  double scale = 1;
  for (int k = 0; k < prec; k++) scale *= 10;
  double y = x * scale;
  uint64_t n = (uint64_t)y;
  double frac = y - (double)n;
  if (frac > 0.5 || (frac == 0.5 && (n & 1))) n++;
  uint64_t ip = n, p10 = 1;
  for (int k = 0; k < prec; k++) p10 *= 10;
  put_u64(ip / p10);
  if (prec) {
    put('.');
    uint64_t f = ip % p10;
    char t[24];
    for (int k = 0; k < prec; k++) { t[prec - 1 - k] = (char)('0' + f % 10); f /= 10; }
    for (int k = 0; k < prec; k++) put(t[k]);
  }
}

/* %.<prec>e */
static void put_exp(double x, int prec) {
  if (x != x) { puts_("nan"); return; }
  if (x < 0) { put('-'); x = -x; }
  if (x == 0) { put_fixed(0, prec); puts_("e+00"); return; }
  if (x > 1.7e308) { puts_("inf"); return; }
  int e = 0;
  while (x >= 10) { x /= 10; e++; }
  while (x < 1) { x *= 10; e--; }
  put_fixed(x, prec);
  put('e');
  put(e < 0 ? '-' : '+');
  if (e < 0) e = -e;
  if (e < 10) put('0');
  put_u64((uint64_t)e);
}

/* ---- qsort of doubles (a generic quicksort with a comparator, like libc's) */
typedef int (*cmp_fn)(const void *, const void *);
static void swap_bytes(char *a, char *b, size_t size) {
  char t[32];
  memcpy(t, a, size);
  memcpy(a, b, size);
  memcpy(b, t, size);
}
static void qsort_(void *base, size_t n, size_t size, cmp_fn cmp) {
  char *b = base;
  while (n > 1) {
    char *pivot = b + (n / 2) * size;
    swap_bytes(pivot, b + (n - 1) * size, size);
    pivot = b + (n - 1) * size;
    size_t store = 0;
    for (size_t k = 0; k + 1 < n; k++)
      if (cmp(b + k * size, pivot) < 0) swap_bytes(b + k * size, b + store++ * size, size);
    swap_bytes(b + store * size, pivot, size);
    qsort_(b, store, size, cmp);
    b += (store + 1) * size;
    n -= store + 1;
  }
}
static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b ? 1 : 0;
}

static uint64_t lcg = 0x2545f4914f6cdd1dULL;
static uint64_t next(void) {
  lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
  return lcg >> 11;
}
static double unit(void) { return (double)next() / 9007199254740992.0; }

struct particle {
  double x, y, vx, vy;
  float mass;
  int id;
  char tag[8];
};

static double my_sin(double x) {
  double term = x, sum = x;
  for (int k = 1; k < 12; k++) {
    term *= -x * x / ((2 * k) * (2 * k + 1));
    sum += term;
  }
  return sum;
}

static const char TEXT[] =
    "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! 0123456789";

int prog_main(char *buf) {
  out = buf;
  pos = 0;

  /* strings */
  char s[128];
  size_t n = slen(TEXT);
  memcpy(s, TEXT, n + 1);
  int upper = 0, spaces = 0;
  for (size_t k = 0; k < n; k++) {
    if (s[k] >= 'a' && s[k] <= 'z') s[k] = (char)(s[k] - 32);
    if (s[k] >= 'A' && s[k] <= 'Z') upper++;
    if (s[k] == ' ') spaces++;
  }
  puts_(s); puts_("\nlen "); put_u64(n); puts_(" letters "); put_u64((uint64_t)upper); puts_(" spaces "); put_u64((uint64_t)spaces); put('\n');
  for (size_t k = 0; k < n / 2; k++) { char t = s[k]; s[k] = s[n - 1 - k]; s[n - 1 - k] = t; }
  puts_(s); put('\n');

  /* PCMPISTRI: index of the first vowel in each 16-byte chunk */
  const __m128i vowels = _mm_setr_epi8('A', 'E', 'I', 'O', 'U', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  puts_("vowels at");
  for (size_t k = 0; k + 16 <= n; k += 16) {
    __m128i chunk = _mm_loadu_si128((const __m128i *)(s + k));
    int idx = _mm_cmpistri(vowels, chunk, _SIDD_UBYTE_OPS | _SIDD_CMP_EQUAL_ANY | _SIDD_LEAST_SIGNIFICANT);
    put(' '); put_u64(k + (size_t)idx);
  }
  put('\n');

  /* CRC32C via SSE4.2, byte / dword / qword steps, compared with a bitwise one */
  uint32_t c8 = ~0u, c32 = ~0u;
  uint64_t c64 = ~0ull;
  for (size_t k = 0; k < n; k++) c8 = _mm_crc32_u8(c8, (unsigned char)TEXT[k]);
  for (size_t k = 0; k + 4 <= n; k += 4) { uint32_t w; memcpy(&w, TEXT + k, 4); c32 = _mm_crc32_u32(c32, w); }
  for (size_t k = 0; k + 8 <= n; k += 8) { uint64_t w; memcpy(&w, TEXT + k, 8); c64 = _mm_crc32_u64(c64, w); }
  uint32_t soft = ~0u;
  for (size_t k = 0; k < n; k++) {
    soft ^= (unsigned char)TEXT[k];
    for (int b = 0; b < 8; b++) soft = (soft >> 1) ^ (0x82f63b78u & (0u - (soft & 1)));
  }
  puts_("crc32c "); put_hex(~c8, 8); put(' '); put_hex(~soft, 8); put(' '); put_hex(~c32, 8); put(' '); put_hex(~c64 & 0xffffffffu, 8); put('\n');

  /* struct copies and float/double arithmetic */
  struct particle p[16], q[16];
  for (int k = 0; k < 16; k++) {
    p[k].x = unit() * 10; p[k].y = unit() * 10 - 5;
    p[k].vx = unit() - 0.5; p[k].vy = unit() - 0.5;
    p[k].mass = (float)(1 + unit());
    p[k].id = k;
    memcpy(p[k].tag, "part000", 8);
    p[k].tag[5] = (char)('0' + k / 10); p[k].tag[6] = (char)('0' + k % 10);
  }
  for (int step = 0; step < 50; step++) {
    for (int k = 0; k < 16; k++) q[k] = p[k];
    for (int k = 0; k < 16; k++) {
      double fx = 0, fy = 0;
      for (int j = 0; j < 16; j++) {
        if (j == k) continue;
        double dx = q[j].x - q[k].x, dy = q[j].y - q[k].y;
        double r2 = dx * dx + dy * dy + 0.01;
        double inv = q[j].mass / (r2 * __builtin_sqrt(r2));
        fx += dx * inv; fy += dy * inv;
      }
      p[k].vx += 0.001 * fx / q[k].mass; p[k].vy += 0.001 * fy / q[k].mass;
      p[k].x += 0.01 * p[k].vx; p[k].y += 0.01 * p[k].vy;
    }
  }
  double e = 0;
  float fm = 0;
  for (int k = 0; k < 16; k++) { e += 0.5 * p[k].mass * (p[k].vx * p[k].vx + p[k].vy * p[k].vy); fm += p[k].mass * 1.25f; }
  puts_("energy "); put_exp(e, 12); puts_(" mass "); put_fixed(fm, 6); puts_(" last "); puts_(p[15].tag); puts_(" x ");
  put_fixed(p[15].x, 9); puts_(" y "); put_fixed(p[15].y, 9); put('\n');

  /* doubles: series, conversions, rounding */
  double h = 0;
  for (int k = 1; k <= 1000; k++) h += 1.0 / k;
  puts_("H(1000) "); put_fixed(h, 15); puts_(" sin(1) "); put_fixed(my_sin(1.0), 15); puts_(" sqrt2 "); put_fixed(__builtin_sqrt(2.0), 15); put('\n');
  int64_t acc = 0;
  for (int k = -20; k <= 20; k++) {
    double v = k * 0.75 + 0.25;
    acc = acc * 3 + (int64_t)v + (int64_t)(float)(v * v) + (int)__builtin_floor(v) + (int)__builtin_ceil(v);
  }
  puts_("conversions "); put_i64(acc); put('\n');
  float fs = 0;
  for (int k = 0; k < 100; k++) fs += 1.0f / (float)(k + 1) * (k & 1 ? -1.0f : 1.0f);
  puts_("alt float sum "); put_exp(fs, 8); put('\n');

  /* qsort of doubles */
  double v[200];
  for (int k = 0; k < 200; k++) v[k] = (unit() - 0.5) * 1e6 / (1 + (int)(next() % 1000));
  qsort_(v, 200, sizeof v[0], cmp_double);
  int sorted = 1;
  for (int k = 1; k < 200; k++) if (v[k - 1] > v[k]) sorted = 0;
  puts_("sorted "); put_u64((uint64_t)sorted); puts_(" min "); put_exp(v[0], 10); puts_(" median "); put_exp(v[100], 10);
  puts_(" max "); put_exp(v[199], 10); put('\n');
  for (int k = 0; k < 200; k += 25) { put_fixed(v[k], 4); put(k + 25 < 200 ? ' ' : '\n'); }
  double sum = 0, sq = 0;
  for (int k = 0; k < 200; k++) { sum += v[k]; sq += v[k] * v[k]; }
  puts_("mean "); put_exp(sum / 200, 14); puts_(" rms "); put_exp(__builtin_sqrt(sq / 200), 14); put('\n');
  return (int)pos;
}

#ifndef HOSTED
/** The guest image's main(): the text goes to OUT_BUF (sse-program.test.ts reads it there). */
#define OUT_BUF ((char *)0xe0000)
int main(void) { return prog_main(OUT_BUF); }
#endif
