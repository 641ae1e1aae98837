"""`python -m helper.course.setup`: the install route without make (Windows), and what `make lab` runs.

The script must run on a bare Python, before torch is installed: it is checked from a fresh
virtual environment that has neither torch nor anything else, with `--dry-run`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from helper.course import setup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> Path:
    """A virtual environment with nothing installed (no pip, no torch): a learner's fresh Python."""
    folder = tmp_path_factory.mktemp("bare")
    venv.EnvBuilder(with_pip=False).create(folder)
    python = setup.venv_python(folder)
    probe = subprocess.run([python, "-c", "import torch"], capture_output=True, text=True)
    assert probe.returncode != 0, "the bare venv sees torch; the test would prove nothing"
    return python


def _run(python: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(python), "-m", "helper.course.setup", *args], cwd=ROOT, capture_output=True, text=True, env=env
    )


def test_import_helper_needs_no_torch(bare_python):
    code = "import sys, helper; assert 'torch' not in sys.modules; print(sorted(helper.__all__))"
    out = subprocess.run([bare_python, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "look" in out.stdout and "check" in out.stdout
    # Using a name imports its module, which does need torch: the error names it.
    out = subprocess.run([bare_python, "-c", "import helper; helper.look"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode != 0 and "ModuleNotFoundError: No module named" in out.stderr


def test_dry_run_on_a_bare_python_prints_the_learner_install_and_changes_nothing(bare_python, tmp_path):
    target = tmp_path / "course-venv"
    out = _run(bare_python, "--dry-run", "--venv", str(target), "--torch-index", "https://example.invalid/cpu")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith("+ ")]
    assert len(lines) == 4, out.stdout
    assert "-m venv" in lines[0] and str(target) in lines[0]
    assert "--no-deps torch==2.13.0 --index-url https://example.invalid/cpu" in lines[1]
    assert lines[2].endswith("requirements.txt")
    assert "--no-deps --no-build-isolation -e" in lines[3]
    assert not target.exists(), "--dry-run created the venv"


def test_torch_index_env_var_empty_means_pips_own_configuration(bare_python, tmp_path):
    env = {**os.environ, "TORCH_INDEX": ""}
    out = _run(bare_python, "--dry-run", "--dev", "--venv", str(tmp_path / "v"), env=env)
    assert out.returncode == 0, out.stderr
    torch_line = next(line for line in out.stdout.splitlines() if "torch==" in line)
    assert "--index-url" not in torch_line
    assert "requirements-dev.txt" in out.stdout


def test_default_torch_index_is_cpu_on_linux_only():
    assert setup.default_torch_index("Linux") == "https://download.pytorch.org/whl/cpu"
    assert setup.default_torch_index("Darwin") == ""
    assert setup.default_torch_index("Windows") == ""
    with pytest.raises(TypeError, match="platform.system"):
        setup.default_torch_index(3)


def test_windows_plan_uses_the_scripts_folder():
    steps = setup.plan(Path("C:/course/.venv"), windows=True, python="py", torch_index="")
    assert steps[0] == ["py", "-m", "venv", str(Path("C:/course/.venv"))]
    assert all(step[0] == str(Path("C:/course/.venv/Scripts/python.exe")) for step in steps[1:])


def test_existing_venv_is_not_recreated(tmp_path):
    steps = setup.plan(tmp_path, create=False, torch_index="")
    assert not any("venv" in step[1:3] for step in steps)


def test_too_old_python_is_refused_with_the_version_needed():
    with pytest.raises(SystemExit, match=r"Python 3\.11 or newer is needed \(this is 3\.10\.4\)"):
        setup.check_python((3, 10, 4))
    setup.check_python((3, 11, 0))


def test_a_file_as_venv_is_refused(tmp_path):
    afile = tmp_path / "file"
    afile.write_text("")
    out = _run(Path(sys.executable), "--dry-run", "--venv", str(afile))
    assert out.returncode == 2 and "is a file" in out.stderr


def test_makefile_installs_through_the_setup_script():
    make = (ROOT / "Makefile").read_text()
    assert make.count("-m helper.course.setup --venv $(VENV)") == 2
    assert "TORCH_INDEX ?=" in make
    assert re.search(r"^lab: \$\(LABSTAMP\)", make, re.M), "make lab must install only the learner lock"


def test_here_installs_into_the_running_python_without_a_venv(bare_python):
    out = _run(bare_python, "--here", "--dry-run", "--torch-index", "")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith("+ ")]
    assert len(lines) == 3 and not any(" -m venv " in line for line in lines)
    assert all(line.startswith(f"+ {bare_python} -m pip install") for line in lines), lines


def test_binder_builds_with_the_setup_script_on_python_3_11():
    """repo2docker reads binder/ (and ignores the root's files when binder/ exists)."""
    binder = ROOT / "binder"
    assert (binder / "runtime.txt").read_text().strip() == "python-3.11"
    post = binder / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    assert re.search(r"^python -m helper\.course\.setup --here\s*$", post.read_text(), re.M)
    # Without these, repo2docker would install torch from PyPI (the CUDA build) itself.
    assert not (binder / "requirements.txt").exists() and not (binder / "environment.yml").exists()
