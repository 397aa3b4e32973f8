/* panic() for host unit tests: caught by EXPECT_PANIC, otherwise fatal. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/panic.h"
#include "lib/printf.h"
#include "fake.h"

char fake_panic_msg[512];
jmp_buf *fake_panic_jmp;

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	if (fake_panic_jmp)
		longjmp(*fake_panic_jmp, 1);
	fprintf(stderr, "panic: %s\n", fake_panic_msg);
	abort();
}
