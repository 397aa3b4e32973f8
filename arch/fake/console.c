/* The console for host unit tests is stdout; nothing is ever typed. */
#include <stdio.h>

#include "arch/console.h"

void arch_console_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

int arch_console_getc(void)
{
	return -1;
}
