/* ssework: a process whose state lives in XMM registers. Packed-double SSE2
 * arithmetic (addpd/mulpd/divpd through GCC vector types, no libc headers)
 * in a loop: the debugger can watch the XMM registers change under its CR3.
 * Prints every 30th round, sleeps 1 s per round. */
typedef double v2d __attribute__((vector_size(16)));

static v2d step(v2d x)
{
	/* Newton's iteration for sqrt(2) and sqrt(3), restarted when converged. */
	const v2d target = { 2.0, 3.0 };
	const v2d half = { 0.5, 0.5 };
	return half * (x + target / x);
}

int main(void)
{
	v2d x = { 1.0, 1.0 };
	unsigned long round = 0;

	printf("ssework: pid %d started\n", getpid());
	for (;;) {
		for (int i = 0; i < 1000; i++) {
			x = step(x);
			if (i % 8 == 7)
				x = (v2d){ 1.0 + (double)(i & 31), 1.0 + (double)(round & 7) };
		}
		round++;
		if (round % 30 == 0) {
			v2d m = x * (v2d){ 1e6, 1e6 };
			printf("ssework: round %lu sqrt2~%ld sqrt3~%ld (x1e6)\n", round, (long)m[0], (long)m[1]);
		}
		sleep(1);
	}
}
