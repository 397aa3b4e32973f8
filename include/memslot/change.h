/* The four kinds of memslot change (memslot/change.c). */
#pragma once

#include "memslot/memslot.h"

/*
 * Carry out a validated change (KVM's kvm_set_memslot()): old is the
 * current slot (NULL for CREATE), new the slot to publish (NULL for
 * DELETE), allocated by the caller, who frees it on failure.  Everything
 * that can fail (-ENOMEM) happens before anything is published, so a
 * failure leaves the VM as it was.
 */
int kvm_set_memslot(struct kvm *kvm, struct kvm_memory_slot *old, struct kvm_memory_slot *new,
		    enum kvm_mr_change change);
