"""Compose each explorer's front end into ONE ES module string for anywidget.

The JavaScript lives in ``helper/explorers/js/`` as ordinary ES modules:

- ``lossmath.js``: the shared maths (softmax, log-sum-exp three ways, cross-entropy,
  BCE, entropy/KL, float16/float32 rounding), tested against torch in Node;
- ``kit.js``: the shared page pieces (sliders, readouts, the "torch agrees" line);
- one module per explorer (``logits.js``, ``binary.js``, ``stability.js``,
  ``distribution.js``) exporting ``default { render }``.

Each module imports what it uses with a relative import (``import { softmax } from
"./lossmath.js"``), so Node and any browser can load the files as they are. anywidget,
however, loads the module from a string (the ``_esm`` trait, saved in the notebook's
widget state), where a relative import has nothing to resolve against. So, with no
bundler, :func:`compose` concatenates ``lossmath.js + kit.js + <explorer>.js`` and drops
the relative import lines; the names stay unique across the modules, so the result is one
valid module with the explorer's default export. It ships the code without comments
(:func:`strip_comments`), so that a comment edit changes no notebook's saved widget state.
``tests/unit/test_explorer_js.py`` checks the composition loads in Node and renders nothing
twice; ``tests/unit/test_esm.py`` that stripping keeps the code and drops every comment.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["JS_DIR", "compose", "css", "strip_comments"]

JS_DIR = Path(__file__).with_name("js")
SHARED = ("lossmath.js", "kit.js")
_RELATIVE_IMPORT = re.compile(r"^import\s+\{[^}]*\}\s+from\s+\"\./[a-z]+\.js\";[ \t]*\n", re.M)


_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^")
_REGEX_KEYWORDS = ("return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield")


def strip_comments(source: str) -> str:
    """JavaScript without its comments, trailing spaces and blank lines; code, strings, template
    literals (``${...}`` nested too) and regular-expression literals are kept byte for byte.

    A small scanner, not a parser: it knows strings, templates, regex literals (a ``/`` where
    an expression may start) and comments, which is all that decides what a comment is.
    Newlines outside strings are kept one per line (automatic semicolon insertion sees the
    same line breaks). Raises ValueError on an unterminated string, template, regex or comment.
    """
    out: list[str] = []
    i, n = 0, len(source)
    templates: list[int] = []  # brace depth at each open ${ of a template literal
    depth = 0
    last = ""  # the last significant character (or keyword) emitted, to tell a regex from a division

    def trim() -> None:  # drop spaces before a removed comment, and a line left blank
        while out and out[-1] in (" ", "\t"):
            out.pop()

    def template(j: int) -> int:
        """Copy a template literal's text from j (just after ` or }) up to its end or to ${."""
        start = j
        while j < n:
            ch = source[j]
            if ch == "\\":
                j += 2
            elif ch == "`":
                out.append(source[start : j + 1])
                return j + 1
            elif source.startswith("${", j):
                out.append(source[start : j + 2])
                templates.append(depth)
                return j + 2
            else:
                j += 1
        raise ValueError("unterminated template literal")

    while i < n:
        c = source[i]
        if source.startswith("//", i):
            trim()
            j = source.find("\n", i)
            i = n if j < 0 else j
            continue
        if source.startswith("/*", i):
            j = source.find("*/", i + 2)
            if j < 0:
                raise ValueError("unterminated comment")
            trim()
            if "\n" not in source[i:j]:
                out.append(" ")
            elif out and out[-1] != "\n":
                out.append("\n")
            i = j + 2
            continue
        if c in "'\"":
            j = i + 1
            while j < n and source[j] != c:
                if source[j] == "\n":
                    raise ValueError("unterminated string")
                j += 2 if source[j] == "\\" else 1
            if j >= n:
                raise ValueError("unterminated string")
            out.append(source[i : j + 1])
            i, last = j + 1, "x"
            continue
        if c == "`":
            out.append("`")
            i, last = template(i + 1), "x"
            continue
        if c == "/" and (last in _REGEX_AFTER or last in _REGEX_KEYWORDS or last == ""):
            j, in_class = i + 1, False
            while j < n and (in_class or source[j] != "/"):
                if source[j] == "\n":
                    raise ValueError("unterminated regular expression")
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and (source[j].isalnum() or source[j] in "_$"):  # flags
                j += 1
            out.append(source[i:j])
            i, last = j, "x"
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if templates and templates[-1] == depth:
                templates.pop()
                out.append("}")
                i, last = template(i + 1), "x"
                continue
            depth -= 1
        if c == "\n":
            trim()
            if out and out[-1] != "\n":
                out.append("\n")
            i += 1
            continue
        if c.isalnum() or c in "_$":
            j = i
            while j < n and (source[j].isalnum() or source[j] in "_$"):
                j += 1
            word = source[i:j]
            out.append(word)
            i, last = j, (word if word in _REGEX_KEYWORDS else "x")
            continue
        out.append(c)
        if not c.isspace():
            last = c
        i += 1
    if templates:
        raise ValueError("unterminated template literal")
    text = "".join(out)
    return text.lstrip("\n")


@cache
def compose(widget_module: str) -> str:
    """The ES module string for one explorer: shared modules first, then ``widget_module``.

    ``widget_module`` is a file name in ``helper/explorers/js/`` (e.g. ``"logits.js"``).
    """
    if widget_module in SHARED or not (JS_DIR / widget_module).is_file():
        raise ValueError(f"no explorer module {widget_module!r} in {JS_DIR.name}/")
    pieces = []
    for name in (*SHARED, widget_module):
        source = (JS_DIR / name).read_text(encoding="utf-8")
        pieces.append(strip_comments(_RELATIVE_IMPORT.sub("", source)))
    out = "".join(p if p.endswith("\n") else p + "\n" for p in pieces)
    if re.search(r"^import\s", out, re.M):
        raise RuntimeError(f"{widget_module}: an import is left after composing; use only ./<name>.js imports")
    return out


@cache
def css() -> str:
    """The stylesheet shared by every explorer."""
    return (JS_DIR / "explorers.css").read_text(encoding="utf-8")
