/*
 * The i8042 keyboard controller, polled (ports 0x60 data, 0x64 status and
 * command).  keyboard_init() reads the controller's configuration byte and
 * turns translation to scan code set 1 on if the firmware left it off;
 * nothing else is changed (no reset, no interrupts).  Bytes from the
 * auxiliary (mouse) port are dropped.  Every wait is bounded: a machine
 * without a controller reads 0xff and gets no keyboard.
 */
#include "arch/x86/io.h"
#include "arch/x86/keyboard.h"

#define I8042_DATA		0x60
#define I8042_STATUS		0x64	/* read */
#define I8042_COMMAND		0x64	/* write */
#define STATUS_OBF		0x01	/* output buffer full: a byte for us at 0x60 */
#define STATUS_IBF		0x02	/* input buffer full: the controller is busy */
#define STATUS_AUX		0x20	/* the byte is the mouse's */
#define CMD_READ_CONFIG		0x20
#define CMD_WRITE_CONFIG	0x60
#define CONFIG_TRANSLATE	0x40	/* first port: set 2 to set 1 translation */
#define I8042_POLL_LIMIT	100000
#define I8042_FLUSH_LIMIT	64
#define I8042_ABSENT		0xff

static bool present;
static struct keyboard_state state;

static bool wait_status(u8 bit, bool set)
{
	for (int i = 0; i < I8042_POLL_LIMIT; i++) {
		if (!!(inb(I8042_STATUS) & bit) == set)
			return true;
	}
	return false;
}

static bool command(u8 cmd)
{
	if (!wait_status(STATUS_IBF, false))
		return false;
	outb(I8042_COMMAND, cmd);
	return true;
}

bool keyboard_init(void)
{
	u8 config;

	if (inb(I8042_STATUS) == I8042_ABSENT)
		return false;
	for (int i = 0; i < I8042_FLUSH_LIMIT && (inb(I8042_STATUS) & STATUS_OBF); i++)
		inb(I8042_DATA);
	if (!command(CMD_READ_CONFIG) || !wait_status(STATUS_OBF, true))
		return false;
	config = inb(I8042_DATA);
	if (!(config & CONFIG_TRANSLATE)) {
		if (!command(CMD_WRITE_CONFIG) || !wait_status(STATUS_IBF, false))
			return false;
		outb(I8042_DATA, config | CONFIG_TRANSLATE);
	}
	present = true;
	return true;
}

int keyboard_getc(void)
{
	if (!present)
		return -1;
	for (int i = 0; i < I8042_FLUSH_LIMIT; i++) {
		u8 status = inb(I8042_STATUS);
		u8 byte;
		int c;

		if (!(status & STATUS_OBF))
			return -1;
		byte = inb(I8042_DATA);
		if (status & STATUS_AUX)
			continue;
		c = keyboard_decode(&state, byte);
		if (c >= 0)
			return c;
	}
	return -1;
}
