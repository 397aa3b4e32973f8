/*
 * Reading the EPT tables (ept/walk.c, ept/audit.c): translation, dumps,
 * counts and the MMU's invariants.
 */
#pragma once

#include "ept/mmu.h"

/*
 * Translate gpa through as_id's current root: the host physical address,
 * the leaf's level and whether it is writable.  -ENOENT if nothing maps it.
 */
int ept_translate(struct kvm *kvm, u16 as_id, gpa_t gpa, hpa_t *hpa, int *level,
		  bool *writable);

/* Print every leaf of as_id's roots on the console ("ept: ..."). */
void ept_dump(struct kvm *kvm, u16 as_id);

/* The present leaves under root_hpa, per level (1..3), by walking the tables. */
void ept_count_leaves(hpa_t root_hpa, u64 leaves[KVM_NR_PAGE_SIZES], u64 *tables);
/* The same over the entries that meet [start, end) (tables: those walked into, the root too). */
void ept_count_leaves_range(hpa_t root_hpa, gfn_t start, gfn_t end, u64 leaves[KVM_NR_PAGE_SIZES],
			    u64 *tables);

/*
 * Check the MMU's invariants: every present leaf lies in a live slot of
 * its root's address space, maps that slot's backing, obeys READONLY,
 * write tracking and dirty logging, and is in exactly one rmap (the right
 * one); every rmap entry is such a leaf; no invalidated root has leaves.
 * 0, or -EIO with the first violation described in why.
 */
int ept_audit(struct kvm *kvm, char *why, size_t len);
