/* The arch contract for the console (the UART on x86, stdout on fake). */
#pragma once

#include <stddef.h>

/* Write n bytes; '\n' is written as is (the UART driver adds '\r'). */
void arch_console_write(const char *s, size_t n);

/* The next byte typed on the console, or -1 if none is waiting (never blocks). */
int arch_console_getc(void);
