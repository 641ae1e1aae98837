"""A lecture survives the kernel (#18 item 6): an explorer on screen whose kernel is restarted or
killed keeps computing in the page, says that torch is not checking, and is checked again once a
kernel runs its cell again. Real JupyterLab, real kernel, Chromium; the kernel is restarted and
killed through the server's REST API, as the toolbar and a crash would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn as nn
from labdriver import VIEWPORT, LabServer, NotebookPage, write_notebook

from helper._format import fmt

pytestmark = pytest.mark.browser

EX = ".l2l-binary-explorer"
CELLS = ["from helper import BinaryExplorer\nbx = BinaryExplorer(0.5, 1)\nbx"]
SILENT = "torch is not checking: no kernel answered"
AGREES = "\u2713 torch agrees"


def _loss(z: float) -> str:
    with torch.no_grad():
        value = nn.BCEWithLogitsLoss()(torch.tensor(z, dtype=torch.float32), torch.tensor(1.0)).item()
    return f"loss = {fmt(value, '.4f')}"


def _wait_text(page: Any, css: str, text: str, timeout_ms: float = 30_000) -> None:
    js = """([css, text]) => { const els = document.querySelectorAll(css);
        const el = els[els.length - 1]; return !!el && el.textContent.trim().startsWith(text); }"""
    try:
        page.wait_for_function(js, arg=[css, text], timeout=timeout_ms, polling=100)
    except Exception:  # noqa: BLE001 - say what is shown instead of a bare timeout
        shown = page.evaluate("(css) => [...document.querySelectorAll(css)].map((e) => e.textContent.trim())", css)
        raise AssertionError(f"{css}: expected {text!r}, shown {shown!r}") from None


def _press(page: Any, key: str) -> None:
    page.locator(f"{EX} .l2l-logit input").last.focus()
    page.keyboard.press(key)


@pytest.fixture()
def lab_nb(chromium: Any, lab_server: LabServer, lab_root: Path) -> Iterator[tuple[NotebookPage, LabServer]]:
    write_notebook(lab_root / "_scratch_kernel_loss.ipynb", CELLS)
    context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(30_000)
    try:
        nb = NotebookPage(context.new_page(), lab_server, "_scratch_kernel_loss.ipynb").open()
        nb.run_all()
        _wait_text(nb.page, f"{EX} .l2l-check", AGREES, 60_000)
        yield nb, lab_server
    finally:
        context.close()
        lab_server.shutdown_kernels()


@pytest.mark.parametrize("how", ["restart", "kill"])
def test_an_explorer_keeps_computing_without_its_kernel_and_is_checked_again(lab_nb, how: str) -> None:
    nb, server = lab_nb
    page = nb.page
    _press(page, "ArrowRight")  # 0.6, checked by the running kernel
    _wait_text(page, f"{EX} .l2l-loss", _loss(0.6))
    _wait_text(page, f"{EX} .l2l-check", AGREES)
    (kernel,) = server.api("GET", "/api/kernels")
    if how == "restart":
        server.api("POST", f"/api/kernels/{kernel['id']}/restart", timeout=60)
    else:
        server.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=60)
    page.wait_for_timeout(1500)
    # the page still computes every move and says, without blaming anyone, that torch is not checking
    _press(page, "ArrowRight")
    _wait_text(page, f"{EX} .l2l-loss", _loss(0.7))
    _wait_text(page, f"{EX} .l2l-check", SILENT, 20_000)
    _press(page, "ArrowRight")
    _wait_text(page, f"{EX} .l2l-loss", _loss(0.8))
    assert page.locator(f"{EX} .l2l-error:not([hidden])").count() == 0, "a lost kernel is not an error"
    # a kernel runs the cell again: the new explorer is checked by torch
    if how == "kill":  # the kernel and its session are gone (a crash): open the notebook again, which starts one
        nb.open()
    nb.run_all()
    _wait_text(page, f"{EX} .l2l-check", AGREES, 90_000)
    _press(page, "ArrowRight")
    _wait_text(page, f"{EX} .l2l-loss", _loss(0.6))
    _wait_text(page, f"{EX} .l2l-check", AGREES)
