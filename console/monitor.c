/*
 * The monitor's command table, its parser and its line editor (the
 * commands themselves: console/monitor_info.c, console/monitor_slot.c).
 */
#include "arch/console.h"
#include "compiler.h"
#include "lib/errno.h"
#include "lib/parse.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "console/monitor.h"

#define ASCII_BS 0x08
#define ASCII_DEL 0x7f
#define ASCII_SPACE 0x20
#define ASCII_TILDE 0x7e

struct monitor_cmd {
	const char *word1, *word2;	/* "info" "slots"; word2 NULL for one word */
	const char *args;
	const char *help;
	int (*run)(struct vm *vm, int argc, char **argv);
};

static int monitor_help(struct vm *vm, int argc, char **argv);

static int monitor_cont(struct vm *vm, int argc, char **argv)
{
	return MONITOR_RESUME;
}

static int monitor_quit(struct vm *vm, int argc, char **argv)
{
	return MONITOR_QUIT;
}

static const struct monitor_cmd commands[] = {
	{ "info", "slots", "", "memslots of both address spaces, with their EPT leaves",
	  monitor_info_slots },
	{ "info", "ept", "[GPA]", "EPT roots and counters, or the walk of GPA", monitor_info_ept },
	{ "info", "vcpus", "", "vCPU state and exit counts by reason", monitor_info_vcpus },
	{ "info", "cpus", "", "each CPU's time: guest, hypervisor, halted", monitor_info_cpus },
	{ "info", "virtio", "", "virtio devices: transport, queues, counters", monitor_info_virtio },
	{ "info", "mem", "", "RAM and the hot-plug region: requested, plugged, blocks",
	  monitor_info_mem },
	{ "hotplug", NULL, "SIZE", "ask the guest to have SIZE of hot-plug memory plugged",
	  monitor_hotplug },
	{ "stats", NULL, "", "the VM's counters", monitor_stats },
	{ "slot", "add", "ID GPA SIZE [ro] [log]", "a new slot with fresh zeroed backing",
	  monitor_slot_add },
	{ "slot", "delete", "ID", "delete a slot", monitor_slot_delete },
	{ "slot", "move", "ID GPA", "move a slot (same backing)", monitor_slot_move },
	{ "slot", "dirty", "ID [on|off|show]", "dirty logging on or off, or fetch the log",
	  monitor_slot_dirty },
	{ "cont", NULL, "", "give the console back to the guest (also: c)", monitor_cont },
	{ "c", NULL, NULL, NULL, monitor_cont },
	{ "quit", NULL, "", "power the machine off (also: q)", monitor_quit },
	{ "q", NULL, NULL, NULL, monitor_quit },
	{ "help", NULL, "", "this list", monitor_help },
};

static int monitor_help(struct vm *vm, int argc, char **argv)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct monitor_cmd *c = &commands[i];
		char name[48];

		if (!c->help)
			continue;
		ksnprintf(name, sizeof(name), "%s%s%s %s", c->word1, c->word2 ? " " : "",
			  c->word2 ? c->word2 : "", c->args);
		kprintf("  %-34s %s\n", name, c->help);
	}
	kprintf("  Ctrl-A c: back to the guest; Ctrl-A x: power off\n");
	return MONITOR_STAY;
}

/* Split buf in place into at most MONITOR_MAX_ARGS words; -E2BIG beyond that. */
static int split_words(char *buf, char **argv)
{
	int argc = 0;

	for (char *p = buf; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == MONITOR_MAX_ARGS)
			return -E2BIG;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

/* The command argv names, with *words set to how many of argv it takes; NULL if none. */
static const struct monitor_cmd *find_command(int argc, char **argv, int *words)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct monitor_cmd *c = &commands[i];

		if (strcmp(c->word1, argv[0]))
			continue;
		if (!c->word2) {
			*words = 1;
			return c;
		}
		if (argc > 1 && !strcmp(c->word2, argv[1])) {
			*words = 2;
			return c;
		}
	}
	return NULL;
}

int monitor_exec(struct vm *vm, const char *line)
{
	char buf[MONITOR_LINE_MAX], *argv[MONITOR_MAX_ARGS];
	const struct monitor_cmd *c;
	int argc, words;

	if (strlen(line) >= sizeof(buf)) {
		kprintf("monitor: line too long (at most %zu characters)\n", sizeof(buf) - 1);
		return MONITOR_STAY;
	}
	memcpy(buf, line, strlen(line) + 1);
	argc = split_words(buf, argv);
	if (argc < 0) {
		kprintf("monitor: too many words (at most %d)\n", MONITOR_MAX_ARGS);
		return MONITOR_STAY;
	}
	if (!argc)
		return MONITOR_STAY;
	c = find_command(argc, argv, &words);
	if (!c) {
		kprintf("monitor: unknown command '%s%s%s'; 'help' lists them\n", argv[0],
			argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
		return MONITOR_STAY;
	}
	return c->run(vm, argc - words, argv + words);
}

void monitor_prompt(void)
{
	kprintf("%s", MONITOR_PROMPT);
}

static void echo(const char *s)
{
	arch_console_write(s, strlen(s));
}

int monitor_line_input(struct monitor_line *l, struct vm *vm, u8 c)
{
	char ch[2] = { (char)c, '\0' };
	int action;

	if (c == '\r' || c == '\n') {
		echo("\n");
		l->buf[l->len] = '\0';
		l->len = 0;
		action = monitor_exec(vm, l->buf);
		if (action == MONITOR_STAY)
			monitor_prompt();
		return action;
	}
	if (c == ASCII_BS || c == ASCII_DEL) {
		if (l->len) {
			l->len--;
			echo("\b \b");
		}
		return MONITOR_STAY;
	}
	/* Control bytes and anything past the line's end are dropped, not echoed. */
	if (c >= ASCII_SPACE && c <= ASCII_TILDE && l->len < sizeof(l->buf) - 1) {
		l->buf[l->len++] = (char)c;
		echo(ch);
	}
	return MONITOR_STAY;
}
