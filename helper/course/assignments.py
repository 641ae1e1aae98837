"""Autograded assignments (`make assignments`): an otter-grader assignment per course notebook.

Run as ``python -m helper.course.assignments [NOTEBOOK ...] [--out build/assignments]``. For each
notebook it writes an otter "master" notebook and runs ``otter assign`` on it, which gives
``OUT/NN_topic/dist/student/NN_topic.ipynb`` (the notebook to hand out: every exercise cell with
``answer = ...`` to fill, our ``check`` self-checks kept) and
``OUT/NN_topic/dist/autograder/NN_topic-autograder_*.zip`` (hidden tests; grade a submission with
``otter run -a ZIP -o OUTDIR SUBMISSION.ipynb``, no Docker needed).

Everything is generated, never hand-written: the exercises come from the notebook's own
``check("KEY", answer)`` cells and their oracles in ``helper.exercises.EXERCISES`` (expected
value, tolerances, shape rule, worked ``solution``), so the assignments follow the exercises when
they change. Each exercise cell records its answer in ``submitted[KEY]``; the hidden test compares
it with the expected value, written into the test as plain numbers, by :func:`accepts`: the same
rules as ``check`` (squeezed shapes, or the exact shape; bools; words without case) but on plain
data read through torch's and numpy's own base methods, so an answer object that overrides
``allclose``, ``__eq__``, ``tolist`` or ``__torch_function__`` gets no say in its grade.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import torch

from helper.course.notebooks import ROOT, notebooks

DEFAULT_OUT = ROOT / "build" / "assignments"
ANSWER_LINE = re.compile(r"^answer = \.\.\..*$", re.M)
CHECK_KEY = re.compile(r"""check\(\s*["']([^"']+)["']""")
RECORD = "submitted[{key!r}] = answer  # keep this line: the autograder reads your answer here"


# -- plain data, read without asking the answer object ------------------------------------------


def plain(value: Any) -> tuple[str, Any, tuple[int, ...] | None] | None:
    """``(kind, data, shape)`` of an answer as plain Python data, or None if it is no accepted form.

    kind is ``"str"``, ``"bools"`` (a flat list) or ``"numbers"`` (nested lists of float/int);
    shape is the object's own ``.shape`` (None for Python lists and numbers). Tensors and arrays
    are read through ``torch._C.TensorBase`` / ``numpy.ndarray`` methods with torch-function
    overrides disabled, so a subclass cannot change what is read.
    """
    if isinstance(value, (bool, np.bool_)):
        return "bools", [bool(value)], None
    if isinstance(value, torch.Tensor):
        base = torch._C.TensorBase
        with torch._C.DisableTorchFunction():
            dtype = base.dtype.__get__(value)
            shape = tuple(base.size(value))
            if dtype.is_complex:
                return None
            data = base.tolist(base.cpu(base.detach(value)))
        if dtype == torch.bool:
            return "bools", list(np.asarray(data, dtype=bool).reshape(-1).tolist()), shape
        return "numbers", data, shape
    if isinstance(value, np.ndarray):
        dtype, shape = np.ndarray.dtype.__get__(value), tuple(np.ndarray.shape.__get__(value))
        data = np.ndarray.tolist(value)
        if dtype == np.bool_:
            return "bools", list(np.asarray(data, dtype=bool).reshape(-1).tolist()), shape
        if dtype.kind not in "iuf":
            return None
        return "numbers", data, shape
    if isinstance(value, np.generic):
        return ("numbers", float(np.asarray(value, dtype=np.float64)), None) if value.dtype.kind in "iuf" else None
    if isinstance(value, int):
        return "numbers", int.__int__(value), None
    if isinstance(value, float):
        return "numbers", float.__float__(value), None
    if isinstance(value, str):
        return "str", str.__str__(value), None
    if isinstance(value, (list, tuple)):
        items = list(list.__iter__(value) if isinstance(value, list) else tuple.__iter__(value))
        parts = [plain(v) for v in items]
        if not parts or any(p is None for p in parts):
            return None
        one_bools = [p[0] == "bools" and len(p[1]) == 1 and (p[2] is None or math.prod(p[2]) == 1) for p in parts]
        if all(one_bools):
            return "bools", [p[1][0] for p in parts], None
        if all(p[0] == "numbers" for p in parts):
            return "numbers", [p[1] for p in parts], None
    return None


def spec(key: str) -> dict[str, Any]:
    """What the hidden test of exercise ``key`` compares with: the oracle's value as plain data, the rules."""
    from helper.exercises import EXERCISES

    ex = EXERCISES[key]
    found = plain(ex.expected())
    if found is None:
        raise ValueError(f"exercise {key!r}: its oracle's value is not a number, bool or word")
    kind, data, shape = found
    return {
        "key": key,
        "kind": kind,
        "value": data,
        "shape": list(shape) if shape is not None else None,
        "exact_shape": ex.shape == "exact",
        "rtol": ex.rtol,
        "atol": ex.atol,
    }


def accepts(answer: Any, want: dict[str, Any]) -> bool:
    """Whether ``answer`` is an accepted form of ``want`` (a :func:`spec`): check's rules on plain data."""
    got = plain(answer)
    if got is None or answer is ... or answer is None:
        return False
    kind, data, shape = got
    if want["kind"] == "str":
        return kind == "str" and " ".join(data.lower().split()) == " ".join(str(want["value"]).lower().split())
    if want["kind"] == "bools":
        return kind == "bools" and [bool(b) for b in data] == [bool(b) for b in want["value"]]
    if kind != "numbers":
        return False
    try:
        a = np.asarray(data, dtype=np.float64).squeeze()
    except (TypeError, ValueError):
        return False
    b = np.asarray(want["value"], dtype=np.float64).squeeze()
    if a.shape != b.shape:
        return False
    if want["exact_shape"] and tuple(shape or ()) != tuple(want["shape"] or ()):
        return False
    return bool(np.allclose(a, b, rtol=want["rtol"], atol=want["atol"], equal_nan=True))


# -- the otter master notebook -------------------------------------------------------------------


def _raw(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_raw_cell(text)


def _question_name(key: str) -> str:
    return "q" + re.sub(r"[^0-9a-zA-Z]+", "_", key)


def _hidden_test(key: str) -> str:
    want = json.dumps(spec(key), allow_nan=True)
    return (
        "# HIDDEN\n"
        "import json as _json\n"
        "from helper.course.assignments import accepts as _accepts\n"
        f"assert _accepts(submitted.get({key!r}), _json.loads({want!r})), 'not accepted'\n"
    )


def master(nb: nbformat.NotebookNode, name: str) -> tuple[nbformat.NotebookNode, list[str]]:
    """The otter master notebook of course notebook ``nb`` and the exercise keys it grades."""
    from helper.exercises import EXERCISES

    config = "\n".join(
        [
            "# ASSIGNMENT CONFIG",
            f"name: {name}",
            *(f"{option}: false" for option in ("init_cell", "check_all_cell", "export_cell", "run_tests")),
            *(f"{option}: false" for option in ("solutions_pdf", "template_pdf")),
            "generate:",
            "  pdf: false",
            "  filtering: false",
            "",
        ]
    )
    cells = [_raw(config)]
    keys: list[str] = []
    recorded = False
    for cell in nb.cells:
        cell = nbformat.from_dict(cell)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        m = CHECK_KEY.search(cell.source) if cell.cell_type == "code" else None
        if not m:
            cells.append(cell)
            if cell.cell_type == "code" and not recorded:
                cells.append(nbformat.v4.new_code_cell("submitted = {}  # your answers, read by the autograder"))
                recorded = True
            continue
        key = m[1]
        if key not in EXERCISES:
            raise ValueError(f"{name}: the cell checking {key!r} has no exercise in helper.exercises")
        answer = ANSWER_LINE.search(cell.source)
        if not answer:
            raise ValueError(f"{name}: the exercise cell of {key!r} has no 'answer = ...' line")
        solution = EXERCISES[key].solution
        if not solution:
            raise ValueError(f"{name}: exercise {key!r} has no worked solution")
        src = cell.source
        code = (
            src[: answer.start()]
            + "# BEGIN SOLUTION NO PROMPT\n"
            + solution
            + "\n# END SOLUTION\n"
            + '""" # BEGIN PROMPT\n'
            + answer[0]
            + '\n""" # END PROMPT\n'
            + src[answer.end() :].lstrip("\n").rstrip("\n")
            + "\n"
            + RECORD.format(key=key)
        )
        if not recorded:
            raise ValueError(f"{name}: an exercise cell comes before any other code cell")
        cells += [
            _raw("\n".join(["# BEGIN QUESTION", f"name: {_question_name(key)}", "points: 1"])),
            _raw("# BEGIN SOLUTION"),
            nbformat.v4.new_code_cell(code),
            _raw("# END SOLUTION"),
            _raw("# BEGIN TESTS"),
            nbformat.v4.new_code_cell(_hidden_test(key)),
            _raw("# END TESTS"),
            _raw("# END QUESTION"),
        ]
        keys.append(key)
    out = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    out.metadata.pop("widgets", None)
    return out, keys


def build(notebook: Path, out: Path = DEFAULT_OUT) -> dict[str, Any]:
    """Write the assignment of one notebook under ``out/<stem>/``; returns its paths and graded keys."""
    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    folder = Path(out) / notebook.stem
    folder.mkdir(parents=True, exist_ok=True)
    m, keys = master(nb, notebook.stem)
    if not keys:
        return {"notebook": notebook, "keys": [], "student": None, "autograder": None}
    source = folder / notebook.name
    nbformat.write(m, source)
    dist = folder / "dist"
    subprocess.run(["rm", "-rf", str(dist)], check=True)
    r = subprocess.run(
        [sys.executable, "-m", "otter", "assign", str(source), str(dist)], cwd=folder, capture_output=True, text=True
    )
    if r.returncode:
        raise RuntimeError(f"otter assign failed on {notebook.name}:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    zips = sorted((dist / "autograder").glob("*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"otter assign wrote {len(zips)} autograder zips for {notebook.name}")
    return {"notebook": notebook, "keys": keys, "student": dist / "student" / notebook.name, "autograder": zips[0]}


def grade(autograder: Path, submission: Path, out: Path) -> dict[str, float]:
    """``otter run`` one submission; returns the score of each question (name -> points)."""
    out.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        [sys.executable, "-m", "otter", "run", "-a", str(autograder), "-o", str(out), str(submission)],
        capture_output=True,
        text=True,
    )
    results = out / "results.json"
    if r.returncode or not results.exists():
        raise RuntimeError(f"otter run failed on {submission}:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return scores(json.loads(results.read_text()))


def scores(results: dict) -> dict[str, float]:
    """Score of each question (name -> points) from otter's results.json (Gradescope format)."""
    return {
        t["name"]: float(t["score"])
        for t in results.get("tests", [])
        if "score" in t and t.get("name") != "Public Tests"
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/assignments)")
    args = parser.parse_args(argv)
    for path in args.notebooks or notebooks():
        try:
            made = build(path, args.out)
        except (ValueError, RuntimeError) as e:
            print(f"assignments: {e}", file=sys.stderr)
            return 1
        if made["student"]:
            print(f"{made['student']}: {len(made['keys'])} graded exercises; autograder {made['autograder']}")
        else:
            print(f"{path.name}: no exercises, no assignment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
