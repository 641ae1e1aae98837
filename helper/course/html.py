"""Standalone HTML pages of the notebooks with live explorers, offline (`make html`).

Run as ``python -m helper.course.html [NOTEBOOK ...] [--out build/html] [--execute]``.
Every course notebook (`helper.course.notebooks`) becomes ``build/html/NN_topic.html``
through nbconvert's HTMLExporter (JupyterLab's look), and ``build/html/index.html`` links
them in course order. Each page is one self-contained file that works from ``file://``
with the network off and runs only what it uses:

- every formula is typeset at build time by MathJax 3.2.2, the renderer JupyterLab uses
  (SVG with assistive MathML for screen readers), in one Node process for the whole build
  (`helper.course.offline.typeset`): no MathJax script runs in the page;
- the explorers are anywidgets whose front end computes what it shows; the page carries
  their saved state with each ES module once and a small inline host that renders them
  (`helper.course.offline.widget_bundle`, ``assets/widget_host.js``): no widget manager,
  no require.js, no kernel. A page without an explorer has no script at all.

After writing the pages the build scans each for anything a browser would fetch from the
network (http, https, protocol-relative) or from a missing local file, and fails if it
finds one. Pages show the outputs stored in the notebooks (made by ``make outputs``);
``--execute`` runs a copy of each notebook first (the stored notebooks stay untouched).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from helper.course import ASSETS, shown
from helper.course.cli import pages_inputs, tool
from helper.course.notebooks import ROOT, WIDGET_STATE, title
from helper.course.notebooks import notebooks as course_notebooks
from helper.course.offline import (
    LIVE_WIDGET_MODULE,
    check_offline,
    drop_unused_css,
    missing_local_files,
    remote_references,
    typeset,
    widget_bundle,
    widget_host_js,
)

__all__ = [
    "DEFAULT_OUT",
    "Page",
    "make_exporter",
    "build_page",
    "write_index",
    "build",
    "live_widget_count",
    "contrast_css",
]

TEMPLATES = ASSETS / "html_template"
DEFAULT_OUT = ROOT / "build" / "html"


def contrast_css() -> str:
    """CSS that brings nbconvert's prompts and syntax colours to WCAG AA contrast on a light page.

    The pages inline it; the slide decks inline the same file (helper.course.slides).
    """
    return (ASSETS / "contrast.css").read_text(encoding="utf-8")


def make_exporter() -> HTMLExporter:
    """An HTMLExporter for offline course pages (template ``l2l_page``, no script it does not need)."""
    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.HTMLExporter.template_name = "l2l_page"
    # The template loads none of these; empty so that no CDN default can leak in.
    c.HTMLExporter.mathjax_url = ""
    c.HTMLExporter.require_js_url = ""
    c.HTMLExporter.widget_renderer_url = ""
    c.HTMLExporter.jupyter_widgets_base_url = ""
    c.HTMLExporter.jquery_url = ""
    c.HTMLExporter.embed_images = True
    # Headings keep their id (a link target) without an unnamed pilcrow link in each.
    c.HTMLExporter.exclude_anchor_links = True
    return HTMLExporter(config=c)


def live_widget_count(nb: nbformat.NotebookNode) -> int:
    """How many anywidget models (explorers that compute in the page) the saved widget state holds."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return sum(1 for m in state.values() if m.get("model_module") == LIVE_WIDGET_MODULE)


_EXPLORER_CALL = re.compile(r"\b[A-Z]\w*(?:Explorer|Player)\(")  # the explorers and the TrainingPlayer


def _creates_explorer(nb: nbformat.NotebookNode) -> bool:
    return any(c.cell_type == "code" and _EXPLORER_CALL.search(c.source) for c in nb.cells)


@dataclass(frozen=True)
class Page:
    """A written page and what the build learned about it."""

    path: Path
    title: str
    seconds: float
    live_widgets: int


def _execute_copy(notebook: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Run a copy of `notebook` (in a temporary folder, widget state saved); return it."""
    from helper.course.outputs import execute

    with tempfile.TemporaryDirectory(prefix="l2l-html-") as tmp:
        copy = Path(tmp) / notebook.name
        shutil.copy2(notebook, copy)
        execute(copy, timeout=timeout)
        return nbformat.read(copy, as_version=4)


def build_page(
    notebook: Path, out: Path, exporter: HTMLExporter, *, nav: dict | None = None, execute: bool = False
) -> Page:
    """Convert one notebook into `out/<stem>.html` (math still as TeX: see `typeset`).

    Raises RuntimeError if the page would load anything from the network or a missing file.
    """
    start = time.perf_counter()
    nb = _execute_copy(notebook) if execute else nbformat.read(notebook, as_version=4)
    if _creates_explorer(nb) and live_widget_count(nb) == 0:
        raise RuntimeError(
            f"{notebook.name}: its code creates an explorer but its saved widget state holds no live "
            "(anywidget) explorer: the stored outputs predate the explorers or were saved without widget "
            "state, and the page would show frozen numbers. Run `make outputs`, or build from fresh runs "
            "with `python -m helper.course.html --execute`."
        )
    name = title(notebook)
    resources = {
        "metadata": {"name": name, "path": str(notebook.parent)},
        "l2l_nav": nav or {},
        "l2l_contrast_css": contrast_css(),
        "l2l_widgets": widget_bundle(nb),
        "l2l_widget_host": widget_host_js(),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = drop_unused_css(body)
    remote = remote_references(body)
    if remote:
        listed = "\n  ".join(f"{r.where}: {r.url}" for r in remote[:20])
        raise RuntimeError(f"{notebook.name}: the page would load from the network:\n  {listed}")
    missing = missing_local_files(body, out)
    if missing:
        listed = "\n  ".join(f"{r.where}: {r.url}" for r in missing[:20])
        raise RuntimeError(f"{notebook.name}: the page refers to files missing from {out}:\n  {listed}")
    target = out / f"{notebook.stem}.html"
    target.write_text(body, encoding="utf-8")
    return Page(target, name, time.perf_counter() - start, live_widget_count(nb))


def write_index(out: Path, pages: list[Page]) -> Path:
    """Write `out/index.html`: the pages in course order, linked by title (no scripts)."""
    items = "\n".join(f'<li><a href="{html.escape(p.path.name)}">{html.escape(p.title)}</a></li>' for p in pages)
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        "<title>Logits to Loss: the notebooks</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#1a1a1a;background:#fff}a{color:#0b57a4}</style></head>\n"
        "<body><main><h1>Logits to Loss: the notebooks</h1>\n"
        "<p>Each page works offline; its explorers compute in the page, no Python needed.</p>\n"
        f"<ol>\n{items}\n</ol></main></body></html>\n"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def _link(path: Path, name: str) -> dict[str, str]:
    """A navigation link as the page template writes it: the href URL-quoted, the title HTML-escaped.

    nbconvert's templates do not autoescape, and a title is whatever a notebook's first heading says.
    """
    return {"href": html.escape(quote(f"{path.stem}.html")), "title": html.escape(name)}


def build(notebooks: list[Path], out: Path = DEFAULT_OUT, *, execute: bool = False) -> list[Page]:
    """Build one page per notebook (in the order given) plus the index, then typeset all their math."""
    if not notebooks:
        raise ValueError("no notebooks given: pass .ipynb paths (make html uses every course notebook)")
    paths, out = pages_inputs(notebooks, out, "the course index page")
    exporter = make_exporter()
    titles = [title(p) for p in paths]
    pages = []
    for i, path in enumerate(paths):
        nav = {
            "prev": _link(paths[i - 1], titles[i - 1]) if i > 0 else None,
            "next": _link(paths[i + 1], titles[i + 1]) if i + 1 < len(paths) else None,
        }
        pages.append(build_page(path, out, exporter, nav=nav, execute=execute))
    start = time.perf_counter()
    typeset([p.path for p in pages])
    for page in pages:
        check_offline(page.path)
    share = (time.perf_counter() - start) / len(pages)
    pages = [Page(p.path, p.title, p.seconds + share, p.live_widgets) for p in pages]
    write_index(out, pages)
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/html)")
    parser.add_argument(
        "--execute", action="store_true", help="run a copy of each notebook first (the stored ones stay untouched)"
    )
    args = parser.parse_args(argv)
    return tool("html", lambda: _report(args.notebooks or course_notebooks(), args.out, args.execute))


def _report(notebooks: list[Path], out: Path, execute: bool) -> int:
    start = time.perf_counter()
    pages = build(notebooks, out, execute=execute)
    for page in pages:
        size = page.path.stat().st_size / 1024
        print(f"{shown(page.path)}: {size:.0f} KiB, {page.live_widgets} live explorer(s), {page.seconds:.1f} s")
    print(f"{len(pages)} page(s) in {time.perf_counter() - start:.1f} s; open {shown(out / 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
