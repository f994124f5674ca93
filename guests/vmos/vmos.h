/*
 * vmos: definitions shared by the kernel and the user programs.
 * The layout and the ABI are described in docs/guest.md.
 */
#ifndef VMOS_H
#define VMOS_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long i64;

/* Syscall numbers: RAX = number, arguments in RDI, RSI, RDX, result in RAX. */
#define SYS_WRITE 0      /* write(buf, len) -> len */
#define SYS_YIELD 1      /* yield() -> 0 */
#define SYS_GETPID 2     /* getpid() -> pid */
#define SYS_SLEEP 3      /* sleep(ticks) -> ticks slept */
#define SYS_EXIT 4       /* exit(code), does not return */
#define SYS_WATCH 5      /* watch(addr, len, rw) -> 0; watch(0, 0, 0) disarms -> hits */
#define SYS_APX_ENABLE 6 /* apx_enable() -> 0, or -1 without APX */
#define SYS_SPAWN 7      /* spawn(name) -> pid, or -1 */
#define SYS_WAIT 8       /* wait(pid) -> the child's exit code, or -1 */

#define WATCH_WRITE 1    /* DR7 R/W = 01: data writes */
#define WATCH_RW 3       /* DR7 R/W = 11: data reads and writes */

/* Exit code of a process killed by an exception: 128 + vector. */
#define KILLED_BY(vector) (128 + (vector))

/* User address space of every process (docs/guest.md "Memory map"). */
#define USER_TEXT 0x40000000UL  /* shared, read-only, executable */
#define USER_DATA 0x40100000UL  /* private copy of the data template */
#define USER_STACK_TOP 0x40200000UL
#define USER_STACK_PAGES 4
#define USER_END 0x40200000UL

#endif
