/*
 * EPT fault-in on the real (emulated) CPU: the guest touches one address
 * in each slot and the leaf that maps it is checked through the EPT
 * iterator (ept_translate): 2 MiB over 2 MiB-aligned backing, 4 KiB over a
 * slot smaller than 2 MiB, 1 GiB over a 1 GiB-aligned 1 GiB slot.
 */
#include "arch/memory.h"
#include "ept/walk.h"
#include "ktest_vmx.h"
#include "lib/errno.h"

struct leaf_case {
	u32 slot;
	u64 gpa;	/* the slot's base */
	u64 size;
	u64 touch;	/* what guests/bigmem.c touches */
	int level;
};

static const struct leaf_case cases[] = {
	{ 1, 0x1000000, MiB(4), 0x1001234, PG_LEVEL_2M },
	{ 2, 0x2000000, KiB(16), 0x2000010, PG_LEVEL_4K },
	{ 3, GiB(1), GiB(1), 0x40123456, PG_LEVEL_1G },
};

static void check_leaf(struct ktest_ctx *t, struct vm *vm, const struct leaf_case *c, hva_t hva)
{
	hpa_t hpa;
	int level;
	bool writable;
	int err = ept_translate(&vm->kvm, 0, c->touch, &hpa, &level, &writable);

	KT_ASSERT(t, err == 0, "expected gpa 0x%llx mapped, saw %d", c->touch, err);
	KT_ASSERT(t, level == c->level, "gpa 0x%llx: expected a level-%d leaf, saw level %d",
		  c->touch, c->level, level);
	KT_ASSERT(t, hpa == virt_to_phys((void *)hva) + (c->touch - c->gpa),
		  "gpa 0x%llx: expected hpa 0x%llx, saw 0x%llx", c->touch,
		  virt_to_phys((void *)hva) + (c->touch - c->gpa), hpa);
	KT_ASSERT(t, writable, "gpa 0x%llx: expected a writable leaf", c->touch);
}

KTEST(test_guest_ept_levels, "guest.ept.levels")
{
	struct vcpu *v;
	struct ucall uc;
	struct vm *vm = ktest_guest64(t, "bigmem", MiB(4), &v);
	hva_t hva[ARRAY_SIZE(cases)];
	bool have_1g = true;

	if (!vm)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		int err = vm_add_memory(vm, cases[i].slot, cases[i].gpa, cases[i].size, 0, &hva[i]);

		if (err == -ENOMEM && cases[i].level == PG_LEVEL_1G) {
			have_1g = false;	/* no free 1 GiB block on this machine */
			continue;
		}
		KT_ASSERT(t, err == 0, "expected slot %u, saw %d", cases[i].slot, err);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		int cmd = vm_run(v, 0, &uc);

		if (!have_1g && cases[i].level == PG_LEVEL_1G)
			break;
		KT_ASSERT(t, cmd == UCALL_SYNC && uc.args[0] == i + 1 && uc.args[1] == 0xa0 + i,
			  "expected SYNC %u with 0x%x, saw ucall %d (%s)", i + 1, 0xa0 + i, cmd,
			  ktest_exit_name(v));
		check_leaf(t, vm, &cases[i], hva[i]);	/* its failed assertion ends the test */
	}
	vm_destroy(vm);
	if (!have_1g)
		ktest_skip(t, "4K and 2M leaves checked; no free 1 GiB block for the 1G case");
}
