#!/usr/bin/env python3
"""Read the text slotvisor's screen console drew, back out of a screenshot.

    tests/fbscreen.py SCREEN.ppm [--serial SERIAL.txt] [--font FONT.c]

SCREEN.ppm is QEMU's screendump (binary PPM, P6).  The glyphs are read
from the console's own font (arch/x86/font.c, between "font:begin" and
"font:end"), so the check follows the font.  Nothing is assumed of the
resolution or the guest's pixel format: the background is the commonest
colour, every other colour is ink, and the text grid starts at the top
left corner with cells of 8x16 pixels (16x32 on large screens), as
arch/x86/fbcon.c draws them; both scales are tried and the one that reads
more cells wins.

Prints the screen's lines (trailing blanks dropped) and exits 0 when every
cell is a glyph of the font.  With --serial, the screen must also show
the end of that serial log, line for line, its lines wrapped at the
screen's width (and the first ones scrolled away if they did not fit).  A cell that matches no glyph exactly is
printed as '~' and the script exits 1, naming how many there were and
where the first one is: garbage, a wrong pixel format or a wrong font
fails the test rather than reading as blanks.
"""
import collections
import os
import re
import sys

FONT_W, FONT_H, Y_STRETCH = 8, 8, 2
FIRST = 0x20
UNKNOWN = "~"


def read_font(path):
    text = open(path).read()
    body = text[text.index("font:begin"):text.index("font:end")]
    rows = re.findall(r'"([.#]{%d})"' % FONT_W, body)
    if not rows or len(rows) % FONT_H:
        raise ValueError(f"{path}: {len(rows)} glyph rows, not a multiple of {FONT_H}")
    return [rows[i:i + FONT_H] for i in range(0, len(rows), FONT_H)]


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not a binary PPM with 8-bit channels")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + width * height * 3]
    if len(pixels) != width * height * 3:
        raise ValueError(f"{path}: {len(pixels)} bytes of pixels, not {width}x{height}x3")
    return width, height, pixels


def ink_mask(width, height, pixels):
    """One bytes object per scan line: 1 where the pixel is not the background."""
    colours = collections.Counter(pixels[i:i + 3] for i in range(0, len(pixels), 3 * 7))
    bg = colours.most_common(1)[0][0]
    lines = []
    for y in range(height):
        row = pixels[y * width * 3:(y + 1) * width * 3]
        lines.append(bytes(row[x * 3:x * 3 + 3] != bg for x in range(width)))
    return lines


def glyph_cells(font, scale):
    """Each glyph drawn as fbcon.c draws it, as the key of its character."""
    cells = {}
    for i, glyph in enumerate(font):
        lines = []
        for row in glyph:
            line = bytes(c == "#" for c in row for _ in range(scale))
            lines += [line] * (Y_STRETCH * scale)
        cells[b"".join(lines)] = chr(FIRST + i)
    return cells


def decode(mask, width, height, font, scale):
    cw, ch = FONT_W * scale, FONT_H * Y_STRETCH * scale
    cells = glyph_cells(font, scale)
    text, bad = [], []
    for r in range(height // ch):
        line = []
        for c in range(width // cw):
            key = b"".join(mask[r * ch + y][c * cw:(c + 1) * cw] for y in range(ch))
            char = cells.get(key)
            if char is None:
                bad.append((c, r))
                char = UNKNOWN
            line.append(char)
        text.append("".join(line).rstrip())
    return text, bad


def serial_as_screen(log, cols):
    """The serial log's lines as a screen of cols columns shows them."""
    lines = []
    for line in log.split("\n"):
        line = line.expandtabs(8)
        while len(line) > cols:
            lines.append(line[:cols].rstrip())
            line = line[cols:]
        lines.append(line.rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return lines


def check_serial(text, serial, cols):
    log = open(serial, errors="replace").read().replace("\r", "")
    done, _, partial = log.rpartition("\n")
    # The UART gets each write before the screen does: a guest stopped in
    # between leaves the screen up to k bytes of the last, unfinished line behind.
    for k in range(len(partial) + 1):
        want = serial_as_screen(done + "\n" + partial[:k], cols)
        tail = want[-len(text):] if len(want) >= len(text) else None
        if tail == text:
            return 0
    if tail is None:
        print(f"fbscreen: the screen has {len(text)} lines, the serial log only {len(want)}",
              file=sys.stderr)
        return 1
    for i, (got, exp) in enumerate(zip(text, tail)):
        if got != exp:
            print(f"fbscreen: screen line {i} differs from the serial log:\n"
                  f"  screen: {got!r}\n  serial: {exp!r}", file=sys.stderr)
            break
    return 1


def main():
    args = sys.argv[1:]
    opts = {"--serial": None, "--font": None}
    while len(args) > 1 and args[-2] in opts:
        opts[args[-2]] = args[-1]
        args = args[:-2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    font = read_font(opts["--font"] or os.path.join(here, "..", "arch", "x86", "font.c"))
    width, height, pixels = read_ppm(args[0])
    mask = ink_mask(width, height, pixels)
    scale = min((1, 2), key=lambda s: len(decode(mask, width, height, font, s)[1]))
    text, bad = decode(mask, width, height, font, scale)
    while text and not text[-1]:
        text.pop()
    print("\n".join(text))
    if not any(text):
        print(f"fbscreen: {sys.argv[1]}: the screen is blank", file=sys.stderr)
        return 1
    if bad:
        print(f"fbscreen: {sys.argv[1]}: {len(bad)} cells match no glyph, the first at column "
              f"{bad[0][0]}, row {bad[0][1]}", file=sys.stderr)
        return 1
    if opts["--serial"]:
        return check_serial(text, opts["--serial"], width // (FONT_W * scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
