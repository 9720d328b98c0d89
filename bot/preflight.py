"""Check the production stores before any replica serves a message.

    python -m bot.preflight [--endpoints deploy/production/endpoints.yml]

Builds the tracker store and the lock store exactly as ``rasa run`` does from
the endpoints file, so every check the stores make at start-up runs here too:
the database and Redis answer, the ``events`` table exists (it is created if
needed, before replicas race to create it), and neither store is the
in-memory one. Exits 1 with one plain line per problem. ``make scale-up`` and
``PROFILE=production make run`` run it first; in containers it is the init step.

``--shell-env`` prints the production environment (the defaults below for
anything unset) as shell assignments, so scripts/serve.sh uses the same defaults.
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENDPOINTS = ROOT / "deploy" / "production" / "endpoints.yml"

# The services on the development and CI machines; production sets its own.
PRODUCTION_ENV_DEFAULTS = {
    "BOT_DB_HOST": "127.0.0.1",
    "BOT_DB_PORT": "5432",
    "BOT_DB_NAME": "postgres",
    "BOT_DB_USER": "postgres",
    "BOT_DB_PASSWORD": "",
    "BOT_REDIS_HOST": "127.0.0.1",
    "BOT_REDIS_PORT": "6379",
    "BOT_REDIS_DB": "1",
    "BOT_REDIS_PASSWORD": "",
}


def production_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The production settings: the environment's values, the defaults for the rest."""
    return {name: environ.get(name, default) for name, default in PRODUCTION_ENV_DEFAULTS.items()}


def check_stores(endpoints_file: Path) -> list[str]:
    """Build both stores from ``endpoints_file``; returns the problems found (empty when fine)."""
    from rasa.core.lock_store import InMemoryLockStore, LockStore
    from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
    from rasa.core.utils import AvailableEndpoints

    from bot import rasa_patches

    rasa_patches.apply()
    try:
        endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    except Exception as error:  # noqa: BLE001 - any unreadable file is one clear line
        return [f"{endpoints_file}: cannot be read ({error})"]
    problems = []
    if endpoints.tracker_store is None:
        problems.append(f"{endpoints_file}: no tracker_store (conversations would live in memory)")
    else:
        try:
            tracker_store = TrackerStore.create(endpoints.tracker_store)
            inner = getattr(tracker_store, "_tracker_store", tracker_store)
            if isinstance(inner, InMemoryTrackerStore):
                problems.append("tracker store: in memory, not shared between replicas")
            else:
                print(f"ok   tracker store: {type(inner).__name__}")
        except Exception as error:  # noqa: BLE001
            problems.append(f"tracker store: {error}")
    if endpoints.lock_store is None:
        problems.append(f"{endpoints_file}: no lock_store (replicas would not share locks)")
    else:
        try:
            lock_store = LockStore.create(endpoints.lock_store)
            if isinstance(lock_store, InMemoryLockStore):
                problems.append("lock store: in memory, not shared between replicas")
            else:
                print(f"ok   lock store: {type(lock_store).__name__}")
        except Exception as error:  # noqa: BLE001
            problems.append(f"lock store: {error}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=Path, default=DEFAULT_ENDPOINTS)
    parser.add_argument("--shell-env", action="store_true",
                        help="print the production settings as shell assignments and stop")
    args = parser.parse_args(argv)
    settings = production_env()
    if args.shell_env:
        for name, value in settings.items():
            print(f"export {name}={shlex.quote(value)}")
        return 0
    os.environ.update(settings)
    os.environ.setdefault("BOT_ACTION_URL", "http://127.0.0.1:5055/webhook")
    problems = check_stores(args.endpoints)
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
