r"""Show tensors as LaTeX inline with Markdown prose: ``look("$z=$", z)``.

>>> import torch
>>> from helper.look import to_markdown
>>> _ = torch.manual_seed(0)
>>> to_markdown("$z=$", torch.randn(5))
'$z=$ $\\begin{bmatrix} 1.54 & -0.293 & -2.18 & 0.568 & -1.08 \\end{bmatrix}$'

How values are written (all of it is valid MathJax 3 and MathJax 2 LaTeX):

- **Floats** to ``precision`` significant digits (3 by default), trailing zeros
  kept, so every digit shown means something: ``1.54``, ``-0.293``, ``-2.00``
  (for -2.0025), ``0.110`` (for 0.1101), ``0.500``.  A number shown without a
  point or an exponent is exactly that whole number: whole floats below
  ``1e4`` are written exactly (``100.0`` -> ``100``, ``-2.0`` -> ``-2``, never
  ``100.``), and a value that is not whole never looks whole: where three
  significant digits would leave nothing after the point it is written as
  ``1.23 \times 10^{3}`` (for 1234.5; ``1.23 \times 10^{2}`` for 123.4).  Fixed
  point reaches down to ``0.00123``; smaller is ``1.23 \times 10^{-4}``.
  ``LookSettings(trailing_zeros=False)`` writes floats as the seed helper did
  (``-2``, ``0.11``, ``1234``).  ``-0.0`` is ``-0`` (the sign is kept, as torch
  prints it), ``nan`` is ``\mathrm{NaN}``, infinities ``\infty`` and ``-\infty``.
- **Integers** (int dtypes, Python ints) exactly, never rounded.
- **Booleans** as ``\text{True}`` and ``\text{False}``.
- **Shapes**: a 0-D tensor or a scalar is a bare number, 1-D a one-row
  ``bmatrix``, 2-D a ``bmatrix``, 3-D and more a column of 2-D blocks labelled
  ``[0,:,:]``, ``[1,:,:]``, ...  An empty value says ``empty tensor of shape (0, 3)``.
- **Big values** (more than ``threshold`` = 1000 elements) are summarised like
  torch prints them: ``edgeitems`` = 3 entries at each end of every long
  dimension, with ``\cdots``, ``\vdots`` and ``\ddots`` for the rest (the matrix
  stays rectangular).  Hidden entries are never formatted.
- **highlight=** draws a dark vermillion box around the marked entries, while the numbers keep the
  page's text colour (full contrast in light and dark themes; the box needs 3:1 as a graphic and
  has 4.78:1 on white, 3.95:1 on JupyterLab's dark background):
  ``\bbox[2px,border:2px solid #C05000]{1.54}``.

The plain-text form that :func:`look` sends along (for nbval and terminals)
lays numbers out like torch: aligned columns, one row per line, highlighted
entries followed by ``*``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from helper._format import check_int as _check_int
from helper._look_format import Digits, latex_value, text_value
from helper._look_values import Shown, prepare
from helper.palette import HIGHLIGHT

__all__ = ["LookSettings", "look", "to_latex", "to_markdown"]

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class LookSettings:
    """How :func:`look`, :func:`to_markdown` and :func:`to_latex` write values.

    - ``precision``: significant digits of floats (integers are always exact).
    - ``threshold``: values with more elements than this are summarised.
    - ``edgeitems``: entries kept at each end of a summarised dimension.
    - ``highlight_color``: ``#RRGGBB`` colour of highlighted entries
      (default :data:`helper.palette.HIGHLIGHT`, the colour of the box around highlighted entries).
    - ``trailing_zeros``: keep a float's trailing zeros, so every digit shown is
      significant (``-2.00``, ``0.110``; the default); ``False`` drops them
      (``-2``, ``0.11``), as the seed helper did.

    Pass one as ``settings=`` to any of the three functions; a ``precision=``
    argument given there overrides ``settings.precision``.
    """

    precision: int = 3
    threshold: int = 1000
    edgeitems: int = 3
    highlight_color: str = HIGHLIGHT
    trailing_zeros: bool = True

    def __post_init__(self) -> None:
        _check_int("precision", self.precision, 1, 17)
        _check_int("threshold", self.threshold, 0, None)
        _check_int("edgeitems", self.edgeitems, 1, None)
        if not isinstance(self.trailing_zeros, bool):
            raise TypeError(
                f"LookSettings.trailing_zeros must be True or False, got {type(self.trailing_zeros).__name__}"
            )
        if not isinstance(self.highlight_color, str) or not _COLOR.fullmatch(self.highlight_color):
            raise ValueError(f"LookSettings.highlight_color must be a '#RRGGBB' string, got {self.highlight_color!r}")


def _digits(settings: LookSettings) -> Digits:
    return Digits(settings.precision, settings.trailing_zeros)


def _settings(settings: LookSettings | None, precision: int | None) -> LookSettings:
    if settings is None:
        settings = LookSettings()
    elif not isinstance(settings, LookSettings):
        raise TypeError(f"settings must be a LookSettings, got {type(settings).__name__}")
    if precision is not None:
        _check_int("precision", precision, 1, 17)
        if precision != settings.precision:
            settings = dataclasses.replace(settings, precision=precision)
    return settings


def _prepare(value: object, highlight: object, settings: LookSettings, what: str) -> Shown:
    return prepare(value, highlight=highlight, threshold=settings.threshold, edgeitems=settings.edgeitems, what=what)


def to_latex(
    value: object,
    *,
    precision: int | None = None,
    highlight: object = None,
    settings: LookSettings | None = None,
) -> str:
    r"""One value as LaTeX, without ``$`` delimiters.

    ``value``: a torch tensor of any real dtype (float16/bfloat16/float32/float64,
    int8..int64, uint8, bool; ``requires_grad`` and non-contiguous are fine), a
    numpy array or scalar, a Python int/float/bool, or a nested rectangular
    list/tuple of those.  Anything else raises :class:`TypeError` (complex,
    None, strings, dicts, objects) or :class:`ValueError` (ragged lists).

    ``precision``: significant digits of floats (default ``settings.precision``, 3).

    ``highlight``: entries to mark, either a boolean mask of the value's shape
    or integer indices with one index per row along the last dimension (shape
    ``value.shape[:-1]``: targets of shape (N,) for (N, C) logits, a single int
    for a 1-D value).  A wrong shape or an out-of-range index raises
    :class:`ValueError`.

    >>> to_latex(100.0), to_latex(123456.0), to_latex([[1, 2], [3, 4]])
    ('100', '1.23 \\times 10^{5}', '\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}')
    """
    settings = _settings(settings, precision)
    shown = _prepare(value, highlight, settings, "to_latex")
    return latex_value(shown, _digits(settings), settings.highlight_color)


def _render(
    parts: tuple[object, ...],
    precision: int | None,
    highlight: object,
    sep: str,
    settings: LookSettings | None,
    what: str,
) -> tuple[str, str]:
    """Validate every part first, then build the Markdown and the plain text together."""
    settings = _settings(settings, precision)
    if not isinstance(sep, str):
        raise TypeError(f"sep must be a str, got {type(sep).__name__}")
    prepared: list[str | Shown] = []
    for number, part in enumerate(parts, start=1):
        if isinstance(part, str):
            prepared.append(part)
        else:
            prepared.append(_prepare(part, highlight, settings, f"{what} (part {number})"))
    markdown = []
    text_lines = [""]
    for index, part in enumerate(prepared):
        if index:
            text_lines[-1] += sep
        if isinstance(part, str):
            markdown.append(part)
            first, *rest = part.split("\n")
            text_lines[-1] += first
            text_lines.extend(rest)
        else:
            markdown.append("$" + latex_value(part, _digits(settings), settings.highlight_color) + "$")
            column = len(text_lines[-1])
            first, *rest = text_value(part, _digits(settings))
            text_lines[-1] += first
            text_lines.extend(" " * column + line if line else "" for line in rest)
    if not sep:
        _check_junctions(markdown, prepared, what)
    return sep.join(markdown), "\n".join(text_lines)


def _check_junctions(markdown: list[str], prepared: list[str | Shown], what: str) -> None:
    """With ``sep=""`` two inline maths would touch as ``$$``, which Markdown reads as display math."""
    for number in range(1, len(markdown)):
        left, right = markdown[number - 1], markdown[number]
        touching_value = not isinstance(prepared[number - 1], str) or not isinstance(prepared[number], str)
        if touching_value and left.endswith("$") and right.startswith("$"):
            raise ValueError(
                f"{what}: with sep='' parts {number} and {number + 1} meet as '$$', which Markdown reads as "
                "display math; use a separator such as sep=' '"
            )


def to_markdown(
    *parts: object,
    precision: int | None = None,
    highlight: object = None,
    sep: str = " ",
    settings: LookSettings | None = None,
) -> str:
    r"""Markdown for a line of prose and values, joined by ``sep``.

    A ``str`` part passes through unchanged, so it may hold Markdown and its own
    math (``"$z=$"``, ``"# Heading"``, ``"**bold**"``).  Every other part becomes
    ``$`` + :func:`to_latex` + ``$``.  ``precision``, ``highlight`` and
    ``settings`` apply to every non-string part (a highlight that does not fit
    one of them raises :class:`ValueError` naming the part); to highlight only
    one value, pass ``"$" + to_latex(value, highlight=...) + "$"`` as a string part.

    >>> to_markdown("**loss**", 0.5, "and", 2)
    '**loss** $0.500$ and $2$'
    """
    return _render(parts, precision, highlight, sep, settings, "to_markdown")[0]


def _shell() -> object | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of helper
        return None
    return get_ipython()


def look(
    *parts: object,
    precision: int | None = None,
    highlight: object = None,
    sep: str = " ",
    settings: LookSettings | None = None,
) -> None:
    """Display :func:`to_markdown` of the parts; returns None.

    In Jupyter it publishes one output with ``text/markdown`` (rendered with
    MathJax) and a ``text/plain`` alternative where numbers are laid out the way
    torch prints them, one matrix row per line.  In a plain Python process (no
    IPython shell) it prints that text.  Same arguments as :func:`to_markdown`.
    """
    markdown, text = _render(parts, precision, highlight, sep, settings, "look")
    if _shell() is None:
        print(text)
        return None
    from IPython.display import display

    display({"text/markdown": markdown, "text/plain": text}, raw=True)
    return None
