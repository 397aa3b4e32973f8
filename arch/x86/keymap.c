/*
 * Scan code set 1 to bytes, US layout: what keyboard_getc() returns, in
 * the shape a serial terminal sends it (Enter is '\r', Backspace 0x7f,
 * Ctrl-letter 0x01-0x1a) so the console treats both sources alike.
 * Set 1 is the IBM PC/XT set that an i8042 with translation on produces
 * (IBM PS/2 Technical Reference; every BIOS turns translation on).  A
 * release is the make code with bit 7 set; 0xe0 prefixes the extended keys.
 */
#include "arch/x86/keyboard.h"
#include "compiler.h"

#define SC_RELEASE	0x80
#define SC_EXTENDED	0xe0
#define SC_CTRL		0x1d	/* left Ctrl; e0 1d is the right one */
#define SC_SHIFT_LEFT	0x2a
#define SC_SHIFT_RIGHT	0x36
#define SC_ENTER	0x1c	/* e0 1c is the keypad's Enter */
#define SC_KEYPAD_SLASH	0x35	/* with e0; without, the '/' key */
#define ASCII_CR	0x0d
#define ASCII_DEL	0x7f

/* Make codes 0x00-0x39 without and with Shift; 0 where the key types nothing. */
static const char plain[] = {
	0, 0x1b, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', ASCII_DEL, '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', ASCII_CR, 0, 'a', 's',
	'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
	'b', 'n', 'm', ',', '.', '/', 0, 0, 0, ' ',
};
static const char shifted[] = {
	0, 0x1b, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', ASCII_DEL, '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', ASCII_CR, 0, 'A', 'S',
	'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
	'B', 'N', 'M', '<', '>', '?', 0, 0, 0, ' ',
};
_Static_assert(sizeof(plain) == 0x3a && sizeof(shifted) == 0x3a, "one entry per make code 0x00-0x39");

int keyboard_decode(struct keyboard_state *k, u8 scancode)
{
	bool extended = k->extended;
	bool release = scancode & SC_RELEASE;
	u8 code = scancode & ~SC_RELEASE;
	char c;

	k->extended = false;
	if (scancode == SC_EXTENDED) {
		k->extended = true;
		return -1;
	}
	switch (code) {
	case SC_CTRL:
		k->ctrl = !release;
		return -1;
	case SC_SHIFT_LEFT:
		/* e0 2a is the fake shift some keyboards send around the extended keys. */
		if (!extended)
			k->shift_left = !release;
		return -1;
	case SC_SHIFT_RIGHT:
		if (!extended)
			k->shift_right = !release;
		return -1;
	}
	if (release)
		return -1;
	if (extended) {
		if (code == SC_ENTER)
			return ASCII_CR;
		if (code == SC_KEYPAD_SLASH)
			return '/';
		return -1;	/* arrows, Home, Delete, ...: nothing yet */
	}
	if (code >= sizeof(plain))
		return -1;	/* F-keys, keypad, locks */
	c = (k->shift_left || k->shift_right) ? shifted[code] : plain[code];
	if (!c)
		return -1;
	if (k->ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		return c & KBD_ASCII_CTRL_MASK;
	return (u8)c;
}
