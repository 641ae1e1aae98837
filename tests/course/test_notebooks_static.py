"""Static checks of the committed notebooks: what nbval does not see.

nbval re-runs each notebook and compares outputs; these tests check the rest of the
contract: kernel metadata, slide metadata, freshly executed top to bottom, no errors,
warnings or addresses in outputs, raw strings for LaTeX, only timing cells exempt from
comparison, and every formula (Markdown cells and `look` outputs) valid for MathJax 3.
"""

from __future__ import annotations

import ast
import importlib
import io
import json
import re
import tokenize
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from mathjax_check import markdown_math, tex_errors

from helper.course.notebooks import ROOT, WIDGET_STATE, WIDGET_VIEW, notebooks

NOTEBOOKS = notebooks()
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "-", "notes"}


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell: dict) -> str:
    return "".join(cell["source"])


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and _src(c).strip()]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


nb_param = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)


def test_the_series_is_complete_and_in_order():
    """Numbered 01, 02, ... with no gap or repeat, at least the six core notebooks, and no stray .ipynb."""
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert len(numbers) >= 6 and numbers == list(range(1, len(numbers) + 1)), [p.name for p in NOTEBOOKS]
    stray = sorted({p.name for p in (ROOT / "notebooks").glob("*.ipynb")} - {p.name for p in NOTEBOOKS})
    assert not stray, f"notebooks/ holds files outside the course numbering: {stray}"


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in (p.name for p in NOTEBOOKS):
        assert name in readme, f"README.md does not list {name}"


@nb_param
def test_kernelspec_is_python3(path):
    spec = _load(path)["metadata"].get("kernelspec", {})
    assert spec.get("name") == "python3", "without kernelspec JupyterLab asks the learner to pick a kernel"


@nb_param
def test_every_cell_has_slide_metadata_and_the_deck_opens_with_a_title(path):
    cells = _load(path)["cells"]
    for i, cell in enumerate(cells):
        kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        assert kind in SLIDE_TYPES, f"cell {i} of {path.name} has slide_type {kind!r}"
    first = cells[0]
    assert first["cell_type"] == "markdown" and _src(first).lstrip().startswith("# ")
    assert first["metadata"]["slideshow"]["slide_type"] == "slide"


@nb_param
def test_executed_top_to_bottom_in_one_run(path):
    counts = [c.get("execution_count") for c in _code_cells(_load(path))]
    assert None not in counts, f"{path.name} has unexecuted cells: run `make outputs`"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name} was not executed in order in one run"


@nb_param
def test_outputs_hold_no_errors_warnings_stderr_or_local_paths(path):
    for i, cell in enumerate(_code_cells(_load(path))):
        if "raises-exception" in cell["metadata"].get("tags", []):
            continue
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name} cell {i}: {out.get('ename')}: {out.get('evalue')}"
            assert out.get("name") != "stderr", f"{path.name} cell {i} writes to stderr: {_text(out['text'])[:200]}"
            blob = json.dumps({k: v for k, v in out.get("data", {}).items() if not k.startswith("image/png")})
            blob += _text(out.get("text", ""))
            assert "Warning" not in blob, f"{path.name} cell {i} shows a warning"
            assert not re.search(r"/(work|root|home|tmp)/", blob), f"{path.name} cell {i} shows a local path"
            assert not re.search(r"0x[0-9a-f]{8,}", blob), f"{path.name} cell {i} shows a memory address"


@nb_param
def test_only_timing_cells_are_exempt_from_comparison(path):
    for cell in _code_cells(_load(path)):
        src, tags = _src(cell), cell["metadata"].get("tags", [])
        for marker in ("NBVAL_SKIP", "NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT"):
            assert marker not in src, f"{path.name}: use tags, not {marker} comments"
        assert "nbval-skip" not in tags, f"{path.name}: a skipped cell is an untested cell"
        if "nbval-ignore-output" in tags:
            assert re.search(r"timeit|perf_counter|time\.time|benchmark", src), (
                f"{path.name}: only timing cells may ignore their output; this one is:\n{src[:300]}"
            )


@nb_param
def test_widget_state_is_saved_where_widgets_are_shown(path):
    nb = _load(path)
    shows_widget = any(WIDGET_VIEW in o.get("data", {}) for c in _code_cells(nb) for o in c.get("outputs", []))
    if shows_widget:
        state = nb["metadata"].get("widgets", {}).get(WIDGET_STATE, {})
        assert state.get("state"), "widget views without saved state render as nothing on GitHub/nbviewer"


@nb_param
def test_saved_explorers_run_todays_front_end(path):
    """make html and make slides publish the widget state saved in the notebook, ES module and
    CSS included: after a change in helper/explorers/js/ the notebooks must be re-executed
    (make outputs), or the pages would run the old code."""
    state = _load(path)["metadata"].get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    saved = [m["state"] for m in state.values() if m.get("model_module") == "anywidget"]
    for model in saved:
        module, _, name = model["_anywidget_id"].rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        assert model["_esm"] == cls._esm and model["_css"] == cls._css, (
            f"{path.name}: the saved {name} runs an older front end than helper/explorers/js/; run make outputs"
        )


def _non_raw_latex_strings(source: str) -> list[str]:
    python = TransformerManager().transform_cell(source)
    bad = []
    for tok in tokenize.generate_tokens(io.StringIO(python).readline):
        if tok.type != tokenize.STRING:
            continue
        prefix = re.match(r"[A-Za-z]*", tok.string)[0].lower()
        if "r" not in prefix and "\\" in tok.string and re.search(r"\\[A-Za-z]{2,}|\$", tok.string):
            bad.append(tok.string)
    return bad


@nb_param
def test_latex_in_code_is_in_raw_strings(path):
    for cell in _code_cells(_load(path)):
        assert not _non_raw_latex_strings(_src(cell)), f"{path.name}: LaTeX in a non-raw string"
        ast.parse(TransformerManager().transform_cell(_src(cell)))


def test_latex_in_helper_sources_is_in_raw_strings():
    for py in sorted((ROOT / "helper").rglob("*.py")):
        bad = _non_raw_latex_strings(py.read_text(encoding="utf-8"))
        assert not bad, f"{py.relative_to(ROOT)}: LaTeX in non-raw strings: {bad[:3]}"


def _all_math(path: Path) -> list[tuple[str, str]]:
    """(where, tex) for every formula in Markdown cells and in stored text/markdown outputs."""
    found = []
    for i, cell in enumerate(_load(path)["cells"]):
        texts = (
            [_src(cell)]
            if cell["cell_type"] == "markdown"
            else [
                _text(o["data"]["text/markdown"])
                for o in cell.get("outputs", [])
                if "text/markdown" in o.get("data", {})
            ]
        )
        for text in texts:
            found += [(f"{path.name} cell {i}", tex) for tex in markdown_math(text)]
    return found


@nb_param
def test_every_formula_renders_in_mathjax3(path):
    math = _all_math(path)
    assert math, f"{path.name} has no math at all?"
    errors = tex_errors([tex for _, tex in math])
    bad = [(where, tex, err) for (where, tex), err in zip(math, errors) if err]
    assert not bad, "MathJax 3 rejects:\n" + "\n".join(f"{w}: {t!r}: {e}" for w, t, e in bad[:10])


@nb_param
def test_formulas_use_the_colour_form_that_mathjax2_and_3_agree_on(path):
    for where, tex in _all_math(path):
        for m in re.finditer(r"\\color\{[^}]*\}", tex):
            before = tex[: m.start()]
            assert before.endswith("{"), f"{where}: write {{\\color{{c}}{{x}}}}, not a bare \\color: {tex!r}"


_COMPARISON = re.compile(r"\b(?:allclose|torch\.equal)\(")


def _shown_text(cell: dict) -> str:
    """What a cell shows: its streams and the text/plain of its results."""
    parts = []
    for out in cell.get("outputs", []):
        parts.append(_text(out.get("text", "")))
        parts.append(_text(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@nb_param
def test_every_comparison_with_torch_is_shown(path):
    """Each cell comparing a hand computation with torch shows every result (True, or a deliberate False).

    A comparison assigned away (`ok = torch.allclose(...)`, `_ = ...`) or hidden behind `;` in a
    non-final line proves nothing to the reader; `assert_close`/`assert` lines are exempt, they
    fail the run instead. Each notebook shows at least two comparisons that hold.
    """
    held = 0
    for i, cell in enumerate(_code_cells(_load(path))):
        calls = len(_COMPARISON.findall(_src(cell)))
        if not calls:
            continue
        results = re.findall(r"\b(?:True|False)\b", _shown_text(cell))
        assert len(results) >= calls, (
            f"{path.name} code cell {i}: {calls} comparison(s) with torch but {len(results)} result(s) shown:\n"
            f"{_src(cell)[-300:]}"
        )
        held += results.count("True")
    assert held >= 2, f"{path.name} shows {held} comparison(s) with torch that hold; the course asks for visible checks"
