/*
 * kprintf: format a line and hand it to the arch console; kwrite_raw: a
 * guest's own console bytes, passed through as they come.
 */
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
/*
 * Whether the raw bytes (a guest's COM1 on the interactive console) left
 * the console inside a line.  A message then starts on a line of its own,
 * so that it is never printed into the middle of a guest's line, whichever
 * CPU prints it.  console_lock protects it.
 */
static bool raw_midline;

int kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	spin_lock(&console_lock);
	if (raw_midline && len && buf[0] != '\n')
		arch_console_write("\n", 1);
	if (len)
		raw_midline = false;
	arch_console_write(buf, len);
	spin_unlock(&console_lock);
	return n;
}

void kwrite_raw(const char *s, size_t n)
{
	if (!n)
		return;
	spin_lock(&console_lock);
	arch_console_write(s, n);
	raw_midline = s[n - 1] != '\n';
	spin_unlock(&console_lock);
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
