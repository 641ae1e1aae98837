"""Build offline reveal.js decks from the notebooks (`make slides`, ``python -m helper.course.slides``).

Every notebook becomes `build/slides/NN_topic.slides.html` through nbconvert's
SlidesExporter, driven by each cell's slideshow metadata:

- cells with slide_type "skip" are left out by the reveal template;
- cells tagged `hide-input` show their output only (`remove-cell` and
  `hide-output` are honoured as well);
- explorers stay live (their saved widget state carries the front end that computes what
  they show; see `WidgetSnapshotPreprocessor`); any other widget shows the static
  snapshot in its display bundle.

The decks need no network: reveal.js 5.2.1 is copied from the course's npm packages into
the output folder and referenced by relative URLs, so the folder works from a USB stick;
every formula is typeset at build time by MathJax 3 (one Node process for all decks), and a
deck with explorers carries their saved state and a small inline host that renders them
(`helper.course.offline`). After writing the decks the build scans each for any reference a
browser would fetch from the network and for relative references whose file is missing, and
fails if it finds one.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool
from traitlets.config import Config

from helper.course import ASSETS, shown
from helper.course.cli import pages_inputs, tool
from helper.course.notebooks import ROOT, WIDGET_STATE, WIDGET_VIEW
from helper.course.notebooks import notebooks as course_notebooks
from helper.course.offline import (
    LIVE_WIDGET_MODULE,
    check_offline,
    copy_package,
    drop_unused_css,
    typeset,
    widget_bundle,
    widget_host_js,
)

TEMPLATES = ASSETS / "slides_template"
DEFAULT_OUT = ROOT / "build" / "slides"

REVEAL_DIR = "reveal.js"
REVEAL_THEME = "white"

# What nbconvert can show in place of a live widget.
STATIC_FALLBACKS = ("image/svg+xml", "image/png", "image/jpeg", "text/html", "text/markdown", "text/latex")

# Files of the node packages that a deck loads (relative to each package).
REVEAL_FILES = (
    "LICENSE",
    "dist/reveal.js",
    "dist/reveal.css",
    "dist/reset.css",
    f"dist/theme/{REVEAL_THEME}.css",
    "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js",
)


class WidgetSnapshotPreprocessor(Preprocessor):
    """Keep live explorers live; replace every other widget by the static fallback in its bundle.

    An explorer is an anywidget whose front end computes what it shows, and the saved
    widget state carries its ES module: the deck's widget host runs it with no kernel, so
    its widget view stays. Any other widget (a kernel-computed one would sit frozen, showing stale numbers)
    loses its widget-view mimetype, so the exporter renders the next best representation
    (SVG/PNG snapshot, HTML, ...). With ``live = False`` every widget becomes its snapshot
    and the saved state is dropped. Outputs left empty are dropped. Cells whose widget had
    no static fallback are recorded in ``resources["widgets_without_snapshot"]`` (cell
    indices); ``resources["live_widgets"]`` counts the widget views kept.
    """

    live = Bool(True, help="keep anywidget explorers live (the deck carries their state and the widget host)").tag(
        config=True
    )

    def preprocess(self, nb, resources):
        state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        missing: list[int] = []
        live = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                data = output.get("data")
                if data is None:
                    kept.append(output)
                    continue
                view = data.get(WIDGET_VIEW)
                model = state.get(view.get("model_id", ""), {}) if isinstance(view, dict) else {}
                if self.live and view is not None and model.get("model_module") == LIVE_WIDGET_MODULE:
                    live += 1
                    kept.append(output)
                    continue
                had_widget = data.pop(WIDGET_VIEW, None) is not None
                data.pop(WIDGET_STATE, None)
                if had_widget and not any(m in data for m in STATIC_FALLBACKS):
                    missing.append(index)
                if data:
                    kept.append(output)
            cell.outputs = kept
        if not live:
            nb.metadata.pop("widgets", None)
        resources["live_widgets"] = live
        resources["widgets_without_snapshot"] = missing
        return nb, resources


# At most this many words of prose on a slide; the rest of a Markdown cell becomes
# reveal.js speaker notes (press S in a deck). Math, code and headings are not prose.
MAX_SLIDE_WORDS = 50
# A code cell longer than this shows only its output on the slide; its code goes to the notes.
MAX_SLIDE_CODE_LINES = 14
_MATH_OR_CODE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|\\\[.*?\\\]|```.*?```|`[^`]*`|<[^>]+>", re.DOTALL)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z(*_`$])")


def prose_words(markdown: str) -> int:
    """Words of prose in `markdown`: math, code, HTML tags and heading lines left out."""
    text = _MATH_OR_CODE.sub(" ", markdown)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return len(_WORD.findall(text))


_LIST_ITEM = re.compile(r"(?m)^(?=\s{0,3}(?:[-*+]|\d+[.)])\s)")


def _units(block: str) -> tuple[list[str], str]:
    """A block cut into its list items (joined by newlines) or its sentences (joined by spaces)."""
    items = [item.rstrip("\n") for item in _LIST_ITEM.split(block) if item.strip()]
    if len(items) > 1:
        return items, "\n"
    return _SENTENCE_END.split(block), " "


def split_for_slide(markdown: str, limit: int = MAX_SLIDE_WORDS) -> tuple[str, str]:
    """(what the slide shows, what goes to the speaker notes) for one Markdown cell.

    Keeps blocks (paragraphs, lists, display math) in order while the prose stays within
    `limit` words; the block that does not fit is cut after its last list item or sentence
    that fits, and the rest of the cell goes to the notes. A line introducing what moved
    ("In this notebook you will:") moves with it; display math and headings stay with the
    text before them.
    """
    if prose_words(markdown) <= limit:
        return markdown, ""
    blocks = re.split(r"\n\s*\n", markdown.strip())
    shown: list[str] = []
    words = 0
    for index, block in enumerate(blocks):
        n = prose_words(block)
        if words + n <= limit:
            shown.append(block)
            words += n
            continue
        units, joiner = _units(block)
        head: list[str] = []
        for unit in units:
            if words + prose_words(unit) > limit:
                break
            head.append(unit)
            words += prose_words(unit)
        rest = [joiner.join(units[len(head) :])] + blocks[index + 1 :]
        if head:
            shown.append(joiner.join(head))
        elif shown and shown[-1].rstrip().endswith(":") and prose_words(shown[-1]):
            rest.insert(0, shown.pop())
        return "\n\n".join(shown), "\n\n".join(rest)
    return "\n\n".join(shown), ""


class NotesOverflowPreprocessor(Preprocessor):
    """Keep at most `MAX_SLIDE_WORDS` words of prose on each slide; the rest becomes speaker notes.

    A code cell longer than `MAX_SLIDE_CODE_LINES` (counting wrapped lines), or whose code
    and output together would not fit one slide, shows only its output on the slide (tag
    ``hide-input``); its code goes to the notes in a fenced block.

    The budget is per slide (a cell with slide_type ``slide`` or ``subslide`` starts a new
    one) and is spent by the slide's Markdown cells in order. The overflow of a cell
    becomes a new Markdown cell with slideshow ``slide_type: notes`` right after it,
    which reveal.js shows in its speaker view (S), not on the slide. Must run before
    nbconvert's own reveal preprocessing (`build_deck` applies it to the notebook).
    """

    limit = MAX_SLIDE_WORDS

    def preprocess(self, nb, resources):
        cells = []
        moved = 0
        remaining = self.limit
        for cell in nb.cells:
            cells.append(cell)
            kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
            if kind in {"slide", "subslide"}:
                remaining = self.limit
            tags = cell.get("metadata", {}).get("tags", [])
            if (
                cell.cell_type == "code"
                and kind not in {"notes", "skip"}
                and "hide-input" not in tags
                and (
                    _code_lines(cell.source) > MAX_SLIDE_CODE_LINES
                    or estimated_height(cell) > DECK_HEIGHT - 60  # code and output do not fit one slide
                )
            ):
                cell.metadata["tags"] = [*tags, "hide-input"]
                code = nbformat.v4.new_markdown_cell(f"The code of this slide:\n\n```python\n{cell.source}\n```")
                code.metadata["slideshow"] = {"slide_type": "notes"}
                cells.append(code)
                moved += 1
                continue
            if cell.cell_type != "markdown" or kind in {"notes", "skip"}:
                continue
            shown, notes = split_for_slide(cell.source, max(remaining, 0))
            remaining -= prose_words(shown)
            if notes and not shown.strip():  # nothing left for the slide: the whole cell is notes
                cell.source = notes
                cell.metadata["slideshow"] = {**cell.metadata.get("slideshow", {}), "slide_type": "notes"}
                moved += 1
            elif notes:
                cell.source = shown
                extra = nbformat.v4.new_markdown_cell(notes)
                extra.metadata["slideshow"] = {"slide_type": "notes"}
                cells.append(extra)
                moved += 1
        nb.cells = cells
        resources["cells_moved_to_notes"] = moved
        return nb, resources


# A rough height model of the deck's CSS at 1280x800 (28px prose, 24px code), used to start a
# new subslide before a cell that would push its slide past the deck's height.
DECK_HEIGHT = 800
_PROSE_LINE, _PROSE_CHARS, _CODE_LINE = 38, 72, 31
# Code and outputs wrap on the slide (pre-wrap) after about this many characters of 24px mono.
_CODE_CHARS = 80


def _code_lines(text: str) -> int:
    """Lines `text` takes on a slide once lines longer than the slide wrap."""
    return sum(max(1, -(-len(line) // _CODE_CHARS)) for line in text.splitlines())


def estimated_height(cell) -> int:
    """About how many pixels `cell` takes on a slide (0 for notes and skipped cells)."""
    kind = cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-")
    if kind in {"notes", "skip"}:
        return 0
    if cell.cell_type == "markdown":
        height = 10
        for block in re.split(r"\n\s*\n", cell.source.strip()):
            if block.lstrip().startswith("#"):
                height += 70
            elif block.lstrip().startswith(("$$", r"\[", r"\begin")):
                height += 90
            else:
                for line in block.splitlines():
                    height += _PROSE_LINE * max(1, -(-len(_MATH_OR_CODE.sub("xxxx", line)) // _PROSE_CHARS))
                height += 12
        return height
    if cell.cell_type != "code":
        return 0
    tags = set(cell.get("metadata", {}).get("tags", []))
    height = 0 if "hide-input" in tags else 30 + _CODE_LINE * _code_lines(cell.source)
    for output in [] if "hide-output" in tags else cell.get("outputs", []):
        data = output.get("data", {})
        if output.get("output_type") == "stream":
            height += 10 + _CODE_LINE * _code_lines(output.get("text", ""))
        elif WIDGET_VIEW in data:  # a live explorer at lecture size
            height += 620
        elif "image/svg+xml" in data or "image/png" in data:
            height += 320
        elif "text/markdown" in data or "text/latex" in data or "text/html" in data:
            text = str(data.get("text/markdown") or data.get("text/latex") or data.get("text/html"))
            # look() matrices: one row per \\ inside each bmatrix, ~48px a row.
            rows = sum(m.count("\\\\") + 1 for m in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", text, re.S))
            height += 40 + 48 * max(1, rows, text.count("\n") + 1)
        elif "text/plain" in data:
            height += 10 + _CODE_LINE * _code_lines(str(data["text/plain"]))
    return height


class FitSlidePreprocessor(Preprocessor):
    """Start a new subslide before a cell that would make its slide taller than the deck.

    Only cells that continue a slide (slide_type ``-`` or ``fragment``) are promoted, and
    only when the slide already shows something: a single cell taller than the deck stays.
    """

    def preprocess(self, nb, resources):
        used = 0
        promoted = 0
        for cell in nb.cells:
            meta = cell.setdefault("metadata", {})
            kind = meta.get("slideshow", {}).get("slide_type", "-")
            height = estimated_height(cell)
            if kind in {"slide", "subslide"}:
                used = height
                continue
            if height and used and used + height > DECK_HEIGHT - 60 and kind in {"-", "fragment"}:
                meta["slideshow"] = {**meta.get("slideshow", {}), "slide_type": "subslide"}
                promoted += 1
                used = height
                continue
            used += height
        resources["cells_moved_to_subslides"] = promoted
        return nb, resources


def make_exporter(live: bool = True) -> SlidesExporter:
    """Return a SlidesExporter configured for offline lecture decks.

    With `live` the anywidget explorers stay live in the deck; without it every widget is its
    static snapshot.
    """
    c = Config()
    c.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.SlidesExporter.template_name = "offline"
    c.SlidesExporter.reveal_url_prefix = REVEAL_DIR
    c.SlidesExporter.reveal_theme = REVEAL_THEME
    c.SlidesExporter.reveal_transition = "slide"
    c.SlidesExporter.reveal_scroll = True
    c.SlidesExporter.reveal_width = "1280"
    c.SlidesExporter.reveal_height = "800"
    # Not loaded by the offline template; set anyway so no CDN default can leak in.
    c.SlidesExporter.mathjax_url = ""
    c.SlidesExporter.widget_renderer_url = ""
    c.SlidesExporter.jupyter_widgets_base_url = ""
    c.SlidesExporter.require_js_url = ""
    c.SlidesExporter.jquery_url = ""
    c.SlidesExporter.mermaid_js_url = ""
    c.SlidesExporter.mermaid_layout_elk_js_url = ""
    c.SlidesExporter.font_awesome_url = ""
    c.SlidesExporter.embed_images = True
    # Headings keep their id without an unnamed pilcrow link in each.
    c.SlidesExporter.exclude_anchor_links = True
    c.SlidesExporter.exclude_input_prompt = True
    c.SlidesExporter.exclude_output_prompt = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {"hide-input"}
    c.TagRemovePreprocessor.remove_cell_tags = {"remove-cell"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"hide-output"}
    c.WidgetSnapshotPreprocessor.live = live
    exporter = SlidesExporter(config=c)
    exporter.register_preprocessor(WidgetSnapshotPreprocessor(config=c), enabled=True)
    return exporter


def copy_assets(out: Path) -> None:
    """Copy the reveal.js files a deck needs into `out` (only when changed)."""
    copy_package("reveal.js", REVEAL_FILES, Path(out) / REVEAL_DIR)


# --------------------------------------------------------------------------- build


@dataclass(frozen=True)
class Deck:
    """A written deck and what the build learned about it."""

    path: Path
    seconds: float
    widgets_without_snapshot: tuple[int, ...]


def build_deck(notebook: Path, out: Path, exporter: SlidesExporter | None = None) -> Deck:
    """Convert one notebook into `out/<stem>.slides.html` (math still as TeX: see `typeset`).

    Raises RuntimeError if the deck would load from the network or a file missing from `out`
    (assumes the reveal.js copy is there, see `copy_assets`).
    """
    exporter = exporter or make_exporter()
    start = time.perf_counter()
    nb = nbformat.read(notebook, as_version=4)
    resources = {
        "metadata": {"name": notebook.stem, "path": str(notebook.parent)},
        # The same AA-contrast rules for prompts and syntax colours as the make-html pages.
        "l2l_contrast_css": (ASSETS / "contrast.css").read_text(encoding="utf-8"),
        "l2l_widget_host": widget_host_js(),
    }
    nb, resources = NotesOverflowPreprocessor().preprocess(nb, resources)
    nb, resources = FitSlidePreprocessor().preprocess(nb, resources)
    # The explorers the deck keeps live (WidgetSnapshotPreprocessor runs inside the exporter,
    # before the template reads this): computed from the saved state, each module once.
    resources["l2l_widgets"] = widget_bundle(nb) if exporter.config.WidgetSnapshotPreprocessor.live else None
    body, resources = exporter.from_notebook_node(nb, resources=resources)
    body = drop_unused_css(body)
    target = out / f"{notebook.stem}{exporter.file_extension}"
    target.write_text(body, encoding="utf-8")
    check_offline(target, "deck")
    return Deck(target, time.perf_counter() - start, tuple(resources.get("widgets_without_snapshot", ())))


def write_index(out: Path, decks: list[Deck]) -> Path:
    """Write `out/index.html`, a plain list of links to the decks (no scripts)."""
    items = "\n".join(
        f'<li><a href="{html.escape(d.path.name)}">{html.escape(d.path.name.split(".")[0])}</a></li>'
        for d in sorted(decks, key=lambda d: d.path.name)
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Logits to Loss: slides</title></head>\n'
        f"<body><h1>Logits to Loss: slides</h1>\n<ul>\n{items}\n</ul></body></html>\n"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def build(notebooks: list[Path], out: Path = DEFAULT_OUT) -> list[Deck]:
    """Copy the assets, build one deck per notebook into `out`, then typeset all their math."""
    if not notebooks:
        raise ValueError("no notebooks given: pass .ipynb paths (make slides uses every course notebook)")
    notebooks, out = pages_inputs(notebooks, out, "the decks' index page")
    copy_assets(out)
    exporter = make_exporter()
    decks = [build_deck(path, out, exporter) for path in notebooks]
    typeset([d.path for d in decks])
    for deck in decks:
        check_offline(deck.path, "deck")
    write_index(out, decks)
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every course notebook")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/slides)")
    args = parser.parse_args(argv)
    return tool("slides", lambda: _report(args.notebooks or course_notebooks(), args.out))


def _report(notebooks: list[Path], out: Path) -> int:
    start = time.perf_counter()
    decks = build(notebooks, out)
    for deck in decks:
        size = deck.path.stat().st_size / 1024
        print(f"{shown(deck.path)}: {size:.0f} KiB in {deck.seconds:.1f} s")
        if deck.widgets_without_snapshot:
            print(f"  warning: widget without a static snapshot in cells {list(deck.widgets_without_snapshot)}")
    print(f"{len(decks)} deck(s) in {time.perf_counter() - start:.1f} s; open {shown(out / 'index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
