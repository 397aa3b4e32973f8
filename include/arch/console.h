/* The arch contract for console output (the UART on x86, stdout on fake). */
#pragma once

#include <stddef.h>

/* Write n bytes; '\n' is written as is (the UART driver adds '\r'). */
void arch_console_write(const char *s, size_t n);
