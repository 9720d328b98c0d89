import re
from urllib.parse import urlsplit

from bot.page import (
    LINK_HOSTS,
    PAGE_LINKS,
    display_text,
    load_sections,
    parse_sections,
    section_anchor,
)


def test_page_has_the_eight_sections_of_the_source_page():
    headings = [s.heading for s in load_sections()]
    assert headings[0] == "Uitgelicht : Mensenhandel"
    assert "Wat is mensenhandel?" in headings
    assert headings[-1].startswith("Afdeling Vreemdelingenpolitie")
    assert len(headings) == 8


def test_bullets_stay_in_their_section():
    section = next(s for s in load_sections() if s.heading == "Wat is mensenhandel?")
    assert "Criminele uitbuiting" in section.text
    assert section.text.count("•") == 3


def test_a_page_must_start_with_a_heading():
    try:
        parse_sections("Dit is een zin zonder kop.\n\nKop")
    except ValueError as error:
        assert "heading" in str(error)
    else:
        raise AssertionError("a page without a heading was accepted")


def test_the_title_is_shown_without_the_stray_space_of_the_copied_page():
    first = load_sections()[0]
    # The copy keeps its text (answers.yml names sections by it) ...
    assert first.heading == "Uitgelicht : Mensenhandel"
    # ... readers see it as the Tweede Kamer writes it.
    assert first.title == "Uitgelicht: Mensenhandel"
    assert display_text("Wat is mensenhandel ?") == "Wat is mensenhandel?"
    assert display_text("Dadermonitor Mensenhandel 2013–2017 kritisch") == \
        "Dadermonitor Mensenhandel 2013–2017 kritisch"


def test_section_anchors_are_stable_readable_and_unique():
    anchors = [s.anchor for s in load_sections()]
    assert anchors[3] == "wat-is-mensenhandel"
    assert "dadermonitor-mensenhandel-2013-2017-kritisch" in anchors
    assert len(set(anchors)) == len(anchors)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", anchor) for anchor in anchors)
    assert section_anchor("Eén café!") == "een-cafe"


def test_page_links_are_home_pages_on_allowed_hosts_and_their_phrases_are_on_the_page():
    page = "\n".join(s.text for s in load_sections())
    assert "via deze link" in PAGE_LINKS
    for phrase, (address, _where) in PAGE_LINKS.items():
        url = urlsplit(address)
        assert url.scheme == "https" and url.hostname in LINK_HOSTS, address
        # No deep link is guessed: a deeper address needs to be certain, and none is yet.
        assert url.path == "/" and not url.query and not url.fragment, address
        assert phrase in page, phrase
