/*
 * The C library's memory and string functions for the freestanding kernel.
 * GCC may emit calls to memset/memcpy/memmove/memcmp itself, so the names
 * are the standard ones.  Host unit tests use the C library instead.
 */
#include "lib/string.h"
#include "types.h"

/*
 * REP STOSQ, then REP STOSB for the tail (x86 only, as is the kernel).
 * Zeroing a VM's backing or a table page was a byte loop of four
 * instructions per byte; Bochs counts (and spends time on) each emulated
 * iteration, so eight bytes per iteration make zeroing 256 MiB take a
 * fraction of a second there instead of tens of seconds.
 */
void *memset(void *s, int c, size_t n)
{
	u64 pattern = (u8)c * 0x0101010101010101ULL;
	size_t words = n / sizeof(u64), tail = n % sizeof(u64);
	void *d = s;

	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strstr(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++) {
		if (!strncmp(haystack, needle, n))
			return (char *)haystack;
	}
	return n ? NULL : (char *)haystack;
}
