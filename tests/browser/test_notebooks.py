"""Every notebook runs top to bottom in a real JupyterLab, clean, with live explorers.

Parametrized over ``notebooks/*.ipynb``, so a new notebook is tested without editing
this file. A scratch notebook first proves that the checks see what they look for.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from labdriver import NotebookPage, write_notebook

from helper.course.notebooks import NOTEBOOK_DIR as NOTEBOOKS
from helper.course.notebooks import WIDGET_VIEW, notebooks

_EXPLORER_CALL = re.compile(r"\b\w*Explorer\(")

pytestmark = pytest.mark.browser


def _widget_cells(path: Path) -> dict[int, bool]:
    """Cells (index among all cells) that should show a live widget -> whether it is an explorer.

    A cell counts if its saved outputs hold a widget view, or if it builds an explorer.
    """
    nb = nbformat.read(path, as_version=4)
    cells: dict[int, bool] = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        saved_view = any(WIDGET_VIEW in out.get("data", {}) for out in cell.get("outputs", []))
        explorer = bool(_EXPLORER_CALL.search(cell.source))
        if saved_view or explorer:
            cells[i] = explorer
    return cells


_JS_WIDGET_CELL = """
([index, wantExplorer]) => {
  const cell = document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')[index];
  if (!cell) return 'cell not found';
  const outs = [...cell.querySelectorAll('.jp-OutputArea-output')];
  const mimes = outs.map(o => o.getAttribute('data-mime-type'));
  // The widget renderer sets no data-mime-type: its output holds the view's root element
  // (.jupyter-widgets for ipywidgets; an anywidget explorer's .l2l-explorer inside a plain .lm-Widget).
  // A fallback (image/svg+xml, text/plain) is shown with its mime type instead.
  const view = outs.find(o => !o.hasAttribute('data-mime-type') && o.querySelector(':scope > .jupyter-widgets, :scope > .lm-Widget > .l2l-explorer'));
  if (!view) return `no live widget view; outputs shown as ${JSON.stringify(mimes)}`;
  if (!wantExplorer) return 'ok';
  const ex = view.querySelector('.l2l-explorer');
  if (!ex) return 'widget view has no .l2l-explorer';
  const err = ex.querySelector('.l2l-error');
  if (err && getComputedStyle(err).display !== 'none' && err.textContent.trim())
    return `explorer shows an error: ${err.textContent.trim().slice(0, 200)}`;
  const num = ex.querySelector('.l2l-loss, .l2l-results');
  if (!num || !/\\d/.test(num.textContent)) return 'explorer shows no numbers (.l2l-loss/.l2l-results)';
  if (!ex.querySelector('input[type=range]')) return 'explorer has no slider';
  return 'ok';
}
"""


def _check_clean(nb: NotebookPage) -> None:
    nb.wait_mathjax()
    problems = nb.problems()
    assert not problems, f"{nb.name} shows problems after Run All:\n" + "\n".join(problems)


def test_checks_catch_errors(open_notebook: Callable[[str], NotebookPage], lab_root: Path) -> None:
    """The same checks flag stderr, a traceback, bad TeX and an undefined macro (they can fail)."""
    write_notebook(
        lab_root / "_scratch_checks.ipynb",
        [
            r"md: unbalanced $\frac{1}{2$ here",
            r"md: undefined $\notamacro{x}$ here",
            r"md: fine $\hat{y} = \sigma(z)$ here",
            "import sys\nprint('careful', file=sys.stderr)",
            "import ipywidgets as w\nw.IntSlider(3)",
            r"w.HTMLMath(r'in a widget $\frac{1}{2$ here')",
            "print(sys.prefix)",
            "1 / 0",
        ],
    )
    nb = open_notebook("_scratch_checks.ipynb")
    nb.run_all()
    nb.wait_mathjax()
    problems = "\n".join(nb.problems())
    assert "stderr: careful" in problems
    assert "ZeroDivisionError" in problems
    assert r"untypeset TeX: unbalanced $\frac{1}{2$" in problems
    assert r"untypeset TeX: in a widget $\frac{1}{2$" in problems
    assert "undefined macro" in problems and "notamacro" in problems
    assert "hat" not in problems  # the valid formula is not reported
    # the kernel runs in this interpreter's environment
    stdout = nb.page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stdout"]')
    assert stdout.first.inner_text().strip() == sys.prefix
    # the live-widget check accepts a real widget and rejects a cell without one
    assert nb.page.evaluate(_JS_WIDGET_CELL, [4, False]) == "ok"
    assert nb.page.evaluate(_JS_WIDGET_CELL, [4, True]) == "widget view has no .l2l-explorer"
    assert nb.page.evaluate(_JS_WIDGET_CELL, [3, False]).startswith("no live widget view")


@pytest.mark.parametrize("name", [p.name for p in notebooks()])
def test_notebook_runs_clean(name: str, open_notebook: Callable[[str], NotebookPage]) -> None:
    nb = open_notebook(name)
    nb.run_all()
    _check_clean(nb)
    widget_cells = _widget_cells(NOTEBOOKS / name)
    failures = {
        i: verdict
        for i, explorer in widget_cells.items()
        if (verdict := nb.page.evaluate(_JS_WIDGET_CELL, [i, explorer])) != "ok"
    }
    assert not failures, f"{name}: widgets not live: " + "; ".join(f"cell {i + 1}: {v}" for i, v in failures.items())
    for i, explorer in widget_cells.items():
        if explorer:
            _assert_key_updates_numbers(nb, i)


_JS_NUMBERS = """
(index) => {
  const cell = document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')[index];
  const el = cell && cell.querySelector('.l2l-explorer .l2l-loss, .l2l-explorer .l2l-results');
  return el ? el.textContent.trim() : null;
}
"""


def _assert_key_updates_numbers(nb: NotebookPage, index: int) -> None:
    """A key on the explorer's first slider changes the numbers it shows (the kernel link is live)."""
    cell = nb.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)
    handle = cell.locator(".l2l-explorer input[type=range]").first
    before = nb.page.evaluate(_JS_NUMBERS, index)
    for key in ("ArrowRight", "ArrowLeft", "ArrowLeft"):  # back off if the slider sits at its max
        handle.press(key)
        try:
            nb.page.wait_for_function(
                f"([index, before]) => ({_JS_NUMBERS})(index) !== before",
                arg=[index, before],
                timeout=8_000,
                polling=100,
            )
            return
        except Exception:  # noqa: BLE001 - try the other direction, then report
            continue
    raise AssertionError(f"{nb.name}: cell {index + 1}: slider keys did not change {before!r}")
