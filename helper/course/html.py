"""Standalone HTML pages of the notebooks with live explorers, offline (`make html`).

Run as ``python -m helper.course.html [NOTEBOOK ...] [--out build/html] [--execute]``.
Every course notebook (`helper.course.notebooks`) becomes ``build/html/NN_topic.html``
through nbconvert's HTMLExporter (JupyterLab's look), and ``build/html/index.html`` links
them in course order. The folder works from ``file://`` with the network off:

- the explorers are anywidgets whose front end computes what it shows, and the notebook's
  saved widget state carries their ES module, so the widget manager draws them and they
  answer every key press with no kernel at all;
- the three scripts that make widgets live (require.js, the ``@jupyter-widgets/html-manager``
  ``embed-amd.js``, anywidget's front end as ``anywidget.js`` beside the page, where the
  manager looks before any CDN) and MathJax 2 are local copies from the course's npm
  packages (`helper.course.node_modules`), see `copy_widget_assets` and `copy_mathjax`.

After writing each page the build scans it for anything a browser would fetch from the
network (http, https, protocol-relative) or from a missing local file, and fails if it
finds one. Pages show the outputs stored in the notebooks (made by ``make outputs``);
``--execute`` runs a copy of each notebook first (the stored notebooks stay untouched).

`copy_widget_assets` and `widget_exporter_config` are what any other offline build (the
slide decks) needs to make widgets live.
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

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from helper.course import ASSETS, install_hint, node_modules, shown
from helper.course.notebooks import ROOT, WIDGET_STATE, notebooks as course_notebooks, title
from helper.course.offline import MATHJAX_URL, copy_if_changed, copy_mathjax, missing_local_files, remote_references

__all__ = [
    "DEFAULT_OUT",
    "WidgetAssets",
    "Page",
    "copy_widget_assets",
    "widget_exporter_config",
    "make_exporter",
    "build_page",
    "write_index",
    "build",
    "live_widget_count",
    "contrast_css",
]

TEMPLATES = ASSETS / "html_template"
DEFAULT_OUT = ROOT / "build" / "html"
WIDGETS_DIR = "widgets"
ANYWIDGET_MODULE = "anywidget"

# (npm package, file in it, where it goes relative to the output folder). The widget manager
# asks require.js for a widget's module by name first; require.js resolves a bare name
# against the page's folder, so anywidget's front end must sit beside the page as
# ``anywidget.js`` (only if that fails would the manager try a CDN).
_WIDGET_FILES = (
    ("requirejs", "require.js", f"{WIDGETS_DIR}/require.js"),
    ("@jupyter-widgets/html-manager", "dist/embed-amd.js", f"{WIDGETS_DIR}/embed-amd.js"),
    ("anywidget", "dist/index.js", f"{ANYWIDGET_MODULE}.js"),
)
_LICENSES = (("requirejs", "LICENSE"), ("@jupyter-widgets/html-manager", "LICENSE"), ("anywidget", "LICENSE"))


def contrast_css() -> str:
    """CSS that brings nbconvert's prompts and syntax colours to WCAG AA contrast on a light page.

    The pages inline it; the slide decks inline the same file (helper.course.slides).
    """
    return (ASSETS / "contrast.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class WidgetAssets:
    """Relative URLs (from a page in the output folder) of the scripts that make widgets live."""

    require_js_url: str
    widget_renderer_url: str


def copy_widget_assets(out: Path) -> WidgetAssets:
    """Copy require.js, the widget manager and anywidget's front end into `out`; return their URLs.

    A page in `out` that loads ``require_js_url`` in its head and ``widget_renderer_url``
    after the page (nbconvert's ``require_js_url`` / ``widget_renderer_url``) renders every
    ipywidget and anywidget of its saved widget state from these local copies.
    Raises FileNotFoundError naming the install command when the npm packages are missing.
    """
    out = Path(out)
    for package, rel, target in _WIDGET_FILES:
        src = node_modules() / package / rel
        if not src.is_file():
            raise FileNotFoundError(f"{src} is missing: run {install_hint()}")
        dst = out / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        copy_if_changed(src, dst)
    for package, rel in _LICENSES:
        src = node_modules() / package / rel
        if src.is_file():
            copy_if_changed(src, out / WIDGETS_DIR / f"LICENSE.{package.replace('/', '_').lstrip('@')}")
    return WidgetAssets(
        require_js_url=f"{WIDGETS_DIR}/require.js", widget_renderer_url=f"{WIDGETS_DIR}/embed-amd.js"
    )


def widget_exporter_config(config: Config, exporter: str, assets: WidgetAssets) -> Config:
    """Point nbconvert exporter class `exporter` (e.g. "HTMLExporter") at the local widget scripts."""
    section = getattr(config, exporter)
    section.require_js_url = assets.require_js_url
    section.widget_renderer_url = assets.widget_renderer_url
    # Not needed with a widget_renderer_url; set anyway so no CDN default can leak in.
    section.jupyter_widgets_base_url = ""
    return config


def make_exporter(assets: WidgetAssets, mathjax_url: str = MATHJAX_URL) -> HTMLExporter:
    """An HTMLExporter for offline course pages (template ``l2l_page``, local scripts only)."""
    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.HTMLExporter.template_name = "l2l_page"
    c.HTMLExporter.mathjax_url = mathjax_url
    c.HTMLExporter.jquery_url = ""
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.anchor_link_text = ""
    widget_exporter_config(c, "HTMLExporter", assets)
    return HTMLExporter(config=c)


def live_widget_count(nb: nbformat.NotebookNode) -> int:
    """How many anywidget models (explorers that compute in the page) the saved widget state holds."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return sum(1 for m in state.values() if m.get("model_module") == ANYWIDGET_MODULE)


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
    """Convert one notebook into `out/<stem>.html`; raise RuntimeError if it is not offline-clean.

    Assumes the widget scripts and MathJax are in `out` (`copy_widget_assets`, `copy_mathjax`).
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
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
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
    items = "\n".join(
        f'<li><a href="{html.escape(p.path.name)}">{html.escape(p.title)}</a></li>' for p in pages
    )
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


def build(notebooks: list[Path], out: Path = DEFAULT_OUT, *, execute: bool = False) -> list[Page]:
    """Copy the scripts and build one page per notebook (in the order given) plus the index."""
    if not notebooks:
        raise ValueError("no notebooks given: pass .ipynb paths (make html uses every course notebook)")
    for path in notebooks:
        if Path(path).suffix != ".ipynb" or not Path(path).is_file():
            raise ValueError(f"not a notebook file: {path} (expected an existing .ipynb)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    exporter = make_exporter(copy_widget_assets(out), copy_mathjax(out))
    paths = [Path(p) for p in notebooks]
    titles = [title(p) for p in paths]
    pages = []
    for i, path in enumerate(paths):
        nav = {
            "prev": {"href": f"{paths[i - 1].stem}.html", "title": titles[i - 1]} if i > 0 else None,
            "next": {"href": f"{paths[i + 1].stem}.html", "title": titles[i + 1]} if i + 1 < len(paths) else None,
        }
        pages.append(build_page(path, out, exporter, nav=nav, execute=execute))
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
    start = time.perf_counter()
    try:
        pages = build(args.notebooks or course_notebooks(), args.out, execute=args.execute)
    except (ValueError, RuntimeError, FileNotFoundError) as error:
        print(f"html: {error}", file=sys.stderr)
        return 1
    for page in pages:
        size = page.path.stat().st_size / 1024
        print(f"{shown(page.path)}: {size:.0f} KiB, {page.live_widgets} live explorer(s), {page.seconds:.1f} s")
    print(f"{len(pages)} page(s) in {time.perf_counter() - start:.1f} s; open {shown(args.out / 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
