/* pc-testdev's interrupt-line ports (include/devices/pc_testdev.h). */
#include "devices/pc_testdev.h"

bool pc_testdev_io(struct irqchip *chip, u16 port, bool is_write, u8 val)
{
	if (port < PC_TESTDEV_IRQ_BASE || port >= PC_TESTDEV_IRQ_BASE + PC_TESTDEV_NR_IRQS ||
	    !is_write)
		return false;
	__irqchip_set_line(chip, port - PC_TESTDEV_IRQ_BASE, val != 0);
	return true;
}
