import sqlalchemy as sa

from bot.retention import main, purge

DAY = 86_400
NOW = 1_800_000_000.0


def make_store(path, conversations):
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT,"
            " timestamp FLOAT, data TEXT)"))
        for sender, ages in conversations.items():
            for age in ages:
                connection.execute(sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')"),
                    {"s": sender, "t": NOW - age * DAY})
    engine.dispose()
    return f"sqlite:///{path}"


def senders(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {row[0] for row in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    engine.dispose()
    return found


def test_only_whole_conversations_older_than_the_limit_go(tmp_path):
    url = make_store(tmp_path / "t.db", {"old": [40, 35], "mixed": [40, 2], "new": [1]})
    assert purge(url, days=30, now=NOW) == 1
    assert senders(url) == {"mixed", "new"}


def test_missing_store_deletes_nothing(tmp_path):
    assert purge(f"sqlite:///{tmp_path / 'empty.db'}", days=30) == 0


def test_command_reports_in_dutch(tmp_path, capsys):
    url = make_store(tmp_path / "t.db", {"old": [400]})
    assert main(["--days", "30", "--db-url", url]) == 0
    assert "1 gesprek(ken) ouder dan 30 dagen verwijderd." in capsys.readouterr().out
    assert main(["--days", "0", "--db-url", url]) == 1
