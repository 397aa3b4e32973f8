/*
 * What the libc-free programs of the Linux guest's initramfs share
 * (debug-exit.c, smp-work.c, mem-fill.c): a raw x86-64 system call (arguments in RDI,
 * RSI, RDX, R10, R8, R9; RCX and R11 clobbered: the kernel's ABI), a
 * decimal argument parser, and numbers and strings appended to a line.  Each program is one static binary.
 */
#pragma once

#define SYS_READ 0
#define SYS_WRITE 1
#define SYS_OPEN 2
#define SYS_CLOSE 3
#define SYS_MMAP 9
#define SYS_PREAD64 17
#define SYS_FORK 57
#define SYS_EXIT 60
#define SYS_WAIT4 61
#define SYS_KILL 62
#define SYS_IOPERM 173
#define SYS_SCHED_SETAFFINITY 203
#define SYS_GETCPU 309

static inline long sys(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10),
			     "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	return ret;
}

/* The decimal number s starts with (0 if none). */
static inline long parse_decimal(const char *s)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Append the decimal or hexadecimal form of v to p; the end. */
static inline char *put_num(char *p, unsigned long v, unsigned int base)
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

/* Append s to p; the end. */
static inline char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}
