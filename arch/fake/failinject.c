/*
 * Allocation failure injection (arch/fake/fake_alloc.h): the __wrap_
 * functions the linker substitutes for the allocators' entry points.  The
 * linker redirects calls between objects only: kzalloc() calling kmalloc()
 * inside kmalloc.o counts once, while kmalloc.o taking a new slab frame from
 * frame.o is a point of failure of its own, as it is in the kernel.
 */
#include <stddef.h>

#include "fake_alloc.h"
#include "mm/frame.h"
#include "mm/kmalloc.h"

void *__real_frame_alloc(unsigned int order);
void *__real_frame_zalloc(unsigned int order);
void *__real_kmalloc(size_t size);
void *__real_kzalloc(size_t size);
void *__real_kcalloc(size_t n, size_t size);
void *__wrap_frame_alloc(unsigned int order);
void *__wrap_frame_zalloc(unsigned int order);
void *__wrap_kmalloc(size_t size);
void *__wrap_kzalloc(size_t size);
void *__wrap_kcalloc(size_t n, size_t size);

static bool armed;
static unsigned long countdown;
static unsigned long calls;
static unsigned long failures;

void fake_alloc_fail_from(unsigned long n)
{
	armed = true;
	countdown = n;
	calls = 0;
	failures = 0;
}

void fake_alloc_disarm(void)
{
	armed = false;
	calls = 0;
}

unsigned long fake_alloc_calls(void)
{
	return calls;
}

unsigned long fake_alloc_failures(void)
{
	return failures;
}

/* Count a call; true if it must fail. */
static bool should_fail(void)
{
	calls++;
	if (!armed) {
		return false;
	}
	if (countdown > 0) {
		countdown--;
		return false;
	}
	failures++;
	return true;
}

void *__wrap_frame_alloc(unsigned int order)
{
	return should_fail() ? NULL : __real_frame_alloc(order);
}

void *__wrap_frame_zalloc(unsigned int order)
{
	return should_fail() ? NULL : __real_frame_zalloc(order);
}

void *__wrap_kmalloc(size_t size)
{
	return should_fail() ? NULL : __real_kmalloc(size);
}

void *__wrap_kzalloc(size_t size)
{
	return should_fail() ? NULL : __real_kzalloc(size);
}

void *__wrap_kcalloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_kcalloc(n, size);
}
