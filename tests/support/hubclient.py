"""A simulated student on the course's JupyterHub: what the browser does, over HTTP and websockets.

Used by the hub tests and ``make bench-hub``. Each step is a real request to the real hub:
log in with the shared password (the login form, its _xsrf cookie), start the server through
the hub's REST API, get an API token as the logged-in user, pull the course with nbgitpuller,
run every code cell of a notebook through the kernel websocket as Run All does, move an
explorer by a comm message as the page does and wait for torch's verdict.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
import websocket

from helper.course.hub import COURSE_DIR


class StudentError(RuntimeError):
    """A step of a simulated student failed (says which and why)."""


@dataclass
class Student:
    hub_url: str
    name: str
    password: str
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    # -- the hub
    def _hub_xsrf(self) -> str:
        """The hub's _xsrf cookie (a single-user server sets its own one, on its own path)."""
        found = [c.value for c in self.session.cookies if c.name == "_xsrf" and c.path.startswith("/hub")]
        return found[-1] if found else ""

    def _xsrf(self) -> dict[str, str]:
        return {"X-XSRFToken": self._hub_xsrf()}

    def login(self) -> None:
        """Log in through the login form with the shared password."""
        self.session.get(f"{self.hub_url}/hub/login", timeout=30).raise_for_status()
        r = self.session.post(
            f"{self.hub_url}/hub/login",
            data={"username": self.name, "password": self.password, "_xsrf": self._hub_xsrf()},
            allow_redirects=False,
            timeout=60,
        )
        if r.status_code != 302 or "jupyterhub-session-id" not in self.session.cookies:
            raise StudentError(f"{self.name}: login failed ({r.status_code})")

    def start_server(self, timeout: float = 240) -> float:
        """Ask the hub for this student's server and wait until it is ready; returns the seconds taken."""
        t0 = time.perf_counter()
        r = self.session.post(f"{self.hub_url}/hub/api/users/{self.name}/server", headers=self._xsrf(), timeout=timeout)
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise StudentError(f"{self.name}: spawn request failed ({r.status_code}: {r.text[:200]})")
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            user = self.session.get(
                f"{self.hub_url}/hub/api/users/{self.name}", headers=self._xsrf(), timeout=30
            ).json()
            server = user.get("servers", {}).get("", {})
            if server.get("ready"):
                self.timings["server_ready"] = time.perf_counter() - t0
                return self.timings["server_ready"]
            if not server:
                raise StudentError(f"{self.name}: the server stopped while starting")
            time.sleep(0.5)
        raise StudentError(f"{self.name}: server not ready within {timeout} s")

    def get_token(self) -> str:
        """An API token of this student (as JupyterLab holds one), made by the logged-in student."""
        r = self.session.post(
            f"{self.hub_url}/hub/api/users/{self.name}/tokens",
            json={"note": "simulated student", "expires_in": 3600},
            headers=self._xsrf(),
            timeout=60,
        )
        if r.status_code != 201:
            raise StudentError(f"{self.name}: token request failed ({r.status_code})")
        self.token = r.json()["token"]
        return self.token

    def api(self, method: str, path: str, *, user: str | None = None, **kw: Any) -> requests.Response:
        """A request to a single-user server's REST API (this student's, or ``user``'s) with this student's token."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(
            method,
            f"{self.hub_url}/user/{user or self.name}/api/{path}",
            headers=headers,
            timeout=kw.pop("timeout", 60),
            **kw,
        )

    # -- handing out
    def pull(self, repo: str, branch: str = "main", timeout: float = 180) -> float:
        """Run nbgitpuller's pull (what its link's page does) and wait for it to finish; seconds taken."""
        t0 = time.perf_counter()
        r = requests.get(
            f"{self.hub_url}/user/{self.name}/git-pull/api",
            params={"repo": repo, "branch": branch, "targetpath": COURSE_DIR},
            headers={"Authorization": f"token {self.token}"},
            stream=True,
            timeout=timeout,
        )
        if r.status_code != 200:
            raise StudentError(f"{self.name}: git-pull answered {r.status_code}")
        lines = []
        for raw in r.iter_lines(decode_unicode=True):
            if raw and raw.startswith("data:"):
                event = json.loads(raw[5:])
                lines.append(event.get("output", ""))
                if event.get("phase") == "finished":
                    self.timings["pull"] = time.perf_counter() - t0
                    return self.timings["pull"]
                if event.get("phase") == "error":
                    raise StudentError(f"{self.name}: nbgitpuller failed: {event.get('message')}\n{''.join(lines)}")
        raise StudentError(f"{self.name}: nbgitpuller stream ended without finishing:\n{''.join(lines)}")

    # -- kernels
    def open_kernel(self, path: str) -> Kernel:
        """Start a kernel for the notebook at ``path`` (relative to home), as opening it in Lab does."""
        r = self.api(
            "POST",
            "sessions",
            json={"path": path, "type": "notebook", "name": path.rsplit("/", 1)[-1], "kernel": {"name": "python3"}},
        )
        if r.status_code != 201:
            raise StudentError(f"{self.name}: could not start a kernel ({r.status_code}: {r.text[:200]})")
        kernel_id = r.json()["kernel"]["id"]
        url = self.hub_url.replace("http", "ws", 1) + f"/user/{self.name}/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(url, header=[f"Authorization: token {self.token}"], timeout=300)
        return Kernel(self.name, kernel_id, ws)

    def notebook(self, path: str) -> dict:
        r = self.api("GET", f"contents/{path}")
        if r.status_code != 200:
            raise StudentError(f"{self.name}: cannot read {path} ({r.status_code})")
        return r.json()["content"]


@dataclass
class Kernel:
    """One kernel, spoken to over its websocket in the Jupyter message protocol (JSON frames)."""

    owner: str
    kernel_id: str
    ws: websocket.WebSocket
    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    comms: dict[str, dict] = field(default_factory=dict)  # comm id -> widget state at comm_open

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "username": self.owner,
                        "session": self.session,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": channel,
                    "buffers": [],
                }
            )
        )
        return msg_id

    def recv(self) -> dict | None:
        data = self.ws.recv()
        if isinstance(data, bytes):  # a message with binary buffers: not one we wait for
            return None
        msg = json.loads(data)
        if msg.get("msg_type") == "comm_open" or msg.get("header", {}).get("msg_type") == "comm_open":
            c = msg["content"]
            self.comms[c["comm_id"]] = c.get("data", {}).get("state", {})
        return msg

    def execute(self, code: str, timeout: float = 300) -> list[dict]:
        """Run ``code``; returns its output messages; raises StudentError on an error reply."""
        msg_id = self.send(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": True,
            },
        )
        outputs, deadline = [], time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            msg = self.recv()
            if not msg or msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind in ("stream", "execute_result", "display_data", "error"):
                outputs.append(msg["content"] | {"output_type": kind})
            if kind == "execute_reply":
                if msg["content"]["status"] != "ok":
                    err = msg["content"]
                    raise StudentError(f"{self.owner}: cell failed: {err.get('ename')}: {err.get('evalue')}")
                return outputs
        raise StudentError(f"{self.owner}: cell did not finish within {timeout} s")

    def run_all(self, nb: dict) -> int:
        """Execute every code cell of notebook ``nb`` in order (Run All); returns the number of cells run."""
        cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
        for cell in cells:
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            self.execute(src)
        return len(cells)

    def move_explorer(self, trait: str, value: Any, timeout: float = 60) -> float:
        """Set ``trait`` of the last explorer shown (a comm message, as the page sends); wait for torch's result.

        Returns the seconds from sending the update to receiving the kernel's ``result`` for it.
        """
        ids = [cid for cid, st in self.comms.items() if trait in st and "result" in st]
        if not ids:
            raise StudentError(f"{self.owner}: no explorer with a {trait!r} trait was shown")
        comm_id = ids[-1]
        t0 = time.perf_counter()
        self.send(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {trait: value}, "buffer_paths": []}}
        )
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            msg = self.recv()
            if not msg or msg["header"]["msg_type"] != "comm_msg" or msg["content"]["comm_id"] != comm_id:
                continue
            state = msg["content"]["data"].get("state", {})
            if "result" in state:
                return time.perf_counter() - t0
            if state.get("py_error"):
                raise StudentError(f"{self.owner}: the explorer failed: {state['py_error']}")
        raise StudentError(f"{self.owner}: no result from torch within {timeout} s")

    def close(self) -> None:
        self.ws.close()


def answered(nb: dict, answers: dict[str, str]) -> dict:
    """A copy of notebook ``nb`` (JSON dict) whose exercise cells have ``answer = ...`` replaced by ``answers[key]``."""
    import copy
    import re

    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        m = re.search(r"""check\(\s*["']([^"']+)["']""", src) if cell["cell_type"] == "code" else None
        if m and m[1] in answers:
            cell["source"] = re.sub(r"^answer = \.\.\..*$", lambda _, key=m[1]: answers[key], src, count=1, flags=re.M)
    return nb


def class_session(
    student: Student, repo: str, notebook_name: str, assignment: dict | None, grade_dir: Any = None
) -> dict[str, float]:
    """One student's class: log in, start the server, pull the course, Run All of ``notebook_name``,
    move its last explorer and wait for torch, then (with ``assignment``) fill in and submit its
    exercises and have them graded with otter. Returns the seconds of each step (and the score)."""
    from pathlib import Path

    from helper.course.assignments import grade

    t = student.timings
    t0 = time.perf_counter()
    student.login()
    t["login"] = time.perf_counter() - t0
    student.start_server()
    student.get_token()
    student.pull(repo)
    path = f"{COURSE_DIR}/notebooks/{notebook_name}"
    nb = student.notebook(path)
    kernel = student.open_kernel(path)
    try:
        t0 = time.perf_counter()
        kernel.run_all(nb)
        t["run_all"] = time.perf_counter() - t0
        trait = "logits"
        explorers = [st for st in kernel.comms.values() if trait in st and "result" in st]
        if explorers:
            moved = [v + 0.5 for v in explorers[-1][trait]]
            t["torch_check"] = kernel.move_explorer(trait, moved)
    finally:
        kernel.close()
        student.api("DELETE", f"kernels/{kernel.kernel_id}")
    if assignment:
        from helper.exercises import EXERCISES

        handout = json.loads(Path(assignment["student"]).read_text())
        work = answered(handout, {k: EXERCISES[k].solution for k in assignment["keys"]})
        target = f"{COURSE_DIR}/submission.ipynb"
        r = student.api("PUT", f"contents/{target}", json={"type": "notebook", "format": "json", "content": work})
        if r.status_code not in (200, 201):
            raise StudentError(f"{student.name}: could not save the submission ({r.status_code})")
        t0 = time.perf_counter()
        submitted = student.notebook(target)  # what the grader collects from the student's home
        out = Path(grade_dir) / student.name
        out.mkdir(parents=True, exist_ok=True)
        (out / "submission.ipynb").write_text(json.dumps(submitted))
        scores = grade(Path(assignment["autograder"]), out / "submission.ipynb", out / "graded")
        t["grading"] = time.perf_counter() - t0
        t["score"] = sum(scores.values())
        t["max_score"] = float(len(assignment["keys"]))
    return t
