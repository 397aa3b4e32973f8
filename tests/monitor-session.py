#!/usr/bin/env python3
"""The bochs_monitor boot case: drive the interactive console through COM1.

    tests/monitor-session.py ISO OUTDIR [--polled]

Boots ISO (built with slotvisor.console=1) in Bochs with COM1 on a pty,
checks how the console reads its input (COM1's receive interrupt; with
--polled, the 1 ms polling that slotvisor.console_irq=off asks for),
types into the echo guest, enters the monitor with Ctrl-A c, runs every
command and checks what it prints, then quits.  Everything read from the
pty goes to OUTDIR/serial.txt.  Each step waits for its expected output
with a timeout, so a hang fails in seconds with the last lines seen.
Prints "PASS: bochs-monitor:STEP" per step, or one FAIL line and stops.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serial_session import run_steps  # noqa: E402

PREFIX = "bochs-monitor"
BOOT_TIMEOUT = 90	# BIOS, GRUB, the scripted demo, then the echo guest
CTRL_A = "\x01"
PROMPT = r"\(slotvisor\) $"


def slot_row(as_id, slot, start, size, flags):
    """A row of info slots (vmm/monitor_info.c)."""
    return r"^\s*%d\s+%d\s+\[%#011x-0x[0-9a-f]+\)\s+%s\s+%s\s" % (as_id, slot, start, size, flags)


# (step name, text to send or None, [regexes expected in order]).
CMD = lambda line: line + "\r"
INPUT_IRQ = r"^console: input by interrupt: COM1 \(0x3f8\), GSI 4 \(edge, active high\), vector 0xf2"
INPUT_POLLED = r"^console: input polled every 1 ms: slotvisor\.console_irq=off$"
STEPS = [
    ("boot", None, [r"^slotvisor: boot complete", r"^demo: the guest finished$", INPUT_IRQ,
                    r"^echo: ready"]),
    ("echo", "hello monitor\r", [r"^hello monitor$"]),
    ("enter", CTRL_A + "c", [r"^monitor: the guest is paused", PROMPT]),
    ("info-slots", CMD("info slots"),
     [r"^ as\s+id\s+gpa range", slot_row(0, 0, 0, "4M", "-"),
      slot_row(0, 1, 0x1000000, "64K", "-"), slot_row(0, 2, 0x2000000, "64K", "ro"),
      slot_row(0, 3, 0x3000000, "64K", "log"), PROMPT]),
    ("info-ept", CMD("info ept"),
     [r"^ept: root 0x[0-9a-f]+ as 0 refcount \d+ current: \d+ x 4K, \d+ x 2M, \d+ x 1G "
      r"leaves in \d+ tables$", r"^ept: \d+ table pages, \d+ roots made; \d+ INVEPTs", PROMPT]),
    ("info-ept-walk", CMD("info ept 0x3001000"),
     [r"^ept: walk of gpa 0x3001000 in as 0", r"^ept:   PML4E\[  0\] 0x[0-9a-f]{16}  table at",
      r"^ept:   PTE  \[  1\] 0x[0-9a-f]{16}  4K page at 0x[0-9a-f]+, rw",
      r"^ept: gpa 0x3001000 -> hpa 0x[0-9a-f]+ \(4K leaf, writable\)$", PROMPT]),
    ("info-vcpus", CMD("info vcpus"),
     [r"^vcpu 0: paused \(the monitor has the console\); \d+ entries",
      r"^  IO_INSTRUCTION\s+\d+$", r"^  EPT_VIOLATION\s+\d+$", PROMPT]),
    ("stats", CMD("stats"),
     [r"^stats: vm echo: 4 slots in as 0, 0 in as 1, 1072 pages", r"^stats: ept: ",
      r"^stats: flushes: ", r"^stats: vcpus: 1, \d+ entries", r"^stats: host frames: ", PROMPT]),
    ("slot-dirty-show", CMD("slot dirty 3"), [r"^slot 3: 1 of 16 pages dirty: 1$", PROMPT]),
    ("slot-add", CMD("slot add 4 0x4000000 128K log"),
     [r"^slot add: done$", PROMPT]),
    ("slot-add-shown", CMD("info slots"), [slot_row(0, 4, 0x4000000, "128K", "log"), PROMPT]),
    ("slot-move", CMD("slot move 4 0x5000000"), [r"^slot move: done$", PROMPT]),
    ("slot-move-shown", CMD("info slots"), [slot_row(0, 4, 0x5000000, "128K", "log"), PROMPT]),
    ("slot-dirty-off", CMD("slot dirty 4 off"), [r"^slot dirty: done$", PROMPT]),
    ("slot-dirty-off-shown", CMD("info slots"), [slot_row(0, 4, 0x5000000, "128K", "-"), PROMPT]),
    ("slot-dirty-off-log", CMD("slot dirty 4"),
     [r"^monitor: slot dirty: kvm_get_dirty_log failed: -ENOENT$", PROMPT]),
    ("slot-delete", CMD("slot delete 4"), [r"^slot delete: done$", PROMPT]),
    ("slot-delete-shown", CMD("info slots"),
     [slot_row(0, 3, 0x3000000, "64K", "log"), PROMPT]),
    ("bad-command", CMD("frobnicate now"),
     [r"^monitor: unknown command 'frobnicate now'; 'help' lists them$", PROMPT]),
    ("bad-size", CMD("slot add 5 0x6000000 x"), [r"^monitor: slot add: bad size 'x'$", PROMPT]),
    ("bad-slot-overlap", CMD("slot add 5 0x1008000 64K"),
     [r"^monitor: slot add: vm_add_memory failed: -EEXIST$", PROMPT]),
    ("bad-slot-missing", CMD("slot move 9 0x6000000"),
     [r"^monitor: slot move: no slot 9$", PROMPT]),
    ("cont", CMD("cont"), [r"^monitor: the guest runs again"]),
    ("echo-again", "again\r", [r"^again$"]),
    ("dirty-log-rearmed", CTRL_A + "c" + CMD("slot dirty 3"),
     [r"^slot 3: 1 of 16 pages dirty: 2$", PROMPT]),
    ("move-while-running", CMD("slot move 3 0x7000000") + CTRL_A + "c" + "third\r",
     [r"^slot move: done$", r"^monitor: the guest runs again",
      r"^console: guest MMIO write to gpa 0x3003000 \(8 bytes\), dropped$"]),
    ("quit", CTRL_A + "c" + CMD("quit"), [r"^console: quit$"]),
]


def main():
    steps, prefix = STEPS, PREFIX
    if sys.argv[3:] == ["--polled"]:
        boot = (STEPS[0][0], STEPS[0][1],
                [INPUT_POLLED if r == INPUT_IRQ else r for r in STEPS[0][2]])
        steps, prefix = [boot] + STEPS[1:], PREFIX + "-polled"
    return run_steps(prefix, sys.argv[1], sys.argv[2], steps, BOOT_TIMEOUT)


if __name__ == "__main__":
    sys.exit(main())
