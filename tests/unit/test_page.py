from bot.page import load_sections, parse_sections


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
