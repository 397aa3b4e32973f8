/*
 * Differential test against the real KVM: the same random memslot requests
 * go to /dev/kvm (KVM_CREATE_VM, KVM_SET_USER_MEMORY_REGION) and to the host
 * library, and must get the same return codes.  The two backings are
 * different memory at the same offsets: KVM's is an mmap of this process,
 * ours the VM's backing, and a request names offset + base on each side.
 *
 * Known difference: slotvisor has two address spaces (x86 with SMM); a
 * /dev/kvm without KVM_CAP_MULTI_ADDRESS_SPACE >= 2 answers -EINVAL for
 * as_id 1, so requests for as 1 are only sent where it has two.
 * Requests whose backing lies outside the VM's are not sent: slotvisor
 * refuses backing the VM does not own (-EINVAL) where KVM accepts any user
 * address.  The tests that need /dev/kvm skip, saying why, where it is
 * missing or refuses; the answers it gave on this project's machines are
 * recorded below and checked everywhere.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memslot_test.h"
#include "hostlib_internal.h"

/* The C library's errno, whose ENOTSUP is spelt differently from lib/errno.h's. */
#undef ENOTSUP
#include <errno.h>

#define BACKING MiB(16)
#define NR_REQUESTS 4000
#define NR_IDS 8

struct pair {
	int kvm_fd, vm_fd;
	u8 *kvm_base;
	struct sv_vm *sv;
	u64 sv_base;
	int nr_as;
	u64 rng;
};

static struct pair p;
static char skip_reason[256];

static u64 rnd(u64 n)
{
	p.rng ^= p.rng >> 12;
	p.rng ^= p.rng << 25;
	p.rng ^= p.rng >> 27;
	return ((p.rng * 0x2545f4914f6cdd1dULL) >> 11) % n;
}

static int open_kvm(void)
{
	p.kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (p.kvm_fd < 0) {
		snprintf(skip_reason, sizeof(skip_reason), "/dev/kvm: %s", strerror(errno));
		return -1;
	}
	if (ioctl(p.kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		snprintf(skip_reason, sizeof(skip_reason), "/dev/kvm: API version is not %d",
			 KVM_API_VERSION);
		return -1;
	}
	p.vm_fd = ioctl(p.kvm_fd, KVM_CREATE_VM, 0);
	if (p.vm_fd < 0) {
		snprintf(skip_reason, sizeof(skip_reason), "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	p.nr_as = ioctl(p.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MULTI_ADDRESS_SPACE);
	p.nr_as = p.nr_as >= 2 ? 2 : 1;
	return 0;
}

static int setup(void **state)
{
	memset(&p, 0, sizeof(p));
	p.kvm_fd = p.vm_fd = -1;
	skip_reason[0] = 0;
	if (open_kvm()) {
		return 0;
	}
	p.kvm_base = mmap(NULL, BACKING, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(p.kvm_base != MAP_FAILED);
	mt_mem_init(GiB(1));
	p.sv = sv_vm_create(BACKING);
	assert_non_null(p.sv);
	p.sv_base = sv_vm_backing_base(p.sv);
	return 0;
}

/* The host library alone, for the recorded answers. */
static int setup_without_kvm(void **state)
{
	memset(&p, 0, sizeof(p));
	p.kvm_fd = p.vm_fd = -1;
	mt_mem_init(GiB(1));
	p.sv = sv_vm_create(BACKING);
	assert_non_null(p.sv);
	p.sv_base = sv_vm_backing_base(p.sv);
	return 0;
}

static int teardown(void **state)
{
	if (p.sv) {
		sv_vm_destroy(p.sv);
		mt_expect_frames_back();
	}
	if (p.kvm_base && p.kvm_base != MAP_FAILED) {
		munmap(p.kvm_base, BACKING);
	}
	if (p.vm_fd >= 0) {
		close(p.vm_fd);
	}
	if (p.kvm_fd >= 0) {
		close(p.kvm_fd);
	}
	return mt_teardown(state);
}

static bool skip_if_no_kvm(void)
{
	if (!skip_reason[0]) {
		return false;
	}
	print_message("# SKIP: %s\n", skip_reason);
	return true;
}

/* The request with backing at offset off, as each side names it. */
static struct kvm_userspace_memory_region side(struct kvm_userspace_memory_region r, u64 off,
					       bool kvm)
{
	r.userspace_addr = (kvm ? (u64)(uintptr_t)p.kvm_base : p.sv_base) + off;
	return r;
}

static int kvm_set(const struct kvm_userspace_memory_region *r)
{
	return ioctl(p.vm_fd, KVM_SET_USER_MEMORY_REGION, r) ? -errno : 0;
}

/* Send r (backing at off) to both; fail unless they answer alike. */
static int both(struct kvm_userspace_memory_region r, u64 off, const char *what)
{
	struct kvm_userspace_memory_region a = side(r, off, true), b = side(r, off, false);
	int want = kvm_set(&a), got = sv_set_memory_region(p.sv, &b);

	if (want != got) {
		mt_fail("%s: slot 0x%x flags 0x%x gpa 0x%llx size 0x%llx backing +0x%llx: "
			 "/dev/kvm %d (%s), slotvisor %d (%s)", what, r.slot, r.flags,
			 (unsigned long long)r.guest_phys_addr, (unsigned long long)r.memory_size,
			 (unsigned long long)off, want, errno_name(-want), got, errno_name(-got));
	}
	return got;
}

/* The largest b for which a 1-page slot ending at 2^b is accepted. */
static unsigned int kvm_max_gpa_bits(void)
{
	struct kvm_userspace_memory_region r = side(mt_region(0, 0, 0, KiB(4), 0), 0, true);
	unsigned int b, best = 0;

	for (b = 32; b <= 60; b++) {
		r.guest_phys_addr = (1ULL << b) - KiB(4);
		r.memory_size = KiB(4);
		if (kvm_set(&r) == 0) {
			best = b;
			r.memory_size = 0;
			assert_int_equal(kvm_set(&r), 0);
		}
	}
	return best;
}

/*
 * Requests in sequence, with what a real /dev/kvm answered (this project's
 * machines, Linux 6.x; docs/memslots.md): checked against
 * slotvisor alone everywhere, and against /dev/kvm too where there is one.
 */
static const struct known {
	const char *what;
	u32 slot, flags;
	u64 gpa, size, off;
	int kvm;
} known[] = {
	{ "create", 0, 0, GiB(1), MiB(2), 0, 0 },
	{ "overlap", 1, 0, GiB(1) + MiB(1), MiB(2), MiB(2), -EEXIST },
	{ "undefined flag", 1, 1U << 2, GiB(2), MiB(2), 0, -EINVAL },
	{ "size not a page multiple", 1, 0, GiB(2), MiB(2) + 1, 0, -EINVAL },
	{ "unaligned backing", 1, 0, GiB(2), MiB(2), 1, -EINVAL },
	{ "delete a missing slot", 2, 0, GiB(2), 0, 0, -EINVAL },
	{ "change the size", 0, 0, GiB(1), MiB(4), 0, -EINVAL },
	{ "toggle READONLY", 0, KVM_MEM_READONLY, GiB(1), MiB(2), 0, -EINVAL },
	{ "slot id 32767", 32767, 0, GiB(3), MiB(2), 0, -EINVAL },
	{ "slot id 32764", 32764, 0, GiB(3), MiB(2), 0, -EINVAL },
	{ "slot id 32763", 32763, 0, GiB(3), MiB(2), 0, 0 },
	{ "gpa + size wraps", 3, 0, 0xfffffffffffff000ULL, MiB(2), 0, -EINVAL },
	{ "gpa at 2^52", 3, 0, 1ULL << 52, KiB(4), 0, -EINVAL },
	{ "gpa just below 2^52", 3, 0, (1ULL << 52) - KiB(4), KiB(4), 0, 0 },
	{ "move", 0, 0, GiB(5), MiB(2), 0, 0 },
	{ "flags only", 0, KVM_MEM_LOG_DIRTY_PAGES, GiB(5), MiB(2), 0, 0 },
	{ "unchanged", 0, KVM_MEM_LOG_DIRTY_PAGES, GiB(5), MiB(2), 0, 0 },
	{ "create READONLY", 4, KVM_MEM_READONLY, GiB(6), MiB(2), MiB(4), 0 },
	{ "delete", 0, 0, 0, 0, 0, 0 },
	{ "as_id 2", 0x20000, 0, GiB(1), MiB(2), 0, -EINVAL },
};

static void known_requests_get_kvms_recorded_answers(void **state)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		struct kvm_userspace_memory_region r = mt_region(known[i].slot, known[i].flags,
								 known[i].gpa, known[i].size,
								 p.sv_base + known[i].off);
		int got = sv_set_memory_region(p.sv, &r);

		if (got != known[i].kvm) {
			mt_fail("%s: KVM answered %d (%s), slotvisor %d (%s)", known[i].what,
				 known[i].kvm, errno_name(-known[i].kvm), got, errno_name(-got));
		}
	}
}

static void known_requests_get_the_same_answers_from_dev_kvm(void **state)
{
	unsigned int i;

	if (skip_if_no_kvm()) {
		skip();
	}
	sv_vm_kvm(p.sv)->max_gpa_bits = kvm_max_gpa_bits();
	print_message("# /dev/kvm: %d address space(s), guest MAXPHYADDR %u\n", p.nr_as,
		      sv_vm_kvm(p.sv)->max_gpa_bits);
	/* Live answers may differ from the recorded ones (another MAXPHYADDR): both agree. */
	for (i = 0; i < ARRAY_SIZE(known); i++)
		both(mt_region(known[i].slot, known[i].flags, known[i].gpa, known[i].size, 0),
		     known[i].off, known[i].what);
}

/* A random request: often a change to a slot that exists, sometimes malformed. */
static struct kvm_userspace_memory_region random_request(u64 *off)
{
	struct kvm_userspace_memory_region r, cur;
	u16 as_id = p.nr_as > 1 ? rnd(2) : 0, id = rnd(NR_IDS);
	u64 pages = rnd(4) ? 1 + rnd(64) : 512 * (1 + rnd(4));

	*off = rnd(BACKING / KiB(4) - pages + 1) * KiB(4);
	r = mt_region(MT_SLOT(as_id, id), rnd(4), rnd(1024) * (rnd(2) ? MiB(2) : KiB(4)),
		      pages * KiB(4), 0);
	if (rnd(2) && sv_get_memslot(p.sv, r.slot, &cur) == 0) {
		r = cur;
		*off = cur.userspace_addr - p.sv_base;
		switch (rnd(6)) {
		case 0: r.guest_phys_addr = rnd(1024) * KiB(4); break;
		case 1: r.flags ^= KVM_MEM_LOG_DIRTY_PAGES; break;
		case 2: r.flags ^= KVM_MEM_READONLY; break;
		case 3: r.memory_size = 0; break;
		case 4: r.memory_size = *off + 2 * r.memory_size <= BACKING ? 2 * r.memory_size : 0; break;
		default: *off = *off >= KiB(4) ? *off - KiB(4) : *off + KiB(4); break;
		}
	}
	switch (rnd(12)) {
	case 0: r.flags |= 1U << (2 + rnd(30)); break;
	case 1: r.guest_phys_addr |= 0x100; break;
	case 2: r.memory_size |= 0x10; break;
	case 3: *off |= 0x800; break;
	case 4: r.slot = MT_SLOT(2 + rnd(0xfffe), id); break;
	case 5: r.slot = KVM_USER_MEM_SLOTS + rnd(4); break;
	case 6: r.guest_phys_addr = 0 - r.memory_size * rnd(2) - KiB(4); break;
	default: break;
	}
	return r;
}

static void random_requests_get_the_same_answers(void **state)
{
	unsigned int i, ok = 0;
	u64 off;
	char what[32];

	if (skip_if_no_kvm()) {
		skip();
	}
	sv_vm_kvm(p.sv)->max_gpa_bits = kvm_max_gpa_bits();
	p.rng = 20250401;
	for (i = 0; i < NR_REQUESTS; i++) {
		struct kvm_userspace_memory_region r = random_request(&off);

		snprintf(what, sizeof(what), "request %u", i);
		ok += both(r, off, what) == 0;
	}
	print_message("# %u requests, %u accepted by both\n", NR_REQUESTS, ok);
	assert_true(ok > NR_REQUESTS / 10);
}

static void filling_every_user_slot_gets_the_same_answers(void **state)
{
	u32 id;

	int nr;

	if (skip_if_no_kvm()) {
		skip();
	}
	nr = ioctl(p.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
	if (nr != KVM_USER_MEM_SLOTS) {
		print_message("# SKIP: this /dev/kvm has %d user slots, not x86's %d\n", nr,
			      KVM_USER_MEM_SLOTS);
		skip();
	}
	for (id = 0; id < KVM_USER_MEM_SLOTS; id++)
		both(mt_region(id, 0, (u64)id * KiB(8), KiB(4), 0), (id % 64) * KiB(4), "fill");
	both(mt_region(KVM_USER_MEM_SLOTS, 0, GiB(1), KiB(4), 0), 0, "one slot more");
	both(mt_region(KVM_USER_MEM_SLOTS - 1, 0, 0, 0, 0), 0, "delete the last");
	both(mt_region(KVM_USER_MEM_SLOTS - 1, 0, GiB(1), KiB(4), 0), 0, "create it again");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(known_requests_get_kvms_recorded_answers,
						setup_without_kvm, teardown),
		T(known_requests_get_the_same_answers_from_dev_kvm),
		T(random_requests_get_the_same_answers),
		T(filling_every_user_slot_gets_the_same_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
