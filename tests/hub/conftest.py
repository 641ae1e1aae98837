"""One real JupyterHub for the hub tests: started once, stopped by pid, its student accounts removed.

Needs root (one Unix account per student, as `make hub` runs); fails, never skips, without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from helper.course.hub import Hub, account, remove_account
from helper.course.notebooks import ROOT

STUDENTS = ("alice", "bob", "carol")


@pytest.fixture(scope="session")
def hub():
    assert os.geteuid() == 0, "the hub tests run the hub as root (one Unix account per student)"
    for name in STUDENTS:
        remove_account(account(name))  # a student left by an interrupted earlier run
    state = Path(tempfile.mkdtemp(prefix="l2l-hub-"))
    state.chmod(0o755)
    h = Hub(state, cull_timeout=3600)
    h.start()
    try:
        yield h
    finally:
        left = h.stop()
        for name in STUDENTS:
            remove_account(account(name))
        shutil.rmtree(state, ignore_errors=True)
        assert not left, f"processes left after the hub stopped: {[(p, h.names.get(p)) for p in left]}"


@pytest.fixture(scope="session")
def remote():
    """A bare git remote of the course (this repository's HEAD), readable by the student accounts."""
    folder = Path(tempfile.mkdtemp(prefix="l2l-remote-"))
    folder.chmod(0o755)
    bare = folder / "course.git"
    try:
        subprocess.run(["git", "clone", "-q", "--bare", "--no-hardlinks", str(ROOT), str(bare)], check=True)
        subprocess.run(["git", "--git-dir", str(bare), "fetch", "-q", str(ROOT), "+HEAD:main"], check=True)
        subprocess.run(["git", "--git-dir", str(bare), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
        subprocess.run(["chmod", "-R", "a+rX", str(folder)], check=True)
        yield bare
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def students(hub):
    """Three students, logged in with the shared password, servers started, tokens in hand."""
    from hubclient import Student

    found = {}
    for name in STUDENTS:
        s = Student(hub.url, name, hub.password)
        s.login()
        s.start_server()
        s.get_token()
        found[name] = s
    return found
