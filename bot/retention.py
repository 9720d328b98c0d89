"""Delete conversations older than N days from the tracker store (AVG: keep no longer than needed).

    python -m bot.retention [--days 30] [--db-url sqlite:///var/conversations.db]

A conversation is deleted as a whole once its most recent event is older than
the cut-off, so no half conversations stay behind. Works on the SQLite store of
local runs and the PostgreSQL store of the production profile.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import sqlalchemy as sa

DEFAULT_DAYS = 30
DEFAULT_DB_URL = "sqlite:///var/conversations.db"
DB_URL_ENV = "BOT_TRACKER_DB_URL"


def purge(db_url: str, days: int, now: float | None = None) -> int:
    """Delete conversations whose last event is older than ``days``; returns how many."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = (now if now is not None else time.time()) - days * 86_400
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            stale = [row[0] for row in connection.execute(sa.text(
                "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
            ), {"cutoff": cutoff})]
            for start in range(0, len(stale), 500):
                connection.execute(
                    sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(
                        sa.bindparam("ids", expanding=True)),
                    {"ids": stale[start:start + 500]},
                )
            return len(stale)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument("--db-url", default=os.environ.get(DB_URL_ENV, DEFAULT_DB_URL))
    args = parser.parse_args(argv)
    try:
        deleted = purge(args.db_url, args.days)
    except (ValueError, sa.exc.SQLAlchemyError) as error:
        print(f"Opschonen mislukt: {error}", file=sys.stderr)
        return 1
    print(f"{deleted} gesprek(ken) ouder dan {args.days} dagen verwijderd.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
