/*
 * vmos user programs (docs/guest.md "Programs"). Linked into the shared,
 * read-only user text at 0x40000000; their globals form the data template
 * each process gets a private copy of at 0x40100000. Nothing here may call
 * into the kernel image: only the syscalls below.
 */
#include "vmos.h"

static inline i64 sys3(i64 n, i64 a, i64 b, i64 c) {
  i64 r;
  /* SYSCALL clobbers RCX (return RIP) and R11 (RFLAGS). */
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static i64 write(const char *s, u64 n) { return sys3(SYS_WRITE, (i64)s, (i64)n, 0); }
static void yield(void) { sys3(SYS_YIELD, 0, 0, 0); }
static int getpid(void) { return (int)sys3(SYS_GETPID, 0, 0, 0); }
static i64 sleep(u64 t) { return sys3(SYS_SLEEP, (i64)t, 0, 0); }
static void __attribute__((noreturn)) exit(i64 code) { sys3(SYS_EXIT, code, 0, 0); for (;;) {} }
static i64 watch(volatile void *a, u64 len, u64 rw) { return sys3(SYS_WATCH, (i64)a, (i64)len, (i64)rw); }
static i64 apx_enable(void) { return sys3(SYS_APX_ENABLE, 0, 0, 0); }
static int spawn(const char *name) { return (int)sys3(SYS_SPAWN, (i64)name, 0, 0); }
static i64 wait(int pid) { return sys3(SYS_WAIT, pid, 0, 0); }

/* printf into a line buffer, written with one write() so lines never interleave:
 * %s %d %ld %u %x %lx %p. */
static void printf(const char *f, ...) {
  char buf[160];
  u64 n = 0;
  __builtin_va_list ap;
  __builtin_va_start(ap, f);
  for (; *f && n < sizeof buf - 24; f++) {
    if (*f != '%') { buf[n++] = *f; continue; }
    int l = 0;
    if (*++f == 'l') { l = 1; f++; }
    u64 v;
    int base = 10;
    switch (*f) {
    case 's': for (const char *s = __builtin_va_arg(ap, const char *); *s && n < sizeof buf - 24; s++) buf[n++] = *s; continue;
    case 'd': { i64 x = l ? __builtin_va_arg(ap, i64) : __builtin_va_arg(ap, int);
      if (x < 0) { buf[n++] = '-'; x = -x; } v = (u64)x; break; }
    case 'p': buf[n++] = '0'; buf[n++] = 'x'; base = 16; v = (u64)__builtin_va_arg(ap, void *); break;
    case 'x': base = 16; /* fall through */
    case 'u': v = l ? __builtin_va_arg(ap, u64) : __builtin_va_arg(ap, u32); break;
    default: buf[n++] = *f; continue;
    }
    char d[20];
    int k = 0;
    do { d[k++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (k) buf[n++] = d[--k];
  }
  __builtin_va_end(ap);
  write(buf, n);
}

/* ------------------------------------------------------------ init */
static const char *const children[] = {"counter", "counter", "watcher", "apx", "sleeper", "fault"};
/* What each child must exit with: fault is killed by #PF (vector 14). */
static const i64 expected[] = {0, 0, 0, 0, 0, KILLED_BY(14)};
#define NCHILD (sizeof children / sizeof children[0])

void init_main(void) {
  int pids[NCHILD];
  printf("init: pid %d, starting %d processes\n", getpid(), (int)NCHILD);
  for (unsigned i = 0; i < NCHILD; i++) {
    pids[i] = spawn(children[i]);
    printf("init: started %s as pid %d\n", children[i], pids[i]);
  }
  int failures = 0;
  for (unsigned i = 0; i < NCHILD; i++) {
    i64 code = wait(pids[i]);
    int ok = code == expected[i];
    failures += !ok;
    printf("init: reaped %s (pid %d): exit %ld%s\n", children[i], pids[i], code, ok ? "" : " UNEXPECTED");
  }
  printf("init: %d processes reaped, %s\n", (int)NCHILD, failures ? "FAILED" : "all as expected");
  exit(failures);
}

/* ------------------------------------------------------------ counter */
/* Two processes run this same code; each increments its private copy of
 * `count` (same virtual address, different physical pages). */
#define COUNT_STEP 200000
#define COUNT_ROUNDS 4
static volatile u64 count;

void counter_main(void) {
  int pid = getpid();
  printf("counter[%d]: counting at %p\n", pid, &count);
  while (count < COUNT_STEP * COUNT_ROUNDS) {
    count++;
    if (count % COUNT_STEP == 0) {
      printf("counter[%d]: %lu\n", pid, count);
      yield();
    }
  }
  exit(count == COUNT_STEP * COUNT_ROUNDS ? 0 : 1);
}

/* ------------------------------------------------------------ watcher */
/* Arms a write watchpoint on its own variable; the kernel's #DB handler
 * counts the hits (the DRs are loaded only while this process runs). */
static volatile u32 watched;

void watcher_main(void) {
  printf("watcher: watching %p for writes\n", &watched);
  if (watch(&watched, 4, WATCH_WRITE) != 0) { printf("watcher: watch() failed\n"); exit(2); }
  for (u32 i = 1; i <= 3; i++) {
    watched = i * 10;
    yield();
  }
  i64 hits = watch(0, 0, 0);
  u32 after = watched; /* a read, and the watchpoint is disarmed anyway */
  printf("watcher: the kernel counted %ld hits (3 expected), value %u\n", hits, after);
  exit(hits == 3 ? 0 : 1);
}

/* ------------------------------------------------------------ apx */
/* Keeps live values in R16-R31 across yields and preemption (user_apx.S). */
extern void apx_fill(u64 seed);
extern u64 apx_check(u64 seed); /* bitmask of the registers that differ */
static volatile u64 spin_sink;

void apx_main(void) {
  if (apx_enable() != 0) {
    printf("apx: CPUID reports no APX; skipping\n");
    exit(0);
  }
  const u64 seed = 0x5a5a000000000000UL;
  apx_fill(seed);
  printf("apx: R16-R31 filled\n");
  for (int round = 1; round <= 3; round++) {
    for (int i = 0; i < 300000; i++) spin_sink += (u64)i; /* long enough to be preempted */
    yield();
    u64 bad = apx_check(seed);
    if (bad) {
      printf("apx: round %d: R16-R31 corrupted (mask 0x%lx)\n", round, bad);
      exit(1);
    }
  }
  printf("apx: R16-R31 intact after 3 rounds of preemption and yields\n");
  exit(0);
}

/* ------------------------------------------------------------ sleeper */
void sleeper_main(void) {
  for (u64 t = 2; t <= 16; t *= 2) {
    i64 slept = sleep(t);
    printf("sleeper: slept %ld ticks (asked %lu)\n", slept, t);
  }
  exit(0);
}

/* ------------------------------------------------------------ fault */
void fault_main(void) {
  printf("fault: writing to kernel memory at 0x100000\n");
  *(volatile u32 *)0x100000 = 1;
  printf("fault: still alive (wrong)\n");
  exit(0);
}
