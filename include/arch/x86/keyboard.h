/*
 * The PS/2 keyboard (i8042 at ports 0x60/0x64), polled, as a second
 * source of console input beside COM1.  keyboard_decode() turns scan
 * code set 1 (what the controller sends with translation on, as firmware
 * leaves it) into the bytes a serial terminal would send, US layout; it
 * touches no hardware and is host-tested.  Caps Lock, Alt, the keypad and
 * the function keys give nothing.
 */
#pragma once

#include "types.h"

#define KBD_ASCII_CTRL_MASK	0x1f	/* Ctrl-A is 0x01 */

struct keyboard_state {
	bool shift_left;
	bool shift_right;
	bool ctrl;
	bool extended;		/* the last byte was the 0xe0 prefix */
};

/* One scan-code byte; the byte it types, or -1 for none. */
int keyboard_decode(struct keyboard_state *k, u8 scancode);

/* Look for an i8042 and make sure it translates to set 1; false if there is none. */
bool keyboard_init(void);

/* A byte typed on the keyboard, or -1 if none is waiting (never blocks). */
int keyboard_getc(void);
