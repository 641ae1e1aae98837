"""`make html` build rules that need no browser: local scripts only, failures named.

Needs the npm packages (`make node`; `make test` installs them): without them the build
raises FileNotFoundError naming the command, and these tests fail rather than skip.
(The pages' behaviour in Chromium, offline, is tested in tests/browser/test_html_pages.py.)
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from helper.course.html import build, copy_widget_assets, main



def _notebook(path: Path, markdown: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, path)
    return path


def test_widget_assets_are_local_files_beside_the_page(tmp_path: Path) -> None:
    assets = copy_widget_assets(tmp_path)
    for url in (assets.require_js_url, assets.widget_renderer_url):
        assert not url.startswith(("http:", "https:", "//", "/")), url
        assert (tmp_path / url).is_file()
    # the widget manager asks require.js for "anywidget", which resolves beside the page
    assert "define(" in (tmp_path / "anywidget.js").read_text(encoding="utf-8")


def test_page_and_index(tmp_path: Path) -> None:
    nb = _notebook(tmp_path / "01_first.ipynb", "# First page\n\n$x^2$")
    pages = build([nb], tmp_path / "out")
    assert [p.path.name for p in pages] == ["01_first.html"] and pages[0].title == "First page"
    page = (tmp_path / "out" / "01_first.html").read_text(encoding="utf-8")
    assert 'src="mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"' in page
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert '<a href="01_first.html">First page</a>' in index


def test_a_page_that_would_load_from_the_network_fails_the_build(tmp_path: Path, capsys) -> None:
    nb = _notebook(tmp_path / "01_remote.ipynb", '# Remote\n\n<img src="https://example.org/x.png" alt="x">')
    with pytest.raises(RuntimeError, match=r"(?s)01_remote.ipynb: the page would load from the network:.*example\.org"):
        build([nb], tmp_path / "out")
    assert main([str(nb), "--out", str(tmp_path / "out2")]) == 1
    assert "example.org" in capsys.readouterr().err


def test_bad_input_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no notebooks given"):
        build([], tmp_path)
    with pytest.raises(ValueError, match=r"not a notebook file: .*nope\.txt"):
        build([tmp_path / "nope.txt"], tmp_path)


@pytest.mark.parametrize("code", ["LogitsExplorer([1.0, 2.0])", "player = TrainingPlayer(X, y, steps=60)"])
def test_stale_explorer_outputs_fail_the_build(tmp_path: Path, code: str) -> None:
    """A notebook that creates an explorer (or the TrainingPlayer) but saved no live one would give a frozen page."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Stale"), nbformat.v4.new_code_cell(code)]
    path = tmp_path / "01_stale.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(RuntimeError, match=r"(?s)01_stale.ipynb: its code creates an explorer .*make outputs"):
        build([path], tmp_path / "out")
