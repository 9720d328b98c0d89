"""The actions send an answer's links (and its "Bron:" section) in the custom payload;
the text stays plain for clients that read only text."""
import datetime as dt

from actions.answers import LINKS_KEY, ActionAnswer
from bot.crisis_card import PAYLOAD_KEY
from tests.conftest import make_tracker

AFTER = dt.date(2026, 12, 6)


async def test_a_page_answer_sends_its_links_and_source_beside_plain_text(dispatcher):
    await ActionAnswer(today=lambda: AFTER).run(
        dispatcher, make_tracker("waar lees ik het verslag", "debate_report"), {})
    [message] = dispatcher.messages
    assert "](" not in message["text"] and "staat op tweedekamer.nl." in message["text"]
    links = message["custom"][LINKS_KEY]
    assert [link["href"] for link in links] == ["https://www.tweedekamer.nl", "/#agenda-en-verslag"]
    for link in links:
        assert link["plain"] in message["text"]
    assert PAYLOAD_KEY not in message["custom"]


async def test_a_safety_answer_sends_the_card_and_its_tel_links(dispatcher):
    await ActionAnswer(today=lambda: AFTER).run(
        dispatcher, make_tracker("waar kan ik dit melden", "report_suspicion"), {})
    [message] = dispatcher.messages
    custom = message["custom"]
    assert PAYLOAD_KEY in custom
    hrefs = [link["href"] for link in custom[LINKS_KEY]]
    assert hrefs == ["tel:112", "tel:09008844", "tel:+31343578844", "tel:08007000", "https://www.comensha.nl"]
    for number in ("112", "0900-8844", "+31 343 578 844", "0800-7000"):
        assert number in message["text"]


async def test_an_answer_without_links_sends_no_payload(dispatcher):
    await ActionAnswer(today=lambda: AFTER).run(dispatcher, make_tracker("doei", "goodbye"), {})
    [message] = dispatcher.messages
    assert message["custom"] == {}
