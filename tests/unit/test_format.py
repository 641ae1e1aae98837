"""helper._format: the one number formatter and the one integer check."""

from __future__ import annotations

import math

import pytest

from helper._format import check_int, fmt, nonfinite


@pytest.mark.parametrize(
    ("x", "spec", "shown"),
    [
        (2.5, ".4f", "2.5000"),
        (-0.00001, ".4f", "0.0000"),  # rounds to zero: no sign
        (-0.0, ".2f", "0.00"),
        (-0.00001, "+.3f", "+0.000"),
        (-0.5, "+.3f", "-0.500"),
        (float("nan"), ".4f", "nan"),
        (float("inf"), ".4f", "inf"),
        (float("-inf"), "+.2f", "-inf"),
        (1234.5, ".3g", "1.23e+03"),
    ],
)
def test_fmt(x, spec, shown):
    assert fmt(x, spec) == shown


def test_nonfinite_in_text_and_latex():
    assert [nonfinite(v) for v in (math.nan, math.inf, -math.inf, 0.0)] == ["nan", "inf", "-inf", None]
    assert nonfinite(-math.inf, latex=True) == r"-\infty" and nonfinite(math.nan, latex=True) == r"\mathrm{NaN}"


def test_check_int_names_what_is_accepted():
    assert check_int("n", 3, 2) == 3
    with pytest.raises(TypeError, match=r"n must be an int >= 2, got float 2.5"):
        check_int("n", 2.5, 2)
    with pytest.raises(TypeError, match=r"n must be an int >= 2, got bool True"):
        check_int("n", True, 2)
    with pytest.raises(ValueError, match=r"precision must be an int from 1 to 17, got 18"):
        check_int("precision", 18, 1, 17)
