"""Offline slide decks (`make slides`): build checks and a no-network browser check.

The decks are built once per session into a temporary folder: every notebook in
notebooks/ plus a scratch notebook written here, which holds one of each thing
the build must handle (skip cell, hide-input cell, explorer with a snapshot,
inline and display math, a markdown `look` output, a code line far wider than a slide).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest
from labdriver import axe_violations, block_network, screenshot_dir
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helper.course import offline
from helper.course import slides as build_slides
from helper.course.notebooks import notebooks

SCREENSHOTS = screenshot_dir()
NOTEBOOKS = notebooks()

SCRATCH = "00_scratch"
# A 1x1 PNG: the explorer's static snapshot in the scratch notebook.
_PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201c5b3e3"
        "7e0000000049454e44ae426082"
    )
).decode()


def _scratch_notebook() -> nbformat.NotebookNode:
    widget = {"model_id": "0123abcd", "version_major": 2, "version_minor": 0}
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2, "version_minor": 0}
    }
    nb.cells = [
        new_markdown_cell(
            r"# Scratch deck"
            "\n\n"
            r"Inline $\hat{y}_i = \sigma(z_i)$ and display $$\mathcal{L} = -\sum_i y_i \log \hat{y}_i$$",
            metadata={"slideshow": {"slide_type": "slide"}},
        ),
        new_code_cell("import helper  # PLUMBING-SKIPPED", metadata={"slideshow": {"slide_type": "skip"}}),
        new_code_cell(
            "look(logits)  # INPUT-HIDDEN",
            metadata={"tags": ["hide-input"], "slideshow": {"slide_type": "slide"}},
            outputs=[
                new_output(
                    "display_data",
                    data={
                        "text/markdown": r"$\begin{bmatrix} 1.54 & -0.293 \end{bmatrix}$",
                        "text/plain": "LOOK-PLAIN",
                    },
                )
            ],
        ),
        new_code_cell(
            "LogitsExplorer()  # EXPLORER-SOURCE",
            metadata={"slideshow": {"slide_type": "subslide"}},
            outputs=[
                new_output(
                    "display_data",
                    data={
                        "application/vnd.jupyter.widget-view+json": widget,
                        "image/png": _PNG,
                        "text/plain": "EXPLORER-PLAIN",
                    },
                )
            ],
        ),
        new_code_cell(
            "widgets.IntSlider()  # BARE-WIDGET",
            outputs=[
                new_output(
                    "display_data",
                    data={"application/vnd.jupyter.widget-view+json": widget, "text/plain": "IntSlider(value=0)"},
                )
            ],
        ),
        new_markdown_cell(
            "See [the docs](https://docs.pytorch.org/).", metadata={"slideshow": {"slide_type": "notes"}}
        ),
        new_code_cell(
            "wide = " + repr("W" * 150) + "  # LONG-LINE",
            metadata={"slideshow": {"slide_type": "slide"}},
            outputs=[new_output("stream", name="stdout", text="V" * 150 + "\n")],
        ),
    ]
    return nb


@pytest.fixture(scope="session")
def decks(tmp_path_factory) -> dict[str, build_slides.Deck]:
    """Build every deck (the notebooks and the scratch one) into one temporary folder."""
    src = tmp_path_factory.mktemp("slides-src")
    scratch = src / f"{SCRATCH}.ipynb"
    nbformat.write(_scratch_notebook(), scratch)
    out = tmp_path_factory.mktemp("slides")
    built = build_slides.build([scratch, *NOTEBOOKS], out)
    return {deck.path.name.split(".")[0]: deck for deck in built}


def _html(deck) -> str:
    return deck.path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the reference scanner


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example.org/x.js"></script>',
        '<link rel="stylesheet" href="http://cdn.example.org/x.css">',
        '<link rel="stylesheet" href="//cdn.example.org/x.css">',
        '<img srcset="a.png 1x, https://cdn.example.org/b.png 2x">',
        '<style>@font-face { src: url("https://fonts.example.org/f.woff"); }</style>',
        "<style>@import 'https://fonts.example.org/css';</style>",
        '<div style="background: url(https://cdn.example.org/bg.png)"></div>',
        "<script>require.config({paths: {reveal: 'https://unpkg.com/reveal.js'}});</script>",
        '<svg><image href="https://cdn.example.org/i.png"/></svg>',
    ],
)
def test_scanner_finds_every_kind_of_remote_load(snippet):
    assert offline.remote_references(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        '<a href="https://docs.pytorch.org/">docs</a>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"></svg>',
        "<style>/* see https://example.org/colors */ .a { color: red; }</style>",
        '<script src="reveal.js/dist/reveal.js"></script><img src="data:image/png;base64,AAAA">',
        "<p>Written at https://example.org in prose.</p>",
    ],
)
def test_scanner_ignores_what_does_not_load(snippet):
    assert offline.remote_references(snippet) == [], snippet


def test_scanner_reports_missing_local_files(tmp_path):
    (tmp_path / "here.js").write_text("")
    page = '<script src="here.js"></script><script src="gone.js?x=1"></script><a href="nowhere.html">x</a>'
    assert [r.url for r in offline.missing_local_files(page, tmp_path)] == ["gone.js?x=1"]


def test_bad_input_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no notebooks"):
        build_slides.build([], tmp_path)
    with pytest.raises(ValueError, match="no such notebook"):
        build_slides.build([tmp_path / "missing.ipynb"], tmp_path)


# --------------------------------------------------------------------------- the built decks


def test_a_deck_per_notebook_and_an_index(decks):
    assert set(decks) == {SCRATCH, *(p.stem for p in NOTEBOOKS)}
    folder = decks[SCRATCH].path.parent
    index = (folder / "index.html").read_text()
    for name, deck in decks.items():
        assert deck.path.name == f"{name}.slides.html"
        assert f'href="{deck.path.name}"' in index
    assert (folder / "reveal.js" / "dist" / "reveal.js").is_file()
    assert not (folder / "mathjax").exists(), "the math is typeset at build time: no MathJax to copy"


@pytest.mark.parametrize("name", [SCRATCH, *(p.stem for p in NOTEBOOKS)])
def test_deck_is_offline_and_complete(decks, name):
    deck = decks[name]
    page = _html(deck)
    assert offline.remote_references(page) == []
    assert offline.missing_local_files(page, deck.path.parent) == []
    # reveal.js by relative URL; no MathJax, require.js or widget manager (math typeset at build).
    scripts = re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"", page)
    assert scripts == ["reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js"], scripts
    assert "MathJax.Hub" not in page and "require.js" not in page and "embed-amd" not in page
    # Every formula is MathJax 3 SVG with its MathML kept for screen readers.
    assert page.count("<mjx-container") == page.count("<mjx-assistive-mml") > 0
    source = {p.stem: p for p in NOTEBOOKS}.get(name)
    if source is not None and "anywidget" in source.read_text(encoding="utf-8"):
        # A notebook with explorers keeps them live: their saved state (each module once) and the host.
        bundle = json.loads(re.search(r'<script[^>]*\bid="l2l-widgets"[^>]*>(.*?)</script>', page, re.S)[1])
        assert bundle["models"] and len(bundle["modules"]) == len(set(bundle["modules"]))
        assert all(f'data-l2l-model="{m}"' in page for m in bundle["models"]) or name == SCRATCH
    else:
        # No explorer: no widget state and no host, every widget is its snapshot.
        assert 'id="l2l-widgets"' not in page and "data-l2l-model" not in page
        assert "application/vnd.jupyter.widget-view+json" not in page
        assert "application/vnd.jupyter.widget-state+json" not in page


@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_every_explorer_in_the_notebooks_has_a_snapshot(decks, name):
    assert decks[name].widgets_without_snapshot == (), (
        f"{name}: widgets without an image/HTML fallback in cells {decks[name].widgets_without_snapshot}"
    )


def test_scratch_deck_hides_plumbing_and_keeps_the_rest(decks):
    page = _html(decks[SCRATCH])
    assert "PLUMBING-SKIPPED" not in page  # slide_type skip
    assert "INPUT-HIDDEN" not in page  # hide-input: the source is gone...
    assert "LOOK-PLAIN" not in page and "<mn>1.54</mn>" in page  # ...its output stays, typeset
    assert "EXPLORER-SOURCE" in page
    assert f"data:image/png;base64,{_PNG}" in page  # the snapshot replaces the widget
    assert "EXPLORER-PLAIN" not in page
    assert '<aside class="notes">' in page
    assert '<a href="https://docs.pytorch.org/">' in page  # a link in prose is allowed
    assert decks[SCRATCH].widgets_without_snapshot == (4,)  # the bare slider is reported


# --------------------------------------------------------------------------- in Chromium, offline


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's Chromium (tests/conftest.py)."""
    return chromium


_JS_MATH_STATE = r"""
() => {
  // Typeset at build time by MathJax 3: each formula an SVG plus its MathML for screen readers;
  // a TeX error would be an <merror> in that MathML.
  const formulas = [...document.querySelectorAll('mjx-container')];
  const errors = formulas.filter(f => f.querySelector('merror, [data-mjx-error]')).map(f => f.textContent.slice(0, 200));
  const slides = document.querySelector('.reveal .slides').cloneNode(true);
  // MathJax leaves code alone (skipHtmlTags); look for raw TeX everywhere else.
  slides.querySelectorAll('script, style, pre, code, .jp-InputArea-editor, mjx-container').forEach(e => e.remove());
  return {
    jax: formulas.length,
    spoken: formulas.filter(f => f.querySelector('mjx-assistive-mml > math') && f.querySelector('svg')).length,
    errors,
    leftover: slides.textContent.match(/\$[^$\n]*\\[a-zA-Z]+[^$\n]*\$|\\(frac|hat|begin|sum)\b/g) || [],
  };
}
"""


_JS_TOO_TALL = """
async () => {
  Reveal.configure({transition: 'none'});
  const tall = [];
  const leaves = Reveal.getSlides().filter(s => !s.querySelector('section'));
  for (const s of leaves) {
    const i = Reveal.getIndices(s);
    Reveal.slide(i.h, i.v || 0);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    if (s.scrollHeight > 800) tall.push([`${i.h + 1}.${(i.v || 0) + 1}`, s.scrollHeight]);
  }
  Reveal.slide(0, 0);
  return tall;
}
"""


def _open_offline(browser, path: Path, screenshot: Path | None = None) -> dict:
    """Open a deck from disk with every non-file request blocked; report what happened."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    seen = {"network": block_network(context, allow=("file:", "data:", "blob:")), "failed": [], "errors": []}
    page = context.new_page()
    page.on("requestfailed", lambda req: seen["failed"].append(req.url) if req.url.startswith("file:") else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    try:
        page.goto(path.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
        seen["math"] = page.evaluate(_JS_MATH_STATE)
        seen["slides"] = page.evaluate("() => Reveal.getTotalSlides()")
        # Slides taller than the 800 px deck scroll on a projector: list them as (number, height).
        # Each slide is measured while shown: reveal.js hides slides far from the current
        # one (display: none), and a hidden slide measures 0 px.
        seen["too_tall"] = page.evaluate(_JS_TOO_TALL)
        if screenshot is not None:
            # Web fonts in and two frames drawn, so the picture is the same run after run.
            page.evaluate(
                "() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))))"
            )
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), animations="disabled")
    finally:
        context.close()
    return seen


@pytest.mark.browser
@pytest.mark.parametrize("name", [SCRATCH, *(p.stem for p in NOTEBOOKS)])
def test_deck_runs_in_chromium_without_network(decks, browser, name):
    shot = None if name == SCRATCH else SCREENSHOTS / f"slides_{name[:2]}.png"
    seen = _open_offline(browser, decks[name].path, shot)
    math = seen["math"]
    assert seen["network"] == [], f"{name}: the deck tried to reach the network: {seen['network']}"
    assert seen["failed"] == [], f"{name}: files missing from the deck folder: {seen['failed']}"
    assert seen["errors"] == [], f"{name}: JavaScript errors: {seen['errors']}"
    assert seen["slides"] >= 1
    if name != SCRATCH:
        assert seen["too_tall"] == [], f"{name}: slides taller than 800 px (number, height): {seen['too_tall']}"
    assert math["errors"] == [], f"{name}: MathJax errors: {math['errors']}"
    assert math["spoken"] == math["jax"], f"{name}: formulas without SVG and assistive MathML"
    assert math["leftover"] == [], f"{name}: TeX left untypeset: {math['leftover'][:5]}"
    if name == SCRATCH:
        assert math["jax"] == 3  # inline, display and the look() matrix


def test_bad_tex_fails_the_build(tmp_path):
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell(
            r"# Bad"
            "\n\n"
            r"unknown $\foo{x}$, mismatched $$\begin{bmatrix} 1 \end{pmatrix}$$, fine ${\color{red}{x}}$"
        )
    ]
    nbformat.write(nb, tmp_path / "bad.ipynb")
    with pytest.raises(
        RuntimeError,
        match=r"TeX errors:\n  bad\.slides\.html: Undefined control sequence \\foo\n  bad\.slides\.html: .*",
    ) as error:
        build_slides.build([tmp_path / "bad.ipynb"], tmp_path / "out")
    assert str(error.value).count("bad.slides.html") == 2, error.value  # the red \color is not an error


# --------------------------------------------------------------------------- lecture sizes

# ~50 words: one long sentence may run a little over; the build cuts between sentences.
MAX_WORDS_SHOWN = 60

_JS_LECTURE = r"""
() => {
  const words = t => (t.match(/[A-Za-z0-9][A-Za-z0-9'’\-]*/g) || []).length;
  const out = [];
  Reveal.getSlides().forEach((slide, i) => {
    if (slide.querySelector('section')) return;  // a vertical stack; its children are the slides
    const clone = slide.cloneNode(true);
    clone.querySelectorAll('aside.notes, mjx-container, script, h1, h2, h3, h4, pre, code, table, svg, img, .jp-OutputArea').forEach(e => e.remove());
    const prose = [...slide.querySelectorAll('.jp-RenderedHTMLCommon p, .jp-RenderedHTMLCommon li')].filter(e => !e.closest('aside.notes') && !e.closest('.jp-OutputArea') && e.textContent.trim());
    const code = [...slide.querySelectorAll('.jp-InputArea pre, .jp-OutputArea pre')].filter(e => e.textContent.trim());
    const size = e => parseFloat(getComputedStyle(e).fontSize);
    out.push({
      slide: i + 1,
      words: words(clone.textContent),
      prose: prose.length ? Math.min(...prose.map(size)) : null,
      code: code.length ? Math.min(...code.map(size)) : null,
    });
  });
  return out;
}
"""


@pytest.mark.browser
@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_slides_are_lecture_sized(decks, browser, name):
    """At most ~50 words of prose per slide, prose >= 28 px and code >= 24 px at 1280x800."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    block_network(context, allow=("file:", "data:"))
    page = context.new_page()
    try:
        page.goto(decks[name].path.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
        slides = page.evaluate(_JS_LECTURE)
    finally:
        context.close()
    wordy = [(s["slide"], s["words"]) for s in slides if s["words"] > MAX_WORDS_SHOWN]
    small_prose = [(s["slide"], s["prose"]) for s in slides if s["prose"] is not None and s["prose"] < 28]
    small_code = [(s["slide"], s["code"]) for s in slides if s["code"] is not None and s["code"] < 24]
    assert not wordy, f"{name}: slides with more than {MAX_WORDS_SHOWN} words of prose (slide, words): {wordy}"
    assert not small_prose, f"{name}: prose under 28 px (slide, px): {small_prose}"
    assert not small_code, f"{name}: code under 24 px (slide, px): {small_code}"
    assert any(s["prose"] for s in slides) and any(s["code"] for s in slides), f"{name}: nothing measured"


# --------------------------------------------------------------------------- every line visible

# Every element of every slide, shown in turn: its box must lie within the slide's width, and an
# element that clips or scrolls sideways must not hide anything (scrollWidth > clientWidth).
# Speaker notes and the screen reader's MathML are not shown; an SVG's own viewport is no clip.
_JS_TOO_WIDE = r"""
async () => {
  Reveal.configure({transition: 'none'});
  const wide = [];
  const leaves = Reveal.getSlides().filter(s => !s.querySelector('section'));
  const clips = v => v === 'hidden' || v === 'auto' || v === 'scroll' || v === 'clip';
  for (const s of leaves) {
    const i = Reveal.getIndices(s);
    Reveal.slide(i.h, i.v || 0);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const box = s.getBoundingClientRect();
    const scale = box.width / s.offsetWidth;
    for (const e of s.querySelectorAll('*')) {
      if (e.closest('aside.notes, mjx-assistive-mml, script, style')) continue;
      const r = e.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      const over = Math.max(r.right - box.right, box.left - r.left) / scale;
      const hidden = clips(getComputedStyle(e).overflowX) && !(e.tagName.toLowerCase() === 'svg') ? e.scrollWidth - e.clientWidth : 0;
      if (over > 1 || hidden > 1) {
        wide.push({slide: `${i.h + 1}.${(i.v || 0) + 1}`, what: e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\s+/).join('.') : ''),
                   px: Math.round(Math.max(over, hidden)), text: (e.textContent || '').trim().slice(0, 60)});
      }
    }
    // Text that runs out of its box (overflow: visible) is measured line by line.
    const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim() || n.parentElement.closest('aside.notes, mjx-assistive-mml, script, style')) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects()) {
        const over = Math.max(r.right - box.right, box.left - r.left) / scale;
        if (r.width && over > 1) {
          wide.push({slide: `${i.h + 1}.${(i.v || 0) + 1}`, what: 'text', px: Math.round(over), text: n.textContent.trim().slice(0, 60)});
          break;
        }
      }
    }
  }
  Reveal.slide(0, 0);
  return wide;
}
"""


def _too_wide(browser, deck: Path, size: tuple[int, int], css: str | None = None) -> list[dict]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    block_network(context, allow=("file:", "data:", "blob:"))
    page = context.new_page()
    try:
        page.goto(deck.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
        if css:
            page.add_style_tag(content=css)
        return page.evaluate(_JS_TOO_WIDE)
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=["1280x800", "1920x1080"])
@pytest.mark.parametrize("name", [SCRATCH, *(p.stem for p in NOTEBOOKS)])
def test_every_line_fits_the_slide(decks, browser, name, size):
    """No code, output, formula or exercise line wider than the slide on a projector."""
    wide = _too_wide(browser, decks[name].path, size)
    assert wide == [], f"{name} at {size}: elements wider than the slide (slide, element, px over): {wide[:10]}"


@pytest.mark.browser
def test_the_width_check_sees_a_line_cut_off(decks, browser):
    """Control: without the deck's wrapping, the scratch deck's 150-character line runs off its slide."""
    wide = _too_wide(
        browser,
        decks[SCRATCH].path,
        (1280, 800),
        "html body .reveal .slides section pre { white-space: pre !important; }",
    )
    assert any("LONG-LINE" in w["text"] or "VVVV" in w["text"] for w in wide), wide


# --------------------------------------------------------------------------- speaker notes and fit, no browser


def test_prose_words_leave_out_math_code_and_headings():
    from helper.course.slides import prose_words

    assert prose_words("# A long heading here\n\nTwo words $x^2 + y$ `code here` <b>") == 2
    assert prose_words("$$\\sum_i z_i$$") == 0


def test_long_cells_keep_about_fifty_words_and_send_the_rest_to_notes():
    from helper.course.slides import MAX_SLIDE_WORDS, prose_words, split_for_slide

    para = " ".join(["word"] * 30) + "."
    text = f"## Title\n\n{para}\n\n$$a = b$$\n\n{para}\n\n{para}"
    shown, notes = split_for_slide(text)
    assert shown.startswith("## Title") and "$$a = b$$" in shown
    assert prose_words(shown) <= MAX_SLIDE_WORDS and prose_words(notes) == 60
    assert prose_words(shown) + prose_words(notes) == prose_words(text)
    # One long paragraph is cut between sentences.
    sentences = " ".join(f"Sentence number {i} has exactly seven words." for i in range(12))
    shown, notes = split_for_slide(sentences)
    assert 0 < prose_words(shown) <= MAX_SLIDE_WORDS and notes.startswith("Sentence number")
    assert split_for_slide("short text") == ("short text", "")


def test_overflow_becomes_a_notes_cell_and_every_deck_has_notes(decks):
    import nbformat

    from helper.course.slides import FitSlidePreprocessor, NotesOverflowPreprocessor

    nb = nbformat.v4.new_notebook()
    long = " ".join(["word"] * 40) + ".\n\n" + " ".join(["more"] * 40) + "."
    nb.cells = [nbformat.v4.new_markdown_cell(long)]
    nb.cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    nb, res = NotesOverflowPreprocessor().preprocess(nb, {})
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells] == ["slide", "notes"]
    assert res["cells_moved_to_notes"] == 1
    # A slide of four tall code cells is split into subslides.
    code = nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(8)))
    nb.cells = [nbformat.from_dict(dict(code, metadata={"slideshow": {"slide_type": "slide"}}))] + [
        nbformat.from_dict(dict(code, metadata={})) for _ in range(3)
    ]
    nb, res = FitSlidePreprocessor().preprocess(nb, {})
    assert res["cells_moved_to_subslides"] >= 1
    for name in (p.stem for p in NOTEBOOKS):
        page = _html(decks[name])
        assert '<aside class="notes">' in page, f"{name}: no speaker notes"
        assert "plugin/notes/notes.js" in page and "RevealNotes" in page


# --------------------------------------------------------------------------- axe-core, every slide

# Each slide as shown: its leaf section, with reveal's controls, slide number and progress bar.
_SLIDE_AS_SHOWN = [
    ".reveal .slides section.present:not(:has(section))",
    ".reveal .controls",
    ".l2l-slide-number",
    ".reveal .progress",
]


@pytest.mark.browser
@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_every_slide_passes_axe_wcag_2_1_aa(decks, browser, name):
    """axe-core 4.14.1 (npm, local copy) with the WCAG 2.1 A/AA rules on each slide as shown."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    block_network(context, allow=("file:", "data:"))
    page = context.new_page()
    found: dict[str, dict] = {}
    steps = 0
    try:
        page.goto(decks[name].path.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        # Judge each slide as it rests: half-faded text mid-transition is not what a reader sees.
        page.add_style_tag(
            content="*, *::before, *::after { transition: none !important; animation: none !important; }"
        )
        page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
        # Every slide once, with all its fragments shown (they differ only in opacity).
        page.add_style_tag(
            content=".reveal .slides section .fragment { opacity: 1 !important; visibility: inherit !important; }"
        )
        slides = page.evaluate(
            "() => Reveal.getSlides().filter(s => !s.querySelector('section')).map(s => Reveal.getIndices(s))"
        )
        for where in slides:
            page.evaluate("([h, v]) => Reveal.slide(h, v || 0)", [where["h"], where.get("v")])
            for violation in axe_violations(page, include=_SLIDE_AS_SHOWN):
                found.setdefault(violation.split(" ", 1)[0], {"violation": violation, "at": where})
        steps = len(slides)
    finally:
        context.close()
    assert steps >= 5
    assert not found, f"{name}: axe WCAG 2.1 A/AA violations: {found}"


# --------------------------------------------------------------------------- live explorers in a deck


@pytest.fixture(scope="module")
def live_deck(tmp_path_factory):
    """Notebook 01 executed afresh (anywidget state saved, as `make outputs` does) and built as a deck."""
    from helper.course.outputs import execute

    src = tmp_path_factory.mktemp("live-src")
    copy = src / NOTEBOOKS[0].name
    copy.write_bytes(NOTEBOOKS[0].read_bytes())
    execute(copy)
    out = tmp_path_factory.mktemp("live-deck")
    (deck,) = build_slides.build([copy], out)
    return deck


def test_the_deck_keeps_live_explorers_with_their_module_once(live_deck):
    page = _html(live_deck)
    found = re.search(r'<script[^>]*\bid="l2l-widgets"[^>]*>(.*?)</script>', page, re.S)
    assert found, "the saved explorers were dropped"
    bundle = json.loads(found[1])
    assert len(bundle["models"]) >= 1 and len(bundle["modules"]) == 1
    assert all("_esm" not in m["state"] for m in bundle["models"].values())
    assert page.count('"_esm"') == 0, "the module is listed once, not per model"
    assert "require.js" not in page and "embed-amd" not in page


@pytest.mark.browser
def test_explorer_in_the_deck_is_live_offline(live_deck, browser):
    """Network blocked, no kernel: a key press on an explorer's slider changes its loss."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    requests = block_network(context, allow=("file:", "data:"))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(live_deck.path.as_uri(), wait_until="load", timeout=60_000)
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
        page.wait_for_selector(".l2l-explorer input[type=range]", state="attached", timeout=60_000)
        where = page.evaluate("() => Reveal.getIndices(document.querySelector('.l2l-explorer').closest('section'))")
        page.evaluate("([h, v]) => Reveal.slide(h, v || 0)", [where["h"], where.get("v")])
        loss = page.locator(".l2l-explorer .l2l-loss").first
        before = loss.inner_text()
        slider = page.locator(".l2l-explorer input[type=range]").first
        slider.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "(b) => document.querySelector('.l2l-explorer .l2l-loss').textContent !== b", arg=before, timeout=10_000
        )
        after = loss.inner_text()
        still = page.evaluate("() => Reveal.getIndices()")
    finally:
        context.close()
    assert requests == [] and errors == [], (requests, errors)
    assert before.startswith("loss = ") and after.startswith("loss = ") and after != before
    assert (still["h"], still.get("v")) == (where["h"], where.get("v")), "the arrow key also moved the slide"


def test_long_code_shows_its_output_and_goes_to_the_notes():
    import nbformat

    from helper.course.slides import MAX_SLIDE_CODE_LINES, NotesOverflowPreprocessor

    nb = nbformat.v4.new_notebook()
    long_code = "\n".join(f"x{i} = {i}" for i in range(MAX_SLIDE_CODE_LINES + 1))
    nb.cells = [nbformat.v4.new_code_cell(long_code), nbformat.v4.new_code_cell("short = 1")]
    nb, res = NotesOverflowPreprocessor().preprocess(nb, {})
    assert nb.cells[0].metadata["tags"] == ["hide-input"] and "tags" not in nb.cells[2].metadata
    assert nb.cells[1].metadata["slideshow"]["slide_type"] == "notes" and long_code in nb.cells[1].source
    assert res["cells_moved_to_notes"] == 1
