"""The one number formatter of the course: `fmt(x, spec)`, aware of nan, infinities and -0.

Used by the SVG charts, the explorers' readouts and summaries, and the tests that read
those numbers back. `look` keeps its own significant-digit rule (see
``helper/_look_format.py``) but spells the non-finite values with `nonfinite`.
`check_int` is the one check of an integer argument (plots, `LookSettings`).
"""

from __future__ import annotations

import math

__all__ = ["check_int", "fmt", "nonfinite"]

_NONFINITE_TEXT = {"nan": "nan", "inf": "inf", "-inf": "-inf"}
_NONFINITE_LATEX = {"nan": r"\mathrm{NaN}", "inf": r"\infty", "-inf": r"-\infty"}


def nonfinite(x: float, *, latex: bool = False) -> str | None:
    r"""``nan``/``inf``/``-inf`` (LaTeX: ``\mathrm{NaN}``, ``\infty``, ``-\infty``) for a non-finite `x`, else None."""
    if math.isnan(x):
        key = "nan"
    elif math.isinf(x):
        key = "inf" if x > 0 else "-inf"
    else:
        return None
    return (_NONFINITE_LATEX if latex else _NONFINITE_TEXT)[key]


def fmt(x: float, spec: str = ".4f") -> str:
    """`x` formatted with the format spec `spec`; ``nan``, ``inf``, ``-inf`` as such, never ``-0.000``.

    >>> fmt(2.5), fmt(-0.00001), fmt(float("-inf")), fmt(1234.5, ".3g")
    ('2.5000', '0.0000', '-inf', '1.23e+03')
    """
    x = float(x)
    special = nonfinite(x)
    if special is not None:
        return special
    out = format(x, spec)
    # A value that rounds to zero keeps no sign ("-0.000" reads like a bug).
    if out.lstrip("+-").strip("0.") == "" and out[0] in "+-":
        out = ("+" if "+" in spec else "") + out[1:]
    return out


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """`value` if it is an int (not a bool) in ``[low, high]`` (no upper end when `high` is None).

    Raises TypeError for a non-int and ValueError out of range, naming `name` and what is accepted.
    """
    accepted = f"an int >= {low}" if high is None else f"an int from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be {accepted}, got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be {accepted}, got {value}")
    return value
