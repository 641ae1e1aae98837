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
valid module with the explorer's default export. ``tests/unit/test_explorer_js.py``
checks the composition loads in Node and renders nothing twice.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["JS_DIR", "compose", "css"]

JS_DIR = Path(__file__).with_name("js")
SHARED = ("lossmath.js", "kit.js")
_RELATIVE_IMPORT = re.compile(r"^import\s+\{[^}]*\}\s+from\s+\"\./[a-z]+\.js\";[ \t]*\n", re.M)


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
        pieces.append(f"// ---- {name}\n" + _RELATIVE_IMPORT.sub("", source))
    out = "\n".join(pieces)
    if re.search(r"^import\s", out, re.M):
        raise RuntimeError(f"{widget_module}: an import is left after composing; use only ./<name>.js imports")
    return out


@cache
def css() -> str:
    """The stylesheet shared by every explorer."""
    return (JS_DIR / "explorers.css").read_text(encoding="utf-8")
