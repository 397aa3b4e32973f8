/* fw_cfg, port I/O form (include/devices/fw_cfg.h). */
#include "devices/fw_cfg.h"
#include "lib/string.h"

void fw_cfg_init(struct fw_cfg *f, u64 ram_size, u16 nr_cpus)
{
	memset(f, 0, sizeof(*f));
	f->ram_size = ram_size;
	f->nr_cpus = nr_cpus;
}

/* The selected item's bytes: its length, copied into buf (at most 8 bytes). */
static unsigned int item(const struct fw_cfg *f, u8 buf[8])
{
	u64 val;
	unsigned int len;

	switch (f->key) {
	case FW_CFG_SIGNATURE:
		memcpy(buf, "QEMU", 4);
		return 4;
	case FW_CFG_ID:
		val = FW_CFG_ID_TRADITIONAL, len = 4;
		break;
	case FW_CFG_RAM_SIZE:
		val = f->ram_size, len = 8;
		break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		val = f->nr_cpus, len = 2;
		break;
	default:
		return 0;
	}
	for (unsigned int i = 0; i < len; i++)
		buf[i] = (u8)(val >> (8 * i));	/* little-endian, as the spec says for these keys */
	return len;
}

static u8 read_byte(struct fw_cfg *f)
{
	u8 buf[8];
	unsigned int len = item(f, buf);
	u8 b = f->offset < len ? buf[f->offset] : 0;

	if (f->offset < len)
		f->offset++;
	return b;
}

bool fw_cfg_io(struct fw_cfg *f, u16 port, bool is_write, unsigned int size, u32 *data)
{
	if (port == FW_CFG_PORT_SEL) {
		if (is_write) {
			f->key = (u16)*data;
			f->offset = 0;
		} else {
			*data = 0;	/* the selector is write-only */
		}
		return true;
	}
	if (port != FW_CFG_PORT_DATA)
		return false;
	if (is_write)
		return true;	/* ignored: no writable items */
	/* A wider read takes that many bytes in order, as QEMU's data port does. */
	*data = 0;
	for (unsigned int i = 0; i < size && i < 4; i++)
		*data |= (u32)read_byte(f) << (8 * i);
	return true;
}
