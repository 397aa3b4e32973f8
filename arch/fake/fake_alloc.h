/*
 * Allocation failure injection for host tests (arch/fake/failinject.c).
 * The test binaries are linked with --wrap for frame_alloc, frame_zalloc,
 * kmalloc, kzalloc and kcalloc, so every allocation the code under test
 * makes passes through a countdown: once armed, the n-th allocation from
 * now and every later one return NULL until fake_alloc_disarm().
 */
#pragma once

/* Fail the n-th allocation from now (0: the next) and all after it. */
void fake_alloc_fail_from(unsigned long n);

/* Let every allocation succeed again. */
void fake_alloc_disarm(void);

/* Allocations attempted since the last arm or disarm, failed ones included. */
unsigned long fake_alloc_calls(void);

/* Allocations that returned NULL because of the countdown since the last arm. */
unsigned long fake_alloc_failures(void);
