/* The same program as a host process: prints what prog_main writes. */
#include <stdio.h>
int prog_main(char *buf);
static char buf[1 << 16];
int main(void) {
  int n = prog_main(buf);
  fwrite(buf, 1, (size_t)n, stdout);
  return 0;
}
