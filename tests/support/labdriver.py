"""Drive a real JupyterLab in Debian's Chromium: shared by the browser tests and `make bench-lab`.

- :class:`LabServer` starts ``jupyter lab`` from this venv on 127.0.0.1 with a random token,
  in a throw-away root and with its own config, settings and runtime directories.
- :func:`launch_chromium` starts headless Chromium through Playwright.
- :class:`NotebookPage` opens a notebook, runs every cell and reads back what the page shows.
- :func:`block_network` keeps a browser context offline and records what it asked for;
  :func:`axe_violations` runs axe-core (npm, WCAG 2.1 A/AA) in any page: Lab, HTML page or deck;
  :func:`set_theme` switches JupyterLab's theme from its Settings menu.

Nothing here downloads anything: Chromium is the system one (``apt-get install chromium``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
INSTALL_HINT = "apt-get install chromium"
# `make screenshots` points this at build/screenshots (the README's pictures); tests never do.
SCREENSHOTS_ENV = "L2L_SCREENSHOTS"
_scratch_shots: Path | None = None

# User settings written into the isolated settings dir: no news/update pop-ups, and every
# cell kept in the DOM (JupyterLab's windowing would otherwise drop off-screen cells).
_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
}


def browser_unavailable_reason() -> str | None:
    """Say why the browser tests cannot run here, or None if Playwright and Chromium are present."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing (pip install -r requirements.txt)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found: {INSTALL_HINT}"
    return None


def require_browser() -> None:
    """Skip the calling test if the browser cannot run here; under ``REQUIRE_BROWSER=1`` (CI) fail it."""
    import pytest

    reason = browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def screenshot_dir() -> Path:
    """Where browser tests save screenshots: ``$L2L_SCREENSHOTS`` if set, else a temporary folder.

    ``make screenshots`` sets it to build/screenshots, the README's pictures; ``make test``
    leaves it unset, so a test run never rewrites a tracked file.
    """
    global _scratch_shots
    if os.environ.get(SCREENSHOTS_ENV):
        return Path(os.environ[SCREENSHOTS_ENV]).resolve()
    if _scratch_shots is None:
        _scratch_shots = Path(tempfile.mkdtemp(prefix="l2l-screenshots-"))
    return _scratch_shots


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LabServer:
    """A ``jupyter lab`` process serving ``root`` on 127.0.0.1 with a random token.

    Use as a context manager; the process group is terminated (then killed) on exit.
    A subclass may start another command serving the same way (e.g. ``make present``'s)
    by overriding :meth:`command` and :meth:`environment`.
    """

    root: Path
    startup_timeout: float = 90.0
    port: int = field(default_factory=_free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    _proc: subprocess.Popen[bytes] | None = None
    _home: tempfile.TemporaryDirectory[str] | None = None
    _log: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        assert self._home is not None
        return Path(self._home.name) / "lab.log"

    def notebook_url(self, name: str) -> str:
        """URL opening notebook ``name`` (relative to root) in a fresh workspace."""
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"

    def environment(self, home: Path) -> dict[str, str]:
        """The server's environment: private config, settings, runtime and data folders under `home`."""
        settings = home / "settings"
        for rel, values in _SETTINGS.items():
            path = settings / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=2))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTER_DATA_DIR=str(home / "data"),
            IPYTHONDIR=str(home / "ipython"),
            MPLCONFIGDIR=str(home / "mpl"),
            PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        )
        env.pop("JUPYTER_TOKEN", None)
        return env

    def command(self) -> list[str]:
        """The command line that starts the server (loopback, this port and token, no browser)."""
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--ServerApp.open_browser=False",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        return cmd

    def start(self) -> LabServer:
        self._home = tempfile.TemporaryDirectory(prefix="l2l-lab-")
        env = self.environment(Path(self._home.name))
        self._log = open(self.log_path, "wb")
        self._proc = subprocess.Popen(
            self.command(),
            cwd=self.root,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self._proc.returncode}:\n{self.tail_log()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.3)
        raise TimeoutError(f"jupyter lab not ready after {self.startup_timeout:.0f} s:\n{self.tail_log()}")

    def api(self, method: str, path: str, timeout: float = 10) -> Any:
        """Call the server's REST API with the token; return the decoded JSON (or None)."""
        req = urllib.request.Request(self.url + path, method=method, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every running kernel (each holds torch in memory)."""
        try:
            kernels = self.api("GET", "/api/kernels")
        except (OSError, urllib.error.URLError):
            return
        for kernel in kernels:
            try:
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=20)
            except (OSError, urllib.error.URLError):
                pass

    def tail_log(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 15.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._home is not None:
            self._home.cleanup()
            self._home = None

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class NotebookServer(LabServer):
    """A Jupyter Notebook 7 (``jupyter notebook``) process, served like :class:`LabServer`."""

    def notebook_url(self, name: str) -> str:
        """URL opening notebook ``name`` (relative to root) in Notebook 7's one-document view."""
        return f"{self.url}/notebooks/{name}?token={self.token}"

    def command(self) -> list[str]:
        lab = super().command()
        return [sys.executable, "-m", "notebook", *[a for a in lab[3:] if not a.startswith("--LabApp.")]]


def copy_notebooks(src: Path, dst: Path) -> list[str]:
    """Copy ``src/*.ipynb`` into ``dst`` (JupyterLab autosaves, so never serve the repo)."""
    dst.mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted(src.glob("*.ipynb")):
        shutil.copy2(path, dst / path.name)
        names.append(path.name)
    return names


def write_notebook(path: Path, cells: list[str]) -> None:
    """Write a Python 3 notebook of code cells (with kernelspec, so no kernel dialog opens)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(src[3:].lstrip()) if src.startswith("md:") else nbformat.v4.new_code_cell(src)
        for src in cells
    ]
    nbformat.write(nb, path)


def launch_chromium(playwright: Any) -> Any:
    """Start Debian's Chromium headless through Playwright (no browser download)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000)


# JavaScript run in the page: everything the checks need, read in one round trip.
_JS_CELL_STATE = """
() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return null;
  const code = [...nb.querySelectorAll('.jp-CodeCell')];
  const prompts = code.map(c => (c.querySelector('.jp-InputArea-prompt')?.textContent || '').trim());
  const ind = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
  return {prompts, status: ind ? ind.getAttribute('data-status') : null};
}
"""

_JS_PROBLEMS = r"""
() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const cells = [...nb.querySelectorAll('.jp-Cell')];
  const where = el => `cell ${cells.indexOf(el.closest('.jp-Cell')) + 1}`;
  const cut = s => (s || '').replace(/\s+/g, ' ').trim().slice(0, 300);
  const out = [];
  nb.querySelectorAll('.jp-OutputArea-output').forEach(o => {
    const mime = o.getAttribute('data-mime-type') || '';
    if (mime === 'application/vnd.jupyter.stderr' || mime.includes('error'))
      out.push(`${where(o)}: ${mime}: ${cut(o.textContent)}`);
    if (/Error displaying widget|Failed to (load|create) (model|view)/.test(o.textContent || ''))
      out.push(`${where(o)}: widget failed to render: ${cut(o.textContent)}`);
  });
  // MathJax 3 in JupyterLab loads noerrors/noundefined: errors show as merror nodes or red text.
  nb.querySelectorAll('mjx-merror, .MathJax_Error, [data-mjx-error]').forEach(e =>
    out.push(`${where(e)}: MathJax error: ${cut(e.getAttribute('data-mjx-error') || e.textContent)}`));
  nb.querySelectorAll('mjx-container [style*="color: red"], mjx-container [style*="color:red"]').forEach(e =>
    out.push(`${where(e)}: MathJax red text (undefined macro?) in: ${cut(e.closest('.jp-Cell').textContent)}`));
  // Math MathJax could not even find (e.g. unbalanced braces) stays as raw TeX text.
  // Markdown, HTML/LaTeX outputs and widget HTMLMath (the explorers' formulas) are checked.
  const skip = 'mjx-container, code, pre, .jp-RenderedText';
  const scan = (r, ignore) => {
    const walker = document.createTreeWalker(r, NodeFilter.SHOW_TEXT, {
      acceptNode: n => n.parentElement.closest(ignore) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    for (let n = walker.nextNode(); n; n = walker.nextNode())
      if (/\$[^$]*\\[a-zA-Z]|\\\(|\\\[|\\begin\{/.test(n.textContent))
        out.push(`${where(r)}: untypeset TeX: ${cut(n.textContent)}`);
  };
  nb.querySelectorAll('.jp-RenderedMarkdown, .jp-RenderedHTMLCommon, .jp-RenderedLatex')
    .forEach(r => scan(r, skip + ', .jupyter-widgets'));
  nb.querySelectorAll('.widget-htmlmath').forEach(r => scan(r, skip));
  return [...new Set(out)];
}
"""


class NotebookPage:
    """One notebook open in JupyterLab, in one Playwright page."""

    def __init__(self, page: Any, server: LabServer, name: str, timeout_ms: float = 60_000) -> None:
        self.page = page
        self.server = server
        self.name = name
        self.timeout_ms = timeout_ms

    def open(self) -> NotebookPage:
        """Load the notebook and wait until its kernel is idle."""
        self.page.goto(self.server.notebook_url(self.name), timeout=self.timeout_ms)
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=self.timeout_ms)
        self._fail_on_dialog()
        self.wait_kernel_ready()
        return self

    def wait_kernel_ready(self) -> None:
        """Wait until the kernel is idle with the page connected to it (its websocket open).

        Run All issued before the connection exists is silently dropped by JupyterLab.
        """
        deadline = time.monotonic() + self.timeout_ms / 1000
        while time.monotonic() < deadline:
            try:
                kernels = self.server.api("GET", "/api/kernels")
            except (OSError, urllib.error.URLError):  # e.g. a 500 while a kernel is starting
                kernels = []
            if any(k.get("connections", 0) >= 1 and k.get("execution_state") == "idle" for k in kernels):
                break
            time.sleep(0.25)
        else:
            raise AssertionError(f"{self.name}: no connected idle kernel after {self.timeout_ms / 1000:.0f} s")
        self._wait(
            "the page to show the kernel idle",
            "() => /\\| Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')"
            " && document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
            ".jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle'",
        )

    def _fail_on_dialog(self) -> None:
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count():
            raise AssertionError(f"unexpected dialog in {self.name}: {dialog.first.inner_text()[:300]}")

    def _wait(self, what: str, js: str, arg: Any = None, timeout_ms: float | None = None) -> Any:
        try:
            return self.page.wait_for_function(js, arg=arg, timeout=timeout_ms or self.timeout_ms, polling=200)
        except Exception as exc:  # Playwright's TimeoutError: add what we were waiting for
            shot = Path(tempfile.gettempdir()) / f"l2l-timeout-{Path(self.name).stem}.png"
            try:
                self.page.screenshot(path=str(shot))
                state = self.cell_state()
            except Exception:  # noqa: BLE001 - best effort diagnostics
                state = None
            raise AssertionError(
                f"{self.name}: timed out after {(timeout_ms or self.timeout_ms) / 1000:.0f} s waiting for "
                f"{what}; cell prompts/kernel: {state}; screenshot: {shot}"
            ) from exc

    def _menu(self, menu: str, item: str) -> None:
        self.page.locator("#jp-MainMenu").get_by_role("menuitem", name=menu, exact=True).click()
        entry = self.page.locator(".lm-Menu").get_by_role("menuitem", name=item, exact=True)
        entry.wait_for(state="visible")
        entry.click()
        entry.wait_for(state="hidden")

    def run_all(self, timeout_ms: float = 180_000) -> None:
        """Clear every output, then Run All Cells from the Run menu and wait until the run ends.

        The run ends when the first code cell has an execution count, no cell is queued and
        the kernel is idle (Run All stops at the first error). Then every code cell must have
        an execution count, else AssertionError names the first one left behind.
        """
        self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(position={"x": 5, "y": 5})
        self._menu("Edit", "Clear Outputs of All Cells")
        self._wait(
            "outputs cleared",
            f"() => ({_JS_CELL_STATE})().prompts.every(p => !/\\d/.test(p))",
        )
        self._menu("Run", "Run All Cells")
        self._wait(
            "Run All Cells to finish (kernel idle, no queued cell)",
            f"""() => {{
              const s = ({_JS_CELL_STATE})();
              return s && s.status === 'idle' && s.prompts.length > 0
                && /^\\[\\d+\\]:$/.test(s.prompts[0]) && !s.prompts.some(p => p.includes('*'));
            }}""",
            timeout_ms=timeout_ms,
        )
        prompts = self.cell_state()["prompts"]
        missing = [i for i, p in enumerate(prompts) if not p.strip("[]:").isdigit()]
        if missing:
            raise AssertionError(
                f"{self.name}: code cell #{missing[0] + 1} of {len(prompts)} never ran "
                f"(Run All stopped earlier); problems shown: {self.problems()}"
            )

    def clear_output(self, index: int) -> None:
        """Clear the output of code cell `index` (0-based): select it by its prompt, Edit menu."""
        cell = self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").nth(index)
        cell.locator(".jp-InputPrompt").click()
        self._menu("Edit", "Clear Cell Output")

    def cell_state(self) -> dict[str, Any]:
        return self.page.evaluate(_JS_CELL_STATE)

    def wait_mathjax(self, quiet_ms: int = 600) -> None:
        """Wait until the number of typeset formulas stops changing and none is pending."""
        self.page.evaluate(
            """async (quiet) => {
              const count = () => document.querySelectorAll('mjx-container').length;
              let last = -1, since = performance.now();
              const end = performance.now() + 20000;
              while (performance.now() < end) {
                const n = count();
                if (n !== last) { last = n; since = performance.now(); }
                else if (performance.now() - since > quiet) return n;
                await new Promise(r => setTimeout(r, 100));
              }
              return last;
            }""",
            quiet_ms,
        )

    def problems(self) -> list[str]:
        """Error/stderr outputs, failed widget views and MathJax errors shown in the notebook."""
        return list(self.page.evaluate(_JS_PROBLEMS))

    def close(self) -> None:
        self.page.close()


# --------------------------------------------------------------------------- offline pages


def block_network(context: Any, allow: tuple[str, ...] = ("file:",)) -> list[str]:
    """Abort every request of browser `context` whose URL does not start with one of `allow`.

    Returns the list that collects the aborted URLs, in order (for the offline pages and
    decks, which must ask the network for nothing).
    """
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(allow):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return blocked


# --------------------------------------------------------------------------- accessibility

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")  # WCAG 2.1 A and AA


def axe_violations(page: Any, include: list[str] | None = None, exclude: list[str] | None = None) -> list[str]:
    """Run axe-core with the WCAG 2.1 A/AA rules in `page`; one line per violating node.

    `include`/`exclude` are CSS selectors (default: the whole document, nothing excluded).
    axe-core comes from the course's npm packages (`make node`); it is added to the page once.
    """
    from helper.course import install_hint, node_modules

    script = node_modules() / "axe-core" / "axe.min.js"
    if not script.is_file():
        raise AssertionError(f"{script} is missing: run {install_hint()} (npm axe-core)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    found = page.evaluate(
        """async ([tags, include, exclude]) => {
          const context = {include: include ? include.map(s => [s]) : [document], exclude: exclude.map(s => [s])};
          const r = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
          return r.violations.flatMap(v => v.nodes.map(n =>
            `${v.id} (${v.impact}): ${n.target.join(' ')}: ${n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200)}`));
        }""",
        [list(AXE_TAGS), include, exclude or []],
    )
    return list(found)


def htmlcs_errors(page: Any, root: str | None = None) -> list[str]:
    """Run HTML_CodeSniffer's WCAG2AA standard in `page`; one line per error (notices and warnings left out).

    `root` is a CSS selector of the element to check (default: the whole document). HTMLCS comes
    from the course's npm packages (``html_codesniffer`` 2.5.1, ``build/HTMLCS.js``); it is added
    to the page once, with ``window.define`` hidden so a page's AMD loader does not capture it.
    """
    from helper.course import install_hint, node_modules

    script = node_modules() / "html_codesniffer" / "build" / "HTMLCS.js"
    if not script.is_file():
        raise AssertionError(f"{script} is missing: run {install_hint()} (npm html_codesniffer)")
    if not page.evaluate("() => typeof window.HTMLCS !== 'undefined'"):
        page.evaluate("() => { window.__l2lDefine = window.define; window.define = undefined; }")
        page.add_script_tag(content=script.read_text(encoding="utf-8"))
        page.evaluate("() => { window.define = window.__l2lDefine; }")
    found = page.evaluate(
        """(root) => new Promise((done, fail) => {
          const target = root ? document.querySelector(root) : document;
          if (!target) { fail(new Error('htmlcs: no element ' + root)); return; }
          HTMLCS.process('WCAG2AA', target, () => {
            const name = (el) => !el || !el.tagName ? String(el) : el.tagName.toLowerCase() +
              (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ?
              '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
            done(HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR)
              .map(m => `${m.code}: ${name(m.element)}: ${m.msg.slice(0, 160)}`));
          }, (e) => fail(e));
        })""",
        root,
    )
    return list(found)


def set_theme(page: Any, name: str) -> None:
    """Switch JupyterLab to theme `name` ("JupyterLab Light", "JupyterLab Dark") from its menu."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu .lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text="Theme")).first.hover()
    page.locator(".lm-Menu .lm-Menu-item", has=page.locator(".lm-Menu-itemLabel", has_text=name)).first.click()
    light = "true" if "Light" in name else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'", timeout=15_000)
    page.wait_for_timeout(500)  # the theme's CSS variables apply
