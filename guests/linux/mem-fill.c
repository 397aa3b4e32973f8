/*
 * mem-fill MIB [LO HI]: fill MIB MiB of anonymous memory with a pattern
 * (each 8-byte word from its index and a seed), read every word back, and
 * say how many differed.  With LO and HI (physical addresses, hexadecimal,
 * e.g. from /proc/iomem), it also reads /proc/self/pagemap (root sees the
 * frame numbers) and counts the buffer's pages that lie in [LO, HI): the
 * memory a virtio-mem device plugged, to show the fill used it.  Exit
 * status 0 when every word matched (and, with a range, at least one page
 * lay in it); 1 otherwise; 2 for an mmap or pagemap failure.  Static and
 * libc-free (raw system calls), as debug-exit.c.
 */
#include "linux_sys.h"

#define PROT_RW 3
#define MAP_PRIVATE_ANON 0x22
#define MAP_POPULATE 0x8000
#define PAGE_SIZE 4096UL
#define PM_PRESENT (1UL << 63)
#define PM_PFN_MASK ((1UL << 55) - 1)

typedef unsigned long u64;

static u64 parse_hex(const char *s)
{
	u64 v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++) {
		if (*s >= '0' && *s <= '9')
			v = v * 16 + (u64)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			v = v * 16 + (u64)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			v = v * 16 + (u64)(*s - 'A' + 10);
		else
			return v;
	}
}


/* A string literal to standard output (sizeof: a loop would become strlen()). */
#define say(s) sys(SYS_WRITE, 1, (long)(s), sizeof(s) - 1, 0, 0, 0)

__attribute__((noreturn)) void mem_fill_main(long *sp)
{
	long argc = sp[0];
	const char **argv = (const char **)(sp + 1);
	u64 mib = argc > 1 ? (u64)parse_decimal(argv[1]) : 0;
	u64 words = mib * 1024 * 1024 / 8, bad = 0, seed = 0x9e3779b97f4a7c15UL;
	u64 lo = argc > 3 ? parse_hex(argv[2]) : 0, hi = argc > 3 ? parse_hex(argv[3]) : 0;
	u64 pages = words * 8 / PAGE_SIZE, in_range = 0, present = 0;
	char line[200], *p = line;
	u64 *buf;

	if (!mib) {
		say("usage: mem-fill MIB [LO HI]\n");
		sys(SYS_EXIT, 2, 0, 0, 0, 0, 0);
	}
	buf = (u64 *)sys(SYS_MMAP, 0, (long)(words * 8), PROT_RW, MAP_PRIVATE_ANON | MAP_POPULATE,
			 -1, 0);
	if ((long)buf < 0) {
		say("mem-fill: mmap failed\n");
		sys(SYS_EXIT, 2, 0, 0, 0, 0, 0);
	}
	for (u64 w = 0; w < words; w++)
		buf[w] = seed ^ (w * 0x100000001b3UL);
	for (u64 w = 0; w < words; w++)
		bad += buf[w] != (seed ^ (w * 0x100000001b3UL));
	p = put_str(put_num(put_str(p, "mem-fill: "), mib, 10), " MiB filled and read back, ");
	p = put_str(put_num(p, bad, 10), " bad words");
	if (argc > 3) {
		long fd = sys(SYS_OPEN, (long)"/proc/self/pagemap", 0, 0, 0, 0, 0);

		if (fd < 0) {
			say("mem-fill: cannot open /proc/self/pagemap\n");
			sys(SYS_EXIT, 2, 0, 0, 0, 0, 0);
		}
		for (u64 i = 0; i < pages; i++) {
			u64 e = 0, pa;

			if (sys(SYS_PREAD64, fd, (long)&e, 8, (long)(((u64)buf / PAGE_SIZE + i) * 8), 0, 0) != 8) {
				say("mem-fill: cannot read /proc/self/pagemap\n");
				sys(SYS_EXIT, 2, 0, 0, 0, 0, 0);
			}
			if (!(e & PM_PRESENT))
				continue;
			present++;
			pa = (e & PM_PFN_MASK) * PAGE_SIZE;
			in_range += pa >= lo && pa < hi;
		}
		sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
		p = put_str(put_num(put_str(p, ", "), in_range, 10), " of ");
		p = put_str(put_num(p, present, 10), " pages in [0x");
		p = put_str(put_num(p, lo, 16), ", 0x");
		p = put_str(put_num(p, hi, 16), ")");
	}
	*p++ = '\n';
	sys(SYS_WRITE, 1, (long)line, p - line, 0, 0, 0);
	sys(SYS_EXIT, bad || (argc > 3 && !in_range) ? 1 : 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall mem_fill_main\n");
