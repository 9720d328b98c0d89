"""bot.staff.add_topic: writes a topic in the house format, refuses re-runs and bad input without writing."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from bot.content import parse_content
from bot.page import parse_sections
from bot.staff import add_topic, check
from tests.servers import free_port, new_sender
from tests.staff.conftest import copy_project

TOPIC_ID = "labour_inspection"
TITLE = "Wat doet de Nederlandse Arbeidsinspectie?"
ANSWER = ("De Nederlandse Arbeidsinspectie (vroeger Inspectie SZW) controleert of werkgevers zich aan de regels "
          "houden. Dankzij het programma zijn er extra inspecteurs, rechercheurs en een expert mensenhandel bij.")
SECTION = "Eerste resultaten Programma Samen tegen mensenhandel"
EXAMPLES = [
    "wat doet de arbeidsinspectie", "wat is de nederlandse arbeidsinspectie", "taak van de arbeidsinspectie",
    "controleert de arbeidsinspectie werkgevers", "wat is de rol van de arbeidsinspectie bij uitbuiting",
    "arbeidsinspectie", "wie controleert werkgevers op uitbuiting", "wat houdt de arbeidsinspectie in",
    "wat voor werk doet een arbeidsinspecteur", "kan de arbeidsinspectie een bedrijf controleren",
    "wat betekent szw", "waar staat szw voor", "wat doet een inspecteur van szw",
    "hoe werkt de arbeidsinspectie", "arbeidsinspectie uitleg", "komt de arbeidsinspectie ook langs bij boeren",
]
TEST_QUESTIONS = ["wat doet die arbeids inspectie eigenlijk", "wie is de inspectie szw"]


def arguments(project: Path, **overrides: object) -> list[str]:
    values = {"id": TOPIC_ID, "titel": TITLE, "antwoord": ANSWER, "sectie": SECTION, **overrides}
    argv = ["--project-dir", str(project)]
    for option in ("id", "titel", "antwoord", "sectie", "groep"):
        if values.get(option) is not None:
            argv += [f"--{option}", str(values[option])]
    for example in values.get("voorbeelden", EXAMPLES):
        argv += ["--voorbeeld", example]
    for question in values.get("toetsvragen", TEST_QUESTIONS):
        argv += ["--toetsvraag", question]
    return argv


def snapshot(project: Path) -> dict[str, str]:
    return {path.relative_to(project).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(project.rglob("*")) if path.is_file()}


def is_subsequence(original: list[str], edited: list[str]) -> bool:
    """Every original line is still there, in order: only insertions were made."""
    remaining = iter(edited)
    return all(any(line == candidate for candidate in remaining) for line in original)


# A group no shipped file and no topic staff add with `make nieuw-onderwerp` (group
# "extra" by default) will have: the test must not depend on what staff added.
NEW_GROUP = "toetsgroep"


def test_adds_a_topic_in_the_house_format(project, capsys):
    before = {rel: (project / rel).read_text(encoding="utf-8").splitlines()
              for rel in (check.DOMAIN_FILE, check.ANSWERS_FILE, check.HELDOUT_FILE)}
    assert add_topic.main(arguments(project, groep=NEW_GROUP)) == 0
    out = capsys.readouterr().out
    assert f"Onderwerp '{TOPIC_ID}' toegevoegd" in out
    assert f"data/nlu/{NEW_GROUP}.yml: 16 voorbeeldvragen (nieuw bestand)" in out
    assert "Controle: Alles in orde" in out and "make run" in out and "make train" in out

    # Only insertions: every comment and line of the existing files is kept, in order.
    for rel, lines in before.items():
        assert is_subsequence(lines, (project / rel).read_text(encoding="utf-8").splitlines()), rel

    domain_text = (project / check.DOMAIN_FILE).read_text(encoding="utf-8")
    domain = yaml.safe_load(domain_text)
    assert domain["intents"][-1] == TOPIC_ID
    assert f"# Topic group '{NEW_GROUP}'" in domain_text.split("\nslots:")[0]

    nlu_text = (project / f"data/nlu/{NEW_GROUP}.yml").read_text(encoding="utf-8")
    assert nlu_text.startswith("# ") and 'version: "3.1"' in nlu_text
    nlu = yaml.safe_load(nlu_text)["nlu"]
    assert nlu[0]["intent"] == TOPIC_ID
    assert [line[2:] for line in nlu[0]["examples"].splitlines()] == EXAMPLES

    rules = yaml.safe_load((project / f"data/rules/{NEW_GROUP}.yml").read_text(encoding="utf-8"))["rules"]
    assert rules == [{"rule": f"answer {TOPIC_ID}",
                      "steps": [{"intent": TOPIC_ID}, {"action": "action_answer"}]}]

    answers_text = (project / check.ANSWERS_FILE).read_text(encoding="utf-8")
    topics_part = answers_text.split("\nfollowups:")[0]
    assert f"\n  {TOPIC_ID}:\n    title: {TITLE}\n    section: {SECTION}\n    answer: >-\n      " in topics_part
    assert topics_part.rstrip().endswith("# link the bot uses the default below.")  # its comment stays with followups
    raw = yaml.safe_load(answers_text)
    headings = [s.heading for s in parse_sections((project / check.PAGE_FILE).read_text(encoding="utf-8"))]
    content = parse_content(raw, headings)
    assert content.topic(TOPIC_ID).answer == ANSWER and content.topic(TOPIC_ID).section == SECTION

    heldout = yaml.safe_load((project / check.HELDOUT_FILE).read_text(encoding="utf-8"))["nlu"]
    assert [line[2:] for line in heldout[-1]["examples"].splitlines()] == TEST_QUESTIONS

    assert check.main(["--project-dir", str(project)]) == 0


def test_the_default_group_is_extra_whether_staff_already_added_to_it_or_not(project, capsys):
    extra = project / "data/nlu/extra.yml"
    assert add_topic.main(arguments(project)) == 0
    assert TOPIC_ID in [block["intent"] for block in yaml.safe_load(extra.read_text(encoding="utf-8"))["nlu"]]
    # A second topic, as staff would add later: the existing group file is extended.
    second = arguments(project, id="second_topic", titel="Nog een onderwerp",
                       voorbeelden=[f"tweede vraag nummer {number} over iets anders" for number in range(16)],
                       toetsvragen=["een toetsvraag over het tweede onderwerp"])
    assert add_topic.main(second) == 0
    assert "(nieuw bestand)" not in capsys.readouterr().out.split("second_topic")[-1]
    intents = [block["intent"] for block in yaml.safe_load(extra.read_text(encoding="utf-8"))["nlu"]]
    assert intents[-2:] == [TOPIC_ID, "second_topic"]
    assert check.main(["--project-dir", str(project)]) == 0


def test_an_existing_group_gets_the_intent_next_to_its_own(project, capsys):
    extra_before = snapshot(project).get("data/nlu/extra.yml")
    assert add_topic.main(arguments(project, groep="avim", sectie="8")) == 0
    intents = yaml.safe_load((project / check.DOMAIN_FILE).read_text(encoding="utf-8"))["intents"]
    assert intents[intents.index("asylum_signals") + 1] == TOPIC_ID
    nlu = yaml.safe_load((project / "data/nlu/avim.yml").read_text(encoding="utf-8"))["nlu"]
    assert nlu[-1]["intent"] == TOPIC_ID
    rules = (project / "data/rules/avim.yml").read_text(encoding="utf-8")
    assert rules.endswith(f"\n\n- rule: answer {TOPIC_ID}\n  steps:\n  - intent: {TOPIC_ID}\n"
                          "  - action: action_answer\n")
    assert snapshot(project).get("data/nlu/extra.yml") == extra_before
    topic = yaml.safe_load((project / check.ANSWERS_FILE).read_text(encoding="utf-8"))["topics"][TOPIC_ID]
    assert topic["section"].startswith("Afdeling Vreemdelingenpolitie")


def test_without_test_questions_the_check_warns(project, capsys):
    assert add_topic.main(arguments(project, toetsvragen=[])) == 0
    out = capsys.readouterr().out
    assert "toetsvragen" in out and "make test" in out
    assert check.main(["--project-dir", str(project)]) == 0
    assert f"intent '{TOPIC_ID}': deze intent heeft nog geen toetsvragen" in capsys.readouterr().out


@pytest.mark.parametrize("existing", [TOPIC_ID, "trafficking_definition", "fallback", "followup"])
def test_an_existing_id_is_refused_and_nothing_is_written(project, capsys, existing):
    if existing == TOPIC_ID:
        assert add_topic.main(arguments(project)) == 0
        capsys.readouterr()
    before = snapshot(project)
    assert add_topic.main(arguments(project, id=existing)) == 1
    out = capsys.readouterr().out
    assert f"Het onderwerp '{existing}' bestaat al" in out and "Er is niets opgeslagen" in out
    assert snapshot(project) == before


@pytest.mark.parametrize(("overrides", "message"), [
    ({"id": "Opvang Slachtoffers"}, "De onderwerp-id 'Opvang Slachtoffers' kan niet"),
    ({"id": "utter_shelter"}, "kan niet"),
    ({"titel": ""}, "Vul een titel in"),
    ({"titel": "x" * 90}, "hoogstens 80"),
    ({"antwoord": "Een. Twee. Drie. Vier. Vijf."}, "5 zinnen; hoogstens 4"),
    ({"antwoord": "Bel mij op 06-12345678."}, "persoonlijke gegevens (een telefoonnummer)"),
    ({"antwoord": "Zie https//www.tweedekamer.nl."}, "niet goed geschreven"),
    ({"sectie": "Kopje dat niet bestaat"}, "'Kopje dat niet bestaat' is geen kopje van de pagina"),
    ({"sectie": "42"}, "'42' is geen kopje"),
    ({"groep": "Mijn Groep"}, "De groep 'Mijn Groep' kan niet"),
    ({"voorbeelden": EXAMPLES[:10]}, "Er zijn 10 verschillende voorbeeldvragen; er zijn er minstens 15"),
    ({"voorbeelden": [*EXAMPLES, "Wat doet de ARBEIDSINSPECTIE?"]}, "staat er twee keer in"),
    ({"voorbeelden": [*EXAMPLES, "bel 06-12345678"]}, "bevat persoonlijke gegevens"),
    ({"voorbeelden": [*EXAMPLES, "[arbeid](inspectie)"]}, "[ ] of { }"),
    ({"voorbeelden": [*EXAMPLES, "wat is mensenhandel"]}, "hoort al bij onderwerp 'trafficking_definition'"),
    ({"toetsvragen": ["arbeidsinspectie"]}, "De toetsvraag 'arbeidsinspectie' staat ook bij de voorbeeldvragen"),
])
def test_invalid_input_writes_nothing(project, capsys, overrides, message):
    before = snapshot(project)
    assert add_topic.main(arguments(project, **overrides)) == 1
    out = capsys.readouterr().out
    assert message in out, out
    assert "niets opgeslagen" in out
    assert snapshot(project) == before


def test_a_near_duplicate_of_another_topic_is_caught_by_the_check_before_writing(project, capsys):
    # Valid on its own, but nearly the same as an example of another intent: the trial check refuses.
    existing = next(e for e in check.load_project(project).examples
                    if e.intent == "trafficking_definition" and len(check.normalise(e.text)) >= 25)
    typo = existing.text[:-1] + existing.text[-1] * 2
    before = snapshot(project)
    assert add_topic.main(arguments(project, voorbeelden=[*EXAMPLES, typo])) == 1
    out = capsys.readouterr().out
    assert "lijkt bijna precies op" in out and "niets opgeslagen" in out
    assert snapshot(project) == before


def test_interactive_questions_in_dutch(project, capsys):
    answers = iter([
        "Bad Id", TOPIC_ID, TITLE, ANSWER, "12", "6",
        EXAMPLES[0], "wat is mensenhandel", "", *EXAMPLES[1:], "",
        TEST_QUESTIONS[0], "",
        "j",
    ])
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    assert add_topic.main(["--project-dir", str(project)], asker=add_topic.Asker(read)) == 0
    out = capsys.readouterr().out
    assert prompts[0].startswith("Onderwerp-id") and "kan niet" in out
    assert "1. Uitgelicht : Mensenhandel" in out and "'12' is geen kopje" in out
    assert "hoort al bij onderwerp 'trafficking_definition'" in out
    assert "er zijn er minstens 15 nodig" in out
    assert "Opslaan? (j/n): " in prompts and f"Onderwerp '{TOPIC_ID}' toegevoegd" in out
    topic = yaml.safe_load((project / check.ANSWERS_FILE).read_text(encoding="utf-8"))["topics"][TOPIC_ID]
    assert topic == {"title": TITLE, "section": SECTION, "answer": ANSWER}


def test_interactive_no_saves_nothing(project, capsys):
    answers = iter([TOPIC_ID, TITLE, ANSWER, "6", *EXAMPLES, "", "", "n"])
    before = snapshot(project)
    assert add_topic.main(["--project-dir", str(project)], asker=add_topic.Asker(lambda _: next(answers))) == 1
    assert "Niet opgeslagen" in capsys.readouterr().out
    assert snapshot(project) == before


def test_stopping_with_ctrl_d_saves_nothing(project, capsys):
    def read(_: str) -> str:
        raise EOFError

    before = snapshot(project)
    assert add_topic.main(["--project-dir", str(project)], asker=add_topic.Asker(read)) == 1
    assert "niets opgeslagen" in capsys.readouterr().out
    assert snapshot(project) == before


# -- end to end: the new topic is trained and answered -------------------------------------------------

def _env(copy: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(copy), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "SANIC_HOST": "127.0.0.1"}


def _wait(url: str, processes: list[subprocess.Popen], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"a server exited with {process.returncode}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


@pytest.mark.server
def test_a_new_topic_is_trained_and_answered(tmp_path: Path, capsys):
    copy = copy_project(tmp_path / "kopie")
    bin_dir = Path(sys.executable).parent
    assert add_topic.main(arguments(copy)) == 0
    assert check.main(["--project-dir", str(copy)]) == 0
    capsys.readouterr()

    started = time.monotonic()
    subprocess.run([str(bin_dir / "rasa"), "train", "--out", str(copy / "models"), "--fixed-model-name", "current",
                    "--quiet"], cwd=copy, env=_env(copy), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with capsys.disabled():
        print(f"\n[staff] training the copy took {time.monotonic() - started:.0f} s")
    model = copy / "models" / "current.tar.gz"
    assert model.exists()

    rasa_port, action_port = free_port(), free_port()
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n', encoding="utf-8")
    processes: list[subprocess.Popen] = []
    try:
        with open(tmp_path / "actions.log", "wb") as log:
            processes.append(subprocess.Popen(
                [str(bin_dir / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
                cwd=copy, env=_env(copy), stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        _wait(f"http://127.0.0.1:{action_port}/health", processes)
        with open(tmp_path / "rasa.log", "wb") as log:
            processes.append(subprocess.Popen(
                [str(bin_dir / "rasa"), "run", "--model", str(model), "--port", str(rasa_port),
                 "--credentials", str(copy / "credentials.yml"), "--endpoints", str(endpoints)],
                cwd=copy, env=_env(copy), stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        _wait(f"http://127.0.0.1:{rasa_port}/webhooks/rest/ready", processes)

        body = json.dumps({"sender": new_sender(), "message": EXAMPLES[0]}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            replies = json.loads(response.read())
        text = "\n".join(reply.get("text") or "" for reply in replies)
        assert ANSWER in text, text
        assert f"onderdeel ‘{SECTION}’" in text
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


def test_a_file_in_an_unexpected_layout_is_left_alone(project, capsys):
    # Flow style ("intents: [a, b]") cannot be extended by inserting a line: refuse instead of guessing.
    domain = project / check.DOMAIN_FILE
    intents = yaml.safe_load(domain.read_text(encoding="utf-8"))["intents"]
    text = domain.read_text(encoding="utf-8")
    start = text.index("intents:\n")
    end = text.index("\nslots:")
    domain.write_text(text[:start] + f"intents: [{', '.join(intents)}]\n" + text[end:], encoding="utf-8")
    before = snapshot(project)
    assert add_topic.main(arguments(project)) == 1
    assert "niet de verwachte opbouw" in capsys.readouterr().out
    assert snapshot(project) == before
