/* glob_match and cmdline_get: test selection and option parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/cmdline.h"
#include "lib/glob.h"

static void glob(void **state)
{
	assert_true(glob_match("*", "mm.alloc.align"));
	assert_true(glob_match("mm.*", "mm.alloc.align"));
	assert_true(glob_match("*.align", "mm.alloc.align"));
	assert_true(glob_match("mm.a?loc.*", "mm.alloc.free"));
	assert_true(glob_match("exc.*d", "exc.ud"));
	assert_false(glob_match("mm.*", "vmx.detect"));
	assert_false(glob_match("mm", "mm.alloc"));
	assert_false(glob_match("mm.alloc.align?", "mm.alloc.align"));
	assert_true(glob_match("", ""));
	assert_false(glob_match("", "x"));
	assert_true(glob_match("a*b*c", "axxbyyc"));
	assert_false(glob_match("a*b*c", "axxbyy"));
	assert_true(glob_match_list("boot.*,exc.ud", "exc.ud"));
	assert_true(glob_match_list("boot.*,exc.ud", "boot.info"));
	assert_false(glob_match_list("boot.*,exc.ud", "exc.gp"));
	assert_false(glob_match_list("", "x"));
	assert_false(glob_match_list(",,", "x"));
	/* Exclusions: "-pattern" removes what the patterns let in. */
	assert_true(glob_match_list("smp.*,-smp.multi.*", "smp.bringup"));
	assert_false(glob_match_list("smp.*,-smp.multi.*", "smp.multi.alloc"));
	assert_false(glob_match_list("-smp.multi.*,smp.*", "smp.multi.alloc"));
	assert_true(glob_match_list("*,-smp.*", "guest.basic"));
	assert_false(glob_match_list("*,-smp.*", "smp.vmxon"));
	assert_true(glob_match_list("-smp.*", "mm.kmalloc"));
	assert_false(glob_match_list("-smp.*", "smp.vmxon"));
	assert_false(glob_match_list("mm.*,-", "guest.basic"));
}

static void cmdline(void **state)
{
	char v[16];
	const char *cl = "quiet slotvisor.test=mm.* slotvisor.flag  x=1 slotvisor.test=boot.*";

	assert_true(cmdline_get(cl, "slotvisor.test", v, sizeof(v)));
	assert_string_equal(v, "boot.*");	/* the last one wins */
	assert_true(cmdline_get(cl, "slotvisor.flag", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_true(cmdline_has(cl, "quiet"));
	assert_false(cmdline_has(cl, "slotvisor"));	/* prefixes do not match */
	assert_false(cmdline_has(cl, "slotvisor.tes"));
	assert_false(cmdline_has("", "x"));
	assert_false(cmdline_has(NULL, "x"));
	assert_true(cmdline_get("k=0123456789abcdefXYZ", "k", v, 8));
	assert_string_equal(v, "0123456");
}

/* cmdline_next() visits every occurrence of a key, in order. */
static void cmdline_next_visits_each(void **state)
{
	char v[16];
	const char *cl = "slotvisor.console=1 quiet slotvisor.consoles=x slotvisor.console=ttyS1";
	const char *p = cmdline_next(cl, "slotvisor.console", v, sizeof(v));

	assert_non_null(p);
	assert_string_equal(v, "1");
	p = cmdline_next(p, "slotvisor.console", v, sizeof(v));
	assert_non_null(p);
	assert_string_equal(v, "ttyS1");
	assert_null(cmdline_next(p, "slotvisor.console", v, sizeof(v)));
	assert_null(cmdline_next(NULL, "slotvisor.console", v, sizeof(v)));
	assert_null(cmdline_next("", "slotvisor.console", v, sizeof(v)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glob),
		cmocka_unit_test(cmdline),
		cmocka_unit_test(cmdline_next_visits_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
