/* counter: a long-running process for the process table. Started twice by
 * /init ("counter 1", "counter 2"): the same code under two pids and two
 * address spaces. Counts, prints every 600th round, sleeps 1 s per round
 * (the emulator skips idle time, so guest seconds pass quickly: the console
 * must not fill up while the shell waits).
 * Built with the kernel's nolibc (tools/include/nolibc), see build.sh. */
static volatile unsigned long count;

int main(int argc, char **argv)
{
	const char *id = argc > 1 ? argv[1] : "?";

	printf("counter %s: pid %d started, count at %p\n", id, getpid(), (void *)&count);
	for (;;) {
		count++;
		if (count % 600 == 0)
			printf("counter %s: %lu\n", id, count);
		sleep(1);
	}
}
