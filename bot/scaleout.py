"""Several Rasa replicas behind nginx on this machine: ``make scale-up`` / ``make scale-down``.

    python -m bot.scaleout up [--replicas 2] [--port 5005]
    python -m bot.scaleout status
    python -m bot.scaleout down

The same shape as the container deployment (docs/deploy.md), on loopback:
one action server, N stateless Rasa replicas with the production endpoints
(conversations in PostgreSQL, locks in Redis), nginx spreading requests
round-robin, and the demo site talking to nginx. Stores are checked first
(bot.preflight): nothing starts against a missing database or Redis.
Hosts and credentials come from the BOT_* environment variables
(bot.preflight.PRODUCTION_ENV_DEFAULTS has the defaults).

The processes outlive ``make scale-up``; their ids and ports are kept in
``var/scale/state.json`` so ``make scale-down`` can stop them.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.preflight import production_env

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX_TEMPLATE = ROOT / "deploy" / "local" / "nginx.conf.template"
# nginx's per-client limit (limit_req), as in deploy/docker/nginx.conf: a chat
# needs a message every few seconds; the burst covers opening the page and a
# few quick messages.
CLIENT_RATE_PER_S = 2
CLIENT_BURST = 20
START_TIMEOUT_S = 240
STOP_TIMEOUT_S = 30


class ScaleOutError(RuntimeError):
    """Something kept the replicas from starting; the message says what and where to look."""


@dataclass
class ScaleOutSettings:
    replicas: int = 2
    port: int = 5005  # nginx: the address the widget and tools use, as with `make run`
    first_replica_port: int = 5011
    action_port: int = 5055
    web_port: int | None = 8000  # the demo site; None starts none
    workdir: Path = ROOT / "var" / "scale"
    model: Path = ROOT / "models" / "current.tar.gz"
    endpoints: Path = ROOT / "deploy" / "production" / "endpoints.yml"
    credentials: Path = ROOT / "deploy" / "production" / "credentials.yml"
    env: dict[str, str] = field(default_factory=dict)  # overrides of BOT_* settings
    replica_ports: list[int] | None = None  # explicit ports (tests use free ones)
    client_rate_per_s: int = CLIENT_RATE_PER_S
    client_burst: int = CLIENT_BURST

    def ports(self) -> list[int]:
        if self.replica_ports is not None:
            return list(self.replica_ports)
        return [self.first_replica_port + i for i in range(self.replicas)]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None)
    if found is None:
        raise ScaleOutError("nginx is not installed (make scale-up installs Debian's nginx-light)")
    return found


def render_nginx_config(workdir: Path, port: int, replica_ports: list[int],
                        client_rate_per_s: int = CLIENT_RATE_PER_S,
                        client_burst: int = CLIENT_BURST) -> str:
    """The nginx configuration for these ports, from deploy/local/nginx.conf.template."""
    if client_rate_per_s < 1 or client_burst < 0:
        raise ScaleOutError("the client rate must be at least 1 request/s, the burst not negative")
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;"
                        for p in replica_ports)
    text = NGINX_TEMPLATE.read_text()
    for name, value in {"workdir": str(workdir), "port": str(port),
                        "replicas": str(len(replica_ports)), "upstream_servers": servers,
                        "client_rate": str(int(client_rate_per_s)),
                        "client_burst": str(int(client_burst))}.items():
        text = text.replace(f"@{name}@", value)
    if re.search(r"@[a-z_]+@", text):
        raise ScaleOutError(f"{NGINX_TEMPLATE}: a placeholder was not filled in")
    return text


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        # As the servers do: connections of a just-stopped server (TIME_WAIT) don't count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def http_ok(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


class ScaleOut:
    """The running set of processes; also used by tests/scaleout with its own ports and store."""

    def __init__(self, settings: ScaleOutSettings) -> None:
        self.settings = settings
        self.workdir = settings.workdir
        self.replica_ports = settings.ports()
        self.url = f"http://127.0.0.1:{settings.port}"
        self.replicas: list[subprocess.Popen | None] = [None] * len(self.replica_ports)
        self.actions: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.web: subprocess.Popen | None = None

    # -- environment ---------------------------------------------------------------
    def env(self) -> dict[str, str]:
        merged = {**os.environ, **self.settings.env}
        return {**merged, **production_env(merged),
                "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                "PYTHONWARNINGS": "ignore", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                "SANIC_HOST": "127.0.0.1",
                "BOT_ACTION_URL": f"http://127.0.0.1:{self.settings.action_port}/webhook"}

    def replica_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.replica_ports[index]}"

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen:
        with open(self.workdir / log_name, "ab") as log:
            # A session of its own: the processes outlive `make scale-up` and
            # are stopped as whole groups.
            return subprocess.Popen(args, cwd=ROOT, env=self.env(), stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def _wait(self, ready: Callable[[], bool], what: str, processes: list) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            for process in processes:
                if process is not None and process.poll() is not None:
                    raise ScaleOutError(f"{what} exited with {process.returncode}; "
                                        f"logs in {self.workdir}")
            if ready():
                return
            time.sleep(0.3)
        raise ScaleOutError(f"{what} not ready after {START_TIMEOUT_S} s; logs in {self.workdir}")

    # -- start ---------------------------------------------------------------------
    def preflight(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "bot.preflight", "--endpoints", str(self.settings.endpoints)],
            check=False, cwd=ROOT, env=self.env(), capture_output=True, text=True)
        if result.returncode != 0:
            problems = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
            raise ScaleOutError("\n".join(problems) or result.stderr[-2000:])

    def start(self) -> ScaleOut:
        if not self.settings.model.exists():
            raise ScaleOutError(f"{self.settings.model} is missing: run `make train`")
        ports = [self.settings.port, self.settings.action_port, *self.replica_ports]
        if self.settings.web_port:
            ports.append(self.settings.web_port)
        busy = [p for p in ports if not port_is_free(p)]
        if busy:
            raise ScaleOutError(f"port(s) {', '.join(map(str, busy))} already in use "
                                "(is `make run` or `make scale-up` still running?)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.preflight()
        try:
            self.actions = self._spawn(
                [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                 "--port", str(self.settings.action_port)], "actions.log")
            for index in range(len(self.replica_ports)):
                self.replicas[index] = self._spawn_replica(index)
            self._wait(lambda: http_ok(f"http://127.0.0.1:{self.settings.action_port}/health"),
                       "the action server", [self.actions])
            for index in range(len(self.replica_ports)):
                self._wait_replica(index)
            self._start_nginx()
            if self.settings.web_port:
                self.web = self._spawn([sys.executable, "-m", "bot.web", "--port",
                                        str(self.settings.web_port), "--rasa-url", self.url],
                                       "web.log")
                self._wait(lambda: http_ok(f"http://127.0.0.1:{self.settings.web_port}/"),
                           "the demo site", [self.web])
        except BaseException:
            self.stop()
            raise
        self._write_state()
        return self

    def _spawn_replica(self, index: int) -> subprocess.Popen:
        return self._spawn(
            [str(BIN / "rasa"), "run", "--model", str(self.settings.model),
             "--interface", "127.0.0.1", "--port", str(self.replica_ports[index]),
             "--endpoints", str(self.settings.endpoints),
             "--credentials", str(self.settings.credentials)], f"replica-{index + 1}.log")

    def _wait_replica(self, index: int) -> None:
        url = f"{self.replica_url(index)}/webhooks/rest/ready"
        self._wait(lambda: http_ok(url), f"replica {index + 1}", [self.replicas[index]])

    def _start_nginx(self) -> None:
        (self.workdir / "tmp").mkdir(exist_ok=True)
        config = self.workdir / "nginx.conf"
        config.write_text(render_nginx_config(self.workdir, self.settings.port,
                                              self.replica_ports,
                                              self.settings.client_rate_per_s,
                                              self.settings.client_burst))
        self.nginx = self._spawn([nginx_binary(), "-p", str(self.workdir), "-e",
                                  str(self.workdir / "nginx-error.log"), "-c", str(config)],
                                 "nginx.out")
        self._wait(lambda: http_ok(f"{self.url}/webhooks/rest/ready"), "nginx", [self.nginx])

    # -- one replica at a time (rolling restarts, tests) ------------------------------
    def stop_replica(self, index: int, crash: bool = False) -> None:
        """Stop one replica as an orchestrator does (SIGTERM: in-flight messages finish),
        or, with ``crash``, as a crash does (SIGKILL: nothing finishes)."""
        process = self.replicas[index]
        if crash and process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        _stop_group(process)
        self.replicas[index] = None
        self._write_state()

    def start_replica(self, index: int) -> None:
        self.replicas[index] = self._spawn_replica(index)
        self._wait_replica(index)
        self._write_state()

    # -- stop ----------------------------------------------------------------------
    def stop(self) -> None:
        # Front to back, so no new message reaches a replica that is going away.
        for process in (self.web, self.nginx, *self.replicas, self.actions):
            _stop_group(process)
        (self.workdir / "state.json").unlink(missing_ok=True)

    def _write_state(self) -> None:
        # In stopping order for `down`: front to back.
        processes = {"web": self.web, "nginx": self.nginx,
                     **{f"replica-{i + 1}": p for i, p in enumerate(self.replicas)},
                     "actions": self.actions}
        state = {"url": self.url, "replica_ports": self.replica_ports,
                 "pids": {name: p.pid for name, p in processes.items()
                          if p is not None and p.poll() is None}}
        (self.workdir / "state.json").write_text(json.dumps(state, indent=2))

    # -- what nginx saw -----------------------------------------------------------------
    def upstream_log(self) -> list[tuple[str, str]]:
        """(replica address, status) per request nginx passed on, oldest first."""
        path = self.workdir / "upstreams.log"
        if not path.exists():
            return []
        entries = []
        for line in path.read_text().splitlines():
            parts = line.split(" ", 2)
            if len(parts) == 3:
                entries.append((parts[1], parts[2]))
        return entries


def _stop_group(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT_S)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _stop_pid_group(pid: int) -> None:
    # For `down`, which runs in another process than `up` and has only pids.
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the replicas, the action server, nginx and the site")
    up.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", "2")))
    up.add_argument("--port", type=int, default=int(os.environ.get("SCALE_PORT", "5005")))
    up.add_argument("--credentials", type=Path, default=ScaleOutSettings.credentials,
                    help="channel settings; credentials.yml also accepts client-chosen "
                         "conversation ids, as test tools such as the evaluation script need")
    up.add_argument("--client-rate", type=int, default=CLIENT_RATE_PER_S,
                    help="nginx's limit per client address, in requests per second "
                         "(locally all traffic is one client: raise it for load tools)")
    up.add_argument("--client-burst", type=int, default=CLIENT_BURST,
                    help="requests a client may send at once above that rate")
    commands.add_parser("status", help="which processes run and answer")
    commands.add_parser("down", help="stop everything `up` started")
    args = parser.parse_args(argv)
    state_file = ScaleOutSettings().workdir / "state.json"

    if args.command == "up":
        if args.replicas < 1:
            parser.error("--replicas must be at least 1")
        if state_file.exists():
            print(f"Already running ({state_file}); `make scale-down` first.", file=sys.stderr)
            return 1
        settings = ScaleOutSettings(replicas=args.replicas, port=args.port,
                                    credentials=args.credentials.resolve(),
                                    client_rate_per_s=args.client_rate,
                                    client_burst=args.client_burst)
        try:
            cluster = ScaleOut(settings).start()
        except ScaleOutError as error:
            print(f"scale-up failed: {error}", file=sys.stderr)
            return 1
        print(f"\n  {args.replicas} Rasa replicas behind nginx are running.\n"
              f"    Website:     http://localhost:{settings.web_port}\n"
              f"    REST:        {cluster.url}/webhooks/rest/webhook\n"
              f"    Replicas:    {', '.join(map(str, cluster.replica_ports))} (loopback)\n"
              f"    Logs:        {cluster.workdir}\n  Stop with: make scale-down\n")
        return 0

    if not state_file.exists():
        print("Nothing is running (no var/scale/state.json).")
        return 0
    state = json.loads(state_file.read_text())
    if args.command == "status":
        for name, pid in state["pids"].items():
            alive = Path(f"/proc/{pid}").exists()
            print(f"{name:10} pid {pid:>7}  {'running' if alive else 'gone'}")
        ready = http_ok(f"{state['url']}/webhooks/rest/ready")
        print(f"nginx {state['url']}: {'ready' if ready else 'not answering'}")
        return 0 if ready else 1
    for pid in state["pids"].values():
        _stop_pid_group(pid)
    state_file.unlink()
    print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
