#!/usr/bin/env python3
"""The bochs_console_storm boot case: the console under an interrupt storm.

    tests/storm-session.py ISO OUTDIR

ISO boots guests/mb1/storm.S under the interactive console, as make run
KERNEL=build/guests/mb1_storm.bin does: a guest whose xAPIC timer is
periodic at its shortest period with interrupts on.  Through COM1 on a
pty this checks that the guest makes progress (its interrupt count goes
up), that the monitor answers while the storm runs (Ctrl-A c, a command,
cont; the keys ended the guest's run by the UART's receive interrupt) and that Ctrl-A x powers off promptly; the time from Ctrl-A x to
the power-off is printed (issue 17: "the monitor stays responsive, Ctrl-A
x powers off within a second").  Each step's bound is serial_session's
STEP_TIMEOUT of wall time; Bochs runs slower than its virtual time.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_session  # noqa: E402
from serial_session import run_steps  # noqa: E402

PREFIX = "bochs-console-storm"
BOOT_TIMEOUT = 120
CTRL_A = "\x01"
MONITOR = r"\(slotvisor\) $"
CMD = lambda line: line + "\r"
STORM = r"^storm: (\d+) timer interrupts$"
QUIT = r"^console: quit$"

STEPS = [
    ("boot", None, [r"COM1 is the guest's now", STORM]),
    ("progress", None, [r"^storm: 4096 timer interrupts$"]),
    ("monitor", CTRL_A + "c", [r"^monitor: the guest is paused", MONITOR]),
    # Ctrl-A c came by COM1's receive interrupt, which ended the guest's
    # run at once (VCPU_EXIT_INTR), not at the end of a 1 ms slice.
    ("monitor-vcpus", CMD("info vcpus"),
     [r"^vcpu 0: .* entries.*; last exit to the VMM: console input$", MONITOR]),
    ("cont", CMD("cont"), [r"^monitor: the guest runs again"]),
    ("progress-after-monitor", None, [STORM, STORM]),
    ("power-off", CTRL_A + "x", [QUIT]),
]


def main():
    stamps = {}
    send, expect = serial_session.Session.send, serial_session.Session.expect

    # Time Ctrl-A x to the console's "quit": stamp the send and the match.
    def timed_send(self, text):
        if text == CTRL_A + "x":
            stamps["sent"] = time.monotonic()
        send(self, text)

    def timed_expect(self, regex, timeout=serial_session.STEP_TIMEOUT):
        m = expect(self, regex, timeout)
        if m and regex == QUIT:
            stamps["quit"] = time.monotonic()
        return m

    serial_session.Session.send = timed_send
    serial_session.Session.expect = timed_expect
    rc = run_steps(PREFIX, sys.argv[1], sys.argv[2], STEPS, BOOT_TIMEOUT)
    if "quit" in stamps:
        print("    (Ctrl-A x to 'console: quit': %.2f s of wall time)"
              % (stamps["quit"] - stamps["sent"]))
    return rc


if __name__ == "__main__":
    sys.exit(main())
