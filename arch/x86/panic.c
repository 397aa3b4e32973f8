/* panic() in the kernel: message, stack trace, power off with the panic status. */
#include <stdarg.h>

#include "arch/poweroff.h"
#include "arch/x86/trap.h"
#include "lib/panic.h"
#include "lib/printf.h"

void panic(const char *fmt, ...)
{
	va_list ap;

	kprintf("panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	/* Start from our caller: our own frame holds its RBP and return address. */
	const u64 *frame = __builtin_frame_address(0);
	stack_trace_print(frame[1], frame[0]);
	arch_poweroff(EXIT_PANIC);
}
