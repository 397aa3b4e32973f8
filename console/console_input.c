/*
 * The console's keyboard: the Ctrl-A escape keys and where every other
 * byte goes (the guest's UART or the monitor's line).  No hardware:
 * host-tested (tests/unit/test_monitor.c).
 */
#include "lib/printf.h"
#include "console/console.h"

void console_enter_monitor(struct console *con)
{
	if (con->pause)
		con->pause(con, true);
	con->in_monitor = true;
	con->line.len = 0;
	kprintf("\nmonitor: the guest is paused; 'help' lists the commands, "
		"'cont' or Ctrl-A c resumes it\n");
	monitor_prompt();
}

static void console_resume(struct console *con)
{
	con->in_monitor = false;
	kprintf("\nmonitor: the guest runs again (Ctrl-A c: back to the monitor)\n");
	if (con->pause)
		con->pause(con, false);
}

static void console_escape_help(void)
{
	kprintf("\nconsole: Ctrl-A c  monitor <-> guest\n"
		"console: Ctrl-A x  power off\n"
		"console: Ctrl-A h  this help\n"
		"console: Ctrl-A Ctrl-A  a Ctrl-A for the guest\n");
}

/* The byte after Ctrl-A. */
static int console_escape_key(struct console *con, u8 c, u8 *to_guest)
{
	con->escape = false;
	switch (c) {
	case CONSOLE_KEY_MONITOR:
		if (con->in_monitor)
			console_resume(con);
		else
			console_enter_monitor(con);
		return CONSOLE_NONE;
	case CONSOLE_KEY_QUIT:
		return CONSOLE_QUIT;
	case CONSOLE_KEY_HELP:
		console_escape_help();
		return CONSOLE_NONE;
	case CONSOLE_ESCAPE:
		*to_guest = c;
		return con->in_monitor ? CONSOLE_NONE : CONSOLE_TO_GUEST;
	default:
		return CONSOLE_NONE;	/* as QEMU: an unknown escape key does nothing */
	}
}

int console_input(struct console *con, u8 c, u8 *to_guest)
{
	if (con->escape)
		return console_escape_key(con, c, to_guest);
	if (c == CONSOLE_ESCAPE) {
		con->escape = true;
		return CONSOLE_NONE;
	}
	if (!con->in_monitor) {
		*to_guest = c;
		return CONSOLE_TO_GUEST;
	}
	switch (monitor_line_input(&con->line, con->vm, c)) {
	case MONITOR_RESUME:
		console_resume(con);
		return CONSOLE_NONE;
	case MONITOR_QUIT:
		return CONSOLE_QUIT;
	default:
		return CONSOLE_NONE;
	}
}
