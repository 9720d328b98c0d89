"""Offline checks of the deployment files, with only what this machine has.

    python scripts/validate_deploy.py [--strict] [--root DIR]

Checks:
- every file parses (YAML) and the compose file has the agreed shape: each service
  has an image or a build, only nginx publishes ports, no ``--enable-api``, every
  service runs as a non-root ``user``, telemetry is off in the bot's services,
  passwords come from required environment variables, healthchecks everywhere;
- the compose file's Rasa environment provides every ``${VAR}`` that
  deploy/production/endpoints.yml uses;
- the Helm values use only keys that exist in the chart versions verified by hand
  (the key lists are below, as data) and say what the deployment needs: several
  replicas, our image, our lock and tracker stores, no API, CORS for the site only,
  telemetry off, non-root, readiness on /webhooks/rest/ready;
- nginx.conf: upstreams point at compose services, and ``nginx -t`` passes on a
  copy whose service names are replaced by 127.0.0.1 (nginx must resolve every
  upstream host), when nginx is installed;
- ``docker compose config -q`` (or docker-compose 1.x) when a compose CLI exists.
  Neither needs a Docker engine; without one the check is skipped with a reason.

Exit status 1 on any error (and, with --strict, on any warning). Warnings are for
other files that still have to follow (deploy/production/endpoints.yml).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]

COMPOSE_FILE = Path("deploy/docker/docker-compose.yml")
NGINX_CONF = Path("deploy/docker/nginx.conf")
DOCKERFILE = Path("deploy/docker/Dockerfile")
DOCKERIGNORE = Path(".dockerignore")
RASA_VALUES = Path("deploy/helm/values-rasa.yml")
ACTION_SERVER_VALUES = Path("deploy/helm/values-action-server.yml")
PRODUCTION_ENDPOINTS = Path("deploy/production/endpoints.yml")
PRODUCTION_CREDENTIALS = Path("deploy/production/credentials.yml")
DEPLOY_FILES = (COMPOSE_FILE, NGINX_CONF, DOCKERFILE, DOCKERIGNORE, RASA_VALUES,
                ACTION_SERVER_VALUES)

LOCK_STORE_TYPE = "bot.lock_store.AtomicRedisLockStore"
TRACKER_STORE_TYPE = "bot.tracker_store.CheckedSQLTrackerStore"
READY_PATH = "/webhooks/rest/ready"
REQUIRED_SERVICES = ("rasa", "actions", "site", "postgres", "redis", "nginx")
PUBLIC_SERVICE = "nginx"
# Services that run our image (and therefore Rasa or rasa_sdk code).
BOT_SERVICES = ("rasa", "actions", "site")

# Registry hosts must not be written into the deployment files: images and
# packages come from wherever the operator's own mirrors are.
REGISTRY_HOSTS = ("docker.io", "hub.docker.com", "registry-1.docker.io", "ghcr.io", "quay.io",
                  "gcr.io", "registry.k8s.io", "pypi.org", "files.pythonhosted.org",
                  "registry.npmjs.org", "deb.debian.org", "charts.bitnami.com")


# -- chart key lists, verified by reading the charts' values.yaml --------------------
@dataclass(frozen=True)
class ChartKeys:
    """The key structure of one chart version's values.yaml.

    ``paths`` holds every key path in that file. ``free_form`` holds the paths whose
    content the chart's templates pass through unchanged (``toYaml`` or a ``range``
    over the map), so any keys below them are valid.
    """

    chart: str
    version: str
    source: str
    paths: frozenset[tuple[str, ...]]
    free_form: frozenset[tuple[str, ...]]

    def known(self, path: tuple[str, ...]) -> bool:
        # A parent key (``image``) is known because its children (``image.tag``) are.
        return path in self.paths or path in self.free_form or self.has_children(path)

    def has_children(self, path: tuple[str, ...]) -> bool:
        size = len(path)
        return any(len(p) > size and p[:size] == path for p in self.paths | self.free_form)


def _paths(dotted: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(line.split(".")) for line in dotted.split())


_COMMON_PATHS = """
nameOverride fullnameOverride registry replicaCount args command extraEnv
image.name image.tag image.repository image.pullPolicy image.pullSecrets
serviceAccount.create serviceAccount.annotations serviceAccount.name
podAnnotations podLabels deploymentAnnotations deploymentLabels podSecurityContext securityContext
service.type service.port service.annotations service.nodePort service.loadBalancerIP
service.externalTrafficPolicy
ingress.enabled ingress.annotations ingress.labels ingress.pathType ingress.path ingress.hostname
ingress.tls ingress.extraPaths
resources autoscaling.enabled autoscaling.minReplicas autoscaling.maxReplicas
autoscaling.targetCPUUtilizationPercentage
nodeSelector tolerations affinity strategy livenessProbe readinessProbe initContainers
volumes volumeMounts
applicationSettings.port applicationSettings.scheme
"""
_COMMON_FREE_FORM = """
podAnnotations podLabels deploymentAnnotations deploymentLabels podSecurityContext securityContext
serviceAccount.annotations service.annotations ingress.annotations ingress.labels ingress.extraPaths
resources nodeSelector affinity strategy livenessProbe readinessProbe
"""

RASA_CHART = ChartKeys(
    chart="rasa",
    version="1.17.3",
    source="RasaHQ/helm-charts charts/rasa/values.yaml @ 27796d7f4c1a5f2cbe69c31348b3dbb2c4449d1b",
    paths=_paths(_COMMON_PATHS + """
applicationSettings.debugMode applicationSettings.initialModel applicationSettings.trainInitialModel
applicationSettings.token applicationSettings.cors applicationSettings.enableAPI
applicationSettings.credentials.enabled applicationSettings.credentials.additionalChannelCredentials
applicationSettings.telemetry.enabled
applicationSettings.endpoints.models.enabled applicationSettings.endpoints.models.url
applicationSettings.endpoints.models.token applicationSettings.endpoints.models.waitTimeBetweenPulls
applicationSettings.endpoints.models.useRasaXasModelServer.enabled
applicationSettings.endpoints.models.useRasaXasModelServer.tag
applicationSettings.endpoints.trackerStore.enabled applicationSettings.endpoints.trackerStore.type
applicationSettings.endpoints.trackerStore.dialect applicationSettings.endpoints.trackerStore.url
applicationSettings.endpoints.trackerStore.port applicationSettings.endpoints.trackerStore.username
applicationSettings.endpoints.trackerStore.password applicationSettings.endpoints.trackerStore.db
applicationSettings.endpoints.trackerStore.login_db
applicationSettings.endpoints.lockStore.enabled applicationSettings.endpoints.lockStore.type
applicationSettings.endpoints.lockStore.url applicationSettings.endpoints.lockStore.port
applicationSettings.endpoints.lockStore.password applicationSettings.endpoints.lockStore.db
applicationSettings.endpoints.eventBroker.enabled applicationSettings.endpoints.eventBroker.type
applicationSettings.endpoints.eventBroker.url applicationSettings.endpoints.eventBroker.username
applicationSettings.endpoints.eventBroker.password applicationSettings.endpoints.eventBroker.port
applicationSettings.endpoints.eventBroker.queues
applicationSettings.endpoints.action.endpointURL applicationSettings.endpoints.additionalEndpoints
applicationSettings.rasaX.enabled applicationSettings.rasaX.token applicationSettings.rasaX.url
applicationSettings.rasaX.useConfigEndpoint
networkPolicy.enabled networkPolicy.denyAll extraArgs extraContainers
global.postgresql.postgresqlUsername global.postgresql.postgresqlPassword
global.postgresql.existingSecret global.postgresql.postgresqlDatabase global.postgresql.servicePort
global.redis.password
postgresql.install postgresql.external.enabled postgresql.external.host
redis.install redis.replica.replicaCount redis.auth.password redis.external.enabled redis.external.host
rabbitmq.install rabbitmq.auth.username rabbitmq.auth.password rabbitmq.auth.existingPasswordSecret
rabbitmq.auth.erlangCookie rabbitmq.external.enabled rabbitmq.external.host
nginx.enabled nginx.image.name nginx.image.tag nginx.livenessProbe nginx.readinessProbe nginx.port
nginx.resources nginx.securityContext nginx.tls.enabled nginx.tls.port nginx.tls.generateSelfSignedCert
nginx.tls.certificateSecret nginx.customConfiguration
rasa-action-server.install rasa-action-server.external.enabled rasa-action-server.external.url
duckling.install duckling.external.enabled duckling.external.url
"""),
    # The tracker, lock and event broker maps are written to endpoints.yml with a
    # range over all their keys (templates/config-map.yaml), so extra keys are valid.
    free_form=_paths(_COMMON_FREE_FORM + """
applicationSettings.credentials.additionalChannelCredentials
applicationSettings.endpoints.additionalEndpoints
applicationSettings.endpoints.trackerStore applicationSettings.endpoints.lockStore
applicationSettings.endpoints.eventBroker
nginx.livenessProbe nginx.readinessProbe nginx.resources nginx.securityContext nginx.customConfiguration
"""),
)

ACTION_SERVER_CHART = ChartKeys(
    chart="rasa-action-server",
    version="1.0.5",
    source=("RasaHQ/helm-charts charts/rasa-action-server/values.yaml @ "
            "18121bed6ab2bfd55f60b90e48f8c9a2eecb4dec"),
    paths=_paths(_COMMON_PATHS),
    free_form=_paths(_COMMON_FREE_FORM),
)


# -- report ------------------------------------------------------------------------
@dataclass
class Report:
    """What the checks found; errors fail the run, notes say what was skipped and why."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")

    def note(self, message: str) -> None:
        self.notes.append(message)

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


# -- helpers -----------------------------------------------------------------------
def load_yaml(path: Path, report: Report) -> Any:
    """The parsed file, or None (with an error) when it is missing or not YAML."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.error(str(path), "file is missing")
    except yaml.YAMLError as error:
        report.error(str(path), f"is not valid YAML: {error}")
    return None


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _as_list(command: Any) -> list[str]:
    """A compose command (list or string) as a list of words."""
    if command is None:
        return []
    if isinstance(command, str):
        return command.split()
    return [str(part) for part in command]


def _option(args: Sequence[str], name: str) -> str | None:
    """The value after ``name`` in an argument list (``--cors X`` or ``--cors=X``)."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def _environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A compose service's environment, from either the map or the list form."""
    env = service.get("environment") or {}
    if isinstance(env, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in env.items()}
    result: dict[str, str] = {}
    for item in env:
        name, _, value = str(item).partition("=")
        result[name] = value
    return result


def _is_root_user(user: Any) -> bool:
    name = str(user).split(":", 1)[0].strip()
    return name in ("", "root", "0")


def _mentions_enable_api(value: Any) -> bool:
    # Parsed structure, not file text, so a comment saying "no --enable-api" is fine.
    return "--enable-api" in yaml.safe_dump(value)


_REQUIRED_VAR = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}$")
_SECRET_NAME = re.compile(r"PASSWORD|SECRET|AUTH|TOKEN")


# -- compose -----------------------------------------------------------------------
def rasa_services(services: Mapping[str, Any]) -> list[str]:
    """Names of the Rasa server services: ``rasa`` or ``rasa-1``, ``rasa-2``, ..."""
    return [name for name in services if name == "rasa" or re.fullmatch(r"rasa[-_]\d+", name)]


def check_compose(compose: Any, report: Report, where: str = str(COMPOSE_FILE)) -> None:
    """Structure and security rules of the compose file."""
    services = _get(compose, "services")
    if not isinstance(services, Mapping) or not services:
        report.error(where, "has no services")
        return
    missing = [name for name in REQUIRED_SERVICES
               if name not in services and not (name == "rasa" and rasa_services(services))]
    if missing:
        report.error(where, f"services missing: {', '.join(missing)}")

    for name, service in services.items():
        at = f"{where} service '{name}'"
        if not isinstance(service, Mapping):
            report.error(at, "is not a mapping")
            continue
        if not service.get("image") and not service.get("build"):
            report.error(at, "has neither 'image' nor 'build'")
        if service.get("ports") and name != PUBLIC_SERVICE:
            report.error(at, f"publishes ports; only '{PUBLIC_SERVICE}' may")
        if str(service.get("network_mode", "")).startswith("host"):
            report.error(at, "uses the host network, which publishes every port it opens")
        if _mentions_enable_api(service):
            report.error(at, "enables Rasa's HTTP API (--enable-api); it must stay closed")
        if "user" not in service:
            report.error(at, "has no 'user'; every service must run as a non-root user")
        elif _is_root_user(service["user"]):
            report.error(at, f"runs as root (user: {service['user']!r})")
        healthcheck = service.get("healthcheck")
        # A one-shot job (restart: "no", like the store preflight) ends; it has no health.
        one_shot = str(service.get("restart", "")) == "no"
        if not one_shot and (not isinstance(healthcheck, Mapping) or not healthcheck.get("test")
                             or healthcheck.get("disable")):
            report.error(at, "has no healthcheck")
        for key, value in _environment(service).items():
            if _SECRET_NAME.search(key) and not _REQUIRED_VAR.match(value):
                report.error(at, f"{key} must come from a required variable like "
                                 f"${{{key}:?message}}, not be written in the file")

    if PUBLIC_SERVICE in services and not _get(services, PUBLIC_SERVICE, "ports"):
        report.error(where, f"service '{PUBLIC_SERVICE}' publishes no port")

    for name in [*rasa_services(services), *BOT_SERVICES]:
        service = services.get(name)
        if isinstance(service, Mapping) and \
                _environment(service).get("RASA_TELEMETRY_ENABLED", "").lower() != "false":
            report.error(f"{where} service '{name}'", "must set RASA_TELEMETRY_ENABLED to \"false\"")

    rasa_names = rasa_services(services)
    replicas = sum(int(_get(services, name, "deploy", "replicas") or 1) for name in rasa_names)
    if rasa_names and replicas < 2:
        report.error(where, f"runs {replicas} Rasa replica(s); a scaled-out stack needs at least 2")
    for name in rasa_names:
        _check_rasa_command(services[name], report, f"{where} service '{name}'")


def _check_rasa_command(service: Mapping[str, Any], report: Report, at: str) -> None:
    args = _as_list(service.get("command"))
    if not args or args[0] != "run":
        report.error(at, "command must start with 'run' (the image's entrypoint is rasa)")
    expected = {"--model": "models/current.tar.gz",
                "--endpoints": str(PRODUCTION_ENDPOINTS),
                "--credentials": str(PRODUCTION_CREDENTIALS)}
    for option, value in expected.items():
        if _option(args, option) != value:
            report.error(at, f"command must pass {option} {value}")
    cors = _option(args, "--cors")
    if not cors or "*" in cors:
        report.error(at, "command must pass --cors with the site's origin (not '*')")
    test = yaml.safe_dump(_get(service, "healthcheck", "test"))
    if READY_PATH not in test:
        report.error(at, f"healthcheck must call {READY_PATH} (200 only when the model is loaded)")


def check_compose_against_endpoints(compose: Any, endpoints_text: str, report: Report) -> None:
    """The production endpoints file gets every variable it needs from compose."""
    services = _get(compose, "services") or {}
    where = str(PRODUCTION_ENDPOINTS)
    needed = sorted(set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", endpoints_text)))
    for name in rasa_services(services):
        env = _environment(services[name])
        missing = [var for var in needed if var not in env]
        if missing:
            report.error(where, f"uses {', '.join(missing)}, which compose service '{name}' "
                                "does not set")
    endpoints = yaml.safe_load(endpoints_text) or {}
    lock_type = _get(endpoints, "lock_store", "type")
    tracker_type = _get(endpoints, "tracker_store", "type")
    if lock_type != LOCK_STORE_TYPE:
        report.warn(where, f"lock_store type is {lock_type!r}; the scaled-out deployment expects "
                           f"{LOCK_STORE_TYPE!r}")
    if tracker_type != TRACKER_STORE_TYPE:
        report.warn(where, f"tracker_store type is {tracker_type!r}; the scaled-out deployment "
                           f"expects {TRACKER_STORE_TYPE!r}")
    redis_command = yaml.safe_dump(_get(services, "redis", "command"))
    if "requirepass" in redis_command and not _get(endpoints, "lock_store", "password"):
        report.warn(where, "lock_store has no password, but the compose Redis requires one "
                           "(add password: ${BOT_REDIS_PASSWORD})")


def check_compose_cli(root: Path, compose: Any, report: Report) -> None:
    """``docker compose config -q``: the compose CLI's own schema and interpolation check."""
    compose_path = root / COMPOSE_FILE
    text = compose_path.read_text(encoding="utf-8")
    # Placeholders for the required secrets, so interpolation can succeed.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir()}
    env.update({var: "validate-placeholder"
                for var in re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):\?", text)})
    project_dir = str(compose_path.parent)

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False,
                              timeout=120)

    docker = shutil.which("docker")
    if docker and run([docker, "compose", "version"]).returncode == 0:
        result = run([docker, "compose", "-f", str(compose_path), "--project-directory",
                      project_dir, "config", "-q"])
        tool = "docker compose config -q"
    elif shutil.which("docker-compose"):
        # Compose 1.x predates the top-level 'name' key of the Compose
        # Specification; it is checked on a copy without it.
        data = dict(compose) if isinstance(compose, Mapping) else {}
        data.pop("name", None)
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "docker-compose.yml"
            copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            result = run(["docker-compose", "-f", str(copy), "--project-directory", project_dir,
                          "config", "-q"])
        tool = "docker-compose (1.x) config -q, without the top-level 'name' key"
    else:
        report.note("compose CLI check skipped: neither the 'docker compose' plugin nor "
                    "docker-compose is installed")
        return
    if result.returncode != 0:
        report.error(str(COMPOSE_FILE), f"compose CLI check failed ({tool}): "
                                        f"{(result.stderr or result.stdout).strip()}")
    else:
        report.note(f"compose CLI check passed ({tool})")


# -- nginx -------------------------------------------------------------------------
def nginx_upstreams(conf: str) -> dict[str, list[tuple[str, str]]]:
    """Upstream name -> [(host, port), ...] from an nginx config."""
    result: dict[str, list[tuple[str, str]]] = {}
    for match in re.finditer(r"upstream\s+(\S+)\s*\{(.*?)\}", conf, re.DOTALL):
        servers = re.findall(r"^\s*server\s+([^\s:;]+):(\d+)", match.group(2), re.MULTILINE)
        result[match.group(1)] = servers
    return result


def _locations(conf: str) -> Iterator[tuple[str, str]]:
    for match in re.finditer(r"location\s+(=\s*)?(\S+)\s*\{(.*?)\}", conf, re.DOTALL):
        yield match.group(2), match.group(3)


def check_nginx_static(conf: str, compose: Any, report: Report) -> None:
    """nginx.conf agrees with the compose file: hosts, listen port, routing."""
    where = str(NGINX_CONF)
    services = _get(compose, "services") or {}
    upstreams = nginx_upstreams(conf)
    for upstream, servers in upstreams.items():
        if not servers:
            report.error(where, f"upstream '{upstream}' has no server")
        for host, _port in servers:
            if host not in services:
                report.error(where, f"upstream '{upstream}' points at '{host}', which is not a "
                                    "compose service")
    targets = {path: re.search(r"proxy_pass\s+https?://([^/;\s]+)", body)
               for path, body in _locations(conf)}

    def hosts(path: str) -> set[str]:
        match = targets.get(path)
        if not match:
            return set()
        name = match.group(1).split(":")[0]
        return {host for host, _ in upstreams.get(name, [])} or {name}

    rasa_names = set(rasa_services(services))
    if not hosts("/webhooks/") or not hosts("/webhooks/") <= rasa_names:
        report.error(where, "location /webhooks/ must proxy to the Rasa service(s)")
    if hosts("/") != {"site"}:
        report.error(where, "location / must proxy to the 'site' service")
    listen = set(re.findall(r"^\s*listen\s+(?:[\d.]+:)?(\d+)", conf, re.MULTILINE))
    ports = _get(services, PUBLIC_SERVICE, "ports") or []
    if not isinstance(ports, list):
        report.error(str(COMPOSE_FILE), f"service '{PUBLIC_SERVICE}' ports must be a list")
        ports = []
    # Short syntax "HOST:CONTAINER[/proto]" or long syntax with "target".
    published = {str(port.get("target") if isinstance(port, Mapping) else port)
                 .rsplit(":", 1)[-1].split("/")[0] for port in ports}
    if published and not published <= listen:
        report.error(where, f"listens on {sorted(listen)} but compose publishes container port(s) "
                            f"{sorted(published)}")


def check_nginx_syntax(conf: str, report: Report) -> None:
    """``nginx -t`` on a copy: service names become 127.0.0.1, /tmp paths a temp dir."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)
    if not nginx:
        report.note("nginx -t skipped: nginx is not installed (apt-get install nginx-light)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        # nginx -t resolves every upstream host, and compose service names only
        # resolve inside the compose network.
        copy = re.sub(r"^(\s*server\s+)[^\s:;]+:", r"\g<1>127.0.0.1:", conf, flags=re.MULTILINE)
        # Keep the temp directories nginx -t creates out of the real /tmp.
        copy = copy.replace("/tmp/", f"{tmp}/")
        path = Path(tmp) / "nginx.conf"
        path.write_text(copy, encoding="utf-8")
        command = [nginx, "-t", "-p", tmp, "-c", str(path)]
        # -e (error log at start-up) avoids opening /var/log/nginx as a non-root user;
        # nginx before 1.19.5 does not know it.
        result = subprocess.run([*command[:2], "-e", "stderr", *command[2:]], capture_output=True,
                                text=True, check=False, timeout=60)
        if "invalid option" in result.stderr:
            result = subprocess.run(command, capture_output=True, text=True, check=False,
                                    timeout=60)
    if result.returncode != 0:
        report.error(str(NGINX_CONF), f"nginx -t failed: {result.stderr.strip()}")
    else:
        report.note("nginx -t passed (service names replaced by 127.0.0.1)")


# -- Helm values -------------------------------------------------------------------
def unknown_keys(values: Mapping[str, Any], chart: ChartKeys,
                 prefix: tuple[str, ...] = ()) -> list[str]:
    """Key paths in ``values`` that the verified chart version does not have."""
    unknown: list[str] = []
    for key, value in values.items():
        path = (*prefix, str(key))
        if not chart.known(path):
            unknown.append(".".join(path))
        elif path not in chart.free_form and isinstance(value, Mapping) and chart.has_children(path):
            unknown.extend(unknown_keys(value, chart, path))
    return unknown


def check_helm_keys(values: Any, chart: ChartKeys, where: str, report: Report) -> None:
    """Every key in a values file exists in the chart version it was verified against."""
    if not isinstance(values, Mapping):
        report.error(where, "is not a YAML mapping")
        return
    for path in unknown_keys(values, chart):
        report.error(where, f"key '{path}' does not exist in chart {chart.chart} {chart.version} "
                            f"({chart.source})")


def _check_pod_security(values: Mapping[str, Any], where: str, report: Report) -> None:
    for key in ("podSecurityContext", "securityContext"):
        context = values.get(key) or {}
        if context.get("runAsNonRoot") is not True:
            report.error(where, f"{key}.runAsNonRoot must be true")
        if context.get("runAsUser") in (0, "0"):
            report.error(where, f"{key}.runAsUser must not be 0")
    if _get(values, "securityContext", "allowPrivilegeEscalation") is not False:
        report.error(where, "securityContext.allowPrivilegeEscalation must be false")


def _env_entry(values: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    for entry in values.get("extraEnv") or []:
        if isinstance(entry, Mapping) and entry.get("name") == name:
            return entry
    return None


def _store_keys(store: Any, ignore: Iterable[str]) -> set[str]:
    return {str(k) for k in (store or {}) if k not in set(ignore)}


def check_rasa_values(values: Any, endpoints: Any, credentials: Any, report: Report) -> None:
    """What the Rasa release needs, beyond its keys existing."""
    where = str(RASA_VALUES)
    if not isinstance(values, Mapping):
        return
    settings = values.get("applicationSettings") or {}
    replicas = values.get("replicaCount")
    if not isinstance(replicas, int) or replicas < 2:
        report.error(where, "replicaCount must be at least 2")
    if not _get(values, "image", "repository"):
        report.error(where, "image.repository must name our image (deploy/docker/Dockerfile)")
    if settings.get("enableAPI") is not False:
        report.error(where, "applicationSettings.enableAPI must be false")
    if _mentions_enable_api(values.get("args")) or _mentions_enable_api(values.get("extraArgs")):
        report.error(where, "args must not contain --enable-api")
    cors = settings.get("cors")
    if not isinstance(cors, str) or not cors.startswith("https://") or "*" in cors:
        report.error(where, "applicationSettings.cors must be the site's https:// origin")
    args = [str(a) for a in values.get("args") or []]
    if args and _option(args, "--cors") != cors:
        report.error(where, "args --cors must equal applicationSettings.cors")
    hostname = _get(values, "ingress", "hostname")
    if _get(values, "ingress", "enabled") and cors != f"https://{hostname}":
        report.error(where, f"applicationSettings.cors {cors!r} is not the ingress host "
                            f"https://{hostname}")
    if _get(settings, "telemetry", "enabled") is not False:
        report.error(where, "applicationSettings.telemetry.enabled must be false")
    if _get(values, "readinessProbe", "httpGet", "path") != READY_PATH:
        report.error(where, f"readinessProbe must call {READY_PATH}")
    if settings.get("initialModel") or settings.get("trainInitialModel"):
        report.error(where, "the model is in the image: initialModel must be empty and "
                            "trainInitialModel false")

    lock = _get(settings, "endpoints", "lockStore") or {}
    tracker = _get(settings, "endpoints", "trackerStore") or {}
    if lock.get("enabled") is not True or lock.get("type") != LOCK_STORE_TYPE:
        report.error(where, f"the lock store must be enabled with type {LOCK_STORE_TYPE}")
    if not (_get(values, "redis", "install") or _get(values, "redis", "external", "enabled")):
        report.error(where, "the lock store needs Redis: redis.install or redis.external.enabled")
    if tracker.get("enabled") is not True or tracker.get("type") != TRACKER_STORE_TYPE \
            or tracker.get("dialect") != "postgresql":
        report.error(where, f"the tracker store must be enabled with type {TRACKER_STORE_TYPE} "
                            "and dialect postgresql")
    if not (_get(values, "postgresql", "install")
            or _get(values, "postgresql", "external", "enabled")):
        report.error(where, "the tracker store needs PostgreSQL: postgresql.install or "
                            "postgresql.external.enabled")
    for path in (("global", "postgresql", "postgresqlPassword"), ("global", "redis", "password"),
                 ("redis", "auth", "password")):
        if _get(values, *path):
            report.error(where, f"{'.'.join(path)} holds a password; pass it at install time "
                                "or through a Secret")
    secret = _env_entry(values, "BOT_SENDER_ID_SECRET")
    if not secret or "value" in secret or not _get(secret, "valueFrom", "secretKeyRef"):
        report.error(where, "extraEnv must set BOT_SENDER_ID_SECRET from a Secret (shared by "
                            "all replicas)")
    _check_pod_security(values, where, report)

    channels = _get(settings, "credentials", "additionalChannelCredentials")
    if channels != credentials:
        report.error(where, "additionalChannelCredentials differ from "
                            f"{PRODUCTION_CREDENTIALS}")
    # The stores take the same keys in both places; a difference means one of the
    # two files was changed without the other.
    for name, store, keys_only_here in (("tracker_store", tracker, {"enabled", "type", "login_db"}),
                                        ("lock_store", lock, {"enabled", "type"})):
        ours = _store_keys(store, keys_only_here)
        theirs = _store_keys(_get(endpoints, name), {"type"})
        if ours != theirs:
            report.warn(where, f"{name} keys {sorted(ours)} differ from {PRODUCTION_ENDPOINTS} "
                               f"{sorted(theirs)}")


def check_action_server_values(values: Any, rasa_values: Any, report: Report) -> None:
    """What the action server release needs, and that Rasa calls it by its name."""
    where = str(ACTION_SERVER_VALUES)
    if not isinstance(values, Mapping):
        return
    if not _get(values, "image", "repository"):
        report.error(where, "image.repository must name our image (deploy/docker/Dockerfile)")
    replicas = values.get("replicaCount")
    if not isinstance(replicas, int) or replicas < 1:
        report.error(where, "replicaCount must be at least 1")
    telemetry = _env_entry(values, "RASA_TELEMETRY_ENABLED")
    if not telemetry or str(telemetry.get("value")).lower() != "false":
        report.error(where, "extraEnv must set RASA_TELEMETRY_ENABLED to \"false\"")
    _check_pod_security(values, where, report)
    url = str(_get(rasa_values, "rasa-action-server", "external", "url") or "")
    name = values.get("fullnameOverride")
    host = re.sub(r"^https?://", "", url).split("/")[0].split(":")[0].split(".")[0]
    if not name or host != name:
        report.error(where, f"fullnameOverride {name!r} must be the host Rasa calls "
                            f"({url or 'rasa-action-server.external.url is empty'})")


# -- Dockerfile and .dockerignore --------------------------------------------------
def check_dockerfile(text: str, report: Report) -> None:
    """The image: base, pinned install, spaCy at build time, model inside, non-root."""
    where = str(DOCKERFILE)
    lines = [line.strip() for line in text.splitlines() if line.strip() and
             not line.strip().startswith("#")]
    base = next((line.split()[1] for line in lines if line.upper().startswith("FROM ")), "")
    if not base.startswith("python:3.10-slim"):
        report.error(where, f"base image is {base!r}, expected python:3.10-slim")
    if "pip install -r requirements.txt -c requirements.lock" not in text:
        report.error(where, "must install with pip install -r requirements.txt -c requirements.lock")
    if not any(line.startswith("RUN") and "python -m bot.nlp" in line for line in lines):
        report.error(where, "must set up the spaCy pipeline at build time (RUN python -m bot.nlp)")
    if not any(line.startswith("COPY") and "models/current.tar.gz" in line for line in lines):
        report.error(where, "must copy models/current.tar.gz into the image")
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    if not users or _is_root_user(users[-1]):
        report.error(where, "the last USER must be a non-root user")
    if "--enable-api" in "\n".join(lines):
        report.error(where, "must not enable Rasa's HTTP API")


def check_dockerignore(text: str, report: Report) -> None:
    """Keep the venv, data and secrets out of the build context, but not the model."""
    where = str(DOCKERIGNORE)
    patterns = [line.strip() for line in text.splitlines()
                if line.strip() and not line.startswith("#")]
    for needed in (".git", ".venv", "var", "reports"):
        if needed not in patterns:
            report.error(where, f"must exclude {needed}")
    if "tests" not in patterns and "tests/browser/output" not in patterns:
        report.error(where, "must exclude tests/browser/output")
    excluded_models = any(p in ("models", "models/", "models/*", "models/**") for p in patterns)
    if excluded_models and "!models/current.tar.gz" not in patterns:
        report.error(where, "excludes models/ without keeping models/current.tar.gz")


def check_registry_hosts(path: Path, text: str, report: Report) -> None:
    """No registry host names in the deployment files (comments included)."""
    for host in REGISTRY_HOSTS:
        if re.search(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", text):
            report.error(str(path), f"names the registry host {host!r}")


# -- all together ------------------------------------------------------------------
def validate(root: Path = ROOT, run_tools: bool = True) -> Report:
    """Run every check on the files under ``root``; ``run_tools`` adds nginx -t and compose."""
    report = Report()
    texts: dict[Path, str] = {}
    for relative in (*DEPLOY_FILES, PRODUCTION_ENDPOINTS, PRODUCTION_CREDENTIALS):
        try:
            texts[relative] = (root / relative).read_text(encoding="utf-8")
        except FileNotFoundError:
            report.error(str(relative), "file is missing")
    if report.errors:
        return report

    compose = load_yaml(root / COMPOSE_FILE, report)
    rasa_values = load_yaml(root / RASA_VALUES, report)
    action_values = load_yaml(root / ACTION_SERVER_VALUES, report)
    endpoints = load_yaml(root / PRODUCTION_ENDPOINTS, report)
    credentials = load_yaml(root / PRODUCTION_CREDENTIALS, report)
    if report.errors:
        return report

    for relative in DEPLOY_FILES:
        check_registry_hosts(relative, texts[relative], report)
    check_compose(compose, report)
    check_compose_against_endpoints(compose, texts[PRODUCTION_ENDPOINTS], report)
    check_nginx_static(texts[NGINX_CONF], compose, report)
    check_helm_keys(rasa_values, RASA_CHART, str(RASA_VALUES), report)
    check_helm_keys(action_values, ACTION_SERVER_CHART, str(ACTION_SERVER_VALUES), report)
    check_rasa_values(rasa_values, endpoints, credentials, report)
    check_action_server_values(action_values, rasa_values, report)
    check_dockerfile(texts[DOCKERFILE], report)
    check_dockerignore(texts[DOCKERIGNORE], report)
    report.note(f"Helm keys checked against {RASA_CHART.chart} {RASA_CHART.version} and "
                f"{ACTION_SERVER_CHART.chart} {ACTION_SERVER_CHART.version}; helm itself is not "
                "run (no chart download offline)")
    if run_tools:
        check_nginx_syntax(texts[NGINX_CONF], report)
        check_compose_cli(root, compose, report)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate the deployment files offline.")
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this one)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--no-tools", action="store_true",
                        help="skip nginx -t and the compose CLI (static checks only)")
    args = parser.parse_args(argv)
    report = validate(args.root, run_tools=not args.no_tools)
    for note in report.notes:
        print(f"note: {note}")
    for warning in report.warnings:
        print(f"WARNING: {warning}")
    for error in report.errors:
        print(f"ERROR: {error}")
    if report.failed(args.strict):
        print(f"Deployment files: {len(report.errors)} error(s), {len(report.warnings)} warning(s).")
        return 1
    print(f"Deployment files OK ({len(report.warnings)} warning(s)).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
