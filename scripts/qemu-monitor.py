#!/usr/bin/env python3
"""Drive a QEMU human monitor on a unix socket (scripts/qemu.sh --screendump).

    scripts/qemu-monitor.py SOCKET TIMEOUT COMMAND...
    scripts/qemu-monitor.py --when-serial FILE TEXT SOCKET TIMEOUT COMMAND...

Connects (waiting for QEMU to create the socket), waits until the guest
has stopped running (`info status` no longer says "running": with
-no-shutdown a powered-off guest is left stopped, its screen intact),
then sends each COMMAND and prints QEMU's answer.  Exits 0, or 124 if the
guest still ran after TIMEOUT seconds (the commands are sent anyway, so a
screendump shows where it stood), or 1 if QEMU could not be reached.
With --when-serial it waits instead until FILE (the serial log) holds
TEXT, and exits 124 without sending anything if it never does.
"""
import socket
import sys
import time

PROMPT = b"(qemu) "


def read_to_prompt(sock):
    data = b""
    while not data.endswith(PROMPT):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("QEMU closed the monitor")
        data += chunk
    return data[: -len(PROMPT)].decode("utf-8", "replace")


def command(sock, cmd):
    sock.sendall(cmd.encode() + b"\n")
    if cmd == "quit":
        # QEMU closes the connection as it exits; leaving earlier may lose the command.
        while sock.recv(4096):
            pass
        return ""
    return read_to_prompt(sock)


def connect(path, deadline):
    while True:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def wait_for_text(path, text, deadline):
    while time.monotonic() < deadline:
        try:
            if text in open(path, errors="replace").read():
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def main():
    args = sys.argv[1:]
    when = None
    if len(args) >= 3 and args[0] == "--when-serial":
        when, args = (args[1], args[2]), args[3:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    path, timeout, cmds = args[0], float(args[1]), args[2:]
    deadline = time.monotonic() + timeout
    try:
        sock = connect(path, deadline)
        read_to_prompt(sock)
        status = 0
        if when:
            if not wait_for_text(when[0], when[1], deadline):
                return 124
        else:
            while "running" in command(sock, "info status"):
                if time.monotonic() > deadline:
                    status = 124
                    break
                time.sleep(0.2)
        for cmd in cmds:
            sys.stdout.write(command(sock, cmd))
        return status
    except (OSError, ConnectionError) as e:
        print(f"qemu-monitor: {path}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
