"""`make html` build rules that need no browser: math typeset, no scripts, failures named.

Needs the npm packages (`make node`; `make test` installs them): without them the build
raises FileNotFoundError naming the command, and these tests fail rather than skip.
(The pages' behaviour in Chromium, offline, is tested in tests/browser/test_html_pages.py.)
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from helper.course.html import build, main
from helper.course.notebooks import notebooks as course_notebooks


def _notebook(path: Path, markdown: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, path)
    return path


def test_page_and_index(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "01_first.ipynb", "# First page\n\n$x^2$")
    pages = build([nb], tmp_path / "out")
    assert [p.path.name for p in pages] == ["01_first.html"] and pages[0].title == "First page"
    page = (tmp_path / "out" / "01_first.html").read_text(encoding="utf-8")
    # Typeset at build time by MathJax 3: SVG with the formula's MathML for screen readers, no script.
    assert page.count("<mjx-container") == 1 and "<mjx-assistive-mml" in page and "<msup>" in page
    assert "<script" not in page and "$x^2$" not in page
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<a href="01_first.html">First page</a>' in index


def test_a_page_that_would_load_from_the_network_fails_the_build(tmp_path: Path, capsys) -> None:
    nb = _notebook(tmp_path / "01_remote.ipynb", '# Remote\n\n<img src="https://example.org/x.png" alt="x">')
    with pytest.raises(RuntimeError, match=r"(?s)01_remote.ipynb: the page would load from the network:.*example\.org"):
        build([nb], tmp_path / "out")
    assert main([str(nb), "--out", str(tmp_path / "out2")]) == 2
    err = capsys.readouterr().err
    assert "example.org" in err and err.startswith("html: ") and "Traceback" not in err


def test_bad_input_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no notebooks given"):
        build([], tmp_path)
    with pytest.raises(ValueError, match=r"nope\.txt: not a notebook"):
        build([tmp_path / "nope.txt"], tmp_path / "out")
    with pytest.raises(ValueError, match="index would replace"):
        build([_notebook(tmp_path / "index.ipynb", "# Index")], tmp_path / "out")
    with pytest.raises(ValueError, match="inside the course"):
        build([_notebook(tmp_path / "01_a.ipynb", "# A")], course_notebooks()[0].parent)


def test_a_title_with_markup_is_text_in_the_other_pages_navigation(tmp_path: Path) -> None:
    """A heading is whatever a notebook says: in a neighbour's navigation it is text, and the link is a URL."""
    first = _notebook(tmp_path / "01_first.ipynb", "# First")
    second = _notebook(tmp_path / "02 second & <b>.ipynb", '# Second <svg onload="alert(1)"> & "more"')
    build([first, second], tmp_path / "out")
    page = (tmp_path / "out" / "01_first.html").read_text(encoding="utf-8")
    nav = _Nav()
    nav.feed(page)
    assert nav.tags == ["nav", "a", "a"]  # no element came out of the title
    assert (nav.links[-1][0], nav.links[-1][1].strip()) == (
        "02%20second%20%26%20%3Cb%3E.html",
        'Next: Second <svg onload="alert(1)"> & "more"',
    )


class _Nav(HTMLParser):
    """The elements inside the page's <nav>, and its links as (href, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "nav":
            self._inside = True
        if self._inside:
            self.tags.append(tag)
            if tag == "a":
                self.links.append((dict(attrs)["href"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside and self.links:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)


@pytest.mark.parametrize("code", ["LogitsExplorer([1.0, 2.0])", "player = TrainingPlayer(X, y, steps=60)"])
def test_stale_explorer_outputs_fail_the_build(tmp_path: Path, code: str) -> None:
    """A notebook that creates an explorer (or the TrainingPlayer) but saved no live one would give a frozen page."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Stale"), nbformat.v4.new_code_cell(code)]
    path = tmp_path / "01_stale.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(RuntimeError, match=r"(?s)01_stale.ipynb: its code creates an explorer .*make outputs"):
        build([path], tmp_path / "out")


def test_bad_tex_fails_the_build(tmp_path: Path, capsys) -> None:
    nb = _notebook(tmp_path / "01_bad.ipynb", r"# Bad" "\n\n" r"$\fracc{1}{2}$")
    assert main([str(nb), "--out", str(tmp_path / "out")]) == 2
    assert r"01_bad.html: Undefined control sequence \fracc" in capsys.readouterr().err


def test_each_explorer_module_is_shipped_once(tmp_path: Path) -> None:
    """Two saved explorers with the same front end: one module in the page, both rendered from it."""
    import json
    import re

    from helper.course.offline import widget_bundle

    nb = nbformat.v4.new_notebook()
    esm = "export default { render({ model, el }) { el.textContent = model.get('x'); } };"
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                m: {
                    "model_module": "anywidget",
                    "model_name": "AnyModel",
                    "model_module_version": "~0.9.*",
                    "state": {"_esm": esm, "_css": ".a{}", "x": i, "layout": "IPY_MODEL_l"},
                }
                for i, m in enumerate(["m1", "m2"])
            }
            | {"l": {"model_module": "@jupyter-widgets/base", "model_name": "LayoutModel", "state": {}}},
        }
    }
    view = {"model_id": "m1", "version_major": 2, "version_minor": 0}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Two"),
        nbformat.v4.new_code_cell(
            "LogitsExplorer()",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"application/vnd.jupyter.widget-view+json": view, "text/plain": "x"}
                ),
                nbformat.v4.new_output(
                    "display_data",
                    data={"application/vnd.jupyter.widget-view+json": {**view, "model_id": "m2"}, "text/plain": "x"},
                ),
            ],
        ),
    ]
    bundle = json.loads(widget_bundle(nb))
    assert bundle["modules"] == [esm] and bundle["styles"] == [".a{}"]
    assert bundle["models"] == {
        "m1": {"module": 0, "style": 0, "state": {"x": 0}},
        "m2": {"module": 0, "style": 0, "state": {"x": 1}},
    }
    path = tmp_path / "01_two.ipynb"
    nbformat.write(nb, path)
    build([path], tmp_path / "out")
    page = (tmp_path / "out" / "01_two.html").read_text(encoding="utf-8")
    assert page.count("export default") == 1 and re.findall(r'<div [^>]*data-l2l-model="(\w+)"', page) == ["m1", "m2"]
    assert "<script src" not in page


@pytest.mark.parametrize("notebook", course_notebooks(), ids=[p.stem for p in course_notebooks()])
def test_every_figure_has_its_written_text_alternative(notebook: Path) -> None:
    """Each PNG output of a notebook carries the alt text written for it (``helper.plots.described``)."""
    nb = nbformat.read(notebook, as_version=4)
    missing = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
        and len(str(output.get("metadata", {}).get("image/png", {}).get("alt", "")).strip()) < 20
    ]
    assert missing == [], (
        f"{notebook.name}: figures without a text alternative in cells {missing}: show them with described(fig, alt=...)"
    )


def test_the_page_shows_a_figure_with_its_alt(tmp_path: Path) -> None:
    import base64

    from helper.plots import described, loss_curves

    bundle, metadata = described(loss_curves(3), "Two panels: the losses and their gradients.")._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Figure"),
        nbformat.v4.new_code_cell(
            "described(...)", outputs=[nbformat.v4.new_output("display_data", data=bundle, metadata=metadata)]
        ),
    ]
    path = tmp_path / "01_figure.ipynb"
    nbformat.write(nb, path)
    build([path], tmp_path / "out")
    page = (tmp_path / "out" / "01_figure.html").read_text(encoding="utf-8")
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert 'alt="Two panels: the losses and their gradients."' in page
    assert "No description has been provided" not in page
