"""Re-execute notebooks in place with nbclient, saving widget state (`make outputs`).

Run as ``python -m helper.course.outputs [NOTEBOOK ...]`` (default: every course
notebook, see `helper.course.notebooks`). Stored outputs are the truth that strict nbval compares against, so they are only
ever produced by this script, never edited by hand. Each notebook runs in its own
directory with a fresh kernel; timing metadata is not recorded, so a re-run only
changes what really changed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from helper.course.cli import ToolError, read_notebook, tool
from helper.course.notebooks import notebooks

KERNEL = "python3"


def run(nb: nbformat.NotebookNode, directory: Path, timeout: int = 300) -> None:
    """Execute `nb` in place with a fresh kernel started in `directory`, saving widget state."""
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3 (ipykernel)", "language": "python"}
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(directory)}},
        store_widget_state=True,
        record_timing=False,
    ).execute()


def execute(path: Path, timeout: int = 300) -> float:
    """Execute one notebook in place; return the seconds it took."""
    nb = read_notebook(path)
    start = time.perf_counter()
    run(nb, path.parent, timeout)
    elapsed = time.perf_counter() - start
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")
    args = parser.parse_args(argv)
    return tool("outputs", lambda: _execute_all(args.notebooks or notebooks()))


def _execute_all(paths: list[Path]) -> int:
    if not paths:
        raise ToolError("no notebooks to execute")
    for path in paths:  # every file checked before the first is rewritten
        read_notebook(path)
    for path in paths:
        seconds = execute(path)
        print(f"{path}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
