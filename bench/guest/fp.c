/*
 * FP-heavy benchmark guest: a fixed amount of double and float work (SSE2
 * scalar and packed arithmetic, SQRTSD, CVT*, compares; gcc -O2 -msse4.2
 * -fno-math-errno, no libm, no x87) whose 64-bit checksum proves it ran to
 * completion and every result bit matches. Three kernels: an n-body
 * simulation step (doubles, sqrt), a float matrix multiply, and a Mandelbrot
 * escape-time count (doubles).
 * Same entry and layout as bench.c (start.S, link.ld). The loader may ask for
 * the whole workload `bench_repeat` times, and may shrink it with
 * `bench_scale` (0 = full size; n = 1/n of the steps, rows and pixels) for
 * fast tests; every round must give the same checksum.
 */
#include <stddef.h>
#include <stdint.h>

#define NBODY_STEPS 25000u
#define MAT_N 48u
#define MAT_ROUNDS 3u
#define MANDEL_W 192u
#define MANDEL_H 128u
#define MANDEL_ITER 256u

#ifdef HOSTED
#define main main_fp /* fp-host.c has the process main() */
#else
#include "mem.c" /* memset, memcpy: gcc may emit calls to them */
#endif

/* Mixes the exact bits of a double into the checksum (FNV-1a step on 64 bits). */
static uint64_t mix(uint64_t h, double v) {
  uint64_t bits;
  __builtin_memcpy(&bits, &v, sizeof bits);
  return (h ^ bits) * 0x100000001b3ull;
}

/* n-body: the five Jovian planets, symplectic Euler steps (Computer Language Benchmarks Game). */
#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
struct body { double x, y, z, vx, vy, vz, mass; };
static const struct body initial[5] = {
  { 0, 0, 0, 0, 0, 0, SOLAR_MASS },
  { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
    1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
    -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS },
  { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
    -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
    2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS },
  { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
    2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
    -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS },
  { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
    2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
    -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS },
};
static struct body bodies[5];

static double energy(void) {
  double e = 0;
  for (int i = 0; i < 5; i++) {
    struct body *b = &bodies[i];
    e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < 5; j++) {
      double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
      e -= b->mass * bodies[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static uint64_t nbody(uint64_t h, uint32_t steps) {
  __builtin_memcpy(bodies, initial, sizeof bodies);
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < 5; i++) {
    px += bodies[i].vx * bodies[i].mass;
    py += bodies[i].vy * bodies[i].mass;
    pz += bodies[i].vz * bodies[i].mass;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
  h = mix(h, energy());
  const double dt = 0.01;
  for (uint32_t s = 0; s < steps; s++) {
    for (int i = 0; i < 5; i++) {
      struct body *a = &bodies[i];
      for (int j = i + 1; j < 5; j++) {
        struct body *b = &bodies[j];
        double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
        double d2 = dx * dx + dy * dy + dz * dz;
        double mag = dt / (d2 * __builtin_sqrt(d2));
        a->vx -= dx * b->mass * mag; a->vy -= dy * b->mass * mag; a->vz -= dz * b->mass * mag;
        b->vx += dx * a->mass * mag; b->vy += dy * a->mass * mag; b->vz += dz * a->mass * mag;
      }
    }
    for (int i = 0; i < 5; i++) {
      bodies[i].x += dt * bodies[i].vx;
      bodies[i].y += dt * bodies[i].vy;
      bodies[i].z += dt * bodies[i].vz;
    }
  }
  return mix(h, energy());
}

/* Float matrix multiply C = A*B, rows [0, rows), A and B from an integer LCG converted to float. */
static float ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static uint64_t matmul(uint64_t h, uint32_t rows) {
  uint32_t seed = 12345;
  for (uint32_t i = 0; i < MAT_N; i++)
    for (uint32_t j = 0; j < MAT_N; j++) {
      seed = seed * 1103515245u + 12345u;
      ma[i][j] = (float)(int32_t)(seed >> 16 & 0x3ff) / 256.0f - 2.0f;
      seed = seed * 1103515245u + 12345u;
      mb[i][j] = (float)(int32_t)(seed >> 16 & 0x3ff) / 512.0f - 1.0f;
    }
  for (uint32_t r = 0; r < MAT_ROUNDS; r++) {
    for (uint32_t i = 0; i < rows; i++) {
      for (uint32_t j = 0; j < MAT_N; j++) mc[i][j] = 0;
      for (uint32_t k = 0; k < MAT_N; k++) {
        float aik = ma[i][k];
        for (uint32_t j = 0; j < MAT_N; j++) mc[i][j] += aik * mb[k][j];
      }
    }
    /* feed the product back so every round differs: A = C scaled into range */
    for (uint32_t i = 0; i < rows; i++)
      for (uint32_t j = 0; j < MAT_N; j++) ma[i][j] = mc[i][j] * (1.0f / 64.0f);
  }
  double trace = 0;
  for (uint32_t i = 0; i < rows; i++) {
    trace += mc[i][i];
    h = mix(h, (double)mc[i][(i * 7) % MAT_N]);
  }
  return mix(h, trace);
}

/* Mandelbrot escape counts over [-2, 1] x [-1, 1], rows [0, height). */
static uint64_t mandelbrot(uint64_t h, uint32_t height) {
  uint64_t total = 0;
  for (uint32_t py = 0; py < height; py++) {
    double ci = -1.0 + 2.0 * py / MANDEL_H;
    for (uint32_t px = 0; px < MANDEL_W; px++) {
      double cr = -2.0 + 3.0 * px / MANDEL_W;
      double zr = 0, zi = 0;
      uint32_t n = 0;
      while (n < MANDEL_ITER && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        n++;
      }
      total += n;
      if ((px & 63) == 0) h = mix(h, zr + zi);
    }
  }
  return h ^ total;
}

static uint64_t run_once(uint32_t scale) {
  uint64_t h = 0xcbf29ce484222325ull;
  h = nbody(h, NBODY_STEPS / scale);
  h = matmul(h, MAT_N / scale);
  h = mandelbrot(h, MANDEL_H / scale);
  return h;
}

extern volatile uint32_t bench_repeat, bench_scale; /* link.ld */

uint64_t main(void) {
  uint32_t rounds = bench_repeat ? bench_repeat : 1;
  uint32_t scale = bench_scale ? bench_scale : 1;
  uint64_t first = run_once(scale);
  for (uint32_t i = 1; i < rounds; i++) {
    if (run_once(scale) != first) return 0;
  }
  return first;
}
