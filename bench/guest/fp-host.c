/*
 * Host build of fp.c: prints the checksum the guest must compute, for
 * `bench_scale` given as argv[1] (0 or absent = full size).
 *   gcc -O2 -msse4.2 -fno-math-errno -DHOSTED fp-host.c fp.c && ./a.out [scale]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

volatile uint32_t bench_repeat, bench_scale;
uint64_t main_fp(void);

int main(int argc, char **argv) {
  bench_scale = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 0) : 0;
  printf("0x%016llx\n", (unsigned long long)main_fp());
  return 0;
}
