"""bot.staff.report: unanswered messages grouped, 👎 answers, charts, Dutch empty reports, no personal data."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.content import load_content
from bot.staff import report
from tests.servers import BotServers, new_sender

CONTENT = load_content()
PHONE = "06-12345678"
DAY1 = dt.date(2026, 3, 2)
DAY2 = dt.date(2026, 3, 3)


def at(day: dt.date, hour: int, minute: int = 0) -> float:
    return dt.datetime(day.year, day.month, day.day, hour, minute).timestamp()


def answer(topic_id: str) -> str:
    text = CONTENT.topics[topic_id].answer
    return text if isinstance(text, str) else text["after"]


class Store:
    """A tracker store with Rasa's ``events`` columns, filled event by event."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"))
        self.next_id = 1

    def _add(self, sender: str, type_name: str, timestamp: float, data: dict, intent: str | None = None,
             action: str | None = None) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name, action_name, data)"
                " VALUES (:id, :s, :t, :ts, :i, :a, :d)"),
                {"id": self.next_id, "s": sender, "t": type_name, "ts": timestamp, "i": intent, "a": action,
                 "d": json.dumps({"event": type_name, "timestamp": timestamp, **data})})
        self.next_id += 1

    def turn(self, sender: str, timestamp: float, text: str, intent: str, reply: str,
             topic: str | None = None) -> None:
        self._add(sender, "user", timestamp, {"text": text, "parse_data": {"intent": {"name": intent}}}, intent)
        self._add(sender, "action", timestamp + 0.1, {"name": "action_answer"}, action="action_answer")
        self._add(sender, "bot", timestamp + 0.2, {"text": reply})
        if topic:
            self._add(sender, "slot", timestamp + 0.3, {"name": "last_topic", "value": topic}, action="last_topic")

    def close(self) -> None:
        self.engine.dispose()


def fill(store: Store) -> None:
    source = "\nBron: de pagina Uitgelicht: Mensenhandel."
    store.turn("a", at(DAY1, 10), "wat is mensenhandel", "trafficking_definition",
               answer("trafficking_definition") + source, "trafficking_definition")
    store.turn("a", at(DAY1, 10, 1), "/feedback_negative", "feedback_negative", answer("feedback_negative"))

    store.turn("b", at(DAY1, 11), "Wat is het recept voor appeltaart?", "out_of_scope", answer("out_of_scope"))
    store.turn("b", at(DAY1, 11, 1), "hoe bak ik een appeltaart", "nlu_fallback", answer("out_of_scope"))
    # Stored unredacted, as an older store might be: the report must redact it itself.
    store.turn("b", at(DAY1, 11, 2), f"bel me op {PHONE} over de taart", "nlu_fallback", answer("fallback"))
    store.turn("b", at(DAY1, 11, 3), "/something_else", "something_else", answer("something_else"))

    store.turn("c", at(DAY2, 9), "welke dag wordt er gedebatteerd", "nlu_fallback", answer("fallback"))
    store.turn("c", at(DAY2, 9, 1), "/debate_date", "debate_date", answer("debate_date"), "debate_date")
    store.turn("c", at(DAY2, 9, 2), "en waar?", "followup", answer("debate_location"), "debate_location")
    # Classified as a greeting, but the bot replied out of scope: still unanswered.
    store.turn("c", at(DAY2, 9, 3), "recept appeltaart aub", "greet", answer("out_of_scope"))
    store.turn("c", at(DAY2, 9, 4), "🙂", "nlu_fallback", answer("empty_message"))

    # Typed by a citizen; in a spreadsheet it must stay text, not become a formula.
    store.turn("d", at(DAY2, 12), '=HYPERLINK("http://example.com","klik")', "out_of_scope", answer("out_of_scope"))

    store.turn("old", at(dt.date(2025, 1, 1), 12), "een heel oud bericht", "out_of_scope", answer("out_of_scope"))


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    store = Store(f"sqlite:///{tmp_path / 'conversations.db'}")
    fill(store)
    store.close()
    return store.url


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def outputs(out: Path) -> str:
    return "".join(path.read_text(encoding="utf-8", errors="replace") for path in out.iterdir()
                   if path.suffix in (".md", ".html", ".csv"))


def test_report_on_a_crafted_store(store_url, tmp_path, capsys):
    out = tmp_path / "rapport"
    code = report.main(["--db-url", store_url, "--van", DAY1.isoformat(), "--tot", DAY2.isoformat(),
                        "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "4 gesprekken, 6 onbeantwoorde berichten" in printed and "1 antwoord met 👎" in printed
    for name in report.FILES.values():
        assert (out / name).exists(), name

    groups = read_csv(out / "onbeantwoord.csv")
    assert sum(int(row["aantal"]) for row in groups) == 6
    assert not any(value.startswith(("=", "+", "-", "@")) for row in groups for value in row.values())
    assert any(row["voorbeeld"].startswith("'=HYPERLINK") for row in groups)
    appeltaart = [row for row in groups if "appeltaart" in row["voorbeeld"].lower()]
    assert len(appeltaart) == 1 and int(appeltaart[0]["aantal"]) >= 2
    assert int(groups[0]["aantal"]) == max(int(row["aantal"]) for row in groups)
    texts = " ".join(row["voorbeeld"] + " " + row["andere_formuleringen"] for row in groups)
    assert "welke dag wordt er gedebatteerd" in texts
    assert "[telefoonnummer]" in texts and PHONE not in texts
    assert "🙂" not in texts and "een heel oud bericht" not in texts
    reasons = " ".join(row["reden"] for row in groups)
    assert report.REASON_REJECTED in reasons and report.REASON_OUT_OF_SCOPE in reasons
    assert report.REASON_UNCLEAR in reasons

    rated = read_csv(out / "duim_omlaag.csv")
    assert len(rated) == 1
    assert rated[0]["onderwerp"] == "Wat is mensenhandel?" and rated[0]["vraag"] == "wat is mensenhandel"
    assert rated[0]["antwoord"].startswith(answer("trafficking_definition")[:40])

    md = (out / "rapport.md").read_text(encoding="utf-8")
    assert md.startswith("# Rapport chatbot Mensenhandel: 2 maart 2026 t/m 3 maart 2026")
    assert "## Onbeantwoorde vragen per thema" in md and "## Antwoorden met 👎" in md
    assert "| Wanneer was het overleg? | 1 |" in md and "| Waar vond het overleg plaats? | 1 |" in md
    assert "| Wat is mensenhandel? | 1 |" in md

    page = (out / "rapport.html").read_text(encoding="utf-8")
    assert "<html lang='nl'>" in page and page.count("src='data:image/png;base64,") == 2
    assert not re.search(r"(src|href)=['\"](?!data:)", page) and "<script" not in page and "<link" not in page
    assert PHONE not in outputs(out) and PHONE.replace("-", "") not in outputs(out)


def test_period_filter(store_url, tmp_path, capsys):
    out = tmp_path / "rapport"
    assert report.main(["--db-url", store_url, "--van", DAY2.isoformat(), "--out", str(out)]) == 0
    assert "2 gesprekken, 3 onbeantwoorde berichten" in capsys.readouterr().out
    assert read_csv(out / "duim_omlaag.csv") == []


@pytest.mark.parametrize("kind", ["no_events", "no_table", "no_file", "out_of_range"])
def test_no_conversations_gives_a_dutch_empty_report(tmp_path, capsys, kind):
    db = tmp_path / "conversations.db"
    url = f"sqlite:///{db}"
    if kind == "no_events":
        Store(url).close()
    elif kind == "no_table":
        sa.create_engine(url).connect().close()
    elif kind == "out_of_range":
        store = Store(url)
        fill(store)
        store.close()
    out = tmp_path / "rapport"
    argv = ["--db-url", url, "--out", str(out)]
    if kind == "out_of_range":
        argv += ["--van", "2030-01-01", "--tot", "2030-01-31"]
    assert report.main(argv) == 0
    assert "Geen gesprekken in deze periode." in capsys.readouterr().out
    assert "Geen gesprekken in deze periode." in (out / "rapport.md").read_text(encoding="utf-8")
    assert "Geen gesprekken in deze periode." in (out / "rapport.html").read_text(encoding="utf-8")
    assert read_csv(out / "onbeantwoord.csv") == [] and read_csv(out / "duim_omlaag.csv") == []
    assert not (out / "onbeantwoord.png").exists()
    assert db.exists() == (kind != "no_file")


def test_bad_dates_are_explained(tmp_path, capsys):
    assert report.main(["--van", "2026-13-01", "--out", str(tmp_path)]) == 1
    assert "geen datum; schrijf JJJJ-MM-DD" in capsys.readouterr().err
    assert report.main(["--van", "2026-03-05", "--tot", "2026-03-01", "--out", str(tmp_path)]) == 1
    assert "--van ligt na --tot" in capsys.readouterr().err


def test_grouping_puts_similar_messages_together():
    def message(text: str) -> report.Unanswered:
        return report.Unanswered(report.Turn("s", 0.0, text, "out_of_scope"), (report.REASON_OUT_OF_SCOPE,))

    groups = report.group_messages([message(t) for t in [
        "Hoe laat gaat de bus naar Amsterdam?", "hoe laat gaat de bus naar amsterdam",
        "hoe laat vertrekt de bus naar Amsterdam", "Wat is het recept voor appeltaart?",
        "recept voor appeltaart", "qwerty"]])
    assert [g.count for g in groups] == [3, 2, 1]
    assert groups[0].example.lower().startswith("hoe laat gaat de bus")


def test_postgresql_store(tmp_path, capsys):
    psycopg2 = pytest.importorskip("psycopg2")
    name = f"staff_report_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg2.connect(dbname="postgres", host="127.0.0.1", port=5432, user="postgres",
                                 connect_timeout=3)
    except psycopg2.OperationalError:
        pytest.skip("no local PostgreSQL")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        store = Store(url)
        fill(store)
        store.close()
        out = tmp_path / "rapport"
        assert report.main(["--db-url", url, "--van", DAY1.isoformat(), "--tot", DAY2.isoformat(),
                            "--out", str(out)]) == 0
        assert "4 gesprekken, 6 onbeantwoorde berichten" in capsys.readouterr().out
        assert len(read_csv(out / "duim_omlaag.csv")) == 1
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.mark.server
def test_report_after_a_real_conversation(tmp_path, capsys):
    servers = BotServers(tmp_path).start()
    try:
        first, second, third, fourth = (new_sender() for _ in range(4))
        assert "uitbuiting" in servers.text("wat is mensenhandel?", first)
        servers.say("/feedback_negative", first)
        servers.say("Wat is het recept voor appeltaart?", second)
        servers.say("Hoe laat gaat de bus naar Amsterdam?", second)
        servers.say(f"bel me op {PHONE} voor een recept voor appeltaart", second)
        servers.say("welke dag wordt er gedebatteerd", third)
        servers.say("/something_else", third)
        servers.say("wat is het recept van appeltaart", fourth)
    finally:
        servers.stop()

    url = f"sqlite:///{servers.tracker_db}"
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        intents = [row[0] for row in connection.execute(sa.text(
            "SELECT intent_name FROM events WHERE type_name = 'user' ORDER BY id"))]
        stored = " ".join(row[0] for row in connection.execute(sa.text("SELECT data FROM events")))
    engine.dispose()
    assert PHONE not in stored and "[telefoonnummer]" in stored

    out = tmp_path / "rapport"
    assert report.main(["--db-url", url, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "4 gesprekken" in printed
    for name in report.FILES.values():
        assert (out / name).exists(), name

    groups = read_csv(out / "onbeantwoord.csv")
    unclear_or_outside = sum(intent in ("nlu_fallback", "out_of_scope") for intent in intents)
    assert sum(int(row["aantal"]) for row in groups) >= max(unclear_or_outside, 3)
    appeltaart = [row for row in groups if "appeltaart" in (row["voorbeeld"] + row["andere_formuleringen"])]
    assert appeltaart and max(int(row["aantal"]) for row in appeltaart) >= 2

    rated = read_csv(out / "duim_omlaag.csv")
    assert len(rated) == 1 and rated[0]["onderwerp"] == "Wat is mensenhandel?"
    assert "Mensenhandel is" in rated[0]["antwoord"]

    everything = outputs(out)
    assert PHONE not in everything and PHONE.replace("-", "") not in everything
