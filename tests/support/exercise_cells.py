"""The notebooks' exercise cells, read so that solution tests use the learner's own data.

An exercise cell defines its data, then ``answer = ...``, then calls ``check``. Running
the part above ``answer = ...`` (of that cell and the exercise cells before it in the
same notebook) gives the variables a learner has when answering, so the data in the
notebook and the oracle in ``helper/exercises/nbNN.py`` cannot drift apart.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F

from helper.course.notebooks import notebook

ANSWER_LINE = re.compile(r"^answer = \.\.\..*$", re.M)
CHECK_KEY = re.compile(r"""check\(\s*["']([^"']+)["']""")


def exercise_cells(prefix: str) -> list[tuple[str, str]]:
    """(key, source) of every code cell of notebook ``prefix`` that calls check, in order."""
    nb = json.loads(notebook(prefix).read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and (m := CHECK_KEY.search(src)):
            cells.append((m[1], src))
    return cells


def exercise_cell(key: str) -> str:
    """The source of the one exercise cell that checks ``key``."""
    found = [src for k, src in exercise_cells(key[:2]) if k == key]
    assert len(found) == 1, f"expected one exercise cell checking {key!r}, found {len(found)}"
    return found[0]


def cell_data(key: str) -> dict[str, Any]:
    """Variables a learner has when answering ``key``: the data lines of its cell and the exercise cells before it."""
    namespace: dict[str, Any] = {"torch": torch, "F": F, "nn": nn}
    for other, src in exercise_cells(key[:2]):
        m = ANSWER_LINE.search(src)
        assert m, f"the exercise cell of {other!r} has no 'answer = ...' line"
        exec(src[: m.start()], namespace)  # literal tensors and seeded draws only
        if other == key:
            return namespace
    raise AssertionError(f"notebook {key[:2]} has no exercise cell checking {key!r}")


def answer(key: str, solution: Callable[..., Any]) -> Any:
    """Call ``solution`` with the cell variables named by its parameters."""
    data = cell_data(key)
    names = list(inspect.signature(solution).parameters)
    missing = [n for n in names if n not in data]
    assert not missing, f"the exercise cells up to {key!r} do not define {missing}"
    return solution(**{n: data[n] for n in names})


# ---------------------------------------------------------------- the two parts of a notebook

EXERCISES_HEADING = re.compile(r"^#{1,3}\s*Exercises\b", re.M)
MAGIC = re.compile(r"^\s*[%!].*$", re.M)


def exercises_start(cells: list[dict]) -> int:
    """Index of the Markdown cell that opens the Exercises section (len(cells) if there is none)."""
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown" and EXERCISES_HEADING.search("".join(cell["source"])):
            return i
    return len(cells)


def setup_sources(prefix: str) -> list[str]:
    """The code cells of the Exercises section that check nothing: the setup a restarted kernel runs first."""
    cells = json.loads(notebook(prefix).read_text(encoding="utf-8"))["cells"]
    return [
        "".join(c["source"])
        for c in cells[exercises_start(cells) :]
        if c["cell_type"] == "code" and not CHECK_KEY.search("".join(c["source"]))
    ]


def in_lesson(key: str) -> bool:
    """Whether the cell checking ``key`` stands before the Exercises heading (a graded prediction)."""
    cells = json.loads(notebook(key[:2]).read_text(encoding="utf-8"))["cells"]
    start = exercises_start(cells)
    return any(
        c["cell_type"] == "code" and (m := CHECK_KEY.search("".join(c["source"]))) and m[1] == key
        for c in cells[:start]
    )


def lesson_names(prefix: str) -> set[str]:
    """Names the lesson part of a notebook (before the Exercises heading) assigns, defines or imports."""
    import ast

    cells = json.loads(notebook(prefix).read_text(encoding="utf-8"))["cells"]
    names: set[str] = set()
    for cell in cells[: exercises_start(cells)]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse(MAGIC.sub("", "".join(cell["source"])))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def exercise_namespace(key: str) -> dict[str, Any]:
    """What a learner has at ``answer = ...`` after a restart: the setup cell(s), then the exercise data."""
    namespace: dict[str, Any] = {}
    for src in setup_sources(key[:2]):
        exec(MAGIC.sub("", src), namespace)
    namespace.update(cell_data(key))  # the data lines of the exercise cells up to this one
    return namespace
