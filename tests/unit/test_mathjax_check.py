"""The strict MathJax 3 checker and the Markdown math finder used by every LaTeX test."""

from __future__ import annotations

import pytest
from mathjax_check import MathDelimiterError, markdown_errors, markdown_math, markdown_snippets, tex_errors

GOOD = [
    r"\frac{1}{2}",
    r"\hat{y} = \sigma(z)",
    r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
    r"{\color{#D55E00}{\boxed{1.54}}}",
    r"\mathrm{NaN},\ -\infty,\ \cdots,\ \vdots,\ \ddots",
    r"\text{empty tensor of shape } (0, 3)",
    r"L = -\frac{1}{n}\sum_{i=1}^{n} \left(y_i \log \hat{y}_i + (1-y_i)\log(1-\hat{y}_i)\right)",
    r"\operatorname{softmax}(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}",
    r"\require{cancel}\cancel{x}",
]

BAD = {
    r"\fracc{1}{2}": "Undefined control sequence",
    r"{x": "brace",
    r"x}": "brace",
    r"\hat": r"Missing argument for \hat",
    r"x^1^2": "Double exponent",
    r"\left( x": r"\left",
    r"\begin{bmatrix} 1 \end{pmatrix}": "end",
    r"\require{physics}": "extension",
}


def test_good_strings_pass():
    assert tex_errors(GOOD) == [None] * len(GOOD)


def test_bad_strings_fail_with_mathjax_message():
    errors = tex_errors(list(BAD))
    for (tex, expected), error in zip(BAD.items(), errors):
        assert error is not None, f"{tex!r} should fail"
        assert expected in error, f"{tex!r}: {error!r}"


def test_display_math_is_checked_too():
    good, bad = tex_errors([r"\sum_i x_i", r"\sum_i x_"], display=True)
    assert good is None
    assert "Missing superscript or subscript argument" in bad


def test_one_call_keeps_order_for_many_strings():
    snippets = [rf"{i} + \frac{{1}}{{{i}}}" if i % 7 else r"\oops" for i in range(300)]
    errors = tex_errors(snippets)
    assert [e is None for e in errors] == [i % 7 != 0 for i in range(300)]


def test_empty_list_needs_no_node():
    assert tex_errors([]) == []


@pytest.mark.parametrize("bad", ["x", None, [1], (r"\x", 2)])
def test_tex_errors_rejects_non_strings(bad):
    with pytest.raises(TypeError, match="TeX strings"):
        tex_errors(bad)


def test_missing_node_modules_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("L2L_NODE_MODULES", str(tmp_path / "nope"))
    with pytest.raises(RuntimeError, match=r"npm ci --prefix .*helper/course/assets"):
        tex_errors([r"x"])


# --- Markdown ------------------------------------------------------------------------------------


def test_inline_display_and_environments_are_found_in_order():
    md = "\n".join(
        [
            r"# Softmax $\sigma$",
            r"Inline $a+b$ and display:",
            r"$$",
            r"\sum_i e^{z_i}",
            r"$$",
            r"\begin{align} x &= 1 \\ y &= 2 \end{align}",
            r"and \\(p\\) then \\[q\\].",
        ]
    )
    snippets = markdown_snippets(md)
    assert [s.tex for s in snippets] == [
        r"\sigma",
        "a+b",
        "\n" + r"\sum_i e^{z_i}" + "\n",
        r"\begin{align} x &= 1 \\ y &= 2 \end{align}",
        "p",
        "q",
    ]
    assert [s.display for s in snippets] == [False, False, True, True, False, True]
    assert [s.line for s in snippets] == [1, 2, 3, 6, 7, 7]


def test_escaped_dollars_and_code_are_not_math():
    md = "\n".join(
        [
            r"It costs \$5, or \$6 with tax; $x$ is math.",
            r"Code `$HOME` and `` a $b$ `` stay code.",
            "```bash",
            "echo $PATH",
            "```",
            r"After the fence $y$.",
        ]
    )
    assert markdown_math(md) == ["x", "y"]


def test_braces_keep_math_open_past_a_dollar():
    # JupyterLab's rule: a closing `$` inside unbalanced braces does not close the math.
    assert markdown_math(r"$\text{a $b$ c}$ d") == [r"\text{a $b$ c}"]


def test_unclosed_dollar_is_reported_with_its_line():
    with pytest.raises(MathDelimiterError, match=r"'\$' on line 3"):
        markdown_math("\n\n".join(["fine $a$", "this costs $5", "next paragraph"]))


def test_math_does_not_cross_a_blank_line():
    with pytest.raises(MathDelimiterError, match="line 1"):
        markdown_math("\n\n".join(["$a", "b$"]))


def test_unclosed_environment_is_reported():
    with pytest.raises(MathDelimiterError, match=r"begin\{align\}"):
        markdown_math(r"\begin{align} x &= 1")


def test_markdown_errors_names_line_and_message():
    md = "\n".join([r"ok $\frac{1}{2}$", r"$\fracc{1}{2}$ and $\hat$", "", r"$$\sum_i$$"])
    problems = markdown_errors(md)
    assert len(problems) == 2
    assert problems[0].startswith(r"line 2: Undefined control sequence \fracc")
    assert problems[1].startswith(r"line 2: Missing argument for \hat")
    assert markdown_errors("no math here") == []
    (unclosed,) = markdown_errors("\n\n".join(["costs $5", "ok"]))
    assert "never closed" in unclosed


def test_markdown_math_rejects_non_text():
    with pytest.raises(TypeError, match="str"):
        markdown_math(["$x$"])
