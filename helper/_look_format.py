"""Private half of :mod:`helper.look`: print a :class:`~helper._look_values.Shown` as LaTeX or as text.

One function per kind of number (float, int, bool) and one per layout
(scalar, row, matrix, stack of matrices), each in a LaTeX and a text flavour.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from helper._format import nonfinite
from helper._look_values import GAP, Kind, Shown

# Fixed point reaches down to 1e-3 (three zeros after the point at most) and, for
# whole numbers, up to FIXED_MAX; beyond, a mantissa times a power of ten.
FIXED_MIN = 1e-3
FIXED_MAX = 1e4
_MIN_FIXED_EXPONENT = -3


class Digits(NamedTuple):
    """How floats are written: significant digits, and whether trailing zeros are kept."""

    precision: int
    trailing_zeros: bool = True


# --- numbers ------------------------------------------------------------------------------------


def _strip_zeros(digits: str) -> str:
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


def float_parts(x: float, precision: int, trailing_zeros: bool = True) -> tuple[str, int | None]:
    """``x`` to ``precision`` significant digits: (fixed-point digits, None) or (mantissa, exponent).

    With ``trailing_zeros`` (the default) every digit shown is significant and a number
    written without a point or exponent is exactly that whole number:

    - a whole number below 1e4 is written exactly, without a point: 100.0 -> "100", -2.0 -> "-2";
    - any other value has ``precision`` significant digits, trailing zeros kept:
      -2.0025 -> "-2.00", 0.1101 -> "0.110", 0.5 -> "0.500", 16.5 -> "16.5";
      in fixed point while at least one digit stays after the point and at most three
      zeros follow it (1e-3 <= |x|), otherwise as mantissa and exponent:
      1234.5 -> ("1.23", 3), 123.4 -> ("1.23", 2), 0.000123 -> ("1.23", -4).

    Without ``trailing_zeros`` (the seed helper's style): fixed point when
    ``1e-3 <= |x| < 1e4``, where the integer digits are never rounded away
    (1234.5 -> "1234", 9999.7 -> "10000" at 3 digits), and trailing zeros are
    dropped (100.0 -> "100", 0.5 -> "0.5", -2.0025 -> "-2").
    """
    if x == 0:
        return ("-0" if math.copysign(1.0, x) < 0 else "0"), None
    if trailing_zeros:
        return _significant_parts(x, precision)
    if FIXED_MIN <= abs(x) < FIXED_MAX:
        leading = math.floor(math.log10(abs(x)))
        return _strip_zeros(f"{x:.{max(precision - 1 - leading, 0)}f}"), None
    mantissa, exponent = f"{x:.{precision - 1}e}".split("e")
    return _strip_zeros(mantissa), int(exponent)


def _significant_parts(x: float, precision: int) -> tuple[str, int | None]:
    """`float_parts` with trailing zeros kept (see there); ``x`` is finite and not zero."""
    if float(x).is_integer() and abs(x) < FIXED_MAX:
        return str(int(x)), None
    mantissa, exponent = f"{x:.{precision - 1}e}".split("e")
    power = int(exponent)  # of the rounded value: 99.96 -> "1.00e+02"
    if _MIN_FIXED_EXPONENT <= power <= precision - 2:
        return f"{x:.{precision - 1 - power}f}", None
    return mantissa, power


def latex_float(x: float, digits: Digits) -> str:
    r"""A float as LaTeX: ``1.54``, ``100``, ``1.23 \times 10^{5}``, ``\mathrm{NaN}``, ``-\infty``."""
    special = nonfinite(x, latex=True)
    if special is not None:
        return special
    shown, exponent = float_parts(x, *digits)
    return shown if exponent is None else rf"{shown} \times 10^{{{exponent}}}"


def text_float(x: float, digits: Digits) -> str:
    """A float as plain text: ``1.54``, ``100``, ``1.23e+05``, ``nan``, ``-inf``."""
    special = nonfinite(x)
    if special is not None:
        return special
    shown, exponent = float_parts(x, *digits)
    return shown if exponent is None else f"{shown}e{exponent:+03d}"


def exact_int(x: int, digits: Digits) -> str:
    """An integer, exact (never rounded to the precision)."""
    return str(int(x))


def latex_bool(x: bool, digits: Digits) -> str:
    r"""A boolean as ``\text{True}`` / ``\text{False}``."""
    return r"\text{True}" if x else r"\text{False}"


def text_bool(x: bool, digits: Digits) -> str:
    """A boolean as ``True`` / ``False``."""
    return "True" if x else "False"


LATEX_NUMBER: dict[Kind, Callable[[Any, Digits], str]] = {"float": latex_float, "int": exact_int, "bool": latex_bool}
TEXT_NUMBER: dict[Kind, Callable[[Any, Digits], str]] = {"float": text_float, "int": exact_int, "bool": text_bool}


def latex_highlight(tex: str, color: str) -> str:
    r"""Mark an entry with a box drawn in `color`: ``\bbox[2px,border:2px solid #C05000]{x}``.

    The number itself keeps the page's text colour, so it has the theme's full contrast in
    light and dark themes alike; the box is a graphic, for which WCAG 2.1 AA asks 3:1 (same
    in MathJax 2 and 3).
    """
    return rf"\bbox[2px,border:2px solid {color}]{{{tex}}}"


def _shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


# --- LaTeX layouts ------------------------------------------------------------------------------


def _latex_cells(values: list, marks: list, number: Callable[[Any], str], color: str) -> list[str]:
    cells = []
    for value, mark in zip(values, marks):
        if value is GAP:
            cells.append(r"\cdots")
        else:
            tex = number(value)
            cells.append(latex_highlight(tex, color) if mark else tex)
    return cells


def latex_row(values: list, marks: list, number: Callable[[Any], str], color: str) -> str:
    r"""A 1-D value as a one-row ``bmatrix`` (``\cdots`` where entries are hidden)."""
    return r"\begin{bmatrix} " + " & ".join(_latex_cells(values, marks, number, color)) + r" \end{bmatrix}"


def latex_matrix(values: list, marks: list, number: Callable[[Any], str], color: str) -> str:
    r"""A 2-D value as a ``bmatrix``; a hidden row is ``\vdots`` in each column and ``\ddots`` under ``\cdots``."""
    template = next((row for row in values if row is not GAP), [])
    rows = []
    for row, row_marks in zip(values, marks):
        if row is GAP:
            rows.append(" & ".join(r"\ddots" if cell is GAP else r"\vdots" for cell in template))
        else:
            rows.append(" & ".join(_latex_cells(row, row_marks, number, color)))
    return r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"


def _blocks(
    values: Any, marks: Any, indices: tuple, depth: int, prefix: tuple
) -> Iterator[tuple[tuple | None, Any, Any]]:
    """The 2-D blocks of an n-D value with their leading indices (None where blocks are hidden)."""
    if len(indices) - depth == 2:
        yield prefix, values, marks
        return
    for position, (child, child_marks) in enumerate(zip(values, marks)):
        if child is GAP:
            yield None, None, None
        else:
            yield from _blocks(child, child_marks, indices, depth + 1, (*prefix, indices[depth][position]))


def latex_stack(shown: Shown, number: Callable[[Any], str], color: str) -> str:
    r"""A value of 3 or more dimensions as a column of labelled matrices: ``\texttt{[0,:,:]}`` then its block."""
    rows = []
    for prefix, block, block_marks in _blocks(shown.values, shown.marks, shown.indices, 0, ()):
        if prefix is None:
            rows.append(r"\vdots & \vdots")
        else:
            label = "[" + ",".join([*map(str, prefix), ":", ":"]) + "]"
            rows.append(rf"\texttt{{{label}}} & " + latex_matrix(block, block_marks, number, color))
    return r"\begin{array}{rl} " + r" \\ ".join(rows) + r" \end{array}"


def latex_value(shown: Shown, digits: Digits, color: str) -> str:
    """The LaTeX for a prepared value (no ``$``)."""
    if shown.empty:
        return rf"\text{{empty {shown.noun} of shape }} {_shape_text(shown.shape)}"
    kind_number = LATEX_NUMBER[shown.kind]

    def number(x: Any) -> str:
        return kind_number(x, digits)

    if shown.ndim == 0:
        tex = number(shown.values)
        return latex_highlight(tex, color) if shown.marks else tex
    if shown.ndim == 1:
        return latex_row(shown.values, shown.marks, number, color)
    if shown.ndim == 2:
        return latex_matrix(shown.values, shown.marks, number, color)
    return latex_stack(shown, number, color)


# --- text layout (torch-like) -------------------------------------------------------------------


def _text_cells(node: Any, marks: Any, number: Callable[[Any], str], marker: bool) -> Any:
    """Every shown number as text (highlighted ones end in ``*``), keeping the nesting."""
    if node is GAP:
        return GAP
    if isinstance(node, list):
        return [_text_cells(child, mark, number, marker) for child, mark in zip(node, marks)]
    return number(node) + (("*" if marks else " ") if marker else "")


def _widest(node: Any) -> int:
    if isinstance(node, list):
        return max((_widest(child) for child in node), default=0)
    return 0 if node is GAP else len(node)


def _text_nested(node: list, depth: int, ndim: int, width: int) -> list[str]:
    if depth == ndim - 1:
        return ["[" + ", ".join("..." if cell is GAP else cell.rjust(width) for cell in node) + "]"]
    lines: list[str] = []
    for position, child in enumerate(node):
        block = ["..."] if child is GAP else _text_nested(child, depth + 1, ndim, width)
        if position < len(node) - 1:
            block[-1] += ","
        for line in block:
            opener = "[" if not lines else " "
            lines.append(opener + line if line else "")
        if position < len(node) - 1:
            lines.extend([""] * (ndim - depth - 2))
    lines[-1] += "]"
    return lines


def text_value(shown: Shown, digits: Digits) -> list[str]:
    """The plain-text lines for a prepared value, laid out like torch prints (columns aligned)."""
    if shown.empty:
        return [f"empty {shown.noun} of shape {_shape_text(shown.shape)}"]
    kind_number = TEXT_NUMBER[shown.kind]

    def number(x: Any) -> str:
        return kind_number(x, digits)

    cells = _text_cells(shown.values, shown.marks, number, shown.highlighted)
    if shown.ndim == 0:
        return [cells.rstrip()]
    return _text_nested(cells, 0, shown.ndim, _widest(cells))
