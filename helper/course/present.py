"""Start JupyterLab for a lecture: large fonts, presentation mode, live explorers (`make present`, ``python -m helper.course.present``).

JupyterLab runs on 127.0.0.1 with a token (``$JUPYTER_TOKEN`` or a fresh random one,
printed with the URL), serving notebooks/. The token reaches JupyterLab through its
environment (``JUPYTER_TOKEN``), never its command line: any user of the machine can
read every process's command line (``ps``), while a process's environment is readable
only by its owner.  The lecture look comes from helper/course/assets/lecture/:

- ``settings/``: JupyterLab user settings (larger theme font sizes, no news
  pop-ups, Alt+P for View > Presentation Mode);
- ``custom/custom.css``: what the settings cannot reach (MathJax scale, widget
  labels and readouts, figures, presentation-mode sizes).

Both are copied into a throw-away folder that JupyterLab uses as its settings,
workspaces and config directories for this session only
(``JUPYTERLAB_SETTINGS_DIR``, ``JUPYTERLAB_WORKSPACES_DIR``, ``JUPYTER_CONFIG_DIR``),
so the user's own JupyterLab settings are neither read nor changed, and
changes made during the lecture are forgotten afterwards.

Live slides: present in JupyterLab itself (View > Presentation Mode, Alt+P),
where the explorers run.  jupyterlab-rise 0.43.1's slideshow (``/rise/<notebook>``)
shows Markdown, math and code,
but not live widgets: in its stand-alone page the ipywidgets 8 manager fails to
load (it needs JupyterLab 4.6 modules, including ``@jupyterlab/console``, that
the RISE page does not share), so an explorer shows only its static snapshot.
tests/browser/test_rise.py checks this and will fail once RISE renders widgets.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from helper.course import ASSETS
from helper.course.notebooks import NOTEBOOK_DIR

LECTURE = ASSETS / "lecture"
HOST = "127.0.0.1"


def prepare_home(home: Path, lecture: Path = LECTURE) -> dict[str, str]:
    """Fill `home` with a copy of the lecture settings and CSS; return the environment variables to use."""
    if not (lecture / "settings").is_dir() or not (lecture / "custom" / "custom.css").is_file():
        raise FileNotFoundError(f"{lecture} must hold settings/ and custom/custom.css")
    settings, config, workspaces = home / "settings", home / "config", home / "workspaces"
    shutil.copytree(lecture / "settings", settings, dirs_exist_ok=True)
    shutil.copytree(lecture / "custom", config / "custom", dirs_exist_ok=True)
    workspaces.mkdir(parents=True, exist_ok=True)
    return {
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(workspaces),
        "JUPYTER_CONFIG_DIR": str(config),
    }


def lab_command(port: int, root_dir: Path, *, allow_root: bool = False, open_browser: bool = True) -> list[str]:
    """The `jupyter lab` command line for a lecture (loopback only, custom CSS on; no token: see `lab_environment`)."""
    if not 0 < port < 65536:
        raise ValueError(f"port must be in 1..65535; got {port}")
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ip={HOST}",
        f"--port={port}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.custom_css=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if allow_root:
        cmd.append("--allow-root")
    return cmd


def lab_environment(token: str, base: dict[str, str]) -> dict[str, str]:
    """`base` plus ``JUPYTER_TOKEN=token``: how the token reaches JupyterLab without showing in ``ps``."""
    if not isinstance(token, str) or not token:
        raise ValueError("token must be a non-empty string: JupyterLab never runs without one here")
    return {**base, "JUPYTER_TOKEN": token}


class _Stop(Exception):
    """SIGTERM arrived (turned into an exception so the temporary folder is removed)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--allow-root", action="store_true", help="needed when running as root")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")
    parser.add_argument("--root-dir", type=Path, default=NOTEBOOK_DIR, help="default: notebooks/")
    args = parser.parse_args(argv)
    root_dir = args.root_dir.resolve()
    if not root_dir.is_dir():
        parser.error(f"--root-dir {root_dir} is not a directory")

    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    with tempfile.TemporaryDirectory(prefix="l2l-lecture-") as tmp:
        env = lab_environment(token, {**os.environ, **prepare_home(Path(tmp))})
        cmd = lab_command(args.port, root_dir, allow_root=args.allow_root, open_browser=not args.no_browser)
        print(f"Lecture mode: http://{HOST}:{args.port}/lab?token={token}")
        print("  View > Presentation Mode (Alt+P) for the largest fonts; lecture settings are temporary;")
        print("  autosave is off, so running cells does not rewrite the notebooks (File > Save does).")
        sys.stdout.flush()
        proc = subprocess.Popen(cmd, env=env, cwd=root_dir)
        signal.signal(signal.SIGTERM, _raise_stop)
        try:
            while True:
                try:
                    return proc.wait()
                except KeyboardInterrupt:
                    # JupyterLab got the same Ctrl+C (same process group) and handles it:
                    # it asks to confirm, and quits at once on a second Ctrl+C.
                    continue
        except _Stop as stop:
            # Let JupyterLab stop its kernels before the temporary settings go away; a second
            # SIGTERM (make passes one on too) must not cut that short.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            return 128 + stop.signum


if __name__ == "__main__":
    sys.exit(main())
