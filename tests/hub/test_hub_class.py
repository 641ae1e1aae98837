"""The class path on the real hub: nbgitpuller hands out the course, three students Run All, one is graded.

This is `make test`'s small class (3 students): spawn, pull, Run All of notebook 01 through the
kernel websocket, an explorer moved by a comm message, one otter-graded submission.
"""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import requests
from hubclient import class_session

from helper.course.assignments import build
from helper.course.hub import COURSE_DIR, pull_link
from helper.course.notebooks import notebook

FIRST = notebook("01").name


def _commit(remote, change) -> None:
    """Commit a change to the course upstream (a clone of the bare remote, pushed back)."""
    work = remote.parent / "work"
    if not work.exists():
        subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "pull", "-q"], check=True)
    change(work)
    git = ["git", "-C", str(work), "-c", "user.name=Instructor", "-c", "user.email=instructor@example.org"]
    subprocess.run([*git, "commit", "-qam", "update"], check=True)
    subprocess.run([*git, "push", "-q", "origin", "HEAD:main"], check=True)
    subprocess.run(["chmod", "-R", "a+rX", str(remote)], check=True)


def _add_cell(path, text: str) -> None:
    nb = json.loads(path.read_text())
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": text})
    path.write_text(json.dumps(nb, indent=1) + "\n")


def test_the_pull_link_clones_the_course_and_a_later_pull_keeps_the_students_changes(hub, students, remote):
    alice = students["alice"]
    link = pull_link(hub.url, f"file://{remote}", FIRST)
    page = alice.session.get(link, timeout=120)  # the link a student clicks: hub -> her server's page
    assert page.status_code == 200 and "/user/alice/git-pull" in page.url, (page.status_code, page.url)
    alice.pull(f"file://{remote}")
    mine = f"{COURSE_DIR}/notebooks/{FIRST}"
    nb = alice.notebook(mine)
    assert any("check(" in "".join(c["source"]) for c in nb["cells"])
    # she writes in notebook 01; the instructor then updates notebooks 01 and 02 upstream
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "my own notes"})
    r = alice.api("PUT", f"contents/{mine}", json={"type": "notebook", "format": "json", "content": nb})
    assert r.status_code == 200
    second = notebook("02").name

    def change(work):
        _add_cell(work / "notebooks" / second, "an upstream correction")
        _add_cell(work / "notebooks" / FIRST, "an upstream note")

    _commit(remote, change)
    alice.pull(f"file://{remote}")
    theirs = alice.notebook(f"{COURSE_DIR}/notebooks/{second}")
    assert "an upstream correction" in "".join(
        c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in theirs["cells"]
    )
    kept = alice.notebook(mine)
    assert "my own notes" in [
        c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in kept["cells"]
    ], "the pull overwrote what the student wrote"


def test_three_students_run_notebook_01_and_one_is_graded(hub, students, remote, tmp_path):
    assignment = build(notebook("01"), tmp_path / "assignments")
    names = sorted(students)

    def one(name):
        return class_session(
            students[name], f"file://{remote}", FIRST, assignment if name == names[0] else None, tmp_path / "graded"
        )

    with ThreadPoolExecutor(len(names)) as pool:
        timings = dict(zip(names, pool.map(one, names)))
    for name, t in timings.items():
        assert t["run_all"] > 0, name
        assert "torch_check" in t, f"{name}: no explorer answered"
    graded = timings[names[0]]
    assert graded["score"] == graded["max_score"] > 0, graded
    # the hub itself is still healthy
    assert requests.get(f"{hub.url}/hub/health", timeout=30).status_code == 200
