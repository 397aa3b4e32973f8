/*
 * smp-work N ROUNDS: a parallel workload for an SMP Linux guest.  It forks
 * N workers, pins worker i to CPU i (sched_setaffinity), and each fills a
 * 1 MiB buffer with a pattern of its own ROUNDS times, reading every word
 * back after each fill.  Each worker prints the CPU it ran on (getcpu)
 * and a checksum of what it read; the parent prints whether every worker
 * ran where it was pinned and found what it wrote, and exits 0 if so.
 * ROUNDS 0: the workers go on until a line arrives on standard input (the
 * hypervisor types it, tests/kernel/test_linux_dirty_log.c); the parent
 * then stops them, and a worker that found a wrong word has already
 * exited with status 1.  In this mode a worker dwells on each group of 16
 * pages of a 16 MiB buffer for 32 ms, writing the TSC into them, and comes
 * back to them a pass (8 s) later: longer than the hypervisor waits
 * between two fetches of the dirty log, so that a write the log missed is
 * not hidden by a later one, and the TSC in a page says when its last
 * write was.  Static and libc-free (raw system calls), as
 * debug-exit.c.
 */
#include "linux_sys.h"

#define SIGKILL 9
#define PROT_RW 3
#define MAP_PRIVATE_ANON 0x22
#define BUF_WORDS (1024 * 1024 / 8)
#define SLOW_PAGES 4096			/* 16 MiB: a pass of about 8 s */
#define GROUP_PAGES 16
#define PAGE_WORDS 512
#define STAMP_WORDS 3
#define STAMP_MAGIC 0x736c6f7473746d70UL	/* "slotstmp" */
#define DWELL_TICKS 3200000		/* TSC ticks on each group: 32 ms in Bochs */
#define MAX_WORKERS 64

typedef unsigned long u64;


static void say(const char *a, long x, const char *b, long y, const char *c, u64 z)
{
	char line[160], *p = line;

	p = put_num(put_str(p, a), (u64)x, 10);
	p = put_num(put_str(p, b), (u64)y, 10);
	if (*c)
		p = put_num(put_str(p, c), z, 16);
	*p++ = '\n';
	sys(SYS_WRITE, 1, (long)line, p - line, 0, 0, 0);
}

static u64 rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/*
 * Until killed: passes over SLOW_PAGES pages in groups of GROUP_PAGES,
 * dwelling DWELL_TICKS on each group: the pages' bodies get their pattern,
 * and their headers (STAMP_MAGIC, the TSC, their XOR) are rewritten with
 * the current TSC throughout the dwell.  The hypervisor scans guest memory
 * for headers: a page's TSC says when it was last written, so it can tell
 * which fetch of the dirty log owed it.  After each pass the bodies are
 * checked.
 */
__attribute__((noreturn)) static void slow_worker(long i)
{
	u64 *buf = (u64 *)sys(SYS_MMAP, 0, SLOW_PAGES * PAGE_WORDS * 8, PROT_RW, MAP_PRIVATE_ANON,
			      -1, 0);

	if ((long)buf < 0)
		sys(SYS_EXIT, 3, 0, 0, 0, 0, 0);
	for (u64 pass = 1;; pass++) {
		u64 seed = ((u64)i << 48) ^ (pass << 24) ^ 0x9e3779b97f4a7c15UL;

		for (u64 g = 0; g < SLOW_PAGES; g += GROUP_PAGES) {
			u64 start = rdtsc(), now;

			for (u64 p = g; p < g + GROUP_PAGES; p++) {
				for (u64 w = STAMP_WORDS; w < PAGE_WORDS; w++)
					buf[p * PAGE_WORDS + w] = seed + p * PAGE_WORDS + w;
			}
			do {
				for (u64 p = g; p < g + GROUP_PAGES; p++) {
					volatile u64 *page = buf + p * PAGE_WORDS;

					now = rdtsc();
					page[0] = STAMP_MAGIC;
					page[1] = now;
					page[2] = STAMP_MAGIC ^ now;
				}
			} while (now - start < DWELL_TICKS);
		}
		for (u64 p = 0; p < SLOW_PAGES; p++) {
			for (u64 w = STAMP_WORDS; w < PAGE_WORDS; w++) {
				if (buf[p * PAGE_WORDS + w] != seed + p * PAGE_WORDS + w)
					sys(SYS_EXIT, 1, 0, 0, 0, 0, 0);
			}
		}
	}
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
	sys(SYS_GETCPU, (long)&cpu, 0, 0, 0, 0, 0);
	if (!rounds) {	/* until stopped: say where now, nothing may come later */
		say("smp-work: worker ", i, " runs on cpu ", cpu, "", 0);
		slow_worker(i);
	}
	for (long r = 0; r < rounds; r++) {
		u64 seed = ((u64)i << 40) ^ ((u64)r << 20) ^ 0x9e3779b97f4a7c15UL;

		for (u64 w = 0; w < BUF_WORDS; w++)
			buf[w] = seed + w * 0x100000001b3UL;
		for (u64 w = 0; w < BUF_WORDS; w++) {
			bad += buf[w] != seed + w * 0x100000001b3UL;
			sum = sum * 31 + buf[w];
		}
		if (bad)
			break;
	}
	sys(SYS_GETCPU, (long)&cpu, 0, 0, 0, 0, 0);
	say("smp-work: worker ", i, " ran on cpu ", cpu, ", checksum ", sum);
	sys(SYS_EXIT, bad ? 1 : cpu == (unsigned long)i ? 0 : 4, 0, 0, 0, 0, 0);
}

__attribute__((noreturn)) void smp_work_main(long *sp)
{
	long n = sp[0] > 1 ? parse_decimal((const char *)sp[2]) : 1;
	long rounds = sp[0] > 2 ? parse_decimal((const char *)sp[3]) : 1;
	long failed = 0, pid[MAX_WORKERS];
	char line[64];

	if (n < 1 || n > MAX_WORKERS)
		n = 1;
	for (long i = 0; i < n; i++) {
		pid[i] = sys(SYS_FORK, 0, 0, 0, 0, 0, 0);
		if (pid[i] == 0)
			worker(i, rounds);
	}
	if (!rounds) {
		sys(SYS_READ, 0, (long)line, sizeof(line), 0, 0, 0);	/* blocks until a line */
		for (long i = 0; i < n; i++)
			sys(SYS_KILL, pid[i], SIGKILL, 0, 0, 0, 0);
	}
	for (long i = 0; i < n; i++) {
		int status = 0;

		/* Killed on purpose (status SIGKILL) is fine; an exit with a code is not. */
		if (sys(SYS_WAIT4, -1, (long)&status, 0, 0, 0, 0) < 0 ||
		    (status && !(rounds == 0 && status == SIGKILL)))
			failed++;
	}
	say("smp-work: ", n, " workers, ", failed, " failed; rounds 0x", (u64)rounds);
	sys(SYS_EXIT, failed ? 1 : 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall smp_work_main\n");
