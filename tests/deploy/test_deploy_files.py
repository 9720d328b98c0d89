"""The deployment files pass scripts/validate_deploy.py, and the validator catches breakage.

Each broken case edits a copy of the files in a temporary directory, so the
repository's own files are never touched.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _load_validator():
    # scripts/ is not a package; load the script by path. It is registered in
    # sys.modules first because dataclasses look their module up there.
    spec = importlib.util.spec_from_file_location("validate_deploy",
                                                  ROOT / "scripts" / "validate_deploy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


vd = _load_validator()
FILES = (*vd.DEPLOY_FILES, vd.PRODUCTION_ENDPOINTS, vd.PRODUCTION_CREDENTIALS)


def _has_nginx() -> bool:
    return shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists()


def _has_compose_cli() -> bool:
    report = vd.Report()
    vd.check_compose_cli(ROOT, vd.load_yaml(ROOT / vd.COMPOSE_FILE, report), report)
    return not any("skipped" in note for note in report.notes)


@pytest.fixture
def copy_root(tmp_path: Path) -> Path:
    for relative in FILES:
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, target)
    return tmp_path


def edit_yaml(root: Path, relative: Path, change: Callable[[Any], None]) -> None:
    path = root / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def edit_text(root: Path, relative: Path, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}: the test needs updating"
    path.write_text(text.replace(old, new), encoding="utf-8")


def errors_of(root: Path, run_tools: bool = False) -> str:
    return "\n".join(vd.validate(root, run_tools=run_tools).errors)


# -- the repository's own files ------------------------------------------------------
def test_repository_files_pass_static_checks():
    report = vd.validate(ROOT, run_tools=False)
    assert report.errors == []


def test_repository_files_pass_with_available_tools():
    report = vd.validate(ROOT, run_tools=True)
    assert report.errors == []
    # Every tool either ran or said why it did not.
    assert any("nginx -t" in note for note in report.notes)
    assert any("compose CLI check" in note for note in report.notes)


def test_command_line_exit_codes(copy_root, capsys):
    assert vd.main(["--root", str(copy_root), "--no-tools"]) == 0
    edit_yaml(copy_root, vd.RASA_VALUES, lambda v: v.update(replicaCount=1))
    assert vd.main(["--root", str(copy_root), "--no-tools"]) == 1
    assert "ERROR: deploy/helm/values-rasa.yml: replicaCount" in capsys.readouterr().out


def test_strict_fails_on_warnings(copy_root):
    # A production endpoints file that went back to Rasa's own Redis lock store
    # is a warning (another file), an error only with --strict.
    edit_yaml(copy_root, vd.PRODUCTION_ENDPOINTS,
              lambda e: e["lock_store"].update(type="redis"))
    report = vd.validate(copy_root, run_tools=False)
    assert report.errors == [] and any("lock_store type" in w for w in report.warnings)
    assert vd.main(["--root", str(copy_root), "--no-tools"]) == 0
    assert vd.main(["--root", str(copy_root), "--no-tools", "--strict"]) == 1


# -- compose -------------------------------------------------------------------------
def _rasa(compose: dict) -> dict:
    return compose["services"]["rasa"]


COMPOSE_BREAKAGE: dict[str, tuple[Callable[[Any], None], str]] = {
    "api enabled": (lambda c: _rasa(c)["command"].append("--enable-api"), "--enable-api"),
    "api via entrypoint": (lambda c: c["services"]["actions"].update(
        entrypoint=["rasa", "run", "--enable-api"]), "--enable-api"),
    "database published": (lambda c: c["services"]["postgres"].update(ports=["5432:5432"]),
                           "publishes ports"),
    "no user": (lambda c: c["services"]["redis"].pop("user"), "has no 'user'"),
    "root user": (lambda c: c["services"]["site"].update(user="0:0"), "runs as root"),
    "telemetry on": (lambda c: c["services"]["actions"]["environment"].update(
        RASA_TELEMETRY_ENABLED="true"), "RASA_TELEMETRY_ENABLED"),
    "literal password": (lambda c: c["services"]["postgres"]["environment"].update(
        POSTGRES_PASSWORD="hunter2"), "POSTGRES_PASSWORD must come from a required variable"),
    "one replica": (lambda c: _rasa(c)["deploy"].update(replicas=1), "Rasa replica"),
    "cors open": (lambda c: _rasa(c).update(command=[
        "*" if part.startswith("${SITE_ORIGIN") else part for part in _rasa(c)["command"]]),
        "--cors"),
    "no image": (lambda c: [c["services"]["actions"].pop(k) for k in ("image", "build")],
                 "neither 'image' nor 'build'"),
    "no healthcheck": (lambda c: c["services"]["redis"].pop("healthcheck"), "no healthcheck"),
    "readiness on /": (lambda c: _rasa(c)["healthcheck"].update(
        test=["CMD", "true"]), "/webhooks/rest/ready"),
    "local endpoints": (lambda c: _rasa(c).update(command=[
        "endpoints.yml" if part == "deploy/production/endpoints.yml" else part
        for part in _rasa(c)["command"]]), "--endpoints deploy/production/endpoints.yml"),
    "missing service": (lambda c: c["services"].pop("site"), "services missing: site"),
}


@pytest.mark.parametrize("case", sorted(COMPOSE_BREAKAGE))
def test_broken_compose_is_detected(copy_root, case):
    change, expected = COMPOSE_BREAKAGE[case]
    edit_yaml(copy_root, vd.COMPOSE_FILE, change)
    assert expected in errors_of(copy_root)


def test_endpoints_variable_missing_from_compose_is_detected(copy_root):
    edit_yaml(copy_root, vd.PRODUCTION_ENDPOINTS,
              lambda e: e["tracker_store"].update(query="${BOT_DB_QUERY}"))
    assert "BOT_DB_QUERY, which compose service 'rasa' does not set" in errors_of(copy_root)


@pytest.mark.skipif(not _has_compose_cli(), reason="no docker compose CLI on this machine")
def test_compose_cli_rejects_invalid_file(copy_root):
    # Not caught by the static checks: ports must be a list.
    edit_yaml(copy_root, vd.COMPOSE_FILE,
              lambda c: c["services"]["nginx"].update(ports="8080:8080"))
    errors = errors_of(copy_root, run_tools=True)
    assert "compose CLI check failed" in errors and "ports" in errors


# -- nginx ---------------------------------------------------------------------------
def test_nginx_upstream_must_be_a_compose_service(copy_root):
    edit_text(copy_root, vd.NGINX_CONF, "server rasa:5005", "server rasa-server:5005")
    errors = errors_of(copy_root)
    assert "points at 'rasa-server', which is not a compose service" in errors
    assert "location /webhooks/ must proxy to the Rasa service(s)" in errors


def test_nginx_listen_port_must_match_compose(copy_root):
    edit_text(copy_root, vd.NGINX_CONF, "listen 8080;", "listen 9090;")
    assert "compose publishes container port(s) ['8080']" in errors_of(copy_root)


@pytest.mark.skipif(not _has_nginx(), reason="nginx is not installed")
def test_nginx_syntax_error_is_detected(copy_root):
    edit_text(copy_root, vd.NGINX_CONF, "client_max_body_size 64k;", "client_max_body_size 64k")
    assert "nginx -t failed" in errors_of(copy_root, run_tools=True)


# -- Helm values ---------------------------------------------------------------------
def _settings(values: dict) -> dict:
    return values["applicationSettings"]


RASA_VALUES_BREAKAGE: dict[str, tuple[Callable[[Any], None], str]] = {
    "unknown key (typo)": (lambda v: _settings(v).update(enableApi=False),
                           "key 'applicationSettings.enableApi' does not exist in chart rasa 1.17.3"),
    "unknown top-level key": (lambda v: v.update(hostAliases=[]),
                              "key 'hostAliases' does not exist"),
    "api enabled": (lambda v: _settings(v).update(enableAPI=True), "enableAPI must be false"),
    "api in args": (lambda v: v["args"].append("--enable-api"), "must not contain --enable-api"),
    "readiness on /": (lambda v: v["readinessProbe"]["httpGet"].update(path="/"),
                       "readinessProbe must call /webhooks/rest/ready"),
    "one replica": (lambda v: v.update(replicaCount=1), "replicaCount must be at least 2"),
    "rasa's lock store": (lambda v: _settings(v)["endpoints"]["lockStore"].update(type="redis"),
                          "lock store must be enabled"),
    "no redis": (lambda v: v["redis"].update(install=False), "lock store needs Redis"),
    "sql tracker store": (lambda v: _settings(v)["endpoints"]["trackerStore"].update(type="sql"),
                          "tracker store must be enabled"),
    "cors open": (lambda v: _settings(v).update(cors="*"), "cors must be the site's https://"),
    "cors differs from args": (lambda v: _settings(v).update(cors="https://other.example.org"),
                               "args --cors must equal applicationSettings.cors"),
    "telemetry on": (lambda v: _settings(v)["telemetry"].update(enabled=True),
                     "telemetry.enabled must be false"),
    "root user": (lambda v: v["securityContext"].update(runAsUser=0),
                  "securityContext.runAsUser must not be 0"),
    "root allowed": (lambda v: v["podSecurityContext"].pop("runAsNonRoot"),
                     "podSecurityContext.runAsNonRoot must be true"),
    "password in file": (lambda v: v["global"]["redis"].update(password="secret"),
                         "global.redis.password holds a password"),
    "credentials differ": (lambda v: _settings(v)["credentials"]["additionalChannelCredentials"]
                           ["bot.channel.WebChannel"].update(allow_client_sender_ids=True),
                           "additionalChannelCredentials differ"),
    "sender secret literal": (lambda v: v.update(extraEnv=[
        {"name": "BOT_SENDER_ID_SECRET", "value": "abc"}]), "BOT_SENDER_ID_SECRET from a Secret"),
    "model download": (lambda v: _settings(v).update(initialModel="https://example.org/m.tar.gz"),
                       "initialModel must be empty"),
    "registry host": (lambda v: v["image"].update(repository="docker.io/someone/bot"),
                      "names the registry host 'docker.io'"),
}


@pytest.mark.parametrize("case", sorted(RASA_VALUES_BREAKAGE))
def test_broken_rasa_values_are_detected(copy_root, case):
    change, expected = RASA_VALUES_BREAKAGE[case]
    edit_yaml(copy_root, vd.RASA_VALUES, change)
    assert expected in errors_of(copy_root)


ACTION_VALUES_BREAKAGE: dict[str, tuple[Callable[[Any], None], str]] = {
    # Only later chart versions have applicationSettings.telemetry: the values
    # must stay within the version that was verified.
    "key of a later chart version": (
        lambda v: v["applicationSettings"].update(telemetry={"enabled": False}),
        "key 'applicationSettings.telemetry' does not exist in chart rasa-action-server 1.0.5"),
    "renamed service": (lambda v: v.update(fullnameOverride="actions"),
                        "must be the host Rasa calls"),
    "telemetry on": (lambda v: v.update(extraEnv=[{"name": "RASA_TELEMETRY_ENABLED",
                                                   "value": "true"}]),
                     "RASA_TELEMETRY_ENABLED"),
    "root user": (lambda v: v["securityContext"].update(runAsNonRoot=False),
                  "securityContext.runAsNonRoot must be true"),
}


@pytest.mark.parametrize("case", sorted(ACTION_VALUES_BREAKAGE))
def test_broken_action_server_values_are_detected(copy_root, case):
    change, expected = ACTION_VALUES_BREAKAGE[case]
    edit_yaml(copy_root, vd.ACTION_SERVER_VALUES, change)
    assert expected in errors_of(copy_root)


def test_free_form_maps_accept_any_keys():
    values = {"podSecurityContext": {"anything": 1},
              "applicationSettings": {"endpoints": {"lockStore": {"key_prefix": "x"}}},
              "image": {"tag": "1", "digest": "sha256:0"}}
    assert vd.unknown_keys(values, vd.RASA_CHART) == ["image.digest"]


# -- Dockerfile and .dockerignore ----------------------------------------------------
@pytest.mark.parametrize(("old", "new", "expected"), [
    ("USER 1001:1001", "USER root", "the last USER must be a non-root user"),
    ("RUN python -m bot.nlp", "", "RUN python -m bot.nlp"),
    ("COPY models/current.tar.gz models/current.tar.gz", "", "models/current.tar.gz"),
    ("FROM python:3.10-slim-bookworm", "FROM python:3.12-slim", "expected python:3.10-slim"),
    ('CMD ["--help"]', 'CMD ["run", "--enable-api"]', "must not enable Rasa's HTTP API"),
])
def test_broken_dockerfile_is_detected(copy_root, old, new, expected):
    edit_text(copy_root, vd.DOCKERFILE, old, new)
    assert expected in errors_of(copy_root)


@pytest.mark.parametrize(("old", "new", "expected"), [
    (".venv\n", "", "must exclude .venv"),
    ("!models/current.tar.gz\n", "", "without keeping models/current.tar.gz"),
])
def test_broken_dockerignore_is_detected(copy_root, old, new, expected):
    edit_text(copy_root, vd.DOCKERIGNORE, old, new)
    assert expected in errors_of(copy_root)


def test_missing_file_is_reported(copy_root):
    (copy_root / vd.NGINX_CONF).unlink()
    assert "deploy/docker/nginx.conf: file is missing" in errors_of(copy_root)
