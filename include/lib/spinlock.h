/*
 * A test-and-test-and-set spinlock.  No interrupts are taken while one is
 * held (slotvisor runs with interrupts off), so no irq-save variant.
 */
#pragma once

#include <stdbool.h>

#include "lib/panic.h"

typedef struct {
	volatile int locked;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__asm__ __volatile__("pause");
	}
}

/* Take the lock if it is free; never waits. */
static inline bool spin_trylock(spinlock_t *l)
{
	return !__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return __atomic_load_n(&l->locked, __ATOMIC_RELAXED);
}

/*
 * lockdep_assert_held(), as far as a lock without an owner can say: panic
 * (naming the function and the lock) unless someone holds lock.  At the
 * entry points that need a lock, so that a caller that forgot it is caught
 * the first time it runs, not when two CPUs race.
 */
#define lockdep_assert_held(lock)                                               \
	do {                                                                    \
		if (!spin_is_locked(lock))                                      \
			panic("%s: %s is not held", __func__, #lock);           \
	} while (0)
