/* kprintf: format a line and hand it to the arch console. */
#include "arch/console.h"
#include "lib/printf.h"
#include "lib/spinlock.h"

/*
 * One line at a time on the console: vCPUs on several CPUs print (internal
 * errors, dumps) while the BSP reports tests, and the harness parses lines.
 * Held only around the write, never while formatting, so a fault in a
 * format argument cannot leave it held.
 */
static spinlock_t console_lock;

int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);

	spin_lock(&console_lock);
	arch_console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	spin_unlock(&console_lock);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
