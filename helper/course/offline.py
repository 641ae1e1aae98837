"""What a course page opened offline needs, shared by `make slides` and `make html`.

Both builds write pages that work from file:// with the network off: they copy the npm files
a page loads (MathJax 2.7.7, reveal.js, the widget scripts) from the course's npm packages
(`helper.course.node_modules`) beside the pages, and then scan each page for any reference a
browser would fetch from the network or a relative reference whose file is missing.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from helper.course import install_hint, node_modules

__all__ = [
    "MATHJAX_DIR",
    "MATHJAX_URL",
    "MATHJAX_FILES",
    "copy_if_changed",
    "copy_package",
    "copy_mathjax",
    "Reference",
    "collect_references",
    "remote_references",
    "missing_local_files",
]

MATHJAX_DIR = "mathjax"
# MathJax 2 entry point; never latest.js, which asks a CDN for the newest version.
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
# The files of npm mathjax@2.7.7 that a page loads (relative to the package).
MATHJAX_FILES = (
    "LICENSE",
    "MathJax.js",
    "config/TeX-AMS_CHTML-full.js",
    "config/Safe.js",
    "extensions",
    "jax/input/TeX",
    "jax/element",
    "jax/output/CommonHTML",
    "fonts/HTML-CSS/TeX/woff",
)
# What the pages never request: MathJax's accessibility explorer (loaded only from
# its menu) and the EOT/TrueType copies of reveal's fonts (browsers take the WOFF).
_IGNORE = shutil.ignore_patterns("a11y", "*.eot", "*.ttf")


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


def copy_mathjax(out: Path) -> str:
    """Copy the MathJax 2 files a page needs into `out/mathjax`; return the page's MathJax URL."""
    copy_package("mathjax", MATHJAX_FILES, Path(out) / MATHJAX_DIR)
    return MATHJAX_URL


_REMOTE = re.compile(r"(?:https?:)?//[a-z0-9]", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+(['\"])(.*?)\1", re.IGNORECASE)
_JS_URL = re.compile(r"https?://[^\s'\"`)<]*", re.IGNORECASE)
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
