/*
 * memset and memcpy for the freestanding benchmark guests, #included by
 * bench.c and fp.c (one translation unit each, so gcc may inline them): gcc
 * may turn loops into calls to these even with -ffreestanding.
 */
#include <stddef.h>

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}
