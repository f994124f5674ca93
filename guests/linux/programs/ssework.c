/* ssework: a process whose state lives in XMM registers. Packed-double SSE2
 * arithmetic (addpd/mulpd/divpd through GCC vector types, no libc headers):
 * each round runs Newton's iteration for sqrt(2) and sqrt(3) from a start
 * that changes with the round, so the debugger sees the XMM registers move
 * under this process's CR3. Prints every 600th round, sleeps 1 s per round. */
typedef double v2d __attribute__((vector_size(16)));

static v2d newton(v2d x)
{
	const v2d target = { 2.0, 3.0 };
	const v2d half = { 0.5, 0.5 };

	for (int i = 0; i < 40; i++)
		x = half * (x + target / x);
	return x;
}

int main(void)
{
	unsigned long round = 0;

	printf("ssework: pid %d started\n", getpid());
	for (;;) {
		v2d x = newton((v2d){ 1.0 + (double)(round & 15), 2.0 + (double)(round & 7) });
		round++;
		if (round % 600 == 1) {
			v2d m = x * (v2d){ 1e6, 1e6 };
			printf("ssework: round %lu sqrt2~%ld sqrt3~%ld (x1e6)\n", round, (long)m[0], (long)m[1]);
		}
		sleep(1);
	}
}
