/* pc-testdev (include/devices/pc_testdev.h): QEMU's test device for kvm-unit-tests. */
#include "devices/pc_testdev.h"
#include "lib/string.h"

#define BITS_PER_BYTE 8
#define PAGE_MASK_4K (~0xfffULL)

bool pc_testdev_io(struct irqchip *chip, u16 port, bool is_write, u8 val)
{
	if (port < PC_TESTDEV_IRQ_BASE || port >= PC_TESTDEV_IRQ_BASE + PC_TESTDEV_NR_IRQS ||
	    !is_write)
		return false;
	__irqchip_set_line(chip, port - PC_TESTDEV_IRQ_BASE, val != 0);
	return true;
}

/* The bytes [off, off + size) of the data register, as QEMU's test_ioport_read/write mask them. */
static u32 data_mask(u32 off, u8 size)
{
	u32 bits = size * BITS_PER_BYTE;

	return (bits == 32 ? ~0u : (1u << bits) - 1) << (off * BITS_PER_BYTE);
}

static bool data_access(struct pc_testdev *d, u32 off, bool is_write, u8 size, u32 *val)
{
	u32 mask;

	if (size != 1 && size != 2 && size != 4)
		return false;
	if (off + size > PC_TESTDEV_DATA_LEN)
		return false;	/* past the register: not the device's */
	mask = data_mask(off, size);
	if (is_write)
		d->data = (d->data & ~mask) | ((*val << (off * BITS_PER_BYTE)) & mask);
	else
		*val = (d->data & mask) >> (off * BITS_PER_BYTE);
	return true;
}

bool pc_testdev_pio(struct pc_testdev *d, u16 port, bool is_write, u8 size, u32 *val,
		    u64 *flush_gpa)
{
	*flush_gpa = PC_TESTDEV_NO_FLUSH;
	if (port >= PC_TESTDEV_DATA_PORT && port < PC_TESTDEV_DATA_PORT + PC_TESTDEV_DATA_LEN)
		return data_access(d, port - PC_TESTDEV_DATA_PORT, is_write, size, val);
	/* QEMU splits these into byte accesses of the same register: the same result. */
	if (port >= PC_TESTDEV_DATA_BYTE_PORT &&
	    port < PC_TESTDEV_DATA_BYTE_PORT + PC_TESTDEV_DATA_LEN)
		return data_access(d, port - PC_TESTDEV_DATA_BYTE_PORT, is_write, size, val);
	if (port != PC_TESTDEV_FLUSH_PORT || size != 4)
		return false;
	if (is_write)
		*flush_gpa = *val & PAGE_MASK_4K;
	else
		*val = ~0u;	/* write-only: reads as an empty bus */
	return true;
}

bool pc_testdev_mmio(struct pc_testdev *d, u64 gpa, u32 len, bool is_write, u64 *data)
{
	u64 off = gpa - PC_TESTDEV_IOMEM_BASE;

	if (gpa < PC_TESTDEV_IOMEM_BASE || off >= PC_TESTDEV_IOMEM_SIZE || len == 0 ||
	    len > sizeof(*data) || len > PC_TESTDEV_IOMEM_SIZE - off)
		return false;
	if (is_write) {
		memcpy(d->iomem + off, data, len);	/* little-endian: the low len bytes */
	} else {
		*data = 0;
		memcpy(data, d->iomem + off, len);
	}
	return true;
}
