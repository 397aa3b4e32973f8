/*
 * smp-work N ROUNDS: a parallel workload for an SMP Linux guest.  It forks
 * N workers, pins worker i to CPU i (sched_setaffinity), and each fills a
 * 1 MiB buffer with a pattern of its own ROUNDS times, reading every word
 * back after each fill.  Each worker prints the CPU it ran on (getcpu)
 * and a checksum of what it read; the parent prints whether every worker
 * ran where it was pinned and found what it wrote, and exits 0 if so.
 * Static and libc-free (raw system calls), as debug-exit.c.
 */
#define SYS_WRITE 1
#define SYS_MMAP 9
#define SYS_FORK 57
#define SYS_EXIT 60
#define SYS_WAIT4 61
#define SYS_SCHED_SETAFFINITY 203
#define SYS_GETCPU 309
#define PROT_RW 3
#define MAP_PRIVATE_ANON 0x22
#define BUF_WORDS (1024 * 1024 / 8)
#define MAX_WORKERS 64

typedef unsigned long u64;

static long sys(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10),
			     "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return ret;
}

static long parse(const char *s)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Append the decimal or hexadecimal form of v to p. */
static char *put_num(char *p, u64 v, unsigned int base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static void say(const char *a, long x, const char *b, long y, const char *c, u64 z)
{
	char line[160], *p = line;

	p = put_num(put_str(p, a), (u64)x, 10);
	p = put_num(put_str(p, b), (u64)y, 10);
	p = put_num(put_str(p, c), z, 16);
	*p++ = '\n';
	sys(SYS_WRITE, 1, (long)line, p - line, 0, 0, 0);
}

/* Worker i: pinned to CPU i, ROUNDS fills and checks; exit status 0 when all matched. */
static void worker(long i, long rounds)
{
	u64 mask[MAX_WORKERS / 64] = { 1UL << (i % 64) }, sum = 0, bad = 0;
	unsigned int cpu = ~0u;
	u64 *buf;

	if (sys(SYS_SCHED_SETAFFINITY, 0, sizeof(mask), (long)mask, 0, 0, 0) < 0)
		sys(SYS_EXIT, 2, 0, 0, 0, 0, 0);
	buf = (u64 *)sys(SYS_MMAP, 0, BUF_WORDS * 8, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
	if ((long)buf < 0)
		sys(SYS_EXIT, 3, 0, 0, 0, 0, 0);
	for (long r = 0; r < rounds; r++) {
		u64 seed = ((u64)i << 40) ^ ((u64)r << 20) ^ 0x9e3779b97f4a7c15UL;

		for (u64 w = 0; w < BUF_WORDS; w++)
			buf[w] = seed + w * 0x100000001b3UL;
		for (u64 w = 0; w < BUF_WORDS; w++) {
			bad += buf[w] != seed + w * 0x100000001b3UL;
			sum = sum * 31 + buf[w];
		}
	}
	sys(SYS_GETCPU, (long)&cpu, 0, 0, 0, 0, 0);
	say("smp-work: worker ", i, " ran on cpu ", cpu, ", checksum ", sum);
	sys(SYS_EXIT, bad ? 1 : cpu == (unsigned long)i ? 0 : 4, 0, 0, 0, 0, 0);
}

__attribute__((noreturn)) void smp_work_main(long *sp)
{
	long n = sp[0] > 1 ? parse((const char *)sp[2]) : 1;
	long rounds = sp[0] > 2 ? parse((const char *)sp[3]) : 1;
	long failed = 0;

	if (n < 1 || n > MAX_WORKERS)
		n = 1;
	for (long i = 0; i < n; i++) {
		if (sys(SYS_FORK, 0, 0, 0, 0, 0, 0) == 0)
			worker(i, rounds);
	}
	for (long i = 0; i < n; i++) {
		int status = 0;

		if (sys(SYS_WAIT4, -1, (long)&status, 0, 0, 0, 0) < 0 || status)
			failed++;
	}
	say("smp-work: ", n, " workers, ", failed, " failed; rounds 0x", (u64)rounds);
	sys(SYS_EXIT, failed ? 1 : 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall smp_work_main\n");
