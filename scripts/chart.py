#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""chart.py: a grouped horizontal bar chart on a log scale, as SVG.

    svg = bar_chart(title, groups, series, values, xlabel, colours=None)

One row of bars per group (top to bottom), one bar per series in each row,
coloured per series (colours[s], else COLOURS in turn) with a legend;
values[g][s] is group g's value for series s (None or <= 0: no bar, the
value is written as "-"). The x axis
is logarithmic, from the decade below the smallest value to the decade
above the largest, with a grid line per decade. Standard library only and
deterministic (the same input gives the same bytes), in the style of
scripts/diagram.py. Used by scripts/tradeoffs.py.
"""
import math
from xml.sax.saxutils import escape

FONT = 'font-family="sans-serif" font-size="13"'
SMALL = 'font-family="sans-serif" font-size="11"'
COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9d755d")
BAR, GAP, GROUP_GAP = 14, 2, 14  # pixels: a bar, between bars, between groups
PLOT_W, CHAR_W = 480, 7.5  # the plot's width; a character, roughly


def decade_label(exp):
    """10^exp as a short label: 1, 10, 100, 1k ... 100M, then 1e9."""
    if exp < 0:
        return f"1e{exp}"
    for unit, e in (("M", 6), ("k", 3), ("", 0)):
        if exp >= e and exp - e < 3:
            return f"{10 ** (exp - e)}{unit}"
    return f"1e{exp}"


def number(v):
    """A value as it is written beside its bar."""
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def bar_chart(title, groups, series, values, xlabel, colours=None):
    colours = colours or [COLOURS[s % len(COLOURS)] for s in range(len(series))]
    shown = [v for row in values for v in row if v is not None and v > 0]
    lo = math.floor(math.log10(min(shown))) if shown else 0
    hi = math.ceil(math.log10(max(shown))) if shown else 1
    hi = max(hi, lo + 1)
    left = 20 + CHAR_W * max((len(g) for g in groups), default=4)
    top = 60 + 18 * len(series)  # title, then the legend
    row_h = len(series) * (BAR + GAP) - GAP
    plot_h = len(groups) * (row_h + GROUP_GAP) + GROUP_GAP
    width = int(left + PLOT_W + 90)  # room for the last value's label
    height = int(top + plot_h + 50)

    def x(v):
        return left + PLOT_W * (math.log10(v) - lo) / (hi - lo)

    out = [f'<text x="{width / 2:.0f}" y="24" text-anchor="middle" {FONT} '
           f'font-weight="bold">{escape(title)}</text>']
    for s, name in enumerate(series):
        y = 44 + 18 * s
        out.append(f'<rect x="{left:.0f}" y="{y}" width="14" height="12" '
                   f'fill="{colours[s]}"/>')
        out.append(f'<text x="{left + 20:.0f}" y="{y + 11}" {FONT}>'
                   f'{escape(name)}</text>')
    for exp in range(lo, hi + 1):
        gx = x(10 ** exp)
        out.append(f'<line x1="{gx:.1f}" y1="{top}" x2="{gx:.1f}" '
                   f'y2="{top + plot_h}" stroke="#dddddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{top + plot_h + 18}" '
                   f'text-anchor="middle" {FONT}>{decade_label(exp)}</text>')
    out.append(f'<line x1="{left:.0f}" y1="{top + plot_h}" '
               f'x2="{left + PLOT_W:.0f}" y2="{top + plot_h}" stroke="black"/>')
    out.append(f'<line x1="{left:.0f}" y1="{top}" x2="{left:.0f}" '
               f'y2="{top + plot_h}" stroke="black"/>')
    for g, name in enumerate(groups):
        y0 = top + GROUP_GAP + g * (row_h + GROUP_GAP)
        out.append(f'<text x="{left - 8:.0f}" y="{y0 + row_h / 2 + 4:.0f}" '
                   f'text-anchor="end" {FONT}>{escape(name)}</text>')
        for s in range(len(series)):
            v = values[g][s]
            y = y0 + s * (BAR + GAP)
            if v is not None and v > 0:
                w = max(x(v) - left, 1)
                out.append(f'<rect x="{left:.0f}" y="{y}" width="{w:.1f}" '
                           f'height="{BAR}" fill="{colours[s]}"/>')
                label, lx = number(v), left + w + 4
            else:
                label, lx = "-", left + 4
            out.append(f'<text x="{lx:.1f}" y="{y + BAR - 3}" {SMALL}>'
                       f'{label}</text>')
    out.append(f'<text x="{left + PLOT_W / 2:.0f}" y="{top + plot_h + 40}" '
               f'text-anchor="middle" {FONT}>{escape(xlabel)}</text>')
    body = "\n".join(out)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">\n'
            f'<title>{escape(title)}</title>\n'
            f'<rect width="100%" height="100%" fill="white"/>\n{body}\n</svg>\n')
