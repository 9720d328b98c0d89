"""bot.staff.check: every kind of problem, crafted in a copy, gives a Dutch message naming file, place and fix."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.staff import check
from tests.staff.conftest import ROOT, add_examples, line_of, replace_in, set_answer


def run(project: Path, capsys) -> tuple[int, str]:
    code = check.main(["--project-dir", str(project)])
    return code, capsys.readouterr().out


def finding_lines(output: str) -> list[str]:
    """Each finding as one string: the problem line plus its 'Wat te doen' line."""
    lines = output.splitlines()
    return [f"{line}\n{lines[i + 1]}" for i, line in enumerate(lines)
            if line.startswith(("FOUT", "LET OP")) and i + 1 < len(lines)]


def only(output: str, *needles: str) -> str:
    found = [f for f in finding_lines(output) if all(n in f for n in needles)]
    assert len(found) == 1, f"expected one finding with {needles}, got {found}\n\n{output}"
    return found[0]


def test_the_real_project_passes(capsys):
    code, out = run(ROOT, capsys)
    assert code == 0, out
    assert "Alles in orde" in out


def test_the_check_is_fast_enough():
    started = time.monotonic()
    check.run_checks(ROOT)
    assert time.monotonic() - started < 10


# -- answers.yml schema (bot.content.parse_content, translated) ---------------------------------

def test_unknown_section_names_the_topic_and_the_headings(project, capsys):
    answers = project / check.ANSWERS_FILE
    replace_in(answers, "    section: Volg live\n", "    section: Volg dood\n")
    code, out = run(project, capsys)
    assert code == 1
    line = line_of(answers, "  debate_location:")
    finding = only(out, "'Volg dood' is geen kopje van de pagina")
    assert finding.startswith(f"FOUT   {check.ANSWERS_FILE}, regel {line}, onderwerp 'debate_location'")
    assert "Wat te doen: Neem het kopje precies over" in finding and "Agenda en verslag" in finding
    assert "fout gevonden" in out


def test_missing_title(project, capsys):
    answers = project / check.ANSWERS_FILE
    replace_in(answers, "    title: Wat is arbeidsuitbuiting?\n", "")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "'title' ontbreekt")
    assert f"regel {line_of(answers, '  labour_exploitation:')}, onderwerp 'labour_exploitation'" in finding
    assert "Voeg een regel 'title: ...' toe" in finding


def test_broken_yaml_names_the_line(project, capsys):
    answers = project / check.ANSWERS_FILE
    replace_in(answers, "    title: Wat is arbeidsuitbuiting?\n", "    title: Wat is: arbeidsuitbuiting?\n")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "geen geldige YAML")
    assert f"{check.ANSWERS_FILE}, regel {line_of(answers, 'title: Wat is: arbeidsuitbuiting?')}" in finding
    assert "inspringing" in finding


def test_broken_nlu_file(project, capsys):
    nlu = project / "data/nlu/avim.yml"
    replace_in(nlu, "- intent: avim\n", "- intent: avim\n\t- kapot\n")
    code, out = run(project, capsys)
    assert code == 1
    assert "data/nlu/avim.yml, regel" in only(out, "geen geldige YAML")


# -- intent <-> answer <-> rule <-> examples --------------------------------------------------------

def test_intent_without_answer_rule_or_examples(project, capsys):
    domain = project / check.DOMAIN_FILE
    replace_in(domain, "- followup\n", "- followup\n- mystery_topic\n")
    code, out = run(project, capsys)
    assert code == 1
    line = line_of(domain, "- mystery_topic")
    place = f"{check.DOMAIN_FILE}, regel {line}, intent 'mystery_topic'"
    assert place in only(out, "mystery_topic", "geen antwoord in bot/content/answers.yml")
    assert "onder 'topics:' een onderwerp 'mystery_topic'" in only(out, "mystery_topic", "geen antwoord")
    rule = only(out, "mystery_topic", "geen regel in data/rules/")
    assert place in rule and "'answer mystery_topic'" in rule and "action_answer" in rule
    examples = only(out, "mystery_topic", "0 voorbeeldvragen")
    assert "minstens 15 nodig" in examples and "Voeg er nog 15 toe" in examples


def test_intent_without_rule(project, capsys):
    rules = project / "data/rules/avim.yml"
    replace_in(rules, "- rule: answer asylum_signals\n  steps:\n  - intent: asylum_signals\n  - action: action_answer\n",
               "")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "asylum_signals", "geen regel")
    assert f"regel {line_of(project / check.DOMAIN_FILE, '- asylum_signals')}, intent 'asylum_signals'" in finding


def insert_topic(project: Path, topic_id: str, title: str, answer: str) -> Path:
    """A page topic added before the conversation topics of the copy's answers file."""
    answers = project / check.ANSWERS_FILE
    replace_in(answers, "\n  # --- Gesprek", f"\n  {topic_id}:\n    title: {title}\n    section: Volg live\n"
               f"    answer: {answer}\n\n  # --- Gesprek")
    return answers


def test_answer_without_intent(project, capsys):
    answers = insert_topic(project, "orphan_topic", "Wees", "Een antwoord zonder vraag.")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "orphan_topic")
    assert f"{check.ANSWERS_FILE}, regel {line_of(answers, '  orphan_topic:')}, onderwerp 'orphan_topic'" in finding
    assert "er is geen intent 'orphan_topic' in domain.yml" in finding
    assert "Zet '- orphan_topic' onder 'intents:'" in finding


def test_too_few_examples(project, capsys):
    nlu = project / "data/nlu/avim.yml"
    lines = nlu.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("- intent: asylum_signals\n") + 2
    end = start
    while end < len(lines) and lines[end].startswith("    - "):
        end += 1
    assert end - start > 10
    nlu.write_text("".join(lines[:start + 10] + lines[end:]), encoding="utf-8")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "asylum_signals", "voorbeeldvragen")
    assert f"data/nlu/avim.yml, regel {start - 1}, intent 'asylum_signals'" in finding
    assert "10 voorbeeldvragen; er zijn er minstens 15 nodig" in finding and "Voeg er nog 5 toe" in finding


def test_examples_for_an_unknown_intent(project, capsys):
    nlu = project / "data/nlu/avim.yml"
    nlu.write_text(nlu.read_text(encoding="utf-8") + "- intent: ghost_intent\n  examples: |\n    - boe\n",
                   encoding="utf-8")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "ghost_intent", "staat niet in domain.yml")
    assert f"data/nlu/avim.yml, regel {line_of(nlu, 'intent: ghost_intent')}" in finding


def test_rule_for_an_unknown_intent(project, capsys):
    rules = project / "data/rules/avim.yml"
    rules.write_text(rules.read_text(encoding="utf-8")
                     + "\n- rule: answer ghost\n  steps:\n  - intent: ghost\n  - action: action_answer\n",
                     encoding="utf-8")
    code, out = run(project, capsys)
    assert code == 1
    assert f"data/rules/avim.yml, regel {line_of(rules, '- intent: ghost')}" in only(out, "'ghost'")


def test_page_section_without_answer(project, capsys):
    page = project / check.PAGE_FILE
    page.write_text(page.read_text(encoding="utf-8") + "\n\nNieuw kopje zonder antwoord\n\nEen alinea.\n",
                    encoding="utf-8")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "Nieuw kopje zonder antwoord")
    assert f"{check.PAGE_FILE}, regel {line_of(page, 'Nieuw kopje zonder antwoord')}" in finding
    assert "geen enkel antwoord komt uit dit onderdeel" in finding and "section: Nieuw kopje" in finding


# -- examples --------------------------------------------------------------------------------------

def test_same_example_under_two_intents(project, capsys):
    nlu = project / "data/nlu/avim.yml"
    add_examples(nlu, "avim", ["hoeveel agenten werken er bij de avim afdeling"])
    add_examples(nlu, "asylum_signals", ["Hoeveel agenten werken er bij de AVIM-afdeling?"])
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "staat ook bij intent")
    later = line_of(nlu, "Hoeveel agenten werken er bij de AVIM-afdeling?")
    earlier = line_of(nlu, "hoeveel agenten werken er bij de avim afdeling")
    first, second = sorted([(earlier, "avim"), (later, "asylum_signals")])
    assert f"data/nlu/avim.yml, regel {second[0]}, intent '{second[1]}'" in finding
    assert f"staat ook bij intent '{first[1]}' (data/nlu/avim.yml, regel {first[0]})" in finding
    assert "Laat de zin bij één intent staan" in finding


@pytest.mark.parametrize("variant", [
    "hoeveel agenten werken er bij de avim afdelingg",       # a typo (difflib ratio)
    "bij de avim afdeling hoeveel agenten werken er",        # the same words reordered (Jaccard)
])
def test_near_duplicate_under_another_intent(project, capsys, variant):
    nlu = project / "data/nlu/avim.yml"
    add_examples(nlu, "avim", ["hoeveel agenten werken er bij de avim afdeling"])
    add_examples(nlu, "asylum_signals", [variant])
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "lijkt bijna precies op")
    assert f"'{variant}'" in finding and "'hoeveel agenten werken er bij de avim afdeling'" in finding
    assert "data/nlu/avim.yml, regel" in finding and "Haal een van de twee weg" in finding


def test_near_duplicates_are_only_across_intents():
    examples = [check.Example("wat is de avim", "avim", "a.yml", 1),
                check.Example("wat is de avim?", "avim", "a.yml", 2),
                check.Example("wat is de aviem", "avim", "a.yml", 3),
                check.Example("dag", "greet", "a.yml", 4),
                check.Example("dag dag", "goodbye", "a.yml", 5),
                check.Example("wat doet de avim", "avim_reinforcement", "a.yml", 6)]
    assert check.find_near_duplicates(examples) == []


def test_near_duplicates_are_fast_for_thousands_of_examples():
    # The real examples plus a near copy of each under another intent: twice the
    # bot's size, and a near duplicate for every sentence (the slow case).
    real = check.load_project(ROOT).examples
    copies = [check.Example(f"{e.text} toch", f"{e.intent}_copy", e.file, e.line) for e in real]
    started = time.monotonic()
    found = check.find_near_duplicates(real + copies)
    assert time.monotonic() - started < 15
    assert found


def test_personal_data_in_an_example_is_shown_redacted(project, capsys):
    nlu = project / "data/nlu/avim.yml"
    add_examples(nlu, "avim", ["bel de avim op 06-12345678"])
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "persoonlijke gegevens")
    assert f"data/nlu/avim.yml, regel {line_of(nlu, '06-12345678')}, intent 'avim'" in finding
    assert "een telefoonnummer" in finding and "[telefoonnummer]" in finding
    assert "06-12345678" not in out


def test_test_question_that_is_also_trained(project, capsys):
    heldout = project / check.HELDOUT_FILE
    add_examples(project / "data/nlu/avim.yml", "avim", ["welke taak heeft de avim afdeling eigenlijk"])
    add_examples(heldout, "avim", ["Welke taak heeft de AVIM afdeling eigenlijk"])
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "staat ook in de trainingsvoorbeelden")
    assert f"{check.HELDOUT_FILE}, regel {line_of(heldout, 'Welke taak heeft de AVIM')}, intent 'avim'" in finding


# -- answers: length, links, personal data --------------------------------------------------------

def test_answer_with_too_many_sentences(project, capsys):
    set_answer(project, "debate_documents", "Een. Twee. Drie. Vier. Vijf.")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "5 zinnen; maximaal 4")
    line = line_of(project / check.ANSWERS_FILE, "  debate_documents:")
    assert f"{check.ANSWERS_FILE}, regel {line}, onderwerp 'debate_documents'" in finding
    assert "Maak het korter" in finding


def test_answer_with_too_many_characters(project, capsys):
    set_answer(project, "debate_documents", "Dit is een lang antwoord " + "met heel veel woorden " * 30 + "erin.")
    code, out = run(project, capsys)
    assert code == 1
    assert "onderwerp 'debate_documents'" in only(out, "tekens lang; maximaal 600")


@pytest.mark.parametrize(("link", "problem"), [
    ("https//www.tweedekamer.nl/debat", "is niet goed geschreven"),
    ("https://www..tweedekamer.nl/debat", "is niet goed geschreven"),
    ("ftp://ftp.tweedekamer.nl/stukken", "is geen webadres"),
    ("javascript:alert(1)", "is geen webadres"),
])
def test_broken_links_are_errors(project, capsys, link, problem):
    set_answer(project, "debate_documents", f"De stukken staan op {link}.")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, problem)
    assert f"'{link}'" in finding and "onderwerp 'debate_documents'" in finding and "https://" in finding


@pytest.mark.parametrize(
    ("answer", "problem", "advice"),
    [("Kijk op https://www.voorbeeldsite.example.com/stukken voor de stukken.",
      "niet op de lijst met vertrouwde websites", ["www.voorbeeldsite.example.com", "ALLOWED_DOMAINS"]),
     ("De stukken staan op [de website](https://www.tweedekamer.nl/debat).",
      "gaat niet naar de beginpagina", ["Verzin nooit een adres"])],
)
def test_an_unknown_site_or_a_deep_link_is_a_warning(project, capsys, answer, problem, advice):
    set_answer(project, "debate_documents", answer)
    code, out = run(project, capsys)
    assert code == 0, out
    finding = only(out, problem)
    assert finding.startswith("LET OP") and all(text in finding for text in advice)


def test_links_to_allowed_sites_pass(project, capsys):
    set_answer(project, "debate_documents",
               "De stukken staan op https://www.tweedekamer.nl/debat_en_vergadering. Hulp: comensha.nl.")
    code, out = run(project, capsys)
    assert code == 0, out
    assert "link" not in out


@pytest.mark.parametrize(("link", "problem", "advice"), [
    ("[de site](https://www.voorbeeld.nl)", "gaat naar www.voorbeeld.nl; daar mag een antwoord niet naar linken",
     "www.comensha.nl"),
    ("[comensha](https://comensha.nl)", "gaat naar comensha.nl; daar mag", "LINK_HOSTS"),
    ("[de site](http://www.comensha.nl)", "begint met http:// in plaats van https://", "https://"),
    ("[mail ons](mailto:info@comensha.nl)", "is geen https- of telefoonlink", "tel:"),
    ("[de site](www.comensha.nl)", "is niet goed geschreven", "[comensha.nl](https://www.comensha.nl)"),
    ("[bel](tel:09008844)", "belt een ander nummer dan er staat", "[0900-8844](tel:09008844)"),
    ("[0800-7000](tel:09008844)", "belt een ander nummer dan er staat", "hetzelfde nummer"),
    ("[](https://www.comensha.nl)", "heeft geen woorden tussen [ en ]", "blokhaken"),
])
def test_wrong_answer_links_are_errors_in_plain_dutch(project, capsys, link, problem, advice):
    set_answer(project, "debate_documents", f"De stukken staan op {link}.")
    code, out = run(project, capsys)
    assert code == 1, out
    finding = only(out, problem)
    assert finding.startswith("FOUT") and "onderwerp 'debate_documents'" in finding and advice in finding


@pytest.mark.parametrize("written", [
    "Kijk op [de website] (https://www.comensha.nl).",
    "Kijk op [de website](https://www.comensha.nl.",
    "Kijk op [de website].",
])
def test_brackets_that_make_no_link_are_an_error(project, capsys, written):
    set_answer(project, "debate_documents", written)
    code, out = run(project, capsys)
    assert code == 1, out
    assert "zonder spatie ertussen" in only(out, "lijkt op een link, maar is niet goed geschreven")


def test_good_answer_links_pass_and_are_measured_as_their_words(project, capsys):
    set_answer(project, "debate_documents",
               "De stukken staan op [de website van de Tweede Kamer](https://www.tweedekamer.nl). "
               "Hulp: [comensha.nl](https://www.comensha.nl), [0900-8844](tel:09008844) of "
               "[+31 343 578 844](tel:+31343578844).")
    code, out = run(project, capsys)
    assert code == 0, out
    assert "link" not in out


def test_a_list_answer_counts_each_item_as_a_sentence(project, capsys):
    answers = project / check.ANSWERS_FILE
    replace_in(answers, "    answer: |-\n      Er zijn verschillende vormen van mensenhandel, zoals deze drie:\n",
               "    answer: |-\n      Er zijn verschillende vormen van mensenhandel, zoals deze vier:\n"
               "      - Nog een vorm: iemand moet iets doen.\n")
    code, out = run(project, capsys)
    assert code == 1
    assert "onderwerp 'trafficking_forms'" in only(out, "5 zinnen; maximaal 4")
    assert check.count_sentences("Drie vormen:\n- Een.\n- Twee.\n- Drie.") == 4


def test_every_linkable_host_is_an_allowed_domain():
    from bot.page import LINK_HOSTS

    assert all(check._host_allowed(host) for host in LINK_HOSTS)


def test_personal_data_in_an_answer(project, capsys):
    set_answer(project, "debate_documents", "Mail j.jansen@voorbeeld.nl voor de stukken.")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "het antwoord bevat persoonlijke gegevens")
    assert "een e-mailadres" in finding and "onderwerp 'debate_documents'" in finding
    assert "0900-8844" in finding  # the advice names the public numbers that are allowed


def test_public_numbers_are_allowed_in_answers(project, capsys):
    set_answer(project, "debate_documents", "Bel 0900-8844, anoniem 0800-7000, of bij gevaar 112.")
    code, out = run(project, capsys)
    assert code == 0, out


# -- small helpers -----------------------------------------------------------------------------------

def test_normalise_ignores_case_accents_and_punctuation():
    assert check.normalise("  Wat is de AVIM?! ") == check.normalise("wat is de avim") == "wat is de avim"
    assert check.normalise("Italië, één") == "italie een"


def test_count_sentences():
    assert check.count_sentences("Is er gevaar? Bel dan 112. Een vermoeden meldt u via 0900-8844.") == 3
    assert check.count_sentences("Zie comensha.nl voor hulp.") == 1
    assert check.count_sentences("Uitgelicht: Mensenhandel. Bijvoorbeeld: wat het is.") == 2


def test_updated_date_is_shown_and_may_not_lie_in_the_future(project):
    import datetime as dt

    from tests.staff.conftest import replace_in

    checked, findings = check.run_checks(project)
    assert "Antwoorden laatst bijgewerkt op" in check.summary(checked, findings)
    future = dt.date.today() + dt.timedelta(days=3)
    text = (project / check.ANSWERS_FILE).read_text(encoding="utf-8")
    current = next(line for line in text.splitlines() if line.startswith("updated:"))
    replace_in(project / check.ANSWERS_FILE, current, f"updated: {future.isoformat()}")
    _, findings = check.run_checks(project)
    assert any(f.is_error and "ligt in de toekomst" in str(f) for f in findings)


def test_a_stray_brace_in_a_reply_is_named(project, capsys):
    answers = project / check.ANSWERS_FILE
    replace_in(answers, "Er ging iets mis aan onze kant;", "Er ging {iets mis aan onze kant;")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "accolades")
    assert "onderwerp 'technical_error'" in finding and "'{iets mis aan onze kant;" in finding


def test_every_kind_of_personal_data_has_a_dutch_label():
    from bot import pii

    assert set(pii.PLACEHOLDERS) <= set(check.PII_KINDS_NL)


def test_a_copied_topic_with_an_existing_id_is_an_error(project, capsys):
    answers = insert_topic(project, "avim", "Kopie", "Een gekopieerd antwoord.")
    code, out = run(project, capsys)
    assert code == 1
    finding = only(out, "'avim' staat twee keer")
    assert f"regel {line_of(answers, 'title: Kopie') - 1}" in finding and "eigen naam" in finding


def test_a_duplicate_key_in_a_training_file_is_an_error(project, capsys):
    rules = project / "data/rules/avim.yml"
    replace_in(rules, "  - intent: asylum_signals\n", "  - intent: asylum_signals\n    intent: avim\n")
    code, out = run(project, capsys)
    assert code == 1 and "'intent' staat twee keer" in only(out, "data/rules/avim.yml", "twee keer")
