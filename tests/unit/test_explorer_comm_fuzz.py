"""Random and hostile comm messages from a "page" to explorers living in a REAL kernel.

A kernel is started with jupyter_client; each explorer is made there and its comm opened as
in JupyterLab. This test then plays the front end: it keeps the page's copy of the model,
sets a trait in it and sends the ``comm_msg`` ``update`` that ipywidgets sends (through
ipykernel's comm manager), and applies every ``update``/``echo_update`` the kernel sends back.
After each message it asks the kernel for the traits and checks:

- the kernel's inputs are valid (the explorer's own check accepts them again unchanged);
- the page's copy of every input equals the kernel's (both sides end in the same state);
- a refused message leaves the kernel's inputs as they were and shows, in ``py_error``, the
  field refused; a good message clears that message.
"""

from __future__ import annotations

import json
import math
import os
import queue
import random
from typing import Any

import pytest

jupyter_client = pytest.importorskip("jupyter_client")

SETUP = r"""
import json
from helper.explorers import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer
W = {
    "logits": LogitsExplorer([0.5, -1.0, 2.0], 1, labels=["cat", "dog", "bird"]),
    "binary": BinaryExplorer(2.0, 0),
    "stability": StabilityExplorer([1.0, 2.0, 3.0]),
    "distribution": DistributionExplorer([0.0, 1.0, 2.0], [0.2, 0.3, 0.5]),
}
def _dump(name):
    w = W[name]
    print(json.dumps({"id": w.comm.comm_id, "state": {k: getattr(w, k) for k in (*w._inputs, "py_error")},
                      "valid": _valid(w)}, allow_nan=True))
def _valid(w):
    # each input passes its own check again, unchanged (the kernel never keeps a bad value)
    for k in w._inputs:
        v = getattr(w, k)
        if getattr(type(w), k)._cross_validate(w, v) != v:
            return k
    return ""
"""

# values a page could send (JSON has no nan or inf: a browser sends null for them), good and hostile
HOSTILE: list[Any] = [
    None,
    "nan",
    "inf",
    "-inf",
    "",
    "abc",
    "<img src=x onerror=alert(1)>",
    True,
    False,
    [],
    {},
    [None],
    [1.0, "x", 2.0],
    [[1.0]],
    10**400,
    -(10**400),
    [10**400, 0, 0],
    1.7976931348623157e308,
    -1,
    2,
    3,
    0.5,
    1e30,
    1e39,
    -1e308,
    list(range(200_000)),
    [1e308, 1e308, 1e308],
    [0.0, 0.0, 0.0],
    [-1.0, 1.0, 1.0],
    ["nan", 1, 2],
    {"a": 1},
    [1.0] * 21,
    [1.0],
    "float16",
    "bits",
    "float128",
    "NATS",
]
GOOD: dict[str, dict[str, Any]] = {
    "logits": {
        "logits": lambda r: [round(r.uniform(-6, 6), 1) for _ in range(3)],
        "target": lambda r: r.randrange(3),
        "temperature": lambda r: round(r.uniform(0.1, 5), 2),
    },
    "binary": {"logit": lambda r: round(r.uniform(-30, 30), 1), "target": lambda r: r.randrange(2)},
    "stability": {
        "shift": lambda r: round(r.uniform(-1000, 1000), 1),
        "scale": lambda r: round(r.uniform(0, 10), 1),
        "dtype": lambda r: r.choice(["float16", "float32", "float64"]),
    },
    "distribution": {
        "logits": lambda r: [round(r.uniform(-6, 6), 1) for _ in range(3)],
        "q": lambda r: [0.2, 0.3, 0.5],
        "unit": lambda r: r.choice(["nats", "bits"]),
    },
}
READ_ONLY = {"logits": "lo", "binary": "hint", "stability": "scale_max", "distribution": "labels"}


class Page:
    """The front end of one kernel: page copies of the models, sends updates, applies replies."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name="python3", startup_timeout=120, env=env)
        self.models: dict[str, dict[str, Any]] = {}  # comm id -> page state

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run(self, code: str) -> str:
        """Execute code; apply every comm message it sends; return its stdout."""
        msg_id = self.kc.execute(code)
        out: list[str] = []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=60)
            except queue.Empty:
                raise AssertionError(f"no reply from the kernel to {code[:60]!r}") from None
            self._apply(msg, out)
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"
            ):
                break
        return "".join(out)

    def _apply(self, msg: dict[str, Any], out: list[str]) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            raise AssertionError("\n".join(content["traceback"]))
        elif kind == "comm_open":
            self.models[content["comm_id"]] = dict(content["data"]["state"])
        elif kind == "comm_msg" and content["data"].get("method") in ("update", "echo_update"):
            self.models.setdefault(content["comm_id"], {}).update(content["data"]["state"])

    def send(self, comm_id: str, state: dict[str, Any]) -> None:
        """What ipywidgets does on model.set + save_changes: set locally, send an update."""
        self.models[comm_id].update(state)
        msg = self.kc.session.msg(
            "comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}}
        )
        self.kc.shell_channel.send(msg)

    def dump(self, name: str) -> dict[str, Any]:
        return json.loads(self.run(f"_dump({name!r})"))


@pytest.fixture(scope="module")
def page():
    p = Page()
    try:
        p.run(SETUP)
        yield p
    finally:
        p.close()


def _same(a: Any, b: Any) -> bool:
    """Equal as JavaScript sees them: 2 and 2.0 are one number; a bool is not a number."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return json.dumps(a) == json.dumps(b)


def _check(page: Page, name: str, before: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    now = page.dump(name)
    st, model = now["state"], page.models[now["id"]]
    assert now["valid"] == "", f"{name}: the kernel kept an invalid {now['valid']} after {sent!r:.200}"
    for k, v in st.items():
        if k != "py_error":
            assert _same(model[k], v), f"{name}.{k}: page {model[k]!r:.80} but kernel {v!r:.80} after {sent!r:.200}"
    assert model["py_error"] == st["py_error"]
    refused = st["py_error"].startswith("Refused a value from the page")
    if refused:
        assert all(_same(st[k], before[k]) for k in before if k != "py_error"), f"{name} changed on a refusal"
        assert any(f in st["py_error"] for f in sent), f"{name}: {st['py_error']!r} names none of {list(sent)}"
    return st


def test_hostile_and_random_page_messages_leave_page_and_kernel_in_one_valid_state(page: Page):
    rng = random.Random(18)
    ids = {name: page.dump(name)["id"] for name in GOOD}
    counts = {"refused": 0, "accepted": 0}
    for name, fields in GOOD.items():
        # every hostile value into every input, then a good value (which must clear the message)
        for field in fields:
            for bad in HOSTILE:
                before = page.dump(name)["state"]
                page.send(ids[name], {field: bad})
                st = _check(page, name, before, {field: bad})
                counts["refused" if st["py_error"] else "accepted"] += 1
            good = {field: fields[field](rng)}
            before = page.dump(name)["state"]
            page.send(ids[name], good)
            st = _check(page, name, before, good)
            assert st["py_error"] == "", f"{name}: a good {good} left the message {st['py_error']!r}"
        # a trait the page may not set
        ro = READ_ONLY[name]
        before = page.dump(name)["state"]
        page.send(ids[name], {ro: 12345})
        st = _check(page, name, before, {ro: 12345})
        assert f"{ro} cannot be set from the page" in st["py_error"]
        # random messages: several fields at once, good and hostile mixed
        for _ in range(40):
            msg = {
                f: (fields[f](rng) if rng.random() < 0.6 else rng.choice(HOSTILE))
                for f in rng.sample(sorted(fields), rng.randint(1, len(fields)))
            }
            before = page.dump(name)["state"]
            page.send(ids[name], msg)
            _check(page, name, before, msg)
    assert counts["refused"] > 3 * counts["accepted"]  # the hostile values are refused, not quietly kept


def test_the_message_shown_is_bounded_and_names_what_is_accepted(page: Page):
    cid = page.dump("logits")["id"]
    page.send(cid, {"temperature": 0.0})
    st = page.dump("logits")["state"]
    assert "temperature must lie between 0.001 and 1000; got 0" in st["py_error"]
    page.send(cid, {"logits": list(range(200_000))})
    st = page.dump("logits")["state"]
    assert "logits must have between 2 and 20 entries; got 200000" in st["py_error"] and len(st["py_error"]) < 300
    page.send(cid, {"target": 2})
    st = page.dump("logits")["state"]
    assert st["py_error"] == "" and st["target"] == 2
