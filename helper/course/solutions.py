"""Worked solutions for instructors (`make solutions`): every exercise answered, executed.

Run as ``python -m helper.course.solutions [NOTEBOOK ...]`` (default: every course
notebook). For each notebook it writes ``build/solutions/NN_topic.ipynb``: a copy whose
exercise cells have their ``answer = ...`` line replaced by worked code, executed with a
fresh kernel so every ``check`` below prints its verdict. Nothing is written into
``notebooks/``; the copies are for handing out after class.

Where the code comes from: an exercise's ``solution`` (a code string kept beside its
oracle in ``helper/exercises/``, assigning ``answer`` in the cell's namespace); an
exercise without one falls back to its oracle (``answer = EXERCISES[key].expected()``),
labelled as such in the cell, so the copy is still complete and checked.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from helper.course.cli import ToolError, distinct, output_folder, read_notebook, tool
from helper.course.notebooks import ROOT, notebooks
from helper.course.outputs import run

DEFAULT_OUT = ROOT / "build" / "solutions"
ANSWER_LINE = re.compile(r"^answer = \.\.\..*$", re.M)
CHECK_KEY = re.compile(r"""check\(\s*["']([^"']+)["']""")
BANNER = (
    "> **Worked solutions, for instructors.** Every exercise below is answered and checked. "
    "Made by `make solutions` from the course notebook of the same name; do not hand it out before the class."
)


@dataclass(frozen=True)
class Solved:
    """One written solutions notebook and what its checks printed."""

    path: Path
    verdicts: dict[str, str]  # exercise key -> the line its check printed
    from_oracle: tuple[str, ...]  # keys answered by the oracle fallback
    seconds: float


def solution_code(key: str) -> tuple[str, bool]:
    """The code that answers exercise `key` (assigns ``answer``), and whether it is the oracle fallback."""
    from helper.exercises import EXERCISES

    if key not in EXERCISES:
        raise ValueError(f"unknown exercise {key!r}; known: {', '.join(sorted(EXERCISES))}")
    code = getattr(EXERCISES[key], "solution", None)
    if isinstance(code, str) and code.strip():
        if not re.search(r"^answer\s*=", code, re.M):
            raise ValueError(f"the solution of {key!r} must assign `answer`; got:\n{code}")
        return code.strip(), False
    fallback = (
        "# The oracle's answer (helper/exercises); no worked code is kept for this exercise yet.\n"
        "from helper.exercises import EXERCISES\n"
        f"answer = EXERCISES[{key!r}].expected()"
    )
    return fallback, True


def solve(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, list[str], list[str]]:
    """Return a copy of `nb` with every exercise answered; also the exercise keys and the oracle-answered ones."""
    nb = nbformat.from_dict(nb)  # a deep copy
    keys, from_oracle = [], []
    for cell in nb.cells:
        if cell.cell_type != "code" or not (m := CHECK_KEY.search(cell.source)):
            continue
        key = m[1]
        if not ANSWER_LINE.search(cell.source):
            raise ValueError(f"the exercise cell of {key!r} has no 'answer = ...' line to replace")
        code, oracle = solution_code(key)
        cell.source = ANSWER_LINE.sub(lambda _, code=code: f"# Worked solution\n{code}", cell.source, count=1)
        cell.outputs = []
        keys.append(key)
        if oracle:
            from_oracle.append(key)
    banner = nbformat.v4.new_markdown_cell(BANNER)
    banner.metadata["slideshow"] = {"slide_type": "skip"}
    nb.cells.insert(0, banner)
    return nb, keys, from_oracle


def _verdicts(nb: nbformat.NotebookNode, keys: list[str]) -> dict[str, str]:
    """The line each exercise's check printed, read from the executed notebook."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                for line in output.get("text", "").splitlines():
                    if m := re.match(r"\[([^\]]+)\] (.*)", line):
                        found[m[1]] = m[2]
    return {key: found.get(key, "(check printed nothing)") for key in keys}


def write_solutions(notebook: Path, out: Path = DEFAULT_OUT, timeout: int = 300) -> Solved:
    """Answer and execute one notebook into `out/<name>`; return what its checks printed."""
    notebook = Path(notebook)
    out = output_folder(out, inputs=[notebook])
    solved, keys, from_oracle = solve(read_notebook(notebook))
    start = time.perf_counter()
    run(solved, notebook.parent, timeout)
    target = out / notebook.name
    nbformat.write(solved, target)
    return Solved(target, _verdicts(solved, keys), tuple(from_oracle), time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/solutions)")
    args = parser.parse_args(argv)
    return tool("solutions", lambda: _solve_all(args.notebooks or notebooks(), args.out))


def _solve_all(paths: list[Path], out: Path) -> int:
    paths = distinct(paths)
    if not paths:
        raise ToolError("no notebooks to solve")
    output_folder(out, inputs=paths)  # refuse a bad --out before the first kernel starts
    for path in paths:
        read_notebook(path)
    wrong = 0
    for path in paths:
        result = write_solutions(path, out)
        bad = {k: v for k, v in result.verdicts.items() if not v.startswith("Correct")}
        wrong += len(bad)
        note = f", {len(result.from_oracle)} from the oracle" if result.from_oracle else ""
        print(f"{result.path}: {len(result.verdicts)} exercises{note}, executed in {result.seconds:.1f} s")
        for key, verdict in bad.items():
            print(f"  {key}: {verdict}", file=sys.stderr)
    if wrong:
        print(f"solutions: {wrong} exercise(s) not accepted by check", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
