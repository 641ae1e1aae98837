"""Course machinery: the notebook list, `make outputs`, `make slides`, `make present`.

Run the tools as ``python -m helper.course.outputs`` (``slides``, ``present``). Nothing
here is imported by ``import helper``, so a learner's import stays light.

The files the tools read ship with the package in ``assets/``: the slide template,
the lecture settings, and the npm ``package.json`` + lock that supply reveal.js,
MathJax and the Node tools. ``make`` installs those npm packages with ``npm ci``
into ``assets/node_modules`` (see `node_modules`).
"""

from __future__ import annotations

import os
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "assets"
NODE_MODULES_ENV = "L2L_NODE_MODULES"


def node_modules() -> Path:
    """The folder holding the course's npm packages (reveal.js, MathJax 2, mathjax-full).

    ``assets/node_modules`` beside ``assets/package.json``, where ``make`` runs
    ``npm ci``; the environment variable ``L2L_NODE_MODULES`` points elsewhere
    (e.g. for a non-editable install whose package folder is read-only).
    """
    override = os.environ.get(NODE_MODULES_ENV)
    return Path(override).resolve() if override else ASSETS / "node_modules"


def install_hint() -> str:
    """The command that installs the npm packages into `node_modules` (for error messages)."""
    return f"`make node` (or `npm ci --prefix {ASSETS}`)"


def shown(path: Path) -> str:
    """`path` relative to the working directory when it is inside it (for the tools' messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
