"""A notebook with an explorer in Jupyter Notebook 7 (not only JupyterLab).

Starts ``jupyter notebook`` (7.x, on JupyterLab 4.6) on 127.0.0.1 with a token, opens a
copy of notebook 01 at ``/notebooks/...``, runs every cell from the Run menu, then drives
the LogitsExplorer's first slider with the keyboard alone: the loss readout changes to
torch's value for the new position and the kernel's check says torch agrees.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from labdriver import VIEWPORT, NotebookServer, require_browser

from helper.course.notebooks import notebook
from helper.explorers import LogitsExplorer

pytestmark = pytest.mark.browser

PRESSES = 3
_JS_PROMPTS = """
() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
  .map(p => (p.textContent || '').trim())
"""


def _kernel_idle_and_connected(server: NotebookServer) -> bool:
    return any(
        k.get("connections", 0) >= 1 and k.get("execution_state") == "idle" for k in server.api("GET", "/api/kernels")
    )


def test_explorer_runs_in_notebook7(chromium: Any, tmp_path: Path) -> None:
    require_browser()
    source = notebook("01")
    shutil.copy2(source, tmp_path / source.name)
    with NotebookServer(tmp_path) as server:
        context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
        try:
            page = context.new_page()
            page.goto(server.notebook_url(source.name), timeout=60_000)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            assert page.locator(".jp-LabShell").count() == 0, "this is JupyterLab, not Notebook 7"
            deadline = time.monotonic() + 60
            while not _kernel_idle_and_connected(server):
                assert time.monotonic() < deadline, "no connected idle kernel after 60 s"
                time.sleep(0.25)

            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            page.wait_for_function(
                f"() => {{ const p = ({_JS_PROMPTS})(); return p.length > 0 && p.every(x => /^\\[\\d+\\]:$/.test(x)); }}",
                timeout=180_000,
                polling=250,
            )
            errors = page.locator(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                ".jp-OutputArea-output[data-mime-type*='error']"
            )
            assert errors.count() == 0, errors.first.inner_text()[:500]

            explorer = page.locator(".l2l-logits-explorer").first
            explorer.scroll_into_view_if_needed()
            slider = explorer.locator(".l2l-logit-0 input[type=range]")
            readout = explorer.locator(".l2l-loss")
            before = readout.text_content()
            start = float(slider.input_value())
            slider.focus()
            for _ in range(PRESSES):
                page.keyboard.press("ArrowRight")
            position = round(start + PRESSES * float(slider.get_attribute("step")), 6)
            assert float(slider.input_value()) == pytest.approx(position, abs=1e-9)
            after = readout.text_content()
            assert after != before

            # torch's loss for the explorer's state with z_0 moved there, computed here.
            selects = explorer.locator("select")
            values = [
                float(explorer.locator(f".l2l-logit-{i} input").input_value())
                for i in range(explorer.locator(".l2l-logit input").count())
            ]
            target = int(selects.first.input_value())
            temperature = float(explorer.locator(".l2l-temperature input").input_value())
            expected = LogitsExplorer(values, target, temperature=temperature).state()["loss"]
            shown = float(re.search(r"-?\d+\.\d+", after).group(0))
            assert shown == pytest.approx(expected, abs=6e-5), f"page {after!r}, torch {expected}"
            # The kernel verified the new state (Notebook 7 runs the same widget comms).
            explorer.locator(".l2l-check.l2l-agree").wait_for(timeout=30_000)
        finally:
            context.close()
            server.shutdown_kernels()
