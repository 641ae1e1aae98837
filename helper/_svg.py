"""A tiny, deterministic SVG writer for the explorers' charts.

The explorers draw their bar charts and number rows as hand-built SVG strings
instead of matplotlib figures: building a few hundred bytes of markup costs tens
of microseconds, needs no figure to open or close, and the same code serves the
live widget view and the static fallback in the display bundle.

Two themes decide the colours:

- :data:`LIVE` writes ``currentColor`` for text and axes and sets the SVG's
  ``color`` to JupyterLab's ``--jp-ui-font-color1``, so the chart follows the
  light or dark theme it is shown in.
- :data:`STATIC` writes explicit neutral colours on a white card, because a
  saved SVG (GitHub, nbconvert, nbval) is shown outside any theme.

Every number is written with a fixed format and nothing random (no ids, no
dates), so the same state always gives byte-identical output: nbval compares
the static SVG exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from helper._format import fmt
from helper.palette import OKABE_ITO

__all__ = [
    "Theme",
    "LIVE",
    "STATIC",
    "OKABE_ITO",
    "fmt",
    "esc",
    "document",
    "text",
    "rect",
    "line",
    "polyline",
    "circle",
    "square",
    "bars",
]

# Bar chart geometry (px, in SVG user units): what `bars` draws around each bar.
BAR_FILL = 0.62  # share of its slot a bar's width takes
MIN_SLOT_FOR_VALUE = 44  # narrower slots print no value on the bar (text summary and state() have it)
TITLE_RISE = 10  # title baseline above the chart box
VALUE_RISE = 6  # value baseline above the bar top (or the zero line)
LABEL_DROP = 20  # class label baseline below the chart box
TAG_DROP = 38  # "target" tag baseline below the chart box
HATCH_GAP = 7  # spacing of the target bar's hatching
TITLE_SIZE, LABEL_SIZE, VALUE_SIZE = 16, 15, 14  # font sizes


@dataclass(frozen=True)
class Theme:
    """Colours and font of one rendering target."""

    ink: str  # text and axes
    faint: str  # grid lines, secondary text
    background: str | None  # None: transparent, the page shows through
    root_style: str  # style attribute of the <svg> element


LIVE = Theme(
    ink="currentColor",
    faint="currentColor",
    background=None,
    root_style="color:var(--jp-ui-font-color1,#333);font-family:var(--jp-ui-font-family,sans-serif);"
    "max-width:100%;height:auto",
)
STATIC = Theme(
    ink="#222222",
    faint="#8a8a8a",
    background="#ffffff",
    root_style="font-family:DejaVu Sans,Arial,Helvetica,sans-serif;max-width:100%;height:auto",
)


def esc(s: str) -> str:
    """Escape text for SVG/HTML content and attribute values."""
    return escape(str(s), quote=True)


def _n(v: float) -> str:
    """A coordinate: one decimal, no trailing ``.0`` noise, never ``-0``."""
    out = f"{v:.1f}"
    if out.endswith(".0"):
        out = out[:-2]
    return "0" if out == "-0" else out


def document(width: int, height: int, body: list[str], theme: Theme, label: str) -> str:
    """Wrap drawing commands into one ``<svg>`` element of the given size."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}" style="{theme.root_style}">'
    )
    parts = [head, f"<title>{esc(label)}</title>"]
    if theme.background is not None:
        parts.append(rect(0, 0, width, height, fill=theme.background, stroke="#d0d0d0"))
    parts += body
    parts.append("</svg>")
    return "".join(parts)


def text(
    x: float,
    y: float,
    s: str,
    theme: Theme,
    *,
    size: int = 16,
    anchor: str = "start",
    bold: bool = False,
    cls: str | None = None,
    fill: str | None = None,
) -> str:
    """One line of text; ``anchor`` is ``start``, ``middle`` or ``end``."""
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{fill or theme.ink}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if bold:
        attrs += ' font-weight="bold"'
    if cls:
        attrs += f' class="{cls}"'
    return f"<text {attrs}>{esc(s)}</text>"


def rect(
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    fill: str,
    stroke: str | None = None,
    stroke_width: float = 1,
    dash: str | None = None,
) -> str:
    """A rectangle; negative heights are flipped so the bar still shows."""
    if h < 0:
        y, h = y + h, -h
    attrs = f'x="{_n(x)}" y="{_n(y)}" width="{_n(max(w, 0))}" height="{_n(h)}" fill="{fill}"'
    if stroke:
        attrs += f' stroke="{stroke}" stroke-width="{_n(stroke_width)}"'
    if dash:
        attrs += f' stroke-dasharray="{dash}"'
    return f"<rect {attrs}/>"


def line(x1: float, y1: float, x2: float, y2: float, *, stroke: str, width: float = 1, dash: str | None = None) -> str:
    """A straight line segment."""
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{stroke}" stroke-width="{_n(width)}"{extra}/>'
    )


def polyline(points: list[tuple[float, float]], *, stroke: str, width: float = 2, dash: str | None = None) -> str:
    """An open curve through ``points``."""
    pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{pts}" fill="none" stroke="{stroke}" stroke-width="{_n(width)}"{extra}/>'


def circle(x: float, y: float, r: float, *, fill: str, stroke: str) -> str:
    """A filled circle marker."""
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'


def square(x: float, y: float, r: float, *, fill: str, stroke: str) -> str:
    """A square marker centred on (x, y): a second shape, so markers differ by more than colour."""
    return rect(x - r, y - r, 2 * r, 2 * r, fill=fill, stroke=stroke, stroke_width=2)


def _hatch(x: float, y: float, w: float, h: float, colour: str, gap: float = HATCH_GAP) -> list[str]:
    """Diagonal hatching inside a rectangle, drawn as clipped segments (no pattern ids needed)."""
    out = []
    # Lines x - y' = c for y' measured downward from the top; clip each to the box.
    c = -h
    while c < w:
        x1, y1 = x + max(c, 0), y + max(-c, 0)
        x2, y2 = x + min(c + h, w), y + min(w - c, h)
        if x2 > x1:
            out.append(line(x1, y1, x2, y2, stroke=colour, width=1.5))
        c += gap
    return out


def bars(
    x0: float,
    y0: float,
    width: float,
    height: float,
    values: list[float],
    labels: list[str],
    theme: Theme,
    *,
    lo: float,
    hi: float,
    value_fmt: str,
    colour: str,
    neg_colour: str | None = None,
    mark: int | None = None,
    mark_colour: str | None = None,
    title: str = "",
) -> list[str]:
    """A vertical bar chart in the box (x0, y0, width, height) with the value printed on each bar.

    Bars start at 0 (clamped into ``[lo, hi]``). Bar ``mark`` is singled out by
    hatching, a thick outline and a "target" tag under its label, not by colour alone.
    Non-finite values draw no bar and print as ``inf``/``nan``.
    """
    out: list[str] = []
    if title:
        out.append(text(x0, y0 - TITLE_RISE, title, theme, size=TITLE_SIZE, bold=True))
    span = hi - lo

    def ypos(v: float) -> float:
        v = min(max(v, lo), hi)
        return y0 + height * (hi - v) / span

    zero = ypos(0.0)
    out.append(line(x0, y0, x0, y0 + height, stroke=theme.faint, width=1))
    n = len(values)
    slot = width / n
    bw = slot * BAR_FILL
    for i, (v, lab) in enumerate(zip(values, labels)):
        cx = x0 + slot * (i + 0.5)
        finite = math.isfinite(v)
        fill = colour if (v >= 0 or neg_colour is None) else neg_colour
        if i == mark and mark_colour:
            fill = mark_colour
        top = ypos(v) if finite else zero
        if finite and abs(top - zero) >= 0.05:
            out.append(rect(cx - bw / 2, zero, bw, top - zero, fill=fill))
        if i == mark:
            y_a, y_b = min(top, zero), max(top, zero)
            if finite and y_b - y_a > 3:
                out += _hatch(cx - bw / 2, y_a, bw, y_b - y_a, theme.ink)
            out.append(
                rect(cx - bw / 2 - 2, y_a - 2, bw + 4, y_b - y_a + 4, fill="none", stroke=theme.ink, stroke_width=3)
            )
        # Value above a positive bar; for a negative bar, just above the zero line (free space there).
        # Too narrow a slot for a readable number: leave it to the text summary and state().
        if slot >= MIN_SLOT_FOR_VALUE:
            vy = (min(top, zero) if (finite and v >= 0) else zero) - VALUE_RISE
            out.append(text(cx, vy, fmt(v, value_fmt), theme, size=VALUE_SIZE, anchor="middle"))
        out.append(text(cx, y0 + height + LABEL_DROP, lab, theme, size=LABEL_SIZE, anchor="middle", bold=(i == mark)))
        if i == mark:
            out.append(text(cx, y0 + height + TAG_DROP, "target", theme, size=VALUE_SIZE, anchor="middle", bold=True))
    out.append(line(x0, zero, x0 + width, zero, stroke=theme.ink, width=1.5))
    return out
