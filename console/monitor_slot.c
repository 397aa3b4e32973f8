/*
 * The monitor's memslot commands: slot add, delete, move and dirty change
 * the running VM's memslots through the VMM's own calls (vm_add_memory,
 * kvm_set_memory_region, kvm_get_dirty_log) and print the error's name
 * when KVM refuses.  The vCPUs are out of their guests meanwhile (the
 * console pauses them); a change kicks nothing and the next entry reloads
 * the root.
 */
#include "lib/errno.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "memslot/memslot.h"
#include "mm/kmalloc.h"
#include "console/monitor.h"
#include "vm/vm.h"

#define BITS_PER_U64 64
#define SLOT_USER_FLAGS (KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY)

/* Parse argv[i] as what (a slot id, an address, a size); print why not. */
static bool parse_arg(const char *cmd, const char *what, const char *arg, u64 *val)
{
	if (!parse_size(arg, val))
		return true;
	kprintf("monitor: %s: bad %s '%s'\n", cmd, what, arg);
	return false;
}

static bool usage(const char *cmd, int argc, int min, int max, const char *args)
{
	if (argc >= min && argc <= max)
		return true;
	kprintf("monitor: %s: expected %s\n", cmd, args);
	return false;
}

static int report(const char *cmd, const char *call, int err)
{
	if (err)
		kprintf("monitor: %s: %s failed: -%s\n", cmd, call, errno_name(-err));
	else
		kprintf("%s: done\n", cmd);
	return MONITOR_STAY;
}

/* The slot with this id in address space 0, or NULL (printed). */
static struct kvm_memory_slot *find_slot(struct vm *vm, const char *cmd, u64 id)
{
	struct kvm_memory_slot *s = NULL;

	if (id < KVM_USER_MEM_SLOTS)
		s = id_to_memslot(__kvm_memslots(&vm->kvm, 0), (int)id);
	if (!s)
		kprintf("monitor: %s: no slot %llu\n", cmd, id);
	return s;
}

static int set_region(struct vm *vm, const struct kvm_memory_slot *s, u32 flags, u64 gpa,
		      u64 size)
{
	struct kvm_userspace_memory_region r = {
		.slot = s->id, .flags = flags & SLOT_USER_FLAGS, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = s->userspace_addr,
	};

	return kvm_set_memory_region(&vm->kvm, &r);
}

static bool parse_flag(const char *arg, u32 *flags)
{
	if (!strcmp(arg, "ro") || !strcmp(arg, "readonly"))
		*flags |= KVM_MEM_READONLY;
	else if (!strcmp(arg, "log") || !strcmp(arg, "dirty-log"))
		*flags |= KVM_MEM_LOG_DIRTY_PAGES;
	else
		return false;
	return true;
}

/*
 * vm_add_memory() allocates the backing before KVM checks the request, so
 * a refused add leaves that backing with the VM until it is destroyed.
 */
int monitor_slot_add(struct vm *vm, int argc, char **argv)
{
	const char *cmd = "slot add";
	u64 id, gpa, size;
	u32 flags = 0;

	if (!usage(cmd, argc, 3, 5, "ID GPA SIZE [ro] [log]") ||
	    !parse_arg(cmd, "slot id", argv[0], &id) || !parse_arg(cmd, "address", argv[1], &gpa) ||
	    !parse_arg(cmd, "size", argv[2], &size))
		return MONITOR_STAY;
	for (int i = 3; i < argc; i++) {
		if (!parse_flag(argv[i], &flags)) {
			kprintf("monitor: %s: bad flag '%s' (ro or log)\n", cmd, argv[i]);
			return MONITOR_STAY;
		}
	}
	if (id > KVM_MEMSLOT_ID_MASK) {
		kprintf("monitor: %s: bad slot id '%s'\n", cmd, argv[0]);
		return MONITOR_STAY;
	}
	return report(cmd, "vm_add_memory", vm_add_memory(vm, (u32)id, gpa, size, flags, NULL));
}

int monitor_slot_delete(struct vm *vm, int argc, char **argv)
{
	const char *cmd = "slot delete";
	struct kvm_memory_slot *s;
	u64 id;

	if (!usage(cmd, argc, 1, 1, "ID") || !parse_arg(cmd, "slot id", argv[0], &id))
		return MONITOR_STAY;
	s = find_slot(vm, cmd, id);
	if (!s)
		return MONITOR_STAY;
	return report(cmd, "kvm_set_memory_region", set_region(vm, s, s->flags, 0, 0));
}

int monitor_slot_move(struct vm *vm, int argc, char **argv)
{
	const char *cmd = "slot move";
	struct kvm_memory_slot *s;
	u64 id, gpa;

	if (!usage(cmd, argc, 2, 2, "ID GPA") || !parse_arg(cmd, "slot id", argv[0], &id) ||
	    !parse_arg(cmd, "address", argv[1], &gpa))
		return MONITOR_STAY;
	s = find_slot(vm, cmd, id);
	if (!s)
		return MONITOR_STAY;
	return report(cmd, "kvm_set_memory_region",
		      set_region(vm, s, s->flags, gpa, s->npages << GFN_SHIFT));
}

/* Print the pages set in bitmap as ranges: "0 2-5 9". */
static void print_pages(const u64 *bitmap, u64 npages)
{
	for (u64 i = 0; i < npages; i++) {
		u64 end = i;

		if (!(bitmap[i / BITS_PER_U64] & (1ULL << (i % BITS_PER_U64))))
			continue;
		while (end + 1 < npages &&
		       (bitmap[(end + 1) / BITS_PER_U64] & (1ULL << ((end + 1) % BITS_PER_U64))))
			end++;
		kprintf(end > i ? " %llu-%llu" : " %llu", i, end);
		i = end;
	}
}

static u64 count_pages(const u64 *bitmap, u64 words)
{
	u64 n = 0;

	for (u64 i = 0; i < words; i++)
		n += (u64)__builtin_popcountll(bitmap[i]);
	return n;
}

/* Fetch and clear the slot's dirty log, and print it. */
static int show_dirty_log(struct vm *vm, const struct kvm_memory_slot *s)
{
	u64 words = (s->npages + BITS_PER_U64 - 1) / BITS_PER_U64;
	u64 *bitmap = kcalloc(words, sizeof(u64));
	u16 id = s->id;
	u64 npages = s->npages;
	int err;

	if (!bitmap)
		return report("slot dirty", "kcalloc", -ENOMEM);
	err = kvm_get_dirty_log(&vm->kvm, id, bitmap);
	if (err) {
		kfree(bitmap);
		return report("slot dirty", "kvm_get_dirty_log", err);
	}
	kprintf("slot %u: %llu of %llu pages dirty:", id, count_pages(bitmap, words), npages);
	print_pages(bitmap, npages);
	kprintf("\n");
	kfree(bitmap);
	return MONITOR_STAY;
}

int monitor_slot_dirty(struct vm *vm, int argc, char **argv)
{
	const char *cmd = "slot dirty";
	const char *what = argc > 1 ? argv[1] : "show";
	struct kvm_memory_slot *s;
	u64 id;

	if (!usage(cmd, argc, 1, 2, "ID [on|off|show]") || !parse_arg(cmd, "slot id", argv[0], &id))
		return MONITOR_STAY;
	s = find_slot(vm, cmd, id);
	if (!s)
		return MONITOR_STAY;
	if (!strcmp(what, "show"))
		return show_dirty_log(vm, s);
	if (!strcmp(what, "on") || !strcmp(what, "off")) {
		u32 flags = !strcmp(what, "on") ? s->flags | KVM_MEM_LOG_DIRTY_PAGES :
						  s->flags & ~KVM_MEM_LOG_DIRTY_PAGES;

		return report(cmd, "kvm_set_memory_region",
			      set_region(vm, s, flags, s->base_gfn << GFN_SHIFT,
					 s->npages << GFN_SHIFT));
	}
	kprintf("monitor: %s: bad argument '%s' (on, off or show)\n", cmd, what);
	return MONITOR_STAY;
}
