#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""diagram.py SRC.txt OUT.svg: draw a diagram of docs/diagrams/ as SVG.

Two kinds of source, told apart by their first word (blank lines and lines
starting with '#' are ignored; "..." is text, which may contain \\n):

  boxes TITLE                          a picture of boxes and arrows
  box ID X Y W H "label"               a box (pixels; label centred)
  arrow FROM TO "label" [dashed] [at X Y]
                                       an arrow between two boxes' edges
                                       (label at X Y, else beside its
                                       middle; a pair of arrows both ways
                                       between two boxes are drawn apart)
  note X Y "text"                      free text

  sequence TITLE                       a sequence diagram
  actor ID "label"                     a lifeline, left to right
  msg FROM TO "label" [dashed]         a message, top to bottom
  step ID "text"                       something an actor does itself

Standard library only; the output is deterministic, so a test can check
that the committed SVG matches its source (tests/scripts/diagrams.sh).
"""
import shlex
import sys
from xml.sax.saxutils import escape

FONT = 'font-family="sans-serif" font-size="13"'


class Svg:
    def __init__(self):
        self.parts = []
        self.width = 0
        self.height = 0

    def grow(self, x, y):
        self.width = max(self.width, int(x) + 20)
        self.height = max(self.height, int(y) + 20)

    def add(self, s):
        self.parts.append(s)

    def text(self, x, y, s, anchor="middle", bold=False):
        lines = s.split("\\n")
        y0 = y - 8 * (len(lines) - 1)
        weight = ' font-weight="bold"' if bold else ""
        for i, line in enumerate(lines):
            self.add(f'<text x="{x:.0f}" y="{y0 + 16 * i + 4:.0f}" '
                     f'text-anchor="{anchor}" {FONT}{weight}>'
                     f'{escape(line)}</text>')
        self.grow(x + 4 * max(len(l) for l in lines), y0 + 16 * len(lines))

    def line(self, x1, y1, x2, y2, dashed=False, arrow=True):
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        head = ' marker-end="url(#head)"' if arrow else ""
        self.add(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" '
                 f'y2="{y2:.0f}" stroke="black"{dash}{head}/>')
        self.grow(max(x1, x2), max(y1, y2))

    def render(self, title):
        head = ('<defs><marker id="head" markerWidth="10" markerHeight="8" '
                'refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z"/>'
                '</marker></defs>')
        body = "\n".join(self.parts)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" '
                f'width="{self.width}" height="{self.height}" '
                f'viewBox="0 0 {self.width} {self.height}">\n'
                f'<title>{escape(title)}</title>\n{head}\n'
                f'<rect width="100%" height="100%" fill="white"/>\n'
                f'{body}\n</svg>\n')


def edge_point(box, tx, ty):
    """Where the line from box's centre towards (tx, ty) leaves the box."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(w / 2 / abs(dx) if dx else 1e9, h / 2 / abs(dy) if dy else 1e9)
    return cx + dx * scale, cy + dy * scale


def normal(x1, y1, x2, y2, d):
    """A vector of length d at right angles to the line."""
    dx, dy = x2 - x1, y2 - y1
    n = (dx * dx + dy * dy) ** 0.5 or 1
    return -dy / n * d, dx / n * d


def draw_boxes(lines, svg):
    boxes, pairs = {}, set()
    for where, words in lines:
        kind = words[0]
        if kind == "box":
            x, y, w, h = (float(v) for v in words[2:6])
            boxes[words[1]] = (x, y, w, h)
            svg.add(f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" '
                    f'height="{h:.0f}" rx="6" fill="#eef3fb" stroke="black"/>')
            svg.text(x + w / 2, y + h / 2, words[6], bold=True)
            svg.grow(x + w, y + h)
        elif kind == "arrow":
            for ident in words[1:3]:
                if ident not in boxes:
                    raise ValueError(f"{where}: no box {ident!r} (yet)")
            a, b = boxes[words[1]], boxes[words[2]]
            ac = (a[0] + a[2] / 2, a[1] + a[3] / 2)
            bc = (b[0] + b[2] / 2, b[1] + b[3] / 2)
            if a == b:  # a loop on one box: a small arc on its right
                x, y = a[0] + a[2], a[1] + a[3] / 2
                svg.add(f'<path d="M{x:.0f},{y - 8:.0f} c40,-30 40,46 0,16" '
                        f'fill="none" stroke="black" marker-end="url(#head)"/>')
                svg.text(x + 34, y + 30, words[3], anchor="start")
                continue
            x1, y1 = edge_point(a, *bc)
            x2, y2 = edge_point(b, *ac)
            if (words[2], words[1]) in pairs:  # the way back: move both
                ox, oy = normal(x1, y1, x2, y2, 6)
                x1, y1, x2, y2 = x1 + ox, y1 + oy, x2 + ox, y2 + oy
            pairs.add((words[1], words[2]))
            svg.line(x1, y1, x2, y2, dashed="dashed" in words[4:])
            opts = words[4:]
            if "at" in opts:
                i = opts.index("at")
                svg.text(float(opts[i + 1]), float(opts[i + 2]), words[3],
                         anchor="start")
            else:
                svg.text((x1 + x2) / 2 + 6, (y1 + y2) / 2 - 6, words[3],
                         anchor="start")
        elif kind == "note":
            svg.text(float(words[1]), float(words[2]), words[3],
                     anchor="start")
        else:
            raise ValueError(f"{where}: unknown word {kind!r} in a boxes "
                             f"diagram")


def draw_sequence(lines, svg):
    actors, order, y = {}, [], 70
    steps = []
    for where, words in lines:
        if words[0] == "actor":
            actors[words[1]] = 110 + 230 * len(order)
            order.append((words[1], words[2]))
        elif words[0] in ("msg", "step"):
            steps.append((where, words))
        else:
            raise ValueError(f"{where}: unknown word {words[0]!r} in a "
                             f"sequence diagram")
    for where, words in steps:
        for ident in words[1:3 if words[0] == "msg" else 2]:
            if ident not in actors:
                raise ValueError(f"{where}: no actor {ident!r}")
        if words[0] == "msg":
            x1, x2 = actors[words[1]], actors[words[2]]
            svg.line(x1, y, x2, y, dashed="dashed" in words[4:])
            svg.text((x1 + x2) / 2, y - 8, words[3])
        else:
            x = actors[words[1]]
            svg.add(f'<rect x="{x - 6}" y="{y - 14}" width="12" height="28" '
                    f'fill="#fbe9c6" stroke="black"/>')
            svg.text(x + 14, y + 2, words[2], anchor="start")
        y += 46
    for ident, label in order:
        x = actors[ident]
        svg.add(f'<rect x="{x - 95}" y="10" width="190" height="34" rx="6" '
                f'fill="#eef3fb" stroke="black"/>')
        svg.text(x, 27, label, bold=True)
        svg.line(x, 44, x, y, dashed=True, arrow=False)


def parse(path):
    lines = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.strip()
            if raw and not raw.startswith("#"):
                lines.append((f"{path}:{n}", shlex.split(raw)))
    return lines


def main(argv):
    if len(argv) != 3:
        print("usage: diagram.py SRC.txt OUT.svg", file=sys.stderr)
        return 2
    lines = parse(argv[1])
    if not lines or lines[0][1][0] not in ("boxes", "sequence"):
        print(f"{argv[1]}:1: first line must be 'boxes TITLE' or "
              f"'sequence TITLE'", file=sys.stderr)
        return 1
    kind, title = lines[0][1][0], " ".join(lines[0][1][1:])
    svg = Svg()
    try:
        (draw_boxes if kind == "boxes" else draw_sequence)(lines[1:], svg)
    except (ValueError, IndexError, KeyError) as e:
        print(f"diagram.py: {e}", file=sys.stderr)
        return 1
    with open(argv[2], "w", encoding="utf-8") as f:
        f.write(svg.render(title))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
