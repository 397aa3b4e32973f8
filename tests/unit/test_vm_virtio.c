/*
 * A VM's virtio device end to end on the host (vm/virtio.c over the real
 * memslot code): a driver programs a virtio-blk window through MMIO exits
 * as Linux does, with its rings in one memslot and a data buffer in
 * another; a read request lands in the data slot, raises the device's
 * I/O APIC pin, and the acknowledgement drops it.  Then the data slot is
 * deleted and its backing released between two requests: the next
 * request fails cleanly (S_IOERR, the queue still usable) and the freed
 * backing is not written, although the device's translation cache held
 * that page (its generation check translates again).  Negative control:
 * with the check skipped (test switch stale_hva_cache), the second request
 * writes into the released backing and a_deleted_slot_fails_the_request
 * fails.
 */
#include "memslot_test.h"
#include "devices/virtio_blk.h"
#include "vm/vm.h"

#define RING_DESC 0x1000ULL
#define RING_AVAIL 0x2000ULL
#define RING_USED 0x3000ULL
#define HDR 0x6000ULL	/* not in the data page's cache entry (gfn % 4), so that entry keeps it */
#define STATUS 0x5000ULL
#define DATA_SLOT 1
#define DATA_GPA MiB(1)
#define DATA_SIZE KiB(64)
#define QSIZE 8
#define SECTOR 512

static struct vm vm;
static u8 image[KiB(16)];
static hva_t data_hva;
static u16 avail_idx;

static int setup(void **state)
{
	mt_mem_init(MiB(64));
	memset(&vm, 0, sizeof(vm));
	memslot_vm_init(&vm.kvm);
	vm.name = "unit";
	irqchip_init(&vm.irqchip, &vm.kvm);
	vm.kvm.irqchip = &vm.irqchip;
	avail_idx = 0;
	for (unsigned int i = 0; i < sizeof(image); i++)
		image[i] = (u8)(i * 13 + 5);
	assert_int_equal(vm_add_memory(&vm, 0, 0, MiB(1), 0, NULL), 0);
	assert_int_equal(vm_add_memory(&vm, DATA_SLOT, DATA_GPA, DATA_SIZE, 0, &data_hva), 0);
	assert_int_equal(vm_virtio_add_blk(&vm, image, sizeof(image)), 0);
	return 0;
}

static int teardown(void **state)
{
	memslot_vm_uninit(&vm.kvm);
	return mt_teardown(state);
}

/* An MMIO exit at offset off of the first window, as vm_run() hands it over. */
static u32 mmio(u32 off, bool write, u32 val)
{
	struct vcpu_exit e = { .reason = VCPU_EXIT_MMIO };

	e.mmio.gpa = VM_VIRTIO_MMIO_BASE + off;
	e.mmio.len = 4;
	e.mmio.is_write = write;
	e.mmio.data = val;
	assert_true(vm_virtio_mmio(&vm, &e));
	return (u32)e.mmio.data;
}

static void *gpa(u64 addr)
{
	void *p = vm_gpa_to_hva(&vm, addr);

	assert_non_null(p);
	return p;
}

/* Linux's probe: features (VERSION_1 only), queue 0 at the RING_* pages, DRIVER_OK. */
static void driver_probe(void)
{
	u32 s = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	assert_int_equal(mmio(VIRTIO_MMIO_MAGIC_VALUE, false, 0), VIRTIO_MMIO_MAGIC);
	assert_int_equal(mmio(VIRTIO_MMIO_DEVICE_ID, false, 0), VIRTIO_ID_BLOCK);
	mmio(VIRTIO_MMIO_STATUS, true, 0);
	mmio(VIRTIO_MMIO_STATUS, true, s);
	mmio(VIRTIO_MMIO_DRIVER_FEATURES_SEL, true, 1);
	mmio(VIRTIO_MMIO_DRIVER_FEATURES, true, VIRTIO_F_VERSION_1 >> 32);
	mmio(VIRTIO_MMIO_STATUS, true, s | VIRTIO_STATUS_FEATURES_OK);
	assert_true(mmio(VIRTIO_MMIO_STATUS, false, 0) & VIRTIO_STATUS_FEATURES_OK);
	mmio(VIRTIO_MMIO_QUEUE_SEL, true, 0);
	mmio(VIRTIO_MMIO_QUEUE_NUM, true, QSIZE);
	mmio(VIRTIO_MMIO_QUEUE_DESC_LOW, true, RING_DESC);
	mmio(VIRTIO_MMIO_QUEUE_DRIVER_LOW, true, RING_AVAIL);
	mmio(VIRTIO_MMIO_QUEUE_DEVICE_LOW, true, RING_USED);
	mmio(VIRTIO_MMIO_QUEUE_READY, true, 1);
	mmio(VIRTIO_MMIO_STATUS, true, s | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* A read of sector 1 into DATA_GPA, made available and notified; its status byte. */
static u8 read_request(void)
{
	struct virtio_blk_req_hdr *h = gpa(HDR);
	struct virtq_desc *d = gpa(RING_DESC);
	u16 *avail = gpa(RING_AVAIL);
	u8 *status = gpa(STATUS);

	*h = (struct virtio_blk_req_hdr){ .type = VIRTIO_BLK_T_IN, .sector = 1 };
	d[0] = (struct virtq_desc){ HDR, sizeof(*h), VIRTQ_DESC_F_NEXT, 1 };
	d[1] = (struct virtq_desc){ DATA_GPA, SECTOR, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2 };
	d[2] = (struct virtq_desc){ STATUS, 1, VIRTQ_DESC_F_WRITE, 0 };
	*status = 0xff;
	avail[VIRTQ_AVAIL_RING / 2 + avail_idx % QSIZE] = 0;
	avail[VIRTQ_AVAIL_IDX / 2] = ++avail_idx;
	mmio(VIRTIO_MMIO_QUEUE_NOTIFY, true, 0);
	assert_int_equal(((u16 *)gpa(RING_USED))[VIRTQ_USED_IDX / 2], avail_idx);
	return *status;
}

static bool pin_raised(void)
{
	return vm.irqchip.ioapic.line & (1u << VM_VIRTIO_GSI_BASE);
}

static void a_request_reaches_its_slot_and_raises_the_pin(void **state)
{
	driver_probe();
	assert_false(pin_raised());
	assert_int_equal(read_request(), VIRTIO_BLK_S_OK);
	assert_memory_equal((void *)data_hva, image + SECTOR, SECTOR);
	assert_true(pin_raised());
	assert_int_equal(mmio(VIRTIO_MMIO_INTERRUPT_STATUS, false, 0), VIRTIO_INT_USED_RING);
	mmio(VIRTIO_MMIO_INTERRUPT_ACK, true, VIRTIO_INT_USED_RING);
	assert_false(pin_raised());
	assert_int_equal(vm.virtio[0].mem_errors, 0);
}

static void a_deleted_slot_fails_the_request(void **state)
{
	struct kvm_userspace_memory_region del = { .slot = DATA_SLOT, .guest_phys_addr = DATA_GPA };
	u8 freed[SECTOR];

	driver_probe();
	assert_int_equal(read_request(), VIRTIO_BLK_S_OK);	/* the cache now holds DATA_GPA's page */
	assert_int_equal(kvm_set_memory_region(&vm.kvm, &del), 0);
	spin_lock(&vm.kvm.slots_lock);
	assert_int_equal(memslot_backing_release(&vm.kvm, data_hva), 0);
	spin_unlock(&vm.kvm.slots_lock);
	/* The free frames as the allocator left them (its free lists live in them). */
	memcpy(freed, (void *)data_hva, SECTOR);
	assert_int_equal(read_request(), VIRTIO_BLK_S_IOERR);
	for (unsigned int i = 0; i < SECTOR; i++)
		if (((u8 *)data_hva)[i] != freed[i])
			mt_fail("the released backing was written at byte %u", i);
	assert_true(vm.virtio[0].mem_errors > 0);
	assert_false(mmio(VIRTIO_MMIO_STATUS, false, 0) & VIRTIO_STATUS_NEEDS_RESET);
	/* The slot back (new backing): the queue goes on. */
	assert_int_equal(vm_add_memory(&vm, DATA_SLOT, DATA_GPA, DATA_SIZE, 0, &data_hva), 0);
	assert_int_equal(read_request(), VIRTIO_BLK_S_OK);
	assert_memory_equal((void *)data_hva, image + SECTOR, SECTOR);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(a_request_reaches_its_slot_and_raises_the_pin),
		T(a_deleted_slot_fails_the_request),
	};

	return cmocka_run_group_tests_name("vm_virtio", tests, NULL, NULL);
}
