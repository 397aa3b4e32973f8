/*
 * The hypervisor's command line, as the boot loader (the user) writes it:
 * cmdline_get/has/next (lib/cmdline.c), the sizes in it (lib/parse.c),
 * slotvisor.test= globs (lib/glob.c) and slotvisor.console= (the
 * value parser and the choice in arch/x86/uart_select.c).
 */
#include "arch/x86/uart.h"
#include "lib/cmdline.h"
#include "lib/glob.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "fuzz.h"

#define VALUE_MAX 64
#define IO_PORT_LIMIT 0x10000
#define PHYS_ADDR_LIMIT (1ULL << 52)

static const char *const keys[] = {
	"slotvisor.console", "slotvisor.test", "slotvisor.mem", "slotvisor.status_token", "quiet",
};

/* A value never overflows its buffer and is always terminated. */
static void check_value(const char *v, size_t size)
{
	FUZZ_CHECK(strnlen(v, size) < size, "value not terminated within %zu bytes", size);
}

/* A size that parses prints back to the same number. */
static void check_size(const char *v)
{
	char buf[32];
	u64 n, again;

	if (parse_size(v, &n))
		return;
	ksnprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
	FUZZ_CHECK(!parse_size(buf, &again) && again == n, "\"%s\" gave %llu, \"%s\" did not",
		   v, (unsigned long long)n, buf);
}

/* A console the parser accepts is one the UART driver can program. */
static void check_console(const struct uart_desc *d, const char *what)
{
	char desc[16];	/* short on purpose: uart_describe must truncate */

	if (d->space == UART_SPACE_IO)
		FUZZ_CHECK(d->base && d->base <= IO_PORT_LIMIT - UART_NR_REGS && d->reg_width == 1,
			   "%s: I/O UART at 0x%llx width %u", what, (unsigned long long)d->base,
			   d->reg_width);
	else
		FUZZ_CHECK(d->space == UART_SPACE_MMIO && d->base && d->base < PHYS_ADDR_LIMIT &&
			   (d->reg_width == 1 || d->reg_width == 4),
			   "%s: MMIO UART at 0x%llx width %u", what, (unsigned long long)d->base,
			   d->reg_width);
	uart_describe(d, desc, sizeof(desc));
	check_value(desc, sizeof(desc));
}

static void each_occurrence(const char *cl, const char *key)
{
	char v[VALUE_MAX];
	const char *p = cl, *next;

	while ((next = cmdline_next(p, key, v, sizeof(v)))) {
		FUZZ_CHECK(next > p && next <= cl + strlen(cl), "cmdline_next went from %td to %td",
			   p - cl, next - cl);
		check_value(v, sizeof(v));
		check_size(v);
		p = next;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	char *cl = fuzz_strdup(data, size);
	char v[VALUE_MAX], tiny[2];
	struct uart_desc d;
	const char *why, *source;

	for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++) {
		bool has = cmdline_has(cl, keys[i]);

		FUZZ_CHECK(has == cmdline_get(cl, keys[i], v, sizeof(v)),
			   "has and get disagree on %s", keys[i]);
		if (has) {
			check_value(v, sizeof(v));
			cmdline_get(cl, keys[i], tiny, sizeof(tiny));
			check_value(tiny, sizeof(tiny));
			check_size(v);
			glob_match_list(v, "guest.hostile");
			glob_match(v, "smp.multi.alloc");
		}
		each_occurrence(cl, keys[i]);
	}
	check_size(cl);
	if (!uart_parse_option(cl, &d, &why))
		check_console(&d, cl);
	else
		FUZZ_CHECK(why && *why, "\"%s\" refused without a reason", cl);
	uart_select(cl, &d, &source);
	check_console(&d, "uart_select");
	free(cl);
	return 0;
}
