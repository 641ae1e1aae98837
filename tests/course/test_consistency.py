"""The descriptions of the environment agree: pyproject.toml, the two locks, environment.yml.

Two install sets, one lock each: the learner set (helper's dependencies + the ``lab`` extra)
is pinned in requirements.txt; the developer set adds the ``dev`` extra in
requirements-dev.txt, which includes the learner lock (``-r requirements.txt``) and pins
only what it adds. environment.yml is the conda-forge form of the learner set.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LEARNER_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"

# conda-forge names that differ from PyPI names.
CONDA_NAME = {"torch": "pytorch", "matplotlib": "matplotlib-base"}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _learner_requirements() -> list[Requirement]:
    meta = _project()
    return [Requirement(r) for r in meta["dependencies"] + meta["optional-dependencies"]["lab"]]


def _dev_requirements() -> list[Requirement]:
    return [Requirement(r) for r in _project()["optional-dependencies"]["dev"]]


def _pins(path: Path) -> dict[str, Version]:
    """Exact pins of one lock file; `-r` includes are skipped here (checked separately)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r ")):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert m, f"{path.name} line is not an exact pin: {line!r}"
        name = canonicalize_name(m[1])
        assert name not in pins, f"{path.name} pins {name} twice"
        pins[name] = Version(m[2])
    return pins


def _environment() -> dict[str, str]:
    """Package -> version spec from environment.yml (conda and pip sections)."""
    text = (ROOT / "environment.yml").read_text()
    found = {}
    for m in re.finditer(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*(==|=|>=)?\s*([^\s=]*)", text, re.M):
        found[canonicalize_name(m[1])] = m[3]
    return found


def _assert_pinned_compatibly(reqs: list[Requirement], lock: dict[str, Version], where: str) -> None:
    for req in reqs:
        name = canonicalize_name(req.name)
        assert name in lock, f"{req.name} is in pyproject.toml but not pinned in {where}"
        assert req.specifier.contains(lock[name], prereleases=True), (
            f"{where} pins {req.name}=={lock[name]}, outside pyproject's {req.specifier}"
        )


def test_learner_lock_pins_every_learner_dependency_compatibly():
    _assert_pinned_compatibly(_learner_requirements(), _pins(LEARNER_LOCK), "requirements.txt")


def test_learner_lock_holds_no_developer_tool():
    learner = _pins(LEARNER_LOCK)
    for req in _dev_requirements():
        name = canonicalize_name(req.name)
        if name in {canonicalize_name(r.name) for r in _learner_requirements()}:
            continue
        # nbformat, nbconvert and nbclient come with JupyterLab's server; the test tools must not.
        if name in {"nbformat", "nbconvert", "nbclient"}:
            continue
        assert name not in learner, f"requirements.txt (learner lock) pins the developer tool {name}"


def test_dev_lock_includes_the_learner_lock_and_adds_every_dev_dependency():
    text = DEV_LOCK.read_text()
    assert re.search(r"^-r requirements\.txt\s*$", text, re.M), "requirements-dev.txt must include -r requirements.txt"
    learner, dev = _pins(LEARNER_LOCK), _pins(DEV_LOCK)
    both = sorted(set(learner) & set(dev))
    assert not both, f"pinned in both locks (keep each pin in one file): {both}"
    _assert_pinned_compatibly(_dev_requirements(), {**learner, **dev}, "requirements-dev.txt (with requirements.txt)")


def test_torch_is_pinned_exactly_to_2_13_0():
    assert _pins(LEARNER_LOCK)["torch"] == Version("2.13.0")


def test_setup_script_reads_torch_from_the_learner_lock():
    from helper.course.setup import torch_requirement

    assert torch_requirement() == f"torch=={_pins(LEARNER_LOCK)['torch']}"


def test_environment_yml_has_every_learner_dependency_at_the_lock_version():
    lock, env = _pins(LEARNER_LOCK), _environment()
    for req in _learner_requirements():
        name = canonicalize_name(req.name)
        conda = CONDA_NAME.get(name, name)
        assert conda in env, f"{req.name} (conda: {conda}) missing from environment.yml"
        pinned = env[conda]
        assert pinned, f"environment.yml does not pin {conda}"
        assert Version(pinned) == lock[name], f"environment.yml has {conda}={pinned}, lock has {lock[name]}"


def test_environment_yml_is_the_learner_set():
    env = _environment()
    learner = {canonicalize_name(r.name) for r in _learner_requirements()}
    for req in _dev_requirements():
        name = canonicalize_name(req.name)
        assert name in learner or name not in env, f"environment.yml (learner set) has the developer tool {name}"


def test_environment_yml_installs_helper_editable():
    assert re.search(r"^\s*-\s+-e \.\s*$", (ROOT / "environment.yml").read_text(), re.M)


@pytest.mark.parametrize("dep", ["python", "pip"])
def test_environment_yml_names_the_basics(dep):
    assert canonicalize_name(dep) in _environment()
