"""Students in a class cannot reach each other: servers, files, kernels; everything on loopback; no token on a command line."""

from __future__ import annotations

import pwd
import subprocess

import psutil
import pytest
import requests
import websocket

from helper.course.hub import account


def _server_pids(name: str) -> list[psutil.Process]:
    uid = pwd.getpwnam(account(name)).pw_uid
    return [p for p in psutil.process_iter(["uids", "cmdline"]) if p.info["uids"] and p.info["uids"].real == uid]


def test_each_student_runs_under_their_own_unix_account_with_a_private_home(students):
    homes = set()
    for name in students:
        entry = pwd.getpwnam(account(name))
        assert entry.pw_uid != 0
        procs = _server_pids(name)
        assert any("jupyterhub.singleuser" in " ".join(p.info["cmdline"]) for p in procs), name
        mode = subprocess.run(["stat", "-c", "%a", entry.pw_dir], capture_output=True, text=True).stdout.strip()
        assert mode == "700", f"{entry.pw_dir} has mode {mode}"
        homes.add(entry.pw_dir)
    assert len(homes) == len(students)


def test_a_student_cannot_use_another_students_server_through_the_hub(students, hub):
    alice, bob = students["alice"], students["bob"]
    assert alice.api("GET", "contents").status_code == 200
    # bob's token on alice's server, through the proxy
    assert bob.api("GET", "contents", user="alice").status_code == 403
    assert bob.api("GET", "kernels", user="alice").status_code == 403
    # bob's browser session (hub cookie) asking for alice's Lab: the hub refuses the OAuth grant
    r = bob.session.get(f"{hub.url}/user/alice/lab", timeout=60)
    assert r.status_code == 403 or "/user/bob/" in r.url, (r.status_code, r.url)
    # no token at all
    assert requests.get(f"{hub.url}/user/alice/api/contents", allow_redirects=False, timeout=30).status_code in (
        302,
        403,
    )


def test_a_student_cannot_reach_another_students_server_port_directly(students):
    alice, bob = students["alice"], students["bob"]
    ports = {
        c.laddr.port
        for p in _server_pids("alice")
        for c in p.net_connections("tcp")
        if c.status == psutil.CONN_LISTEN and "jupyterhub.singleuser" in " ".join(p.info["cmdline"])
    }
    assert ports, "alice's server listens nowhere"
    for port in ports:
        url = f"http://127.0.0.1:{port}/user/alice/api/contents"
        assert requests.get(url, headers={"Authorization": f"token {bob.token}"}, timeout=30).status_code == 403
        assert requests.get(url, headers={"Authorization": f"token {alice.token}"}, timeout=30).status_code == 200


def test_a_student_cannot_open_another_students_kernel(students, hub):
    alice, bob = students["alice"], students["bob"]
    r = alice.api("POST", "kernels", json={"name": "python3"})
    assert r.status_code == 201
    kid = r.json()["id"]
    try:
        url = hub.url.replace("http", "ws", 1) + f"/user/alice/api/kernels/{kid}/channels"
        with pytest.raises(websocket.WebSocketBadStatusException) as e:
            websocket.create_connection(url, header=[f"Authorization: token {bob.token}"], timeout=30)
        assert e.value.status_code == 403
        ws = websocket.create_connection(url, header=[f"Authorization: token {alice.token}"], timeout=30)
        ws.close()
    finally:
        alice.api("DELETE", f"kernels/{kid}")


def test_a_student_cannot_read_another_students_files_or_kernel_keys(students):
    alice = pwd.getpwnam(account("alice"))
    secret = f"{alice.pw_dir}/secret.txt"
    subprocess.run(["runuser", "-u", account("alice"), "--", "sh", "-c", f"echo answer > {secret}"], check=True)
    # from bob's account: the file, the home listing, alice's kernel connection files (their HMAC keys)
    for cmd in (f"cat {secret}", f"ls {alice.pw_dir}", f"ls {alice.pw_dir}/.local/share/jupyter/runtime"):
        r = subprocess.run(["runuser", "-u", account("bob"), "--", "sh", "-c", cmd], capture_output=True, text=True)
        assert r.returncode != 0 and "Permission denied" in r.stderr, (cmd, r.stdout, r.stderr)
    # and from bob's own kernel, the way a student would try it
    bob = students["bob"]
    r = bob.api("POST", "kernels", json={"name": "python3"})
    kid = r.json()["id"]
    try:
        from hubclient import Kernel

        url = bob.hub_url.replace("http", "ws", 1) + f"/user/bob/api/kernels/{kid}/channels"
        k = Kernel("bob", kid, websocket.create_connection(url, header=[f"Authorization: token {bob.token}"]))
        out = k.execute(
            f"try:\n    open({secret!r}).read()\n    print('READ')\nexcept PermissionError:\n    print('DENIED')"
        )
        k.close()
        assert "DENIED" in "".join(o.get("text", "") for o in out)
    finally:
        bob.api("DELETE", f"kernels/{kid}")


def test_hub_proxy_and_every_server_listen_on_loopback_only(students, hub):
    hub.track()
    pids = set(hub._seen) | {hub.proc.pid}
    listening = []
    for pid in pids:
        try:
            conns = psutil.Process(pid).net_connections("inet")
        except psutil.NoSuchProcess:
            continue
        listening += [(pid, c.laddr) for c in conns if c.status == psutil.CONN_LISTEN]
    # the hub, the proxy (public + API), three servers
    assert len({pid for pid, _ in listening}) >= 5, listening
    assert all(addr.ip == "127.0.0.1" for _, addr in listening), listening
    # kernels use ZMQ ports: loopback too
    for name in students:
        for p in _server_pids(name):
            for c in p.net_connections("inet"):
                if c.status == psutil.CONN_LISTEN:
                    assert c.laddr.ip == "127.0.0.1", (name, c.laddr)


def test_no_secret_or_token_appears_on_any_command_line(students, hub):
    secrets = {hub.password, hub.admin_token}
    for f in ("cookie_secret", "proxy_token"):
        secrets.add((hub.state / f).read_text().strip())
    secrets |= {s.token for s in students.values()}
    hub.track()
    for pid in set(hub._seen) | {hub.proc.pid}:  # the tokens the hub gave its servers and services
        try:
            env = psutil.Process(pid).environ()
        except psutil.NoSuchProcess:
            continue
        for key in ("JUPYTERHUB_API_TOKEN", "CONFIGPROXY_AUTH_TOKEN"):
            if env.get(key):
                secrets.add(env[key])
    assert len(secrets) > 6
    for p in psutil.process_iter(["pid", "cmdline"]):
        line = " ".join(p.info["cmdline"] or [])
        leaked = [s[:4] + "..." for s in secrets if s and s in line]
        assert not leaked, f"pid {p.info['pid']} has a secret on its command line: {leaked}"
