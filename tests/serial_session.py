"""A boot case's conversation with slotvisor through COM1 on a pty.

Session boots an ISO in Bochs with COM1 on a pty (scripts/bochs.sh
--serial-tty), keeps what it reads in OUTDIR/serial.txt, and waits for
regexes with timeouts, so a hang fails in seconds with the last lines
seen.  run_steps() plays (name, text to send, [regexes]) steps and prints
"PASS: PREFIX:STEP" per step, or one FAIL line and stops; then Bochs must
exit with 1 (a power-off).  Used by tests/monitor-session.py and
tests/linux-shell-session.py.
"""
import os
import re
import select
import signal
import subprocess
import time
import tty

STEP_TIMEOUT = 20


class Session:
    def __init__(self, iso, out, bochs_args=()):
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.slave = slave
        self.log = open(os.path.join(out, "serial.txt"), "w")
        self.buf = ""
        self.pos = 0
        # Bochs' own bound is only a backstop: each step has its timeout
        # (the boot's is the longest), and a session that hangs ends there.
        self.bochs = subprocess.Popen(
            ["scripts/bochs.sh", iso, out, "--timeout", "600",
             "--serial-tty", os.ttyname(slave)] + list(bochs_args),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)

    def read(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
        if not ready:
            return
        data = os.read(self.master, 4096).decode("latin-1")
        self.log.write(data)
        self.log.flush()
        self.buf += data.replace("\r", "")

    def expect(self, regex, timeout=STEP_TIMEOUT):
        """Wait for regex after what earlier expects consumed; the match, or None."""
        pattern = re.compile(regex, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.buf, self.pos)
            if m:
                self.pos = m.end()
                return m
            if time.monotonic() >= deadline or self.bochs.poll() is not None:
                return None
            self.read(deadline)

    def send(self, text):
        os.write(self.master, text.encode("latin-1"))

    def stop(self):
        if self.bochs.poll() is None:
            os.killpg(self.bochs.pid, signal.SIGTERM)
        try:
            self.bochs.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.bochs.pid, signal.SIGKILL)
        self.log.close()

    def tail(self, n=15):
        return "\n".join("      | " + l for l in self.buf.splitlines()[-n:]) or "      (empty)"



def run_steps(prefix, iso, out, steps, boot_timeout, bochs_args=()):
    """Boot iso, play steps, expect a power-off; 0 when all passed, else 1."""
    os.makedirs(out, exist_ok=True)
    s = Session(os.path.abspath(iso), os.path.abspath(out), bochs_args)
    start = time.monotonic()
    try:
        for name, text, regexes in steps:
            if text is not None:
                s.send(text)
            for regex in regexes:
                if s.expect(regex, boot_timeout if name == "boot" else STEP_TIMEOUT) is None:
                    why = "the machine stopped" if s.bochs.poll() is not None else "a timeout"
                    print("FAIL: %s:%s: expected a console line matching '%s', saw %s"
                          % (prefix, name, regex, why))
                    print("    last console lines (%s/serial.txt):\n%s" % (out, s.tail()))
                    return 1
            print("PASS: %s:%s" % (prefix, name))
        rc = s.bochs.wait(timeout=STEP_TIMEOUT)
        if rc != 1:
            print("FAIL: %s:poweroff: expected Bochs to exit with 1 after the power-off, saw %d"
                  % (prefix, rc))
            return 1
        print("PASS: %s:poweroff" % prefix)
        print("    (the session took %.0f s)" % (time.monotonic() - start))
        return 0
    finally:
        s.stop()
