"""What every course tool does with bad input: one clear line, never a traceback, nothing overwritten.

The tools (``python -m helper.course.outputs``, ``solutions``, ``html``, ``slides`` ...) wrap their
``main`` in :func:`tool`, read notebooks with :func:`read_notebook`, and pick where to write with
:func:`output_folder`. A :class:`ToolError` (or a ``ValueError``/``TypeError``/``OSError`` raised on
the way) becomes ``<tool>: <message>`` on stderr and exit status 2.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import nbformat

from helper.course.notebooks import ROOT

EXIT_BAD_INPUT = 2
BUILD = "build"


class ToolError(ValueError):
    """A problem with what the user asked for, said in one line."""


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def tool(name: str, main: Callable[[], int]) -> int:
    """Run ``main``; a bad-input error becomes one line on stderr and exit status 2."""
    try:
        return main()
    except ToolError as error:
        message = _one_line(error)
    except (ValueError, TypeError, RuntimeError) as error:  # RuntimeError: a notebook that fails to run
        message = _one_line(error)
    except FileNotFoundError as error:
        message = f"no such file or folder: {error.filename}"
    except PermissionError as error:
        message = f"not allowed to write or read {error.filename} (permission denied)"
    except (IsADirectoryError, NotADirectoryError) as error:
        message = f"{error.filename}: {error.strerror.lower()}"
    except OSError as error:
        message = _one_line(error)
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    print(f"{name}: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate one notebook file, or raise :class:`ToolError` saying what is wrong with it."""
    path = Path(path)
    if path.suffix != ".ipynb":
        raise ToolError(f"{path}: not a notebook (expected a .ipynb file)")
    if not path.is_file():
        raise ToolError(f"{path}: no such notebook" if not path.exists() else f"{path}: not a file")
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ToolError(f"{path}: not valid JSON (line {error.lineno}: {error.msg})") from None
    except UnicodeDecodeError:
        raise ToolError(f"{path}: not a text file (expected UTF-8 JSON)") from None
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # nbformat raises several kinds for a broken notebook
        raise ToolError(f"{path}: not a valid notebook ({_one_line(error)[:200]})") from None
    if not nb.cells:
        raise ToolError(f"{path}: the notebook has no cells")
    return nb


def distinct(paths: Iterable[Path]) -> list[Path]:
    """The paths, refusing two that would write the same output name (one file name, two folders)."""
    seen: dict[str, Path] = {}
    result = []
    for path in paths:
        path = Path(path)
        if path.name in seen and seen[path.name].resolve() != path.resolve():
            raise ToolError(
                f"two notebooks are named {path.name} ({seen[path.name]} and {path}); one would replace the other"
            )
        if path.name not in seen:
            seen[path.name] = path
            result.append(path)
    return result


def pages_inputs(notebooks: Iterable[Path], out: Path, index: str) -> tuple[list[Path], Path]:
    """The notebooks and output folder of a builder that writes one page per notebook plus ``index.html``.

    Every notebook is read before anything is written; a notebook named ``index`` (its page would
    replace ``index``, e.g. "the course index page") and two notebooks of one name are refused, and
    ``out`` must pass :func:`output_folder`.
    """
    paths = distinct(Path(p) for p in notebooks)
    for path in paths:
        read_notebook(path)
        if path.stem == "index":
            raise ToolError(f"{path}: a notebook named index would replace {index}; rename it")
    return paths, output_folder(out, inputs=paths)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


def output_folder(out: Path, *, inputs: Iterable[Path] = ()) -> Path:
    """``out`` made ready to write into, or :class:`ToolError`.

    Inside the course's own folder only ``build/`` is written (anywhere else there, e.g. notebooks/,
    the output would replace a learner's notebook or the course itself); also refused: a folder
    holding one of ``inputs``, a path that is a file, and a folder that cannot be written.
    """
    out = Path(out).resolve()
    root = ROOT.resolve()
    if _inside(out, root) and not _inside(out, root / BUILD):
        where = out.relative_to(root).parts[0] + "/" if out != root else "top folder"
        raise ToolError(
            f"--out {out} is inside the course ({where}); inside it only {BUILD}/ is written, or choose a folder elsewhere"
        )
    for path in inputs:
        if Path(path).resolve().parent == out:
            raise ToolError(f"--out {out} holds the notebook {Path(path).name} itself; its output would replace it")
    if out.exists() and not out.is_dir():
        raise ToolError(f"--out {out} is a file; give a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ToolError(f"cannot create --out {out} ({error.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ToolError(f"cannot write into --out {out} (permission denied)")
    return out
