"""Hostile and huge inputs for `look`/`to_latex`: every one gives a clear error or a bounded, valid output.

Issue #18: ``torch.zeros(6, 6, 6, 5, 2, 2)`` (4,320 entries in 1,080 blocks) used to give LaTeX that
MathJax 3 refuses ("maximum substitution count exceeded"), ``torch.zeros((6,) * 9)`` 59 MB of LaTeX,
and a list holding an object with a huge repr a message as long as that repr. The bounds asserted
here are the printer's own (`MAX_ENTRIES` entries, `MAX_BLOCKS` blocks), counted by behaviour: how
many numbers were formatted and how many matrices were written.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from mathjax_check import tex_errors

import helper._look_format as look_format
from helper._look_values import MAX_BLOCKS, MAX_ENTRIES, MAX_LIST_DEPTH, MAX_LIST_NUMBERS
from helper.look import LookSettings, to_latex, to_markdown

MESSAGE_LIMIT = 600  # characters: an error message is a sentence or two, never a dump of the value

SHAPES = [
    (6, 6, 6, 5, 2, 2),
    (6,) * 9,
    (2,) * 12,
    (2,) * 20,
    (1, 1, 1, 1, 1, 1, 1, 1, 2000),
    (7, 7, 7),
    (101, 3, 3),
    (3, 101, 2, 2),
    (1000, 1000),
    (1, 10**6),
    (10**6, 1),
    (10**7,),
    (4, 4, 4, 4, 4),
    (50, 20),
    (2000, 1),
]


def _deep(depth: int) -> list:
    node: list = [1.0]
    for _ in range(depth):
        node = [node]
    return node


@pytest.fixture
def formatted(monkeypatch):
    """Count every number the printer formats (hidden entries must never be)."""
    calls: list[object] = []
    for kind in ("float", "int", "bool"):
        real = look_format.LATEX_NUMBER[kind]
        monkeypatch.setitem(look_format.LATEX_NUMBER, kind, lambda x, d, real=real: calls.append(x) or real(x, d))
    return calls


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_any_shape_prints_a_bounded_number_of_entries_and_blocks(shape, formatted):
    tex = to_latex(torch.zeros(shape))
    assert len(formatted) <= MAX_ENTRIES
    assert tex.count(r"\begin{bmatrix}") <= MAX_BLOCKS
    assert len(tex) < 40 * MAX_ENTRIES + 100 * MAX_BLOCKS


def test_a_large_threshold_does_not_lift_the_bounds(formatted):
    to_latex(torch.zeros(40, 40), settings=LookSettings(threshold=10**9))
    assert len(formatted) <= MAX_ENTRIES


def test_small_values_are_shown_whole(formatted):
    to_latex(torch.zeros(10, 100))
    assert len(formatted) == 1000


def test_every_bounded_output_is_valid_mathjax3():
    texts = [
        to_latex(torch.arange(math.prod(s), dtype=torch.float32).reshape(s)) for s in SHAPES if math.prod(s) < 10**6
    ]
    texts.append(to_latex(torch.zeros(6, 6, 6, 5, 2, 2), highlight=torch.ones(6, 6, 6, 5, 2, 2, dtype=torch.bool)))
    assert tex_errors(texts) == [None] * len(texts)


def test_summary_keeps_both_ends_where_it_can():
    tex = to_latex(torch.arange(4 * 4 * 4 * 4 * 4).reshape(4, 4, 4, 4, 4))
    assert r"\texttt{[0,0,0,:,:]}" in tex and r"\texttt{[3,3,3,:,:]}" in tex
    assert r"\vdots" in tex


BAD_VALUES = [
    (None, TypeError, "NoneType"),
    ("1.5", TypeError, "str"),
    (b"12", TypeError, "bytes"),
    ({"a": 1}, TypeError, "dict"),
    ({1, 2}, TypeError, "set"),
    (1 + 2j, TypeError, "complex"),
    (object(), TypeError, "object"),
    (torch.zeros(2, dtype=torch.complex64), TypeError, "complex64"),
    (torch.zeros(3, device="meta"), ValueError, "meta"),
    (torch.zeros(3, 3).to_sparse(), TypeError, "to_dense"),
    (np.array(["a", "b"]), TypeError, "dtype"),
    (np.array([1 + 1j]), TypeError, "complex"),
    (np.array([object()], dtype=object), TypeError, "dtype"),
    ([1, [2, 3]], ValueError, "ragged"),
    ([[1, 2], [3]], ValueError, "ragged"),
    ([1, "2"], TypeError, "str"),
    ([1, None], TypeError, "NoneType"),
    ([1, 1 + 1j], TypeError, "complex"),
    ([1, {"x": 1}], TypeError, "dict"),
    ([2**70], ValueError, "int64"),
    ([1.0] * (MAX_LIST_NUMBERS + 1), ValueError, "numpy array"),
    ([[0.0] * 1000] * 101, ValueError, "numpy array"),
    (_deep(MAX_LIST_DEPTH + 1), ValueError, "nested"),
    (_deep(5000), ValueError, "nested"),
    ((x for x in range(3)), TypeError, "generator"),
    (range(3), TypeError, "range"),
    ([torch.zeros(2)], TypeError, "tensor"),
]


@pytest.mark.parametrize(("value", "error", "named"), BAD_VALUES, ids=lambda v: type(v).__name__)
def test_bad_values_fail_with_a_short_clear_message(value, error, named):
    with pytest.raises(error) as info:
        to_latex(value)
    message = str(info.value)
    assert named in message
    assert len(message) < MESSAGE_LIMIT


class _HugeRepr:
    def __repr__(self) -> str:
        return "x" * 10**7


class _BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


@pytest.mark.parametrize("item", [_HugeRepr(), _BrokenRepr(), "y" * 10**6, list(range(10**5))[:1] and "z" * 5000])
def test_messages_stay_short_whatever_the_repr(item):
    with pytest.raises(TypeError) as info:
        to_markdown("$x=$", [1.0, item])
    assert len(str(info.value)) < MESSAGE_LIMIT


EXTREMES = [
    float("nan"),
    float("inf"),
    -float("inf"),
    1e308,
    5e-324,
    -0.0,
    2**63 - 1,
    -(2**63),
    10**400,
    True,
    torch.full((3, 3), float("nan")),
    torch.tensor([float("inf"), -float("inf"), 0.0]),
    torch.tensor([1e38, -1e-45], dtype=torch.float32),
    torch.tensor([65504.0, 6e-8], dtype=torch.float16),
    torch.tensor([3e38], dtype=torch.bfloat16),
    np.array([np.nan, np.inf]),
]


def test_extreme_and_non_finite_numbers_print_as_short_valid_latex():
    texts = [to_latex(value) for value in EXTREMES]
    assert all(len(tex) < 1000 for tex in texts)
    assert tex_errors(texts) == [None] * len(texts)


@pytest.mark.parametrize("highlight", [[0] * 101, torch.zeros(1000, dtype=torch.long), "a", 1.5, [[True]], -1, 10**30])
def test_bad_highlights_are_refused_briefly(highlight):
    with pytest.raises((TypeError, ValueError)) as info:
        to_latex(torch.zeros(4, 3), highlight=highlight)
    assert len(str(info.value)) < MESSAGE_LIMIT
