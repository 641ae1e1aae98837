"""Notebooks survive how students really work (issue 21, item 1), with a real kernel.

For every course notebook, with the worked solutions filled in (``helper.course.solutions.solve``):

(a) run all, then re-run every lesson cell (before the Exercises heading; cells that only import or
    define are skipped), last to first: each output equals its stored output, compared the way strict
    nbval does (same sanitize file; images and widget views skipped);
(b) restart and run only the Exercises section (its heading, setup cell and exercises): every
    ``check`` says correct;
(c) every cell that draws random numbers, run once more (last to first, after its re-run in (a), or
    twice in the Exercises section): the same output both times.

Plus, without a kernel: (d) the Exercises section assigns none of the lesson's names, so running
the exercises cannot change what a lesson cell shows when it is run again.

One kernel runs (a) and (c), another (b), per notebook (about twice a notebook's run time). Each
failure names the cell by its index in the committed notebook and says what differs.
"""

from __future__ import annotations

import ast
import copy
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from exercise_cells import CHECK_KEY, MAGIC, exercises_start
from nbclient import NotebookClient
from nbval.plugin import coalesce_streams, get_sanitize_patterns, transform_streams_for_comparison

from helper.course.notebooks import ROOT, WIDGET_VIEW, notebooks
from helper.course.outputs import KERNEL
from helper.course.solutions import BANNER, solve

NOTEBOOKS = notebooks()
SANITIZE = get_sanitize_patterns((ROOT / "tests" / "support" / "nbval_sanitize.cfg").read_text(encoding="utf-8"))
# What nbval leaves out of the comparison, plus the pictures (as asked: images are not compared here).
SKIP_KEYS = {
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    WIDGET_VIEW,
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "transient",
}
RANDOM = re.compile(
    r"\b(?:randn|rand|randint|randperm|randn_like|rand_like|randint_like|normal_|uniform_|multinomial|"
    r"bernoulli|dropout|manual_seed|Generator|shuffle)\b|np\.random|\brandom\.|nn\.(?:Linear|Conv\w*|Embedding)\("
)
ONLY_DEFINES = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
CORRECT = "Correct. Well done."
SHOWN = 160  # characters of an output quoted in a failure message


# ---------------------------------------------------------------- cells


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _nbval_skipped(cell) -> bool:
    """Cells strict nbval does not compare (markers, tags) or never ran in the committed notebook."""
    src, tags = _source(cell), set(cell.get("metadata", {}).get("tags", []))
    return (
        bool(re.search(r"#\s*NBVAL_(SKIP|IGNORE_OUTPUT|RAISES_EXCEPTION)", src))
        or bool(tags & {"nbval-skip", "nbval-ignore-output", "raises-exception"})
        or cell.get("execution_count") is None
    )


def _never_run(cell) -> bool:
    """Cells strict nbval does not even run."""
    return bool(re.search(r"#\s*NBVAL_SKIP", _source(cell))) or "nbval-skip" in cell.get("metadata", {}).get("tags", [])


def _only_defines(src: str) -> bool:
    try:
        tree = ast.parse(MAGIC.sub("", src))
    except SyntaxError:
        return False
    return all(isinstance(node, ONLY_DEFINES) for node in tree.body)


def _draws_random(src: str) -> bool:
    return bool(RANDOM.search(MAGIC.sub("", src)))


def _keys(src: str) -> list[str]:
    return CHECK_KEY.findall(src)


# ---------------------------------------------------------------- outputs, compared as nbval does


def _flatten(outputs) -> dict[str, list]:
    """nbval's comparison form: streams coalesced, then each output field (or MIME type) -> its values."""
    flat: dict[str, list] = defaultdict(list)
    for out in transform_streams_for_comparison(coalesce_streams([copy.deepcopy(o) for o in outputs])):
        for key, value in out.items():
            if key in SKIP_KEYS:
                continue
            items = value.items() if key == "data" else [(key, value)]
            for sub, v in items:
                if sub in SKIP_KEYS:
                    continue
                if isinstance(v, list):
                    v = "".join(v)
                if isinstance(v, str):
                    for regex, replace in SANITIZE:
                        v = re.sub(regex, replace, v)
                flat[sub].append(v)
    return dict(flat)


def _clip(value) -> str:
    text = str(value)
    return text if len(text) <= SHOWN else text[:SHOWN] + "..."


def _difference(now, stored) -> str | None:
    """What differs between two output lists (nbval's rules), or None when they are the same."""
    if error := _error(now):
        return error
    a, b = _flatten(now), _flatten(stored)
    if a.keys() != b.keys():
        return f"output fields {sorted(a)} now, {sorted(b)} stored"
    for key in b:
        if a[key] != b[key]:
            for x, y in zip(a[key] + [None] * len(b[key]), b[key] + [None] * len(a[key])):
                if x != y:
                    return f"{key}: now {_clip(x)!r}, stored {_clip(y)!r}"
    return None


def _error(outputs) -> str | None:
    for out in outputs:
        if out.get("output_type") == "error":
            return f"raised {out.get('ename')}: {_clip(out.get('evalue', ''))}"
    return None


def _stream_text(outputs) -> str:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")


# ---------------------------------------------------------------- the runs


def _solved(path: Path) -> nbformat.NotebookNode:
    """The committed notebook with every exercise answered by its worked solution (no banner: indices match)."""
    committed = nbformat.read(path, as_version=4)
    solved, _, _ = solve(committed)
    assert solved.cells[0].source == BANNER
    del solved.cells[0]
    assert len(solved.cells) == len(committed.cells)
    solved.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3 (ipykernel)", "language": "python"}
    return solved


def _client(nb: nbformat.NotebookNode, path: Path) -> NotebookClient:
    return NotebookClient(
        nb,
        timeout=300,
        kernel_name=KERNEL,
        allow_errors=True,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )


def _run(client: NotebookClient, cell, index: int) -> list:
    """Execute a copy of ``cell`` in the client's kernel; return its outputs."""
    fresh = copy.deepcopy(cell)
    fresh.outputs = []
    client.execute_cell(fresh, index)
    return fresh.outputs


@dataclass
class Report:
    """Per check, the cells that fail it: (cell index in the committed notebook, what differs)."""

    rerun: list[tuple[int, str]] = field(default_factory=list)
    random: list[tuple[int, str]] = field(default_factory=list)
    restart: list[tuple[int, str]] = field(default_factory=list)


@functools.cache
def _report(path: Path) -> Report:
    committed = nbformat.read(path, as_version=4)
    start = exercises_start(committed.cells)
    report = Report()

    # (a) and (c): run all with the solutions, then lesson cells again, then random cells twice more.
    nb = _solved(path)
    client = _client(nb, path)
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and not _never_run(cell):
                client.execute_cell(cell, i)
        # Last to first: a cell then sees what Run All left, not names or a seed that the lesson cell
        # just above it re-made (in order, re-running cell i-1 would repair what the exercises broke).
        last: dict[int, list] = {}  # each lesson cell's re-run output, reused as (c)'s first run
        for i in reversed(range(start)):
            cell, stored = nb.cells[i], committed.cells[i]
            if cell.cell_type != "code" or _only_defines(_source(cell)) or _never_run(cell):
                continue
            now = last[i] = _run(client, cell, i)
            if keys := _keys(_source(cell)):  # a graded prediction, answered: its check must say correct
                problem = _error(now) or _verdicts(keys, now)
            elif _nbval_skipped(stored):
                problem = _error(now)
            else:
                problem = _difference(now, stored.outputs)
            if problem:
                report.rerun.append((i, problem))
        # Last to first again, so a seed-only cell never runs just before the draw it would repeat.
        for i in reversed(range(len(nb.cells))):
            cell = nb.cells[i]
            if cell.cell_type != "code" or not _draws_random(_source(cell)) or _never_run(cell):
                continue
            first = last[i] if i in last else _run(client, cell, i)
            second = _run(client, cell, i)
            if problem := _difference(second, first):
                report.random.append((i, f"second run differs from the first: {problem}"))

    # (b): a fresh kernel runs only the Exercises section, from its heading on.
    nb = _solved(path)
    client = _client(nb, path)
    with client.setup_kernel():
        for i in range(start, len(nb.cells)):
            cell = nb.cells[i]
            if cell.cell_type != "code" or _never_run(cell):
                continue
            outputs = _run(client, cell, i)
            keys = _keys(_source(cell))
            problem = _error(outputs) or (_verdicts(keys, outputs) if keys else None)
            if problem:
                report.restart.append((i, problem))
    return report


def _verdicts(keys: list[str], outputs) -> str | None:
    """None if every key's check printed ``Correct``; else what it printed."""
    text = _stream_text(outputs)
    for key in keys:
        lines = [line for line in text.splitlines() if line.startswith(f"[{key}] ")]
        if not lines or not all(line == f"[{key}] {CORRECT}" for line in lines):
            return f"check({key!r}) printed {_clip(' / '.join(lines) or '(nothing)')!r}"
    return None


def _fail_message(path: Path, what: str, failures: list[tuple[int, str]]) -> str:
    return f"{path.name}: {what}:\n" + "\n".join(f"  cell {i}: {problem}" for i, problem in failures)


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_cells_rerun_after_the_exercises_show_their_stored_outputs(path):
    failures = _report(path).rerun
    assert not failures, _fail_message(path, "lesson cells re-run after Run All (solutions filled in) differ", failures)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_that_draw_random_numbers_repeat_their_output(path):
    failures = _report(path).random
    assert not failures, _fail_message(path, "random-drawing cells give another output when run again", failures)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_exercises_alone_after_a_restart_are_all_correct(path):
    failures = _report(path).restart
    assert not failures, _fail_message(path, "restart + only the Exercises section (solutions filled in)", failures)


def _assigned(cells, with_imports: bool) -> dict[str, int]:
    """Name -> index of the first code cell among ``cells`` (index, cell) that assigns or defines it."""
    names: dict[str, int] = {}
    for i, cell in cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(MAGIC.sub("", _source(cell)))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            found = []
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found = [node.id]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found = [node.name]
            elif with_imports and isinstance(node, (ast.Import, ast.ImportFrom)):
                found = [(a.asname or a.name).split(".")[0] for a in node.names]
            for name in found:
                names.setdefault(name, i)
    return names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_exercises_reuse_no_lesson_name(path):
    """(d) Exercise data with a lesson's name (``z``, ``logits``, ``N``) changes what the lesson cells show on a re-run."""
    nb = nbformat.read(path, as_version=4)
    start = exercises_start(nb.cells)
    lesson = _assigned(list(enumerate(nb.cells))[:start], with_imports=False)
    exercises = _assigned(list(enumerate(nb.cells))[start:], with_imports=False)
    shared = sorted(set(lesson) & set(exercises) - {"answer", "_"})
    assert not shared, f"{path.name}: the Exercises section reassigns lesson names: " + ", ".join(
        f"{name} (lesson cell {lesson[name]}, exercise cell {exercises[name]})" for name in shared
    )


def test_the_comparison_sees_a_changed_digit_and_ignores_what_nbval_ignores():
    """The helpers above are not vacuous: a digit differs -> named; an address or an image -> the same."""
    stored = [
        nbformat.v4.new_output(
            "execute_result",
            {"text/plain": "tensor([0.1234]) at 0x7f00deadbeef", "image/png": "AAAA"},
            execution_count=3,
        ),
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
    ]
    same = [
        nbformat.v4.new_output(
            "execute_result",
            {"text/plain": "tensor([0.1234]) at 0x7f11cafef00d", "image/png": "BBBB"},
            execution_count=9,
        ),
        nbformat.v4.new_output("stream", name="stdout", text="a\nb\n"),
    ]
    assert _difference(same, stored) is None
    changed = copy.deepcopy(same)
    changed[0]["data"]["text/plain"] = "tensor([0.1235]) at 0x7f11cafef00d"
    assert "text/plain: now 'tensor([0.1235])" in _difference(changed, stored)
    assert _difference(same[:1], stored).startswith("output fields")
    assert (
        _difference(
            [nbformat.v4.new_output("error", ename="NameError", evalue="name 'z' is not defined", traceback=[])], stored
        )
        == "raised NameError: name 'z' is not defined"
    )


def test_random_drawing_cells_are_recognised():
    assert _draws_random("_ = torch.manual_seed(0)\nZ = torch.randn(5, 3)")
    assert _draws_random("model = nn.Linear(2, 3)")
    assert not _draws_random("P = torch.softmax(Z, dim=1)  # a random variable")
    assert _only_defines("import math\n\ndef f(x):\n    return x\n") and not _only_defines("import math\nx = 1")
