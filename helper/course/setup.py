"""Install the course into a virtual environment: what `make lab` does, on any OS, without make.

From the folder of the course (the clone or the unpacked zip)::

    python -m helper.course.setup            # .venv with the learner lock (requirements.txt)
    python -m helper.course.setup --start    # the same, then start JupyterLab on notebooks/
    python -m helper.course.setup --dev      # the developer lock (requirements-dev.txt)
    python -m helper.course.setup --dry-run  # print the commands, change nothing
    python -m helper.course.setup --here     # into the running Python, no venv (Binder, a hub image)

On Windows write ``py`` for ``python``. The script needs only the standard library (and
``import helper`` loads nothing until a name is used), so it runs before torch is installed.

Steps, each a plain ``pip`` command printed before it runs:

1. create the virtual environment (skipped when it exists);
2. install torch alone, without its dependencies, from ``--torch-index`` (default: PyTorch's
   CPU wheel index on Linux, where PyPI's torch is the CUDA build with gigabytes of nvidia
   packages; PyPI elsewhere, whose macOS and Windows wheels are already CPU builds; the
   environment variable ``TORCH_INDEX`` overrides the default, and an empty value means
   pip's own configuration);
3. install the lock (torch is already there, so nothing else comes from that index);
4. install ``helper`` itself, editable.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEARNER_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"
NOTEBOOKS = ROOT / "notebooks"
MIN_PYTHON = (3, 11)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH_INDEX_ENV = "TORCH_INDEX"
# Written into every virtual environment this script creates: `--venv` installs only into one of
# those (or the course's own .venv), never into a folder or a Python it did not make.
MARKER = "logits-to-loss-venv"


def default_torch_index(system: str | None = None) -> str:
    """Where torch comes from when nothing is set: PyTorch's CPU index on Linux, else "" (PyPI).

    `system` is a ``platform.system()`` value ("Linux", "Darwin", "Windows"); the default
    is this machine's.
    """
    system = platform.system() if system is None else system
    if not isinstance(system, str):
        raise TypeError(f"system must be a platform.system() string such as 'Linux', got {type(system).__name__}")
    return TORCH_CPU_INDEX if system == "Linux" else ""


def torch_index_from_environment() -> str:
    """`TORCH_INDEX` when set (even empty: pip's own configuration), else `default_torch_index()`."""
    return os.environ.get(TORCH_INDEX_ENV, default_torch_index())


def torch_requirement(lock: Path = LEARNER_LOCK) -> str:
    """The ``torch==X`` line of the learner lock (the one place the version is written)."""
    for line in lock.read_text(encoding="utf-8").splitlines():
        if re.fullmatch(r"torch==\S+", line.strip()):
            return line.strip()
    raise ValueError(f"{lock.name} has no exact 'torch==...' pin; run `make lock`")


def venv_python(venv: Path, windows: bool | None = None) -> Path:
    """The interpreter inside `venv` (``Scripts/python.exe`` on Windows, ``bin/python`` elsewhere)."""
    windows = os.name == "nt" if windows is None else windows
    return venv / "Scripts" / "python.exe" if windows else venv / "bin" / "python"


def plan(
    venv: Path | None,
    *,
    dev: bool = False,
    torch_index: str = "",
    python: str = sys.executable,
    windows: bool | None = None,
    create: bool = True,
) -> list[list[str]]:
    """The commands that install the course into `venv`, in order (nothing is run).

    `dev` picks the developer lock; `torch_index` is the index URL for torch alone ("" for
    pip's own configuration); `create` adds the ``python -m venv`` step. `venv=None`
    installs into `python` itself (no virtual environment).
    """
    if not isinstance(torch_index, str):
        raise TypeError(f"torch_index must be a URL string ('' for pip's default), got {type(torch_index).__name__}")
    if venv is None:
        create, vpy = False, python
    else:
        vpy = str(venv_python(venv, windows))
    pip = [vpy, "-m", "pip", "install", "--disable-pip-version-check"]
    steps = [[python, "-m", "venv", str(venv)]] if create else []
    torch_step = pip + ["--no-deps", torch_requirement()]
    if torch_index:
        torch_step += ["--index-url", torch_index]
    steps.append(torch_step)
    steps.append(pip + ["-r", str(DEV_LOCK if dev else LEARNER_LOCK)])
    steps.append(pip + ["--no-deps", "--no-build-isolation", "-e", str(ROOT)])
    return steps


def lab_command(venv: Path, windows: bool | None = None) -> list[str]:
    """JupyterLab on the notebooks, bound to 127.0.0.1 (it prints a URL with its token)."""
    command = [str(venv_python(venv, windows)), "-m", "jupyter", "lab", "--ip=127.0.0.1"]
    command.append(f"--ServerApp.root_dir={NOTEBOOKS}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def check_venv(venv: Path) -> bool:
    """Whether `venv` must be created; raise ValueError when it is not ours to install into.

    Accepted: a path that does not exist or an empty folder (it will be created), a virtual
    environment this script made (it holds :data:`MARKER`), and the course's own ``.venv``.
    Refused: a file, a folder holding anything else (``/``, a home, a project), the running Python's
    own prefix, and a virtual environment made by something else.
    """
    venv = Path(venv).resolve()
    if venv.exists() and not venv.is_dir():
        raise ValueError(f"--venv {venv} is a file; give a new folder or a venv this script made")
    if venv in {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), Path(venv.anchor)}:
        raise ValueError(f"--venv {venv} is a Python installation, not a venv for the course; give a new folder")
    if not venv.exists() or not any(venv.iterdir()):
        return True
    if (venv / "pyvenv.cfg").is_file() and ((venv / MARKER).is_file() or venv == (ROOT / ".venv").resolve()):
        return not venv_python(venv).exists()
    what = (
        "a virtual environment made by something else"
        if (venv / "pyvenv.cfg").is_file()
        else "a folder with other files"
    )
    raise ValueError(f"--venv {venv} is {what}; give a new folder (this script installs only into venvs it made)")


def check_python(version: tuple[int, ...] = tuple(sys.version_info)) -> None:
    """Exit with a clear message when `version` is older than the lock's Python (3.11)."""
    if tuple(version[:2]) < MIN_PYTHON:
        have = ".".join(map(str, version[:3]))
        need = ".".join(map(str, MIN_PYTHON))
        raise SystemExit(f"Python {need} or newer is needed (this is {have}): the locks are resolved for {need}.")


def _show(command: list[str]) -> str:
    return subprocess.list2cmdline(command) if os.name == "nt" else shlex.join(command)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helper.course.setup", description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="where to install (default: .venv)")
    parser.add_argument("--dev", action="store_true", help="developer lock (tests, slides, benches)")
    parser.add_argument(
        "--torch-index",
        default=None,
        help=f"index URL for torch alone; '' = pip's own configuration (default: ${TORCH_INDEX_ENV}, "
        f"else {TORCH_CPU_INDEX} on Linux and PyPI elsewhere)",
    )
    parser.add_argument("--here", action="store_true", help="install into the running Python instead of a venv")
    parser.add_argument("--dry-run", action="store_true", help="print the commands, change nothing")
    parser.add_argument("--start", action="store_true", help="start JupyterLab on notebooks/ afterwards")
    parser.add_argument(
        "--print-default-torch-index", action="store_true", help="print the torch index this machine would use"
    )
    args = parser.parse_args(argv)
    torch_index = torch_index_from_environment() if args.torch_index is None else args.torch_index
    if args.print_default_torch_index:
        print(torch_index)
        return 0
    check_python()
    if args.here:
        steps = plan(None, dev=args.dev, torch_index=torch_index)
        if args.start:
            parser.error("--start goes with a venv; with --here start JupyterLab as your hub or image does")
    else:
        venv = args.venv.resolve()
        try:
            create = check_venv(venv)
        except ValueError as error:
            print(f"setup: {error}", file=sys.stderr)
            return 2
        steps = plan(venv, dev=args.dev, torch_index=torch_index, create=create)
        if args.start:
            steps.append(lab_command(venv))
    for command in steps:
        print(f"+ {_show(command)}", flush=True)
        if not args.dry_run:
            result = subprocess.run(command, cwd=ROOT)
            if result.returncode != 0:
                print(f"setup: step failed with exit code {result.returncode}", file=sys.stderr)
                return result.returncode
            if not args.here and command[1:3] == ["-m", "venv"]:
                (venv / MARKER).write_text("made by python -m helper.course.setup\n", encoding="utf-8")
    if not (args.start or args.dry_run or args.here):
        print(f"Done. Start JupyterLab with:\n  {_show(lab_command(venv))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
