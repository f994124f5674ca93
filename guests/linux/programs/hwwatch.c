/* hwwatch: a hardware watchpoint set through ptrace, the way gdb's `watch`
 * does it on Linux. The parent forks a child that stops itself; the parent
 * writes DR0 = &watched and DR7 (L0, RW0 = write, LEN0 = 4 bytes) into the
 * child's `struct user` with PTRACE_POKEUSER (arch/x86/kernel/ptrace.c
 * ptrace_set_debugreg), lets it run, and prints each SIGTRAP the child's
 * writes raise with DR6 and the new value. The child writes every 60 s. */
#define PTRACE_TRACEME 0
#define PTRACE_PEEKDATA 2
#define PTRACE_PEEKUSER 3
#define PTRACE_POKEUSER 6
#define PTRACE_CONT 7
/* offsetof(struct user, u_debugreg) on x86-64 (arch/x86/include/asm/user_64.h):
 * regs 216, u_fpvalid+pad 8, i387 512, tsize/dsize/ssize 24, start_code/stack 16,
 * signal 8, reserved+pad 8, u_ar0 8, u_fpstate 8, magic 8, u_comm 32 = 848. */
#define DEBUGREG(n) (848 + 8 * (n))
/* wait status of a stopped child (nolibc 6.1 lacks these): 0x7f | sig << 8 */
#define WIFSTOPPED(s) (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s) (((s) >> 8) & 0xff)

static volatile int watched;

static long ptrace4(long req, long pid, long addr, long data)
{
	return my_syscall4(__NR_ptrace, req, pid, addr, data);
}

static void child(void)
{
	ptrace4(PTRACE_TRACEME, 0, 0, 0);
	kill(getpid(), SIGSTOP);
	for (;;) {
		sleep(60);
		watched++;
	}
}

int main(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		child();
	printf("hwwatch: pid %d watching %p in child %d\n", getpid(), (void *)&watched, pid);
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) {
		printf("hwwatch: child did not stop\n");
		return 1;
	}
	unsigned long dr7 = 1UL | (1UL << 16) | (3UL << 18);
	if (ptrace4(PTRACE_POKEUSER, pid, DEBUGREG(0), (long)&watched) < 0 ||
	    ptrace4(PTRACE_POKEUSER, pid, DEBUGREG(7), (long)dr7) < 0) {
		printf("hwwatch: PTRACE_POKEUSER of DR0/DR7 failed: errno %d\n", errno);
		return 1;
	}
	ptrace4(PTRACE_CONT, pid, 0, 0);
	for (int hits = 1;; ) {
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			return 1;
		int sig = WSTOPSIG(status);
		if (sig == SIGTRAP) {
			/* PEEKUSER/PEEKDATA return the word in the result (raw syscall:
			 * the data goes to *data). */
			long dr6 = 0, val = 0;
			my_syscall4(__NR_ptrace, PTRACE_PEEKUSER, pid, DEBUGREG(6), &dr6);
			my_syscall4(__NR_ptrace, PTRACE_PEEKDATA, pid, (long)&watched, &val);
			printf("hwwatch: hit %d: watched=%d dr6=0x%lx\n", hits++, (int)val, (unsigned long)dr6);
			sig = 0;
		}
		ptrace4(PTRACE_CONT, pid, 0, sig);
	}
}
