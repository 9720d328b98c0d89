"""The local tracker store keeps conversations across a restart, in Rasa's events table."""
import sqlite3

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot.retention import purge
from bot.tracker_store import SQLiteBackedTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  last_topic:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
""")


async def test_events_are_appended_once_and_survive_a_restart(tmp_path):
    db = str(tmp_path / "conversations.db")
    store = SQLiteBackedTrackerStore(DOMAIN, db=db)
    tracker = await store.get_or_create_tracker("abc-12345678")
    tracker.update(SessionStarted())
    tracker.update(UserUttered("hallo", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    tracker = await store.retrieve("abc-12345678")
    tracker.update(ActionExecuted("action_answer"))
    tracker.update(SlotSet("last_topic", "avim"))
    await store.save(tracker)

    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT type_name, intent_name, action_name FROM events ORDER BY id").fetchall()
    assert [r[0] for r in rows].count("user") == 1
    assert ("user", "greet", None) in rows and ("action", None, "action_answer") in rows

    restarted = SQLiteBackedTrackerStore(DOMAIN, db=db)
    again = await restarted.retrieve("abc-12345678")
    assert again.get_slot("last_topic") == "avim"
    assert again.latest_message.text == "hallo"
    assert "abc-12345678" in await restarted.keys()
    assert purge(f"sqlite:///{db}", days=1, now=again.events[-1].timestamp + 2 * 86_400) == 1


def test_the_conversation_database_is_private(tmp_path):
    import os
    import stat

    from rasa.shared.core.domain import Domain

    from bot.tracker_store import SQLiteBackedTrackerStore

    folder = tmp_path / "var"
    folder.mkdir(mode=0o755)
    db = folder / "conversations.db"
    SQLiteBackedTrackerStore(Domain.empty(), db=str(db))
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name
