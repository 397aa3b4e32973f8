#!/usr/bin/env python3
"""Compare a `make bench` run with the figures kept in docs/performance.md.

    scripts/bench-check.py OUTPUT [--keep]

OUTPUT is what `make bench` printed (build/bench/last.txt).  Its figures in
Bochs' TSC ticks ("bench: LABEL: N ticks ...") are instruction counts
(Bochs' TSC follows retired instructions, scripts/bench-vmx.sh), so they
repeat exactly from run to run: each is compared with the figure of the
same LABEL kept in docs/performance.md, and one that grew by more than 10%
is printed loudly as a regression.  The host figures (nanoseconds and
microseconds of the memslot benchmark) follow the machine's load and are
kept for reading, not compared.

--keep writes OUTPUT's figures into docs/performance.md (between the
bench markers) with the commit they were measured on, replacing the kept
ones.  Exit status: 0, or 1 when a figure regressed (or OUTPUT has none).
"""
import re
import subprocess
import sys

DOC = "docs/performance.md"
BEGIN = "<!-- bench: begin (written by scripts/bench-check.py --keep; do not edit by hand) -->"
END = "<!-- bench: end -->"
LIMIT = 0.10
TICKS = re.compile(r"^bench: (?P<label>.+?): (?P<n>\d+) ticks\b")


def ticks(lines):
    """{label: ticks} of the lines that carry a tick figure, first one wins."""
    out = {}
    for line in lines:
        m = TICKS.match(line.strip())
        if m and m.group("label") not in out:
            out[m.group("label")] = int(m.group("n"))
    return out


def kept():
    """The lines between the markers of docs/performance.md, and the commit named there."""
    try:
        text = open(DOC).read()
    except OSError:
        return [], None
    if BEGIN not in text or END not in text:
        return [], None
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    m = re.search(r"measured at commit (\w+)", block)
    return block.splitlines(), m.group(1) if m else None


def commit():
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return rev + (" (with local changes)" if dirty else "")


def keep(lines):
    date = subprocess.run(["date", "-u", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
    body = [BEGIN, "",
            f"`make bench`, measured at commit {commit()}, {date}:", "", "```"]
    body += [l.rstrip() for l in lines if l.startswith("bench:") or l.startswith("  ")]
    body += ["```", "", END]
    text = open(DOC).read()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(body) + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body) + "\n"
    open(DOC, "w").write(text)
    print(f"bench: the figures are kept in {DOC} (commit {commit()})")


def main():
    args = [a for a in sys.argv[1:] if a != "--keep"]
    if len(args) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    lines = open(args[0], errors="replace").read().replace("\r", "").splitlines()
    now = ticks(lines)
    if not now:
        print(f"bench: no figures in ticks in {args[0]}: the Bochs runs did not report")
        return 1
    old_lines, old_commit = kept()
    old = ticks(old_lines)
    regressions = 0
    for label, n in now.items():
        if label not in old or old[label] == 0:
            continue
        change = (n - old[label]) / old[label]
        if change > LIMIT:
            regressions += 1
            print(f"bench: !!! REGRESSION: {label}: {n} ticks, was {old[label]} at "
                  f"{old_commit} (+{change:.0%}, more than {LIMIT:.0%}) !!!")
    compared = len([l for l in now if l in old])
    print(f"bench: {compared} figures in ticks compared with {DOC} "
          f"(commit {old_commit or 'none kept'}): {regressions} regressed by more than "
          f"{LIMIT:.0%}; {len(now) - compared} new")
    if "--keep" in sys.argv[1:]:
        keep(lines)
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
