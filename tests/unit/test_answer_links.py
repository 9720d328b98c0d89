"""Links and lists in answers: the [tekst](adres) syntax of answers.yml, its plain text
for clients that read only text, and the links the widget gets beside it (issue 14)."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import yaml

from bot.content import (
    ANSWERS_FILE,
    LINK_PATTERN,
    Link,
    answer_lines,
    link_problem,
    load_content,
    plain_text,
    render_links,
    shown_text,
)
from bot.knowledge import Knowledge
from bot.page import INTRO_ANCHOR, LINK_HOSTS, load_sections
from bot.staff import readability
from bot.web import render_page

TODAY = dt.date(2026, 12, 6)
CONTENT = load_content()
KNOWLEDGE = Knowledge(CONTENT)


# -- the syntax ------------------------------------------------------------------------------------

def test_a_link_whose_words_name_the_site_reads_as_its_words():
    text, links = render_links("Hulp vindt u bij CoMensha ([comensha.nl](https://www.comensha.nl)).")
    assert text == "Hulp vindt u bij CoMensha (comensha.nl)."
    assert links == (Link("comensha.nl", "https://www.comensha.nl", "comensha.nl"),)


def test_a_link_with_other_words_names_the_site_in_the_plain_text():
    text, links = render_links("Dat leest u op [de website van de Tweede Kamer](https://www.tweedekamer.nl).")
    assert text == "Dat leest u op de website van de Tweede Kamer (tweedekamer.nl)."
    [link] = links
    assert (link.text, link.plain) == ("de website van de Tweede Kamer",
                                       "de website van de Tweede Kamer (tweedekamer.nl)")
    assert link.as_payload() == {"text": link.text, "plain": link.plain, "href": "https://www.tweedekamer.nl"}


def test_phone_links_keep_the_number_visible():
    text, links = render_links("Bel [112](tel:112) of [+31 343 578 844](tel:+31343578844).")
    assert text == "Bel 112 of +31 343 578 844."
    assert [link.href for link in links] == ["tel:112", "tel:+31343578844"]


@pytest.mark.parametrize(("markup", "problem"), [
    ("[klik](javascript:alert(1))", "malformed"),  # the ")" inside ends the address early
    ("[klik](javascript:alert)", "scheme"),
    ("[mail](mailto:info@comensha.nl)", "scheme"),
    ("[site](http://www.comensha.nl)", "http"),
    ("[site](https://comensha.nl)", "host"),
    ("[site](https://www.example.com)", "host"),
    ("[site](https://www.tweedekamer.nl.evil.nl)", "host"),
    ("[site](https://user@www.comensha.nl)", "malformed"),
    ("[site](https://www.comensha.nl:8080)", "malformed"),
    ("[site](https://www.comensha.nl/?q=1)", "malformed"),
    ("[site](www.comensha.nl)", "malformed"),
    ("[](https://www.comensha.nl)", "empty"),
    ("[0900-8844](tel:0900-8844)", "malformed"),
    ("[0900-8844](tel:08007000)", "tel_digits"),
    ("[bel de politie](tel:09008844)", "tel_digits"),
])
def test_unsafe_links_have_a_problem_and_render_as_words_only(markup, problem):
    match = LINK_PATTERN.search(markup)
    if match:
        assert link_problem(match.group(1), match.group(2)) == problem
        text, links = render_links(markup)
        assert links == () and "(" not in text.replace(match.group(1), "")
    else:
        assert problem == "malformed"


@pytest.mark.parametrize("href", sorted(f"https://{host}" for host in LINK_HOSTS))
def test_every_allowed_host_may_be_linked(href):
    assert link_problem("de website", href) is None


def test_answer_lines_fold_prose_and_keep_list_items():
    written = "Er zijn drie vormen:\n- Een.\n- Twee,\n  nog steeds twee.\n- Drie.\nNa de lijst\nverder.\n"
    assert answer_lines(written) == "Er zijn drie vormen:\n- Een.\n- Twee, nog steeds twee.\n- Drie.\nNa de lijst verder."
    assert answer_lines("Een zin\n  over twee regels.") == "Een zin over twee regels."


def test_readability_counts_each_list_item_as_a_sentence():
    text = "Er zijn drie vormen:\n- Een vorm.\n- Twee vormen.\n- Drie vormen."
    assert len(readability.sentences(text)) == 4
    assert shown_text("Zie [de website](https://www.comensha.nl).") == "Zie de website."


# -- the answers file ------------------------------------------------------------------------------

def _written_answers():
    raw = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8"))
    for topic_id, topic in raw["topics"].items():
        answer = topic["answer"]
        for text in ([answer] if isinstance(answer, str) else answer.values()):
            yield topic_id, text


def test_every_link_in_the_answers_is_safe_and_goes_to_a_home_page():
    found = 0
    for topic_id, text in _written_answers():
        for match in LINK_PATTERN.finditer(text):
            found += 1
            assert link_problem(match.group(1), match.group(2)) is None, (topic_id, match.group())
            if match.group(2).startswith("https:"):
                assert urlsplit(match.group(2)).path in ("", "/"), (topic_id, "never invent deep links")
    assert found >= 20


def test_plain_answers_have_no_markup_and_keep_the_help_lines():
    for topic in CONTENT.topics.values():
        for text in ([topic.answer] if isinstance(topic.answer, str) else topic.answer.values()):
            assert "](" not in text and "tel:" not in text, topic.topic_id
    report = KNOWLEDGE.answer_text("report_suspicion", TODAY)
    for number in ("112", "0900-8844", "+31 343 578 844", "0800-7000", "comensha.nl"):
        assert number in report
    assert plain_text(CONTENT.topic("report_suspicion").markup) == report


def test_the_forms_answer_is_a_list_of_three():
    text = KNOWLEDGE.answer_text("trafficking_forms", TODAY)
    lines = text.splitlines()
    assert lines[0].endswith(":") and len(lines) == 4
    assert [line.split(":")[0] for line in lines[1:]] == [
        "- Arbeidsuitbuiting", "- Seksuele uitbuiting", "- Criminele uitbuiting"]


# -- replies -------------------------------------------------------------------------------------

def test_a_reply_carries_its_links_and_the_source_section():
    reply = KNOWLEDGE.reply("report_suspicion", TODAY)
    hrefs = [link.href for link in reply.links]
    assert hrefs == ["tel:112", "tel:09008844", "tel:+31343578844", "tel:08007000", "https://www.comensha.nl"]
    reply = KNOWLEDGE.reply("debate_documents", TODAY)
    assert reply.links_payload() == [
        {"text": "tweedekamer.nl", "plain": "tweedekamer.nl", "href": "https://www.tweedekamer.nl"},
        {"text": "onderdeel ‘Agenda en verslag’", "plain": "onderdeel ‘Agenda en verslag’",
         "href": "/#agenda-en-verslag"}]
    for link in reply.links:
        assert link.plain in reply.full_text


def test_the_introduction_links_to_the_main_content():
    reply = KNOWLEDGE.reply("debate_minister", TODAY)
    assert reply.links == (Link("inleiding", f"/#{INTRO_ANCHOR}", "inleiding"),)
    assert reply.full_text.endswith("inleiding.")


def test_a_yes_no_verdict_keeps_the_links():
    reply = KNOWLEDGE.reply("debate_documents", TODAY, verdict="ja")
    assert reply.text.startswith("Ja. ") and len(reply.links) == 2


def test_a_combined_reply_carries_the_links_and_sources_of_both():
    reply = KNOWLEDGE.combined_reply(["debate_documents", "trafficking_forms"], TODAY)
    hrefs = [link.href for link in reply.links]
    assert hrefs == ["https://www.tweedekamer.nl", "/#agenda-en-verslag", "/#wat-is-mensenhandel"]
    assert all(link.plain in reply.full_text for link in reply.links)


def test_small_talk_without_links_has_none():
    assert KNOWLEDGE.reply("goodbye", TODAY).links == ()


def test_every_source_link_leads_to_an_id_on_the_page():
    page = render_page(load_sections())
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    for topic in CONTENT.topics.values():
        link = KNOWLEDGE.source_link(topic)
        if topic.section:
            assert link and link.href.removeprefix("/#") in ids, topic.topic_id
            assert link.plain in KNOWLEDGE.source_line(topic)
        else:
            assert link is None
