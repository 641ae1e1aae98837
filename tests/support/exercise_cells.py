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
from pathlib import Path
from typing import Any, Callable

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
