/*
 * The demo `make run` boots into: one VM with four memslots (RAM, data,
 * read-only, dirty-logged) running guests/demo.c.  Between the guest's
 * steps the VMM prints the slot table and EPT leaf counts, deletes the
 * data slot (the guest's reads become MMIO exits), re-creates it (fresh
 * zeroed memory) and moves it (the old address is MMIO again, the new one
 * has the contents).
 */
#include "loader/load.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "memslot/memslot.h"
#include "console/demo.h"
#include "vm/vm.h"

#define DATA_SLOT 1
#define RO_SLOT 2
#define LOG_SLOT 3
#define DATA_GPA 0x1000000ULL
#define MOVED_GPA 0x1800000ULL
#define RO_GPA 0x2000000ULL
#define LOG_GPA 0x3000000ULL
#define SLOT_SIZE KiB(64)
#define RO_CONTENT 0x5a5a5a5a5a5a5a5aULL
#define MMIO_READ_VALUE ~0ULL

static void demo_show_slots(struct vm *vm)
{
	struct kvm_memslots *slots = __kvm_memslots(&vm->kvm, 0);
	const struct kvm_stat *st = &vm->kvm.stat;

	kprintf("demo: slot  gpa range                     size      flags\n");
	for (int id = 0; id < 8; id++) {
		struct kvm_memory_slot *s = id_to_memslot(slots, id);

		if (!s)
			continue;
		kprintf("demo: %4d  [%#010llx-%#010llx)  %5llu KiB  %s%s\n", id,
			s->base_gfn << GFN_SHIFT, memslot_end(s) << GFN_SHIFT,
			(s->npages << GFN_SHIFT) >> 10,
			(s->flags & KVM_MEM_READONLY) ? "readonly " : "",
			(s->flags & KVM_MEM_LOG_DIRTY_PAGES) ? "dirty-log" : "");
	}
	kprintf("demo: EPT leaves: %llu x 4K, %llu x 2M, %llu x 1G; %llu INVEPTs so far\n",
		st->leaves[0], st->leaves[1], st->leaves[2], st->invept);
}

static int demo_slot(struct vm *vm, u64 gpa, u64 size, hva_t hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = DATA_SLOT, .guest_phys_addr = gpa, .memory_size = size, .userspace_addr = hva,
	};

	return kvm_set_memory_region(&vm->kvm, &r);
}

/* Run to the next ucall, answering MMIO exits as an empty bus would. */
static int demo_run_to_ucall(struct vcpu *v, struct ucall *uc)
{
	for (;;) {
		int cmd = vm_run(v, 0, uc);

		if (cmd)
			return cmd;
		if (v->exit.reason != VCPU_EXIT_MMIO)
			return -1;
		if (v->exit.mmio.is_write) {
			kprintf("demo: MMIO exit: write of %#llx to gpa %#llx (%u bytes), dropped\n",
				v->exit.mmio.data, v->exit.mmio.gpa, v->exit.mmio.len);
		} else {
			kprintf("demo: MMIO exit: read of gpa %#llx (%u bytes), returning all ones\n",
				v->exit.mmio.gpa, v->exit.mmio.len);
			v->exit.mmio.data = MMIO_READ_VALUE;
		}
	}
}

static int demo_setup(struct vm *vm, struct vcpu **v, hva_t *data)
{
	hva_t ro, log;
	int err = vm_load_guest64(vm, "demo", MiB(4), v);

	err = err ?: vm_add_memory(vm, DATA_SLOT, DATA_GPA, SLOT_SIZE, 0, data);
	err = err ?: vm_add_memory(vm, RO_SLOT, RO_GPA, SLOT_SIZE, KVM_MEM_READONLY, &ro);
	err = err ?: vm_add_memory(vm, LOG_SLOT, LOG_GPA, SLOT_SIZE, KVM_MEM_LOG_DIRTY_PAGES, &log);
	if (!err)
		*(u64 *)ro = RO_CONTENT;
	return err;
}

static void demo_dirty_log(struct vm *vm)
{
	u64 bitmap = 0;

	kvm_get_dirty_log(&vm->kvm, LOG_SLOT, &bitmap);
	kprintf("demo: dirty log of slot %d: %#llx (pages", LOG_SLOT, bitmap);
	for (int i = 0; i < 64; i++) {
		if (bitmap & (1ULL << i))
			kprintf(" %d", i);
	}
	kprintf(")\n");
}

int demo_run(void)
{
	struct vm *vm = vm_create("demo");
	struct vcpu *v;
	struct ucall uc;
	hva_t data;
	int err = vm ? demo_setup(vm, &v, &data) : -ENOMEM;

	if (err) {
		kprintf("demo: setup failed: %d\n", err);
		vm_destroy(vm);
		return err;
	}
	kprintf("demo: a VM with four memslots; the guest starts\n");
	demo_show_slots(vm);
	for (int cmd; (cmd = demo_run_to_ucall(v, &uc)) == UCALL_SYNC;) {
		demo_show_slots(vm);
		if (uc.args[0] == 1) {
			demo_dirty_log(vm);
			kprintf("demo: deleting the data slot\n");
			err = demo_slot(vm, DATA_GPA, 0, data);
		} else if (uc.args[0] == 2) {
			kprintf("demo: re-creating the data slot (its backing zeroed first)\n");
			for (u64 *p = (u64 *)data; p < (u64 *)(data + SLOT_SIZE); p++)
				*p = 0;
			err = demo_slot(vm, DATA_GPA, SLOT_SIZE, data);
		} else {
			kprintf("demo: moving the data slot to %#llx\n", MOVED_GPA);
			err = demo_slot(vm, MOVED_GPA, SLOT_SIZE, data);
		}
		if (err)
			kprintf("demo: the memslot change failed: %d\n", err);
		demo_show_slots(vm);
	}
	kprintf("demo: the guest %s\n", v->dead ? "died" : "finished");
	vm_destroy(vm);
	return 0;
}
