/*
 * vmos: a small multi-process x86-64 kernel for vdbg (docs/guest.md).
 *
 * One CPU, interrupts off whenever the kernel runs. Every entry (exception,
 * interrupt, SYSCALL) saves a struct trapframe on the current task's kernel
 * stack and calls trap(), which returns the frame to resume: the same task's
 * or, after a context switch, another task's. Intel SDM references are to
 * the combined volumes (Order No. 325462).
 */
#include "vmos.h"

/* ------------------------------------------------------------------ types */
struct trapframe {
  u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  u64 vector, error;
  u64 rip, cs, rflags, rsp, ss; /* pushed by the CPU (SDM vol. 3 §6.14.2) */
};

struct boot_info { /* written by the vdbg loader at RDI (docs/guest.md) */
  u64 magic, mem_size, image_start, image_end, tables_end;
};
#define BOOT_MAGIC 0x544f4f42534f4d56UL /* "VMOSBOOT" */

/* The introspection table (docs/guest.md "vmos_tasks"): 48 bytes a task. */
enum { T_FREE, T_RUNNABLE, T_RUNNING, T_SLEEPING, T_EXITED };
struct vmos_task {
  u32 pid, state;
  u64 cr3;
  char name[16];
  u64 saved_rip, ticks;
};
#define NTASKS 10
struct vmos_task vmos_tasks[NTASKS];
u32 vmos_ntasks;

/* What else the kernel keeps per task (same index as vmos_tasks = pid). */
struct kproc {
  struct trapframe *tf; /* where the task resumes */
  u64 kstack_top;
  u64 wake_tick, sleep_start; /* T_SLEEPING in sleep() */
  int waiting_for;            /* T_SLEEPING in wait(): the child's pid, else -1 */
  int parent;
  i64 exit_code;
  u64 watch_addr, watch_dr7, watch_hits;
  int apx;
  u64 apx_regs[16];
};
static struct kproc kp[NTASKS];

/* ------------------------------------------------------------- externals */
extern char __image_end[], __utext_lma[], __utext_start[], __utext_end[], __udata_lma[], __udata_start[], __udata_end[];
extern const u64 vmos_vector_table[40];
extern void syscall_entry(void), idle_loop(void);
extern u64 kernel_rsp;
extern void apx_save(u64 *regs), apx_restore(const u64 *regs);
/* The user programs (user.c), addresses in the shared user text. */
extern void init_main(void), counter_main(void), watcher_main(void), apx_main(void), sleeper_main(void), fault_main(void);

static const struct { const char *name; void (*entry)(void); } programs[] = {
  {"init", init_main}, {"counter", counter_main}, {"watcher", watcher_main},
  {"apx", apx_main}, {"sleeper", sleeper_main}, {"fault", fault_main},
};

/* ------------------------------------------------------------ CPU access */
static inline void outb(u16 port, u8 v) { __asm__ volatile("out dx, al" ::"a"(v), "d"(port)); }
static inline u8 inb(u16 port) { u8 v; __asm__ volatile("in al, dx" : "=a"(v) : "d"(port)); return v; }
static inline void wrmsr(u32 msr, u64 v) { __asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32))); }
static inline void write_cr3(u64 v) { __asm__ volatile("mov cr3, %0" ::"r"(v) : "memory"); }
static inline u64 read_cr2(void) { u64 v; __asm__ volatile("mov %0, cr2" : "=r"(v)); return v; }
static inline void xsetbv(u32 xcr, u64 v) { __asm__ volatile("xsetbv" ::"c"(xcr), "a"((u32)v), "d"((u32)(v >> 32))); }
static inline void cpuid(u32 leaf, u32 sub, u32 r[4]) {
  __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
#define WRITE_DR(n, v) __asm__ volatile("mov dr" #n ", %0" ::"r"((u64)(v)))
#define READ_DR(n) ({ u64 _v; __asm__ volatile("mov %0, dr" #n : "=r"(_v)); _v; })

void *memset(void *d, int c, u64 n) { u8 *p = d; while (n--) *p++ = (u8)c; return d; }
void *memcpy(void *d, const void *s, u64 n) { u8 *p = d; const u8 *q = s; while (n--) *p++ = *q++; return d; }

/* ------------------------------------------------------------ console */
/* 16550 UART at 0x3F8: wait for LSR.THRE (bit 5), write THR. */
static void con_putc(char c) {
  while (!(inb(0x3fd) & 0x20)) {}
  outb(0x3f8, (u8)c);
}
static void con_puts(const char *s) { while (*s) con_putc(*s++); }
static void putnum(u64 v, int base, int width) {
  char b[20];
  int n = 0;
  do { b[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
  while (n < width) b[n++] = '0';
  while (n) con_putc(b[--n]);
}
/* kprintf: %s %c %d %u %x %lx %ld %lu %p (as 0x + 16 digits). */
static void kprintf(const char *f, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, f);
  for (; *f; f++) {
    if (*f != '%') { con_putc(*f); continue; }
    int l = 0;
    if (*++f == 'l') { l = 1; f++; }
    switch (*f) {
    case 's': con_puts(__builtin_va_arg(ap, const char *)); break;
    case 'c': con_putc((char)__builtin_va_arg(ap, int)); break;
    case 'd': { i64 v = l ? __builtin_va_arg(ap, i64) : __builtin_va_arg(ap, int);
      if (v < 0) { con_putc('-'); v = -v; } putnum((u64)v, 10, 0); break; }
    case 'u': putnum(l ? __builtin_va_arg(ap, u64) : __builtin_va_arg(ap, u32), 10, 0); break;
    case 'x': putnum(l ? __builtin_va_arg(ap, u64) : __builtin_va_arg(ap, u32), 16, 0); break;
    case 'p': con_puts("0x"); putnum(__builtin_va_arg(ap, u64), 16, 16); break;
    default: con_putc(*f);
    }
  }
  __builtin_va_end(ap);
}

/* Exit port 0x501: the VMM ends the VM with this status. */
static void __attribute__((noreturn)) vm_exit(u8 status) {
  for (;;) { outb(0x501, status); __asm__ volatile("cli; hlt"); }
}

/* ------------------------------------------------------ physical memory */
static u64 next_free, mem_end;
static u64 alloc_page(void) {
  if (next_free + 4096 > mem_end) { kprintf("vmos: PANIC: out of memory\n"); vm_exit(0xff); }
  u64 p = next_free;
  next_free += 4096;
  memset((void *)p, 0, 4096);
  return p;
}

/* ------------------------------------------------------ descriptor tables */
/* GDT (SDM vol. 3 §3.4.5, §5.2.1): the order kernel code, kernel data,
 * user data, user code is the one SYSCALL/SYSRET need (STAR below). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define SEL_TSS 0x28
static u64 gdt[7] = {
  0,
  0x00af9b000000ffffUL, /* 0x08 kernel code: P, DPL 0, code exec/read accessed, L */
  0x00cf93000000ffffUL, /* 0x10 kernel data: P, DPL 0, data read/write accessed */
  0x00cff3000000ffffUL, /* 0x18 user data: DPL 3 */
  0x00affb000000ffffUL, /* 0x20 user code: DPL 3, L */
  0, 0,                 /* 0x28 64-bit TSS (two slots, §8.2.3) */
};
/* 64-bit TSS (SDM vol. 3 §8.7): only RSP0 is used (no IST, no I/O bitmap). */
static struct __attribute__((packed)) {
  u32 reserved0;
  u64 rsp[3];
  u64 reserved1, ist[7], reserved2;
  u16 reserved3, iomap_base;
} tss;
/* 64-bit IDT gates (SDM vol. 3 §6.14.1): 40 vectors, exceptions and PIC IRQs 0-7. */
static struct __attribute__((packed)) { u16 off0, sel, attr, off1; u32 off2, zero; } idt[40];
static struct __attribute__((packed)) { u16 limit; u64 base; } gdtr, idtr;

static void setup_cpu(void) {
  u64 t = (u64)&tss;
  gdt[5] = (sizeof tss - 1) | ((t & 0xffffff) << 16) | (0x89UL << 40) | (((t >> 24) & 0xff) << 56); /* available TSS */
  gdt[6] = t >> 32;
  tss.iomap_base = sizeof tss; /* beyond the limit: no I/O bitmap */
  gdtr.limit = sizeof gdt - 1;
  gdtr.base = (u64)gdt;
  /* LGDT, then reload CS with IRETQ (no far return needed) and the data segments, then LTR. */
  __asm__ volatile(
    "lgdt %0\n\t"
    "mov rax, rsp\n\t"
    "push %1\n\t push rax\n\t pushfq\n\t push %2\n\t lea rax, [rip + 1f]\n\t push rax\n\t iretq\n"
    "1: mov eax, %1\n\t mov ds, eax\n\t mov es, eax\n\t mov ss, eax\n\t xor eax, eax\n\t mov fs, eax\n\t mov gs, eax\n\t"
    "mov eax, %3\n\t ltr ax"
    :: "m"(gdtr), "i"(SEL_KDATA), "i"(SEL_KCODE), "i"(SEL_TSS) : "rax", "memory");
  for (int v = 0; v < 40; v++) {
    u64 h = vmos_vector_table[v];
    idt[v].off0 = (u16)h;
    idt[v].sel = SEL_KCODE;
    idt[v].attr = 0x8e00; /* P, DPL 0, 64-bit interrupt gate: IF cleared on entry */
    idt[v].off1 = (u16)(h >> 16);
    idt[v].off2 = (u32)(h >> 32);
  }
  idtr.limit = sizeof idt - 1;
  idtr.base = (u64)idt;
  __asm__ volatile("lidt %0" ::"m"(idtr));
  /* SYSCALL/SYSRET (SDM vol. 3 §5.8.8): STAR[47:32] = 0x08 → CS 0x08, SS 0x10;
   * STAR[63:48] = 0x10 → SYSRETQ loads CS 0x20|3, SS 0x18|3. FMASK clears
   * TF, IF, DF, IOPL, NT, AC. EFER.SCE was set by the loader. */
  wrmsr(0xc0000081, (0x10UL << 48) | (0x08UL << 32));
  wrmsr(0xc0000082, (u64)syscall_entry);
  wrmsr(0xc0000084, 0x47700);
}

/* 8259A PIC: ICW1-4 (edge, cascade, vectors 0x20/0x28, 8086 mode), only IRQ 0
 * unmasked. 8254 PIT channel 0, mode 2 (rate generator), divisor 11932: 100 Hz. */
#define HZ 100
#define PIT_DIVISOR 11932
static void setup_timer(void) {
  static const u8 init[][2] = {
    {0x20, 0x11}, {0xa0, 0x11}, {0x21, 0x20}, {0xa1, 0x28}, {0x21, 0x04}, {0xa1, 0x02},
    {0x21, 0x01}, {0xa1, 0x01}, {0x21, 0xfe}, {0xa1, 0xff},
    {0x43, 0x34}, {0x40, PIT_DIVISOR & 0xff}, {0x40, PIT_DIVISOR >> 8},
  };
  for (unsigned i = 0; i < sizeof init / sizeof init[0]; i++) outb(init[i][0], init[i][1]);
}

/* ------------------------------------------------------------ paging */
/* Every address space (SDM vol. 3 §4.5, 4-level paging): PML4[0] → PDPT;
 * PDPT[0] → the kernel PD shared by all (RAM identity-mapped in 2 MiB pages,
 * supervisor-only); PDPT[1] → the task's user PD → one PT for 0x40000000-0x401fffff. */
#define PTE_P 0x1UL
#define PTE_W 0x2UL
#define PTE_U 0x4UL
#define PTE_PS 0x80UL
#define PTE_NX (1UL << 63)
static u64 kernel_pd, kernel_cr3;

static u64 new_address_space(u64 *pt_out) {
  u64 pml4 = alloc_page(), pdpt = alloc_page();
  ((u64 *)pml4)[0] = pdpt | PTE_P | PTE_W | PTE_U;
  ((u64 *)pdpt)[0] = kernel_pd | PTE_P | PTE_W; /* U = 0: supervisor-only below 1 GiB */
  if (pt_out) {
    u64 pd = alloc_page(), pt = alloc_page();
    ((u64 *)pdpt)[1] = pd | PTE_P | PTE_W | PTE_U;
    ((u64 *)pd)[0] = pt | PTE_P | PTE_W | PTE_U;
    *pt_out = pt;
  }
  return pml4;
}

static void map_user(u64 pt, u64 va, u64 pa, u64 flags) {
  ((u64 *)pt)[(va >> 12) & 511] = pa | PTE_P | PTE_U | flags;
}

/* --------------------------------------------------------- tasks */
static int cur;       /* index = pid of the running task */
static u64 ticks;
static int cpu_has_apx;

static int new_task(const char *name, u64 cr3, int parent) {
  int pid = 0;
  while (pid < NTASKS && vmos_tasks[pid].state != T_FREE) pid++;
  if (pid == NTASKS) return -1;
  struct vmos_task *t = &vmos_tasks[pid];
  struct kproc *k = &kp[pid];
  memset(t, 0, sizeof *t);
  memset(k, 0, sizeof *k);
  t->pid = (u32)pid;
  t->cr3 = cr3;
  for (int i = 0; i < 15 && name[i]; i++) t->name[i] = name[i];
  u64 stack = alloc_page();
  alloc_page(); /* kernel stacks are two pages */
  k->kstack_top = stack + 8192;
  k->waiting_for = -1;
  k->parent = parent;
  if ((u32)pid + 1 > vmos_ntasks) vmos_ntasks = (u32)pid + 1;
  return pid;
}

/* A process: private page tables, the shared read-only user text, a private
 * copy of the user data template and a private stack; it starts at `entry`
 * at CPL 3 with interrupts on. */
static int spawn(int prog, int parent) {
  u64 pt;
  u64 cr3 = new_address_space(&pt);
  int pid = new_task(programs[prog].name, cr3, parent);
  if (pid < 0) return -1;
  for (u64 off = 0; __utext_start + off < __utext_end; off += 4096)
    map_user(pt, USER_TEXT + off, (u64)__utext_lma + off, 0);
  for (u64 off = 0; __udata_start + off < __udata_end; off += 4096) {
    u64 page = alloc_page();
    u64 n = (u64)(__udata_end - __udata_start) - off;
    memcpy((void *)page, __udata_lma + off, n < 4096 ? n : 4096);
    map_user(pt, USER_DATA + off, page, PTE_W | PTE_NX);
  }
  u64 stack_top_page = 0;
  for (int i = 1; i <= USER_STACK_PAGES; i++) {
    u64 page = alloc_page();
    if (i == 1) stack_top_page = page;
    map_user(pt, USER_STACK_TOP - 4096UL * i, page, PTE_W | PTE_NX);
  }
  (void)stack_top_page; /* the zeroed top word is the entry function's (fake) return address */
  struct kproc *k = &kp[pid];
  struct trapframe *tf = (struct trapframe *)(k->kstack_top - sizeof *tf);
  memset(tf, 0, sizeof *tf);
  tf->rip = (u64)programs[prog].entry;
  tf->cs = SEL_UCODE;
  tf->rflags = 0x202; /* IF */
  tf->rsp = USER_STACK_TOP - 8;
  tf->ss = SEL_UDATA;
  k->tf = tf;
  vmos_tasks[pid].saved_rip = tf->rip;
  vmos_tasks[pid].state = T_RUNNABLE;
  return pid;
}

/* Context switch side effects (docs/guest.md): the address space, the kernel
 * stack for the next CPL 3 → 0 entry (TSS.RSP0, SDM vol. 3 §6.14.4), the
 * task's hardware watchpoint (armed only while it runs, as Linux does for
 * ptrace breakpoints: DR0 + DR7 L0, SDM vol. 3 §18.2) and XCR0.APX with its
 * R16-R31 (XSETBV, SDM vol. 3 §13.3). */
static void switch_to(int next) {
  if (next == cur) return;
  struct kproc *o = &kp[cur], *n = &kp[next];
  vmos_tasks[cur].saved_rip = o->tf->rip;
  if (o->watch_dr7) WRITE_DR(7, 0);
  if (o->apx) { apx_save(o->apx_regs); xsetbv(0, 0x3); }
  write_cr3(vmos_tasks[next].cr3);
  tss.rsp[0] = n->kstack_top;
  kernel_rsp = n->kstack_top;
  if (n->apx) { xsetbv(0, 0x3 | (1UL << 19)); apx_restore(n->apx_regs); }
  if (n->watch_dr7) { WRITE_DR(0, n->watch_addr); WRITE_DR(7, n->watch_dr7); }
  cur = next;
}

/* Round robin over the user tasks after the current one; the idle task (0)
 * when none is runnable. */
static struct trapframe *schedule(void) {
  if (vmos_tasks[cur].state == T_RUNNING) vmos_tasks[cur].state = T_RUNNABLE;
  int next = 0;
  for (int i = 1; i <= NTASKS; i++) {
    int j = (cur + i) % NTASKS;
    if (j != 0 && vmos_tasks[j].state == T_RUNNABLE) { next = j; break; }
  }
  switch_to(next);
  vmos_tasks[cur].state = T_RUNNING;
  return kp[cur].tf;
}

static void task_exit(i64 code) {
  struct kproc *k = &kp[cur];
  if (k->watch_dr7) { WRITE_DR(7, 0); k->watch_dr7 = 0; }
  if (k->apx) { xsetbv(0, 0x3); k->apx = 0; }
  vmos_tasks[cur].state = T_EXITED;
  k->exit_code = code;
  if (cur == 1) {
    kprintf("vmos: init exited with %d after %lu ticks; halting\n", (int)code, ticks);
    vm_exit((u8)code);
  }
  struct kproc *p = &kp[k->parent];
  if (vmos_tasks[k->parent].state == T_SLEEPING && p->waiting_for == cur) {
    p->waiting_for = -1;
    p->tf->rax = (u64)code;
    vmos_tasks[k->parent].state = T_RUNNABLE;
  }
}

/* ------------------------------------------------------------ syscalls */
static int user_range(u64 a, u64 n) { return a >= USER_TEXT && a <= USER_END && n <= USER_END - a; }

static int streq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

static struct trapframe *syscall(struct trapframe *tf) {
  struct kproc *k = &kp[cur];
  u64 a = tf->rdi, b = tf->rsi, c = tf->rdx;
  i64 r = -1;
  switch (tf->rax) {
  case SYS_WRITE:
    if (user_range(a, b) && b <= 4096) {
      for (u64 i = 0; i < b; i++) con_putc(((const char *)a)[i]);
      r = (i64)b;
    }
    break;
  case SYS_YIELD:
    tf->rax = 0;
    return schedule();
  case SYS_GETPID: r = cur; break;
  case SYS_SLEEP:
    k->sleep_start = ticks;
    k->wake_tick = ticks + (a ? a : 1);
    vmos_tasks[cur].state = T_SLEEPING;
    return schedule();
  case SYS_EXIT:
    task_exit((i64)a);
    return schedule();
  case SYS_WATCH:
    if (a == 0) { /* disarm: the hit count */
      if (k->watch_dr7) WRITE_DR(7, 0);
      k->watch_dr7 = 0;
      r = (i64)k->watch_hits;
      break;
    }
    if ((b == 1 || b == 2 || b == 4 || b == 8) && (a & (b - 1)) == 0 && user_range(a, b) && (c == WATCH_WRITE || c == WATCH_RW)) {
      static const u8 len_bits[9] = {0, 0, 1, 0, 3, 0, 0, 0, 2}; /* DR7 LENn encoding */
      k->watch_addr = a;
      k->watch_dr7 = 1UL | (c << 16) | ((u64)len_bits[b] << 18); /* L0, R/W0, LEN0 */
      k->watch_hits = 0;
      WRITE_DR(0, a);
      WRITE_DR(7, k->watch_dr7);
      r = 0;
    }
    break;
  case SYS_APX_ENABLE:
    if (cpu_has_apx) {
      if (!k->apx) { k->apx = 1; memset(k->apx_regs, 0, sizeof k->apx_regs); xsetbv(0, 0x3 | (1UL << 19)); apx_restore(k->apx_regs); }
      r = 0;
    }
    break;
  case SYS_SPAWN:
    if (user_range(a, 16))
      for (unsigned i = 1; i < sizeof programs / sizeof programs[0]; i++)
        if (streq((const char *)a, programs[i].name)) { r = spawn((int)i, cur); break; }
    break;
  case SYS_WAIT:
    if (a < NTASKS && vmos_tasks[a].state != T_FREE && kp[a].parent == cur) {
      if (vmos_tasks[a].state == T_EXITED) { r = kp[a].exit_code; break; }
      k->waiting_for = (int)a;
      vmos_tasks[cur].state = T_SLEEPING;
      return schedule();
    }
    break;
  }
  tf->rax = (u64)r;
  return tf;
}

/* ------------------------------------------------------------- traps */
static const char *const exc_names[32] = {
  "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
  "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};
static int pvm_syscalls;

static struct trapframe *timer_tick(void) {
  ticks++;
  vmos_tasks[cur].ticks++;
  for (int i = 1; i < NTASKS; i++)
    if (vmos_tasks[i].state == T_SLEEPING && kp[i].waiting_for < 0 && ticks >= kp[i].wake_tick) {
      kp[i].tf->rax = ticks - kp[i].sleep_start;
      vmos_tasks[i].state = T_RUNNABLE;
    }
  outb(0x20, 0x20); /* non-specific EOI (8259A OCW2) */
  return schedule(); /* preempt: one tick per time slice */
}

struct trapframe *trap(struct trapframe *tf) {
  int user = (tf->cs & 3) == 3;
  kp[cur].tf = tf;
  if (tf->vector == 0x100) return syscall(tf);
  if (tf->vector == 0x20) return timer_tick();
  if (tf->vector >= 0x21) { /* other IRQs are masked; IRQ 7 may be spurious (no EOI) */
    if (tf->vector != 0x27) outb(0x20, 0x20);
    return tf;
  }
  if (tf->vector == 14 && user && tf->rip == (u64)syscall_entry && read_cr2() == (u64)syscall_entry) {
    /* SYSCALL arrived at the LSTAR entry still at CPL 3 (a hypervisor that
     * does not deliver SYSCALL architecturally, e.g. kvm_pvm): the fetch from
     * the supervisor-only kernel text faulted. RCX/R11 hold what SYSCALL
     * saved; handle it as a syscall and return with IRETQ. */
    if (!pvm_syscalls++) kprintf("vmos: SYSCALL arrived at CPL 3 (#PF at the LSTAR entry); handling syscalls from #PF\n");
    tf->rip = tf->rcx;
    tf->rflags = (tf->r11 & ~0x10000UL) | 0x202; /* RF clear, IF set */
    return syscall(tf);
  }
  if (tf->vector == 1) { /* #DB (SDM vol. 3 §18.2.3): a data breakpoint is a trap, after the access */
    u64 dr6 = READ_DR(6);
    struct kproc *k = &kp[cur];
    WRITE_DR(6, 0xffff0ff0UL);
    if (user && (dr6 & 1) && k->watch_dr7) {
      k->watch_hits++;
      kprintf("vmos: watchpoint hit %lu in %s (pid %d): rip=%p dr6=0x%lx\n", k->watch_hits, vmos_tasks[cur].name, cur, tf->rip, dr6);
      return tf;
    }
  }
  if (user) { /* an exception at CPL 3 kills only that process */
    kprintf("vmos: %s (pid %d) killed by %s error=0x%lx rip=%p", vmos_tasks[cur].name, cur, exc_names[tf->vector & 31], tf->error, tf->rip);
    if (tf->vector == 14) kprintf(" cr2=%p", read_cr2());
    kprintf("\n");
    task_exit(KILLED_BY((i64)tf->vector));
    return schedule();
  }
  kprintf("vmos: PANIC: %s in the kernel, error=0x%lx rip=%p cr2=%p\n", exc_names[tf->vector & 31], tf->error, tf->rip, read_cr2());
  vm_exit(0xfe);
}

/* ------------------------------------------------------------- boot */
static u8 idle_stack[4096] __attribute__((aligned(16)));

void __attribute__((noreturn)) kmain(struct boot_info *bi) {
  if (bi->magic != BOOT_MAGIC) { kprintf("vmos: PANIC: no boot-info block\n"); vm_exit(0xfd); }
  mem_end = bi->mem_size;
  next_free = ((u64)__image_end + 4095) & ~4095UL;
  kprintf("vmos: booting, %lu MiB RAM, image %p-%p\n", bi->mem_size >> 20, bi->image_start, bi->image_end);
  setup_cpu();

  /* The kernel half of every address space: RAM identity-mapped, 2 MiB pages, supervisor-only. */
  kernel_pd = alloc_page();
  for (u64 pa = 0; pa < mem_end && pa < (1UL << 30); pa += 2UL << 20) ((u64 *)kernel_pd)[pa >> 21] = pa | PTE_P | PTE_W | PTE_PS;
  kernel_cr3 = new_address_space(0);
  write_cr3(kernel_cr3);

  /* APX (SDM vol. 1 §3.1.1.x, CPUID.(EAX=7,ECX=1):EDX[21] and XCR0 bit 19 in CPUID.(EAX=0xD,ECX=0):EAX). */
  u32 r[4];
  cpuid(0, 0, r);
  if (r[0] >= 0xd) {
    u32 d[4];
    cpuid(7, 1, r);
    cpuid(0xd, 0, d);
    cpu_has_apx = (r[3] >> 21) & (d[0] >> 19) & 1;
  }
  kprintf("vmos: APX %s\n", cpu_has_apx ? "available" : "not available");

  /* Task 0: the idle loop, CPL 0, its own stack, the kernel address space. */
  new_task("idle", kernel_cr3, 0);
  struct trapframe *itf = (struct trapframe *)(kp[0].kstack_top - sizeof *itf);
  memset(itf, 0, sizeof *itf);
  itf->rip = (u64)idle_loop;
  itf->cs = SEL_KCODE;
  itf->rflags = 0x202;
  itf->rsp = (u64)idle_stack + sizeof idle_stack;
  itf->ss = SEL_KDATA;
  kp[0].tf = itf;
  vmos_tasks[0].state = T_RUNNING;
  cur = 0;
  tss.rsp[0] = kernel_rsp = kp[0].kstack_top;

  spawn(0, 0); /* init, pid 1 */
  setup_timer();
  kprintf("vmos: timer %d Hz, starting init\n", HZ);
  extern void trap_return(void);
  struct trapframe *first = schedule();
  __asm__ volatile("mov rax, %0\n\t jmp trap_return" ::"r"(first) : "rax");
  __builtin_unreachable();
}
