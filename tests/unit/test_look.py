r"""helper.look: the LaTeX renderer behind ``look("$z=$", z)``.

Every rule of the module docstring is checked here, against torch's own values,
and a broad sample of what it writes goes through strict MathJax 3.
"""

from __future__ import annotations

import dataclasses
import math
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch
from mathjax_check import markdown_errors, tex_errors

import helper._look_format as look_format
from helper.course import install_hint, node_modules
from helper.look import LookSettings, look, to_latex, to_markdown
from helper.palette import HIGHLIGHT

ROOT = Path(__file__).resolve().parents[2]
VERMILLION = HIGHLIGHT  # the documented default highlight colour (a darkened Okabe-Ito vermillion)


def _cells(tex: str) -> list[list[str]]:
    """The entries of a bmatrix, row by row."""
    body = re.fullmatch(r"\\begin\{bmatrix\} (.*) \\end\{bmatrix\}", tex)
    assert body, tex
    return [row.split(" & ") for row in body[1].split(r" \\ ")]


def _number(cell: str) -> float:
    r"""Read back a number written by look (fixed point or m \times 10^{e})."""
    sci = re.fullmatch(r"(-?[\d.]+) \\times 10\^\{(-?\d+)\}", cell)
    if sci:
        return float(sci[1]) * 10 ** int(sci[2])
    return {r"\mathrm{NaN}": math.nan, r"\infty": math.inf, r"-\infty": -math.inf}.get(cell) or float(cell)


# --- the seed's format and numbers --------------------------------------------------------------


def test_seed_format_is_kept():
    torch.manual_seed(0)
    z = torch.randn(5)
    assert to_markdown("$z=$", z) == r"$z=$ $\begin{bmatrix} 1.54 & -0.293 & -2.18 & 0.568 & -1.08 \end{bmatrix}$"


def test_seed_binary_cross_entropy_numbers():
    torch.manual_seed(0)
    z = torch.randn(5)
    y = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0])
    by_hand = -(y * torch.sigmoid(z).log() + (1 - y) * (1 - torch.sigmoid(z)).log())
    for loss in (
        by_hand,
        torch.nn.BCELoss(reduction="none")(torch.sigmoid(z), y),
        torch.nn.BCEWithLogitsLoss(reduction="none")(z, y),
    ):
        assert to_latex(loss) == r"\begin{bmatrix} 1.74 & 0.851 & 2.29 & 1.02 & 1.38 \end{bmatrix}"


def test_values_read_back_match_torch_to_three_significant_digits():
    torch.manual_seed(1)
    x = torch.randn(6, 7) * torch.logspace(-5, 6, 7)
    cells = _cells(to_latex(x))
    shown = torch.tensor([[_number(c) for c in row] for row in cells], dtype=torch.float64)
    torch.testing.assert_close(shown, x.double(), rtol=5e-3, atol=0)


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "tex"),
    [
        # whole numbers below 1e4: exactly, without a point
        (100.0, "100"),
        (1.0, "1"),
        (-2.0, "-2"),
        (1234.0, "1234"),
        # everything else: three significant digits, trailing zeros kept
        (0.5, "0.500"),
        (-0.2934, "-0.293"),
        (-2.0025, "-2.00"),
        (0.1101, "0.110"),
        (16.5, "16.5"),
        (0.001, "0.00100"),
        (0.0099996, "0.0100"),
        (0.0009996, "0.00100"),
        (0.00123456, "0.00123"),
        # ... and never looking whole when it is not: no digit left after the point -> exponent
        (123.4, r"1.23 \times 10^{2}"),
        (99.96, r"1.00 \times 10^{2}"),
        (1234.5, r"1.23 \times 10^{3}"),
        (9999.4, r"1.00 \times 10^{4}"),
        (10000.0, r"1.00 \times 10^{4}"),
        (12345.0, r"1.23 \times 10^{4}"),
        (123456.0, r"1.23 \times 10^{5}"),
        (-6.02e23, r"-6.02 \times 10^{23}"),
        (0.000999, r"9.99 \times 10^{-4}"),
        (1.23e-4, r"1.23 \times 10^{-4}"),
        (0.0, "0"),
        (-0.0, "-0"),
        (math.nan, r"\mathrm{NaN}"),
        (math.inf, r"\infty"),
        (-math.inf, r"-\infty"),
    ],
)
def test_float_format(value, tex):
    assert to_latex(value) == tex
    assert to_latex(torch.tensor(value, dtype=torch.float64)) == tex


SEED_STYLE = LookSettings(trailing_zeros=False)


@pytest.mark.parametrize(
    ("value", "tex"),
    [
        (100.0, "100"),
        (1.0, "1"),
        (0.5, "0.5"),
        (-0.2934, "-0.293"),
        (-2.0025, "-2"),
        (0.1101, "0.11"),
        (1234.5, "1234"),  # integer digits are never rounded away in fixed point
        (9999.4, "9999"),
        (9999.7, "10000"),
        (10000.0, r"1 \times 10^{4}"),
        (0.0009996, r"1 \times 10^{-3}"),
        (0.0099996, "0.01"),
        (12345.0, r"1.23 \times 10^{4}"),
        (0.001, "0.001"),
        (0.00123456, "0.00123"),
        (0.000999, r"9.99 \times 10^{-4}"),
        (-0.0, "-0"),
        (math.nan, r"\mathrm{NaN}"),
    ],
)
def test_trailing_zeros_false_is_the_seed_style(value, tex):
    assert to_latex(value, settings=SEED_STYLE) == tex


def test_seed_values_read_the_same_in_both_styles():
    torch.manual_seed(0)
    z = torch.randn(5)
    seed = r"\begin{bmatrix} 1.54 & -0.293 & -2.18 & 0.568 & -1.08 \end{bmatrix}"
    assert to_latex(z) == to_latex(z, settings=SEED_STYLE) == seed


def test_trailing_zeros_must_be_a_bool():
    with pytest.raises(TypeError, match="trailing_zeros must be True or False"):
        LookSettings(trailing_zeros=1)


def test_precision_changes_significant_digits():
    assert to_latex(math.pi, precision=5) == "3.1416"
    assert to_latex(math.pi, precision=1) == r"3 \times 10^{0}"  # "3" would read as exactly 3
    assert to_latex(math.pi, precision=1, settings=SEED_STYLE) == "3"
    assert to_latex(2.5, precision=4) == "2.500"
    assert to_latex(123456.0, precision=5) == r"1.2346 \times 10^{5}"
    assert to_latex(math.pi, settings=LookSettings(precision=2)) == "3.1"
    assert to_latex(math.pi, precision=4, settings=LookSettings(precision=2)) == "3.142"


def test_integers_are_exact():
    assert to_latex(123456789) == "123456789"
    assert to_latex(10**30) == "1" + "0" * 30
    assert to_latex(torch.tensor([123456789, -7], dtype=torch.int64)) == r"\begin{bmatrix} 123456789 & -7 \end{bmatrix}"
    assert to_latex(np.int64(-(2**62))) == str(-(2**62))


def test_booleans_are_true_false():
    assert to_latex(True) == r"\text{True}"
    assert to_latex(torch.tensor([True, False])) == r"\begin{bmatrix} \text{True} & \text{False} \end{bmatrix}"
    assert to_latex(np.bool_(False)) == r"\text{False}"


FLOAT_DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
INT_DTYPES = [torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_every_float_dtype(dtype):
    x = torch.tensor([[1.5, -0.25], [100.0, 3.0e-4]], dtype=dtype)
    expected = [[to_latex(float(v)) for v in row] for row in x.tolist()]
    assert _cells(to_latex(x)) == expected


@pytest.mark.parametrize("dtype", INT_DTYPES)
def test_every_int_dtype(dtype):
    x = torch.tensor([[0, 7], [100, 127]], dtype=dtype)
    assert to_latex(x) == r"\begin{bmatrix} 0 & 7 \\ 100 & 127 \end{bmatrix}"


@pytest.mark.parametrize("dtype", [torch.uint16, torch.uint32, torch.uint64])
def test_wide_unsigned_ints_stay_exact(dtype):
    top = torch.iinfo(dtype).max
    x = torch.tensor([0, top], dtype=dtype).repeat(1001)
    assert _cells(to_latex(x)) == [["0", str(top), "0", r"\cdots", str(top), "0", str(top)]]


def test_requires_grad_and_non_contiguous():
    torch.manual_seed(2)
    w = torch.randn(3, 4, requires_grad=True)
    assert to_latex(w) == to_latex(w.detach())
    t = w.detach().t()
    assert not t.is_contiguous()
    assert to_latex(t) == to_latex(t.contiguous())
    assert to_latex(w.detach()[:, ::2]) == to_latex(w.detach()[:, ::2].contiguous())


def test_numpy_and_lists_match_torch():
    torch.manual_seed(3)
    x = torch.randn(2, 3, dtype=torch.float64)
    assert to_latex(x.numpy()) == to_latex(x)
    assert to_latex(x.tolist()) == to_latex(x)
    assert to_latex(tuple(map(tuple, x.tolist()))) == to_latex(x)
    assert to_latex(np.float32(1.5)) == "1.50"
    assert to_latex([1, 2, 3]) == r"\begin{bmatrix} 1 & 2 & 3 \end{bmatrix}"
    assert to_latex([1, 2.5]) == r"\begin{bmatrix} 1 & 2.50 \end{bmatrix}"
    assert to_latex([torch.tensor(0.5), np.float64(2.0)]) == r"\begin{bmatrix} 0.500 & 2 \end{bmatrix}"


# --- shapes -------------------------------------------------------------------------------------


def test_scalars_are_bare_numbers():
    assert to_latex(torch.tensor(2.5)) == "2.50"
    assert to_latex(np.array(3)) == "3"
    assert to_markdown("$x=$", torch.tensor(2.5)) == "$x=$ $2.50$"


def test_matrix_rows():
    assert to_latex(torch.tensor([[1, 2], [3, 4]])) == r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}"


def test_three_d_is_labelled_blocks():
    x = torch.arange(12).reshape(2, 2, 3)
    assert to_latex(x) == (
        r"\begin{array}{rl} "
        r"\texttt{[0,:,:]} & \begin{bmatrix} 0 & 1 & 2 \\ 3 & 4 & 5 \end{bmatrix} \\ "
        r"\texttt{[1,:,:]} & \begin{bmatrix} 6 & 7 & 8 \\ 9 & 10 & 11 \end{bmatrix}"
        r" \end{array}"
    )


def test_four_d_labels_every_leading_index():
    tex = to_latex(torch.zeros(2, 3, 1, 1))
    labels = re.findall(r"\\texttt\{(.*?)\}", tex)
    assert labels == [f"[{i},{j},:,:]" for i in range(2) for j in range(3)]


@pytest.mark.parametrize(
    ("value", "tex"),
    [
        (torch.zeros(0, 3), r"\text{empty tensor of shape } (0, 3)"),
        (torch.zeros(0), r"\text{empty tensor of shape } (0,)"),
        (torch.zeros(2, 0, 4, dtype=torch.int64), r"\text{empty tensor of shape } (2, 0, 4)"),
        ([], r"\text{empty array of shape } (0,)"),
        (np.zeros((3, 0)), r"\text{empty array of shape } (3, 0)"),
    ],
)
def test_empty_shows_shape(value, tex):
    assert to_latex(value) == tex


# --- summarising --------------------------------------------------------------------------------


def test_big_matrix_is_summarised_rectangular_and_small():
    torch.manual_seed(4)
    x = torch.randn(1000, 1000)
    tex = to_latex(x)
    assert len(tex) < 4096
    rows = _cells(tex)
    assert len(rows) == 7 and all(len(row) == 7 for row in rows)
    assert rows[3] == [r"\vdots"] * 3 + [r"\ddots"] + [r"\vdots"] * 3
    assert [row[3] for row in rows if row[3] != r"\ddots"] == [r"\cdots"] * 6
    assert rows[0][0] == to_latex(x[0, 0]) and rows[-1][-1] == to_latex(x[-1, -1])
    assert rows[0][4] == to_latex(x[0, -3]) and rows[4][0] == to_latex(x[-3, 0])


def test_hidden_entries_are_never_formatted(monkeypatch):
    calls = []
    real = look_format.LATEX_NUMBER["float"]
    monkeypatch.setitem(look_format.LATEX_NUMBER, "float", lambda x, p: calls.append(x) or real(x, p))
    to_latex(torch.randn(1000, 1000))
    assert len(calls) == 36


def test_threshold_and_edgeitems():
    assert r"\cdots" not in to_latex(torch.zeros(1000))
    assert _cells(to_latex(torch.arange(1001)))[0] == ["0", "1", "2", r"\cdots", "998", "999", "1000"]
    small = LookSettings(threshold=5, edgeitems=1)
    assert to_latex(torch.arange(6), settings=small) == r"\begin{bmatrix} 0 & \cdots & 5 \end{bmatrix}"


def test_tall_matrix_keeps_its_narrow_columns():
    rows = _cells(to_latex(torch.zeros(2000, 2, dtype=torch.int64)))
    assert len(rows) == 7 and rows[3] == [r"\vdots", r"\vdots"]


def test_big_three_d_hides_blocks():
    tex = to_latex(torch.zeros(10, 20, 30))
    labels = re.findall(r"\\texttt\{(.*?)\}", tex)
    assert labels == [f"[{i},:,:]" for i in (0, 1, 2, 7, 8, 9)]
    assert r"\vdots & \vdots" in tex


# --- highlight ----------------------------------------------------------------------------------


def mark(tex: str) -> str:
    return r"\bbox[2px,border:2px solid " + VERMILLION + "]{" + tex + "}"


def test_highlight_one_index_per_row():
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert _cells(to_latex(x, highlight=torch.tensor([2, 0]))) == [["1", "2", mark("3")], [mark("4"), "5", "6"]]


def test_highlight_scalar_index_on_a_row():
    assert _cells(to_latex(torch.tensor([0.1, 0.7, 0.2]), highlight=1)) == [["0.100", mark("0.700"), "0.200"]]
    assert _cells(to_latex([5, 6], highlight=torch.tensor(0))) == [[mark("5"), "6"]]


def test_highlight_boolean_mask():
    x = torch.tensor([[1.0, -2.0], [-3.0, 4.0]])
    assert _cells(to_latex(x, highlight=x < 0)) == [["1", mark("-2")], [mark("-3"), "4"]]
    assert to_latex(2.5, highlight=True) == mark("2.50")


def _contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        c = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_highlight_keeps_text_colour_and_its_box_meets_aa_in_light_and_dark():
    # The number inside keeps the theme's text colour (no \color): the only colour is the box's,
    # a graphic, for which WCAG 2.1 AA (1.4.11) asks 3:1 on white and on Lab's dark #111111.
    tex = to_latex(torch.tensor([0.1, 0.7]), highlight=1)
    assert r"\color" not in tex and mark("0.700") in tex
    assert _contrast(VERMILLION, "#ffffff") >= 3 and _contrast(VERMILLION, "#111111") >= 3
    assert round(_contrast(VERMILLION, "#ffffff"), 2) == 4.78 and round(_contrast(VERMILLION, "#111111"), 2) == 3.95


def test_highlight_survives_summarising_and_custom_colour():
    x = torch.zeros(1000, 10)
    target = torch.full((1000,), 9)
    rows = _cells(to_latex(x, highlight=target, settings=LookSettings(highlight_color="#0072B2")))
    assert all(row[-1] == r"\bbox[2px,border:2px solid #0072B2]{0}" for row in rows if row[0] != r"\vdots")


@pytest.mark.parametrize(
    ("value", "highlight", "error", "message"),
    [
        (torch.zeros(2, 3), torch.tensor([0, 3]), ValueError, "index 3 is out of range"),
        (torch.zeros(2, 3), torch.tensor([-1, 0]), ValueError, "out of range"),
        (torch.zeros(2, 3), torch.tensor([0, 1, 2]), ValueError, r"shape \(2,\)"),
        (
            torch.zeros(2, 3),
            torch.zeros(3, 2, dtype=torch.bool),
            ValueError,
            r"mask must have the value's shape \(2, 3\)",
        ),
        (torch.zeros(3), 3, ValueError, "out of range"),
        (torch.zeros(3), torch.tensor([0.0]), TypeError, "must be integers"),
        (torch.zeros(3), "first", TypeError, "boolean mask"),
        (torch.tensor(1.0), 0, ValueError, "no rows to index"),
    ],
)
def test_bad_highlight_is_rejected(value, highlight, error, message):
    with pytest.raises(error, match=message):
        to_latex(value, highlight=highlight)


def test_highlight_applies_to_each_value_part_and_names_the_misfit():
    with pytest.raises(ValueError, match=r"part 3"):
        to_markdown("$p=$", torch.zeros(2, 3), torch.zeros(4, 5), highlight=torch.tensor([0, 1]))


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "error", "named"),
    [
        (None, TypeError, "NoneType"),
        ({"a": 1}, TypeError, "dict"),
        (1 + 2j, TypeError, "complex"),
        (torch.tensor([1 + 2j]), TypeError, "complex64"),
        (np.array(["a", "b"]), TypeError, "<U1"),
        (np.array([1, None], dtype=object), TypeError, "object"),
        ([1, "two"], TypeError, "str"),
        ([[1, 2], [3]], ValueError, "ragged"),
        ([1, [2]], ValueError, "ragged"),
        ([1, None], TypeError, "NoneType"),
        (object(), TypeError, "object"),
        ({1, 2}, TypeError, "set"),
        (torch.eye(2).to_sparse(), TypeError, "sparse"),
    ],
)
def test_bad_values_name_the_type_and_what_is_accepted(value, error, named):
    with pytest.raises(error) as info:
        to_latex(value)
    assert named in str(info.value)
    if error is TypeError:
        assert "torch tensor" in str(info.value) and "numpy" in str(info.value)


def test_bad_part_fails_before_anything_is_shown(capsys):
    with pytest.raises(TypeError, match=r"look \(part 3\) got NoneType"):
        look("$x=$", 1.0, None)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"precision": 0}, ValueError),
        ({"precision": 18}, ValueError),
        ({"precision": 2.5}, TypeError),
        ({"threshold": -1}, ValueError),
        ({"edgeitems": 0}, ValueError),
        ({"highlight_color": "red"}, ValueError),
        ({"highlight_color": "#D55E00}"}, ValueError),
    ],
)
def test_settings_are_validated(kwargs, error):
    with pytest.raises(error):
        LookSettings(**kwargs)


def test_settings_are_frozen_and_default_sensibly():
    settings = LookSettings()
    assert (settings.precision, settings.threshold, settings.edgeitems, settings.highlight_color) == (
        3,
        1000,
        3,
        VERMILLION,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.precision = 4  # type: ignore[misc]
    with pytest.raises(ValueError, match="precision"):
        to_latex(1.0, precision=0)
    with pytest.raises(TypeError, match="settings"):
        to_latex(1.0, settings={"precision": 3})


# --- Markdown -----------------------------------------------------------------------------------


def test_strings_pass_through_and_values_get_dollars():
    assert to_markdown("# Binary case") == "# Binary case"
    assert to_markdown("**loss**", 0.5, "and", 2) == "**loss** $0.500$ and $2$"
    assert to_markdown("a", 1, sep="\n\n") == "a" + "\n\n" + "$1$"
    with pytest.raises(TypeError, match="sep"):
        to_markdown("a", sep=None)


def test_empty_sep_may_not_glue_two_maths_into_display_math():
    assert to_markdown("x", 1, "y", sep="") == "x$1$y"
    assert to_markdown("$a$", "$b$", sep="") == "$a$$b$"  # the user's own strings pass untouched
    with pytest.raises(ValueError, match=r"parts 1 and 2 meet as '\$\$'"):
        to_markdown("$z=$", 1.5, sep="")
    with pytest.raises(ValueError, match="parts 2 and 3"):
        to_markdown("x", 1, 2, sep="")


# --- everything written is valid MathJax 3 ------------------------------------------------------


def _sample() -> list[str]:
    torch.manual_seed(5)
    values: list[object] = [
        torch.randn(5),
        torch.randn(3, 4),
        torch.randn(2, 3, 4),
        torch.randn(2, 2, 2, 2),
        torch.randn(1000, 1000),
        torch.randn(20, 3, 50),
        torch.randn(3000),
        torch.zeros(0, 3),
        torch.tensor(float("nan")),
        torch.tensor([math.nan, math.inf, -math.inf, -0.0, 1e-9, 6.02e23, 100.0, 0.001]),
        torch.tensor([True, False]),
        torch.arange(24).reshape(2, 3, 4),
        np.float16(0.1),
        10**30,
        [[1, 2], [3, 4]],
    ]
    values += [torch.randn(2, 3).to(d) for d in FLOAT_DTYPES]
    values += [torch.arange(6).reshape(2, 3).to(d) for d in INT_DTYPES]
    tex = [to_latex(v) for v in values]
    tex += [
        to_latex(torch.randn(4, 3), highlight=torch.tensor([0, 2, 1, 1])),
        to_latex(torch.randn(5), highlight=2),
        to_latex(torch.randn(1000, 10), highlight=torch.full((1000,), 9)),
        to_latex(torch.randn(2, 3, 4), highlight=torch.randn(2, 3, 4) > 0),
        to_latex(-1.5e-7, highlight=True),
    ]
    return tex


def test_everything_written_is_valid_mathjax3():
    sample = _sample()
    assert dict(zip(sample, tex_errors(sample))) == dict.fromkeys(sample)
    assert tex_errors(sample, display=True) == [None] * len(sample)


def test_markdown_output_is_found_and_valid_as_jupyterlab_reads_it():
    torch.manual_seed(6)
    md = to_markdown(
        r"**BCE** $L(\hat{y}, y)=$",
        torch.rand(5),
        r"with targets",
        torch.tensor([0, 1]),
        r"and $\sigma$",
    )
    highlighted = to_markdown("$p=$", torch.rand(3, 4), highlight=torch.tensor([0, 1, 2]))
    assert markdown_errors(md + "\n\n" + highlighted) == []


# --- text/plain and display ---------------------------------------------------------------------


def _text(*parts, **kwargs) -> str:
    """The text/plain alternative that look() publishes in IPython."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    try:
        with capture_output() as captured:
            look(*parts, **kwargs)
    finally:
        InteractiveShell.clear_instance()
    (output,) = captured.outputs
    return output.data["text/plain"]


def test_text_lays_out_like_torch():
    torch.manual_seed(0)
    z = torch.randn(5)
    assert _text("$z=$", z) == "$z=$ [  1.54, -0.293,  -2.18,  0.568,  -1.08]"
    matrix = torch.tensor([[1.0, -0.5], [10.0, 2.25]])
    assert _text("$A=$", matrix, "ok").splitlines() == ["$A=$ [[     1, -0.500],", "      [    10,   2.25]] ok"]
    assert _text("$A=$", matrix, "ok", settings=LookSettings(trailing_zeros=False)).splitlines() == [
        "$A=$ [[   1, -0.5],",
        "      [  10, 2.25]] ok",
    ]
    assert _text(torch.tensor(1e6)) == "1.00e+06"
    assert _text(torch.tensor([math.nan, -math.inf, True])) == "[ nan, -inf,    1]"
    assert _text(torch.zeros(0, 3)) == "empty tensor of shape (0, 3)"


def test_text_marks_highlight_and_shows_summary():
    assert _text(torch.tensor([[1, 2], [3, 4]]), highlight=torch.tensor([1, 0])) == "[[1 , 2*],\n [3*, 4 ]]"
    lines = _text(torch.arange(2000).reshape(1000, 2)).splitlines()
    assert lines[3] == " ...," and len(lines) == 7
    assert _text(torch.arange(8).reshape(2, 2, 2)) == "[[[0, 1],\n  [2, 3]],\n\n [[4, 5],\n  [6, 7]]]"


@pytest.fixture
def ipython_shell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    yield shell
    InteractiveShell.clear_instance()


def test_look_in_ipython_publishes_markdown_with_text_alternative(ipython_shell):
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        result = look("$A=$", torch.tensor([[1, 2], [3, 4]]))
    assert result is None
    assert captured.stdout == ""
    (output,) = captured.outputs
    assert output.data == {
        "text/markdown": r"$A=$ $\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}$",
        "text/plain": "\n".join(["$A=$ [[1, 2],", "      [3, 4]]"]),
    }


def test_look_in_plain_python_prints_text():
    script = textwrap.dedent(
        """
        import torch
        from helper.look import look
        torch.manual_seed(0)
        result = look("$z=$", torch.randn(2, 3))
        assert result is None
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True
    )
    assert done.stdout.splitlines() == ["$z=$ [[  1.54, -0.293,  -2.18],", "      [ 0.568,  -1.08,  -1.40]]"]
    assert done.stdout.endswith("]]\n")


# --- MathJax 2 (nbconvert HTML and slides) draws the same, in a real browser ---------------------

MATHJAX2 = node_modules() / "mathjax"

_MJ2_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  tex2jax: {inlineMath: [["$", "$"]]},
  TeX: {extensions: ["AMSmath.js", "AMSsymbols.js" EXTRA], noErrors: {disabled: true}, noUndefined: {disabled: true}},
  messageStyle: "none"
});
window.texErrors = [];
MathJax.Hub.Register.MessageHook("TeX Jax - parse error", function (m) { window.texErrors.push(m[1]); });
MathJax.Hub.Queue(function () { window.mathjaxDone = true; });
</script>
<script src="/mathjax/MathJax.js?config=TeX-AMS_CHTML"></script>
</head><body>BODY</body></html>"""


@pytest.mark.browser
def test_mathjax2_draws_the_sample_and_boxes_only_marked_entries(chromium):
    r"""MathJax 2.7.7 with the v2 ``\color`` and with color.js: no parse error, a box around the marked entries
    only, and no text drawn in the highlight colour."""
    assert (MATHJAX2 / "MathJax.js").is_file(), f"{MATHJAX2} is missing: run {install_hint()}"
    torch.manual_seed(7)
    x = torch.tensor([[0.5, -1.25, 3.0], [2.0, 0.125, -7.0]])
    # The scalar is followed by more math: a box or colour that leaked past its entry would take in "+ 1".
    marked = to_latex(x, highlight=torch.tensor([1, 2])) + " + " + to_latex(-1.5, highlight=True) + " + 1"
    snippets = [*_sample(), marked, r"\fracc{1}{2}"]
    body = "".join(f"<div id='s{i}'>$${s}$$</div>" for i, s in enumerate(snippets))
    origin = "http://127.0.0.1:9"  # never contacted: every request is answered from disk below

    def serve(route):
        path = route.request.url.removeprefix(origin).split("?")[0]
        if path == "/page.html":
            route.fulfill(body=page, content_type="text/html")
        elif path.startswith("/mathjax/") and (MATHJAX2 / path[len("/mathjax/") :]).is_file():
            route.fulfill(path=str(MATHJAX2 / path[len("/mathjax/") :]))
        else:
            route.abort()

    for extra in ("", ', "color.js"'):
        page = _MJ2_PAGE.replace("EXTRA", extra).replace("BODY", body)
        tab = chromium.new_page()
        tab.route("**/*", serve)
        tab.goto(f"{origin}/page.html")
        tab.wait_for_function("window.mathjaxDone === true", timeout=60_000)
        assert tab.evaluate("window.texErrors") == [r"Undefined control sequence \fracc"]
        boxed, coloured = tab.evaluate(
            """id => {
              const all = Array.from(document.querySelectorAll(`#${id} [style]`));
              const boxed = all.filter(e => /border[^;]*rgb\\(192, 80, 0\\)/.test(e.getAttribute('style')));
              const coloured = all.filter(e => getComputedStyle(e).color === 'rgb(192, 80, 0)');
              return [boxed.map(e => e.textContent), coloured.map(e => e.textContent)];
            }""",
            f"s{len(snippets) - 2}",
        )
        assert boxed == ["\u22121.25", "\u22127", "\u22121.50"], extra
        assert coloured == [], extra
        tab.close()
