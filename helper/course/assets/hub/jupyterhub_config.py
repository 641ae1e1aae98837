# JupyterHub configuration for the course (make hub; helper/course/hub.py writes the settings).
#
# Read by `jupyterhub -f THIS_FILE`. Every setting comes from an environment variable set by
# helper.course.hub; secrets come from files in the hub's private state folder (mode 0700), never
# from the command line. What to change for a real class is in the README's hub section.
import os
import sys
from pathlib import Path

from helper.course.hub import CourseSpawner, TrialSpawner

c = get_config()  # noqa: F821 (provided by JupyterHub when it reads this file)

state = Path(os.environ["L2L_HUB_STATE"])
port = int(os.environ["L2L_HUB_PORT"])
trial = os.environ.get("L2L_HUB_TRIAL") == "1"

# Everything on loopback: the public proxy port, the proxy's API, the hub, every single-user server.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ["L2L_HUB_INTERNAL_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ['L2L_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [os.environ["L2L_HUB_NODE"], os.environ["L2L_HUB_CHP"]]
# The proxy's token reaches configurable-http-proxy through its environment (CONFIGPROXY_AUTH_TOKEN).
c.ConfigurableHTTPProxy.auth_token = (state / "proxy_token").read_text().strip()
c.JupyterHub.cookie_secret_file = str(state / "cookie_secret")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # Ctrl-C stops every student's server too
c.JupyterHub.cleanup_proxy = True

# A shared password for a trial class (JupyterHub's built-in shared-password authenticator).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = (state / "password").read_text().strip()
c.Authenticator.allow_all = True
# Names become Unix accounts (l2l-NAME): lower-case letters, digits, '-' only, short.
c.Authenticator.username_pattern = r"^[a-z][a-z0-9-]{0,20}$"

# One Unix account per student (as The Littlest JupyterHub does), or one shared account (trial).
c.JupyterHub.spawner_class = TrialSpawner if trial else CourseSpawner
# A Python every student account can run (helper.course.hub.student_python), this environment's packages.
c.Spawner.cmd = [os.environ["L2L_HUB_PYTHON"], "-m", "jupyterhub.singleuser"]
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.mem_limit = None
c.Spawner.environment = {"L2L_HUB_SERVER": "1", "GIT_CONFIG_GLOBAL": os.environ["L2L_HUB_GITCONFIG"]}
if Path(os.environ["L2L_HUB_LIBRARY_PATH"]).is_dir():
    c.Spawner.environment["LD_LIBRARY_PATH"] = os.environ["L2L_HUB_LIBRARY_PATH"]
if trial:
    c.TrialSpawner.home_dir_template = str(state.parent / "trial-homes" / "{username}")
    if os.getuid() == 0:
        c.Spawner.args = ["--allow-root"]

# Idle culler: stop a server idle for L2L_HUB_CULL_TIMEOUT seconds (default one hour).
cull = os.environ.get("L2L_HUB_CULL_TIMEOUT", "3600")
services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={cull}"],
    }
]
roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
# The course's own service (tests, benchmark, instructor scripts): its token is in a file.
admin_token = state / "admin_token"
if admin_token.exists():
    services.append({"name": "course-admin", "api_token": admin_token.read_text().strip()})
    roles.append(
        {
            "name": "course-admin",
            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
            "services": ["course-admin"],
        }
    )
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles
