/*
 * CPU-bound benchmark guest: a fixed amount of integer work (no SSE, no
 * libc) whose 64-bit checksum proves it ran to completion. Three kernels:
 * a sieve of Eratosthenes, a bitwise CRC-32 over a pseudo-random buffer,
 * and a quicksort of a pseudo-random array (checked sorted).
 * The loader may ask for the whole workload `bench_repeat` times (to get a
 * measurable native time); every round must give the same checksum.
 */
#include <stddef.h>
#include <stdint.h>

#include "mem.c" /* memset, memcpy: in this unit so gcc may inline them */

#define SIEVE_N (4u << 20)      /* primes below 4 Mi */
#define CRC_LEN (1280u << 10)   /* 1.25 MiB, 8 shift/xor steps per byte */
#define SORT_N (256u << 10)     /* 256 Ki 32-bit keys */

#define RNG_SEED 0x12345678u
static uint32_t rng_state;

/* xorshift32 (Marsaglia 2003) */
static uint32_t rng(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

static uint8_t composite[SIEVE_N];

static uint32_t sieve(void) {
  memset(composite, 0, sizeof composite);
  uint32_t count = 0;
  for (uint32_t i = 2; i < SIEVE_N; i++) {
    if (composite[i]) continue;
    count++;
    for (uint64_t j = (uint64_t)i * i; j < SIEVE_N; j += i) composite[j] = 1;
  }
  return count;
}

static uint8_t crc_buf[CRC_LEN];

/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), one bit at a time. */
static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t crc = 0xffffffffu;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1u));
  }
  return ~crc;
}

static uint32_t keys[SORT_N];

static void insertion_sort(uint32_t *a, long n) {
  for (long i = 1; i < n; i++) {
    uint32_t v = a[i];
    long j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/* Hoare-partition quicksort; recursion on the smaller side keeps the stack at O(log n). */
static void quicksort(uint32_t *a, long n) {
  while (n > 16) {
    uint32_t pivot = a[n / 2];
    long i = -1, j = n;
    for (;;) {
      do i++; while (a[i] < pivot);
      do j--; while (a[j] > pivot);
      if (i >= j) break;
      uint32_t t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    long left = j + 1;
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

static uint64_t sort_checksum(void) {
  for (uint32_t i = 0; i < SORT_N; i++) keys[i] = rng();
  quicksort(keys, SORT_N);
  uint64_t sum = 0;
  for (uint32_t i = 0; i < SORT_N; i++) {
    if (i > 0 && keys[i - 1] > keys[i]) return 0; /* not sorted: poison the checksum */
    sum = sum * 31 + keys[i];
  }
  return sum;
}

static uint64_t run_once(void) {
  rng_state = RNG_SEED;
  uint64_t primes = sieve();
  for (uint32_t i = 0; i < CRC_LEN; i++) crc_buf[i] = (uint8_t)rng();
  uint64_t crc = crc32(crc_buf, CRC_LEN);
  uint64_t sorted = sort_checksum();
  return (primes << 32 | crc) ^ sorted;
}

extern volatile uint32_t bench_repeat; /* link.ld */

uint64_t main(void) {
  uint32_t rounds = bench_repeat ? bench_repeat : 1;
  uint64_t first = run_once();
  for (uint32_t i = 1; i < rounds; i++) {
    if (run_once() != first) return 0;
  }
  return first;
}
