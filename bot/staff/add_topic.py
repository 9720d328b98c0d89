"""Adds a new question (topic) to the bot, for support staff.

    python -m bot.staff.add_topic                      # asks everything, in Dutch
    python -m bot.staff.add_topic --id victim_shelter --titel "..." --antwoord "..." \
        --sectie 4 --voorbeeld "..." --voorbeeld "..." ... [--groep extra] [--toetsvraag "..."]

One topic touches four files; this writes all of them in the house format:

- ``domain.yml``: the intent, after the other intents of its group (or at the end
  of ``intents:`` under a new comment);
- ``data/nlu/<groep>.yml``: the example questions (file created when missing);
- ``data/rules/<groep>.yml``: the rule ``answer <id>`` (intent -> action_answer);
- ``bot/content/answers.yml``: title, section and answer at the end of ``topics:``;
- optionally ``tests/nlu/heldout.yml``: test questions (``--toetsvraag``), which
  ``make test`` needs for every intent.

Files are edited as text (inserted lines only), never re-dumped, so comments and
layout stay as they are. Nothing is written unless every input is valid and the
changed project passes ``bot.staff.check`` without new errors: the change is first
tried on a temporary copy of the checked files.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content import ContentError, parse_content
from bot.page import parse_sections
from bot.staff import check

ROOT = check.ROOT
DEFAULT_GROUP = "extra"
MAX_TITLE_CHARS = 80
MAX_ID_CHARS = 60

_ID_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_GROUP_RE = re.compile(r"[a-z][a-z0-9_]*")
# Names Rasa or this bot already use in a special way.
_RESERVED_IDS = frozenset({"nlu_fallback", "out_of_scope", "restart", "back", "session_start",
                           "default", "fallback"})
_RESERVED_PREFIXES = ("action_", "utter_", "followup_", "rasa_")
_TOP_LEVEL_KEY_RE = re.compile(r"^[^\s#\-][^:]*:")

NEXT_STEP = ("Volgende stap: stop de draaiende bot (Ctrl-C) en start hem opnieuw met `make run`; die "
             "traint eerst het nieuwe model (een paar minuten). Alleen trainen kan met `make train`.")


class InputError(Exception):
    """Invalid input; the message is Dutch and ready to show."""


@dataclass
class TopicInput:
    topic_id: str = ""
    title: str = ""
    answer: str = ""
    section: str = ""
    examples: list[str] = field(default_factory=list)
    test_questions: list[str] = field(default_factory=list)
    group: str = DEFAULT_GROUP


# -- validation ---------------------------------------------------------------------

def _clean(text: str) -> str:
    return " ".join(text.split())


def headings_of(project_dir: Path) -> list[str]:
    text = (project_dir / check.PAGE_FILE).read_text(encoding="utf-8")
    return [section.heading for section in parse_sections(text)]


def existing_ids(project: check.Project) -> dict[str, str]:
    """Every name already in use -> the file where it is used (for the Dutch message)."""
    used: dict[str, str] = {}
    for topic_id in project.topics:
        used.setdefault(str(topic_id), check.ANSWERS_FILE)
    for intent in project.followups:
        used.setdefault(str(intent), check.ANSWERS_FILE)
    for intent in project.domain_intents or {}:
        used.setdefault(intent, check.DOMAIN_FILE)
    for intent, (file, _) in project.nlu_intent_lines.items():
        used.setdefault(intent, file)
    for intent, (file, _) in (project.dialogue_intents or {}).items():
        used.setdefault(intent, file)
    return used


def validate_id(topic_id: str, used: dict[str, str]) -> str | None:
    if not topic_id:
        return "Vul een onderwerp-id in."
    if topic_id in used:
        return (f"Het onderwerp '{topic_id}' bestaat al (in {used[topic_id]}). Er is niets opgeslagen. "
                "Wilt u het antwoord aanpassen? Dat doet u in bot/content/answers.yml. Meer voorbeeldvragen? "
                "Die voegt u toe in data/nlu/. Of kies een andere id voor een nieuw onderwerp.")
    if (not _ID_RE.fullmatch(topic_id) or len(topic_id) > MAX_ID_CHARS
            or topic_id in _RESERVED_IDS or topic_id.startswith(_RESERVED_PREFIXES)):
        return (f"De onderwerp-id '{topic_id}' kan niet: gebruik Engelse woorden in kleine letters met een "
                "liggend streepje ertussen, zonder spaties of accenten, bijvoorbeeld victim_shelter "
                f"(hoogstens {MAX_ID_CHARS} tekens; niet beginnend met action_, utter_ of followup_).")
    return None


def validate_title(title: str) -> str | None:
    if not title:
        return "Vul een titel in: de korte vraag op de knop 'Bedoelt u…?'."
    if len(title) > MAX_TITLE_CHARS:
        return (f"De titel is {len(title)} tekens lang; hoogstens {MAX_TITLE_CHARS}, want hij staat op een "
                "knop. Maak hem korter.")
    if check.pii_kinds(title):
        return "De titel bevat persoonlijke gegevens (" + ", ".join(check.pii_kinds(title)) + "). Haal die weg."
    return None


def validate_answer(answer: str) -> str | None:
    if not answer:
        return "Vul het antwoord in (1 tot 4 zinnen)."
    sentences = check.count_sentences(answer)
    if sentences > check.MAX_SENTENCES:
        return f"Het antwoord heeft {sentences} zinnen; hoogstens {check.MAX_SENTENCES}. Maak het korter."
    if len(answer) > check.MAX_ANSWER_CHARS:
        return (f"Het antwoord is {len(answer)} tekens lang; hoogstens {check.MAX_ANSWER_CHARS}. "
                "Maak het korter.")
    kinds = check.pii_kinds(answer)
    if kinds:
        return (f"Het antwoord bevat persoonlijke gegevens ({', '.join(kinds)}). Haal die weg; alleen de "
                f"openbare nummers {', '.join(check.PUBLIC_NUMBERS)} mogen erin.")
    for problem in check.find_link_problems(answer):
        if problem.kind == "malformed":
            return (f"De link '{problem.url}' in het antwoord is niet goed geschreven. Schrijf hem helemaal "
                    "uit, zoals https://www.tweedekamer.nl/...")
        if problem.kind == "not_http":
            return f"De link '{problem.url}' is geen webadres; gebruik alleen links die met https:// beginnen."
    return None


def answer_warnings(answer: str) -> list[str]:
    """Links that are allowed but need a human look (unknown site, no https://)."""
    return [f"Let op: controleer de link '{problem.url}': de website staat niet op de lijst met vertrouwde "
            "websites, of https:// ontbreekt."
            for problem in check.find_link_problems(answer) if problem.kind in ("not_allowed", "no_scheme")]


def resolve_section(choice: str, headings: list[str]) -> tuple[str | None, str | None]:
    """(heading, error) for a number from the list or an exact heading."""
    choice = _clean(choice)
    if choice.isdigit() and 1 <= int(choice) <= len(headings):
        return headings[int(choice) - 1], None
    if choice in headings:
        return choice, None
    listed = "\n".join(f"  {number}. {heading}" for number, heading in enumerate(headings, start=1))
    return None, (f"'{choice}' is geen kopje van de pagina. Kies een nummer of neem een kopje precies over:\n"
                  f"{listed}")


def validate_group(group: str) -> str | None:
    if not _GROUP_RE.fullmatch(group or ""):
        return (f"De groep '{group}' kan niet: gebruik kleine letters zonder spaties, bijvoorbeeld extra. "
                "Het is de naam van het bestand in data/nlu/ (zonder .yml).")
    return None


def validate_sentence(text: str, kind: str) -> str | None:
    """One example or test question."""
    if "[" in text or "]" in text or "{" in text or "}" in text:
        return f"De {kind} '{text}' bevat [ ] of {{ }}; die tekens betekenen iets anders in de trainingsdata. Haal ze weg."
    kinds = check.pii_kinds(text)
    if kinds:
        return (f"De {kind} '{check.redact(text).text}' bevat persoonlijke gegevens ({', '.join(kinds)}). "
                "Haal die weg, ook als ze verzonnen zijn.")
    return None


def validate_examples(examples: list[str], project: check.Project) -> list[str]:
    errors = []
    seen: dict[str, str] = {}
    for example in examples:
        key = check.normalise(example)
        if not key:
            errors.append(f"De voorbeeldvraag '{example}' bevat geen woorden.")
        elif key in seen:
            errors.append(f"De voorbeeldvraag '{example}' staat er twee keer in (ook als '{seen[key]}'). "
                          "Haal er een weg.")
        seen.setdefault(key, example)
        problem = validate_sentence(example, "voorbeeldvraag")
        if problem:
            errors.append(problem)
    owners = {check.normalise(e.text): e for e in project.examples or []}
    for example in examples:
        owner = owners.get(check.normalise(example))
        if owner:
            errors.append(f"De voorbeeldvraag '{example}' hoort al bij onderwerp '{owner.intent}' "
                          f"({owner.place}). Kies een zin die alleen bij het nieuwe onderwerp past.")
    distinct = len({check.normalise(e) for e in examples if check.normalise(e)})
    if distinct < check.MIN_EXAMPLES:
        errors.append(f"Er zijn {distinct} verschillende voorbeeldvragen; er zijn er minstens "
                      f"{check.MIN_EXAMPLES} nodig. Bedenk hoe burgers deze vraag in hun eigen woorden stellen.")
    return errors


def validate_test_questions(questions: list[str], examples: list[str]) -> list[str]:
    errors = []
    example_keys = {check.normalise(e) for e in examples}
    for question in questions:
        problem = validate_sentence(question, "toetsvraag")
        if problem:
            errors.append(problem)
        elif check.normalise(question) in example_keys:
            errors.append(f"De toetsvraag '{question}' staat ook bij de voorbeeldvragen. Een toetsvraag moet "
                          "anders zijn, anders meet de toets niets.")
    return errors


def example_line_problem(example: str, earlier: list[str], project: check.Project) -> str | None:
    """The problem with one typed example, given the ones typed before it (interactive use)."""
    if not check.normalise(example):
        return f"De voorbeeldvraag '{example}' bevat geen woorden."
    if check.normalise(example) in {check.normalise(e) for e in earlier}:
        return f"De voorbeeldvraag '{example}' heeft u al getypt."
    problem = validate_sentence(example, "voorbeeldvraag")
    if problem:
        return problem
    for owner in project.examples or []:
        if check.normalise(owner.text) == check.normalise(example):
            return (f"De voorbeeldvraag '{example}' hoort al bij onderwerp '{owner.intent}' ({owner.place}). "
                    "Kies een zin die alleen bij het nieuwe onderwerp past.")
    return None


def validate_all(topic: TopicInput, project: check.Project, headings: list[str]) -> tuple[list[str], list[str]]:
    """(errors, warnings) for the whole input; empty errors means it can be written."""
    errors: list[str] = []
    used = existing_ids(project)
    for problem in (validate_id(topic.topic_id, used), validate_title(topic.title), validate_group(topic.group)):
        if problem:
            errors.append(problem)
    answer_error = validate_answer(topic.answer)
    if answer_error:
        errors.append(answer_error)
    warnings = answer_warnings(topic.answer)
    heading, section_error = resolve_section(topic.section, headings)
    if section_error:
        errors.append(section_error)
    else:
        topic.section = heading or topic.section
    errors += validate_examples(topic.examples, project)
    errors += validate_test_questions(topic.test_questions, topic.examples)
    return errors, warnings


# -- text edits --------------------------------------------------------------------------

def _quote(value: str) -> str:
    """A YAML scalar for a one-line text: plain when that reads back unchanged, else double quotes."""
    plain_safe = (re.fullmatch(r"[A-Za-zÀ-ÿ0-9(][^\n]*", value) and ": " not in value and " #" not in value
                  and not value.endswith(":"))
    if plain_safe:
        try:
            if yaml.safe_load(f"key: {value}") == {"key": value}:
                return value
        except yaml.YAMLError:
            pass
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(value, ensure_ascii=False)


def _block(lines: list[str], key: str) -> tuple[int, int]:
    """(index of the ``key:`` line, index just past its block) for a top-level key."""
    for index, line in enumerate(lines):
        if re.match(rf"^{re.escape(key)}:\s*(#.*)?$", line):
            end = index + 1
            while end < len(lines) and not _TOP_LEVEL_KEY_RE.match(lines[end]):
                end += 1
            return index, end
    raise InputError(f"'{key}:' niet gevonden")


def _last_content(lines: list[str], start: int, end: int, max_comment_indent: int = 0) -> int:
    """Index of the last line of the block that is not blank and not a trailing comment."""
    last = start
    for index in range(start + 1, end):
        stripped = lines[index].strip()
        indent = len(lines[index]) - len(lines[index].lstrip())
        if not stripped or (stripped.startswith("#") and indent <= max_comment_indent):
            continue
        last = index
    return last


def _list_indent(lines: list[str], start: int, end: int) -> str:
    for line in lines[start + 1:end]:
        match = re.match(r"^(\s*)- ", line)
        if match:
            return match.group(1)
    return ""


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _join(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def edit_domain(text: str, topic_id: str, group: str, group_intents: Iterable[str]) -> str:
    lines = _lines(text)
    start, end = _block(lines, "intents")
    indent = _list_indent(lines, start, end)
    after = None
    for index in range(start + 1, end):
        match = re.match(r"^\s*-\s*([^\s:#]+)", lines[index])
        if match and match.group(1) in set(group_intents):
            after = index
    if after is not None:
        new = [f"{indent}- {topic_id}"]
    else:
        after = _last_content(lines, start, end)
        new = [f"{indent}# Topic group '{group}', added with python -m bot.staff.add_topic",
               f"{indent}- {topic_id}"]
    return _join(lines[:after + 1] + new + lines[after + 1:])


def _nlu_item(indent: str, intent: str, sentences: list[str]) -> list[str]:
    return ([f"{indent}- intent: {intent}", f"{indent}  examples: |"]
            + [f"{indent}    - {sentence}" for sentence in sentences])


def _append_to_list(text: str, key: str, item_lines: Callable[[str], list[str]], blank_before: bool) -> str:
    lines = _lines(text)
    start, end = _block(lines, key)
    if re.match(rf"^{key}:\s*\[\s*\]", lines[start]):
        lines[start] = f"{key}:"
    indent = _list_indent(lines, start, end)
    after = _last_content(lines, start, end)
    new = ([""] if blank_before and after > start else []) + item_lines(indent)
    return _join(lines[:after + 1] + new + lines[after + 1:])


def edit_nlu(text: str | None, intent: str, sentences: list[str], group: str) -> str:
    if text is None:
        text = (f"# Topic group '{group}': topics added by the support staff with python -m bot.staff.add_topic.\n"
                'version: "3.1"\nnlu:\n')
    return _append_to_list(text, "nlu", lambda indent: _nlu_item(indent, intent, sentences), blank_before=False)


def edit_rules(text: str | None, intent: str, group: str) -> str:
    if text is None:
        text = (f"# Rules: topic group '{group}'. Every intent is answered by action_answer from "
                'bot/content/answers.yml.\nversion: "3.1"\nrules:\n')

    def rule(indent: str) -> list[str]:
        return [f"{indent}- rule: answer {intent}", f"{indent}  steps:",
                f"{indent}  - intent: {intent}", f"{indent}  - action: action_answer"]

    return _append_to_list(text, "rules", rule, blank_before=True)


def edit_answers(text: str, topic: TopicInput) -> str:
    lines = _lines(text)
    start, end = _block(lines, "topics")
    key_indent, field_indent = "  ", "    "
    for index in range(start + 1, end):
        match = re.match(r"^(\s+)[A-Za-z0-9_]+:\s*$", lines[index])
        if match:
            key_indent = match.group(1)
            following = lines[index + 1] if index + 1 < end else ""
            field_indent = re.match(r"^(\s*)", following).group(1) or key_indent * 2
            break
    after = _last_content(lines, start, end, max_comment_indent=len(key_indent))
    text_indent = field_indent + "  "
    wrapped = textwrap.wrap(topic.answer, width=100 - len(text_indent), break_long_words=False,
                            break_on_hyphens=False)
    new = ["", f"{key_indent}{topic.topic_id}:",
           f"{field_indent}title: {_quote(topic.title)}",
           f"{field_indent}section: {_quote(topic.section)}",
           f"{field_indent}answer: >-",
           *(f"{text_indent}{line}" for line in wrapped)]
    return _join(lines[:after + 1] + new + lines[after + 1:])


# -- planning, trying and writing -------------------------------------------------------------

@dataclass
class Plan:
    changes: dict[str, str]  # relative path -> new text
    created: list[str]


def _group_intents(project: check.Project, group: str) -> list[str]:
    rel = f"{check.NLU_DIR}/{group}.yml"
    return [intent for intent, (file, _) in project.nlu_intent_lines.items() if file == rel]


def plan(project_dir: Path, project: check.Project, topic: TopicInput) -> Plan:
    """The new text of every file to change; raises InputError when a file cannot be edited safely."""
    def read(rel: str) -> str | None:
        path = project_dir / rel
        return path.read_text(encoding="utf-8") if path.exists() else None

    nlu_rel = f"{check.NLU_DIR}/{topic.group}.yml"
    rules_rel = f"{check.RULES_DIR}/{topic.group}.yml"
    changes: dict[str, str] = {}
    created = [rel for rel in (nlu_rel, rules_rel) if read(rel) is None]
    try:
        changes[check.DOMAIN_FILE] = edit_domain(read(check.DOMAIN_FILE) or "", topic.topic_id, topic.group,
                                                 _group_intents(project, topic.group))
        changes[nlu_rel] = edit_nlu(read(nlu_rel), topic.topic_id, topic.examples, topic.group)
        changes[rules_rel] = edit_rules(read(rules_rel), topic.topic_id, topic.group)
        changes[check.ANSWERS_FILE] = edit_answers(read(check.ANSWERS_FILE) or "", topic)
        if topic.test_questions:
            heldout = read(check.HELDOUT_FILE)
            if heldout is None:
                heldout = "# Held-out NLU test set: never used for training.\nversion: \"3.1\"\nnlu:\n"
                created.append(check.HELDOUT_FILE)
            changes[check.HELDOUT_FILE] = edit_nlu(heldout, topic.topic_id, topic.test_questions, topic.group)
    except InputError as error:
        raise InputError(f"Een bestand heeft niet de verwachte opbouw ({error}); er is niets opgeslagen. "
                         "Draai `make check` of vraag een ontwikkelaar.") from error
    originals = {rel: read(rel) for rel in changes}
    _verify(changes, originals, topic, nlu_rel, rules_rel, headings_of(project_dir))
    return Plan(changes, created)


class _Mismatch(Exception):
    """An edited file does not read back as the original plus exactly the new topic."""


def _require(condition: bool) -> None:
    # Not `assert`: this check must also run under `python -O`.
    if not condition:
        raise _Mismatch


def _verify(changes: dict[str, str], originals: dict[str, str | None], topic: TopicInput, nlu_rel: str,
            rules_rel: str, headings: list[str]) -> None:
    """Read the edited texts back: each must be the original data plus exactly the new topic."""
    def old(rel: str, key: str) -> list:
        text = originals.get(rel)
        return (yaml.safe_load(text) or {}).get(key) or [] if text else []

    try:
        domain = yaml.safe_load(changes[check.DOMAIN_FILE])["intents"]
        _require([i for i in domain if i != topic.topic_id] == old(check.DOMAIN_FILE, "intents"))
        _require(domain.count(topic.topic_id) == 1)
        for rel, sentences in ((nlu_rel, topic.examples), (check.HELDOUT_FILE, topic.test_questions)):
            if rel in changes:
                items = yaml.safe_load(changes[rel])["nlu"]
                new = [i for i in items if isinstance(i, dict) and i.get("intent") == topic.topic_id]
                _require(len(new) == 1 and [i for i in items if i not in new] == old(rel, "nlu"))
                written = [line.strip()[2:].strip() for line in new[0]["examples"].splitlines()
                           if line.strip().startswith("- ")]
                _require(written == sentences)
        rule = {"rule": f"answer {topic.topic_id}", "steps": [{"intent": topic.topic_id}, {"action": "action_answer"}]}
        rules = yaml.safe_load(changes[rules_rel])["rules"]
        _require(rules == [*old(rules_rel, "rules"), rule])
        raw = yaml.safe_load(changes[check.ANSWERS_FILE])
        original = yaml.safe_load(originals[check.ANSWERS_FILE] or "")
        entry = raw["topics"].pop(topic.topic_id)
        _require(entry == {"title": topic.title, "section": topic.section, "answer": topic.answer})
        _require(raw == original)
        raw["topics"][topic.topic_id] = entry
        parse_content(raw, headings)
    except (_Mismatch, yaml.YAMLError, KeyError, TypeError, IndexError, AttributeError,
            ContentError) as error:
        raise InputError("De bestanden konden niet veilig worden aangepast (na het invoegen klopte de inhoud "
                         "niet). Er is niets opgeslagen. Draai `make check` of vraag een ontwikkelaar."
                         ) from error


def _without_lines(finding: check.Finding) -> str:
    return re.sub(r"regel \d+", "regel ?", str(finding))


def try_on_copy(project_dir: Path, changes: dict[str, str]) -> list[check.Finding]:
    """Errors the change would add, found by running the check on a temporary copy."""
    before = {_without_lines(f) for f in check.run_checks(project_dir)[1] if f.is_error}
    with tempfile.TemporaryDirectory(prefix="nieuw-onderwerp-") as temp:
        copy = Path(temp)
        for rel in check.CHECKED_PATHS:
            source = project_dir / rel
            if source.is_dir():
                shutil.copytree(source, copy / rel)
            elif source.exists():
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy / rel)
        for rel, text in changes.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(text, encoding="utf-8")
        after = check.run_checks(copy)[1]
    return [f for f in after if f.is_error and _without_lines(f) not in before]


def write(project_dir: Path, changes: dict[str, str]) -> None:
    """Write every file (each one atomically); on failure put back what was already written."""
    originals: dict[Path, str | None] = {}
    try:
        for rel, text in changes.items():
            path = project_dir / rel
            originals[path] = path.read_text(encoding="utf-8") if path.exists() else None
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.nieuw")
            temp.write_text(text, encoding="utf-8")
            if path.exists():
                shutil.copymode(path, temp)
            os.replace(temp, path)
    except OSError:
        for path, original in originals.items():
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(original, encoding="utf-8")
        raise


# -- the command -------------------------------------------------------------------------------

class Asker:
    """Dutch prompts on stdin/stdout; re-asks until the answer is valid."""

    def __init__(self, read: Callable[[str], str] = input) -> None:
        self._read = read

    def raw(self, prompt: str) -> str:
        return _clean(self._read(prompt))

    def line(self, prompt: str, validate: Callable[[str], str | None]) -> str:
        while True:
            value = self.raw(prompt)
            problem = validate(value)
            if not problem:
                return value
            print(problem)

    def lines(self, prompt: str, minimum: int, validate: Callable[[str, list[str]], str | None]) -> list[str]:
        """One sentence per line until an empty line; each line is checked as it is typed."""
        print(prompt)
        collected: list[str] = []
        while True:
            value = self.raw(f"  {len(collected) + 1}> ")
            if not value:
                if len(collected) >= minimum:
                    return collected
                print(f"U heeft er {len(collected)}; er zijn er minstens {minimum} nodig. Typ verder.")
                continue
            problem = validate(value, collected)
            if problem:
                print(f"  Niet toegevoegd: {problem}")
            else:
                collected.append(value)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Voegt een nieuwe vraag (onderwerp) toe aan de chatbot. Zonder opties stelt het "
                    "programma de vragen zelf.")
    parser.add_argument("--id", dest="topic_id", help="onderwerp-id, Engels, kleine letters met _")
    parser.add_argument("--titel", help="korte vraag op de knop 'Bedoelt u…?'")
    parser.add_argument("--antwoord", help="het antwoord, 1 tot 4 zinnen")
    parser.add_argument("--sectie", help="kopje van de pagina: nummer of precieze tekst")
    parser.add_argument("--voorbeeld", action="append", default=[], help="voorbeeldvraag (minstens 15 keer)")
    parser.add_argument("--toetsvraag", action="append", default=[],
                        help="toetsvraag voor make test (aanbevolen 3 tot 5, andere zinnen dan de voorbeelden)")
    parser.add_argument("--groep", default=None, help=f"bestand in data/nlu/ (standaard {DEFAULT_GROUP})")
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="map van het project")
    parser.add_argument("--geen-validatie", action="store_true",
                        help="sla de controle van het hele project (make check) over; de invoer zelf wordt "
                             "altijd gecontroleerd")
    return parser.parse_args(argv)


def _ask_missing(topic: TopicInput, project: check.Project, headings: list[str], asker: Asker) -> bool:
    """Fill in what was not given as an argument; True when anything was asked."""
    asked = False
    used = existing_ids(project)
    if not topic.topic_id:
        asked = True
        print("Nieuw onderwerp toevoegen. Ctrl-C stopt zonder iets op te slaan.\n")
        topic.topic_id = asker.line(
            "Onderwerp-id (Engels, kleine letters met _, bijvoorbeeld victim_shelter): ",
            lambda value: validate_id(value, used))
    if not topic.title:
        asked = True
        topic.title = asker.line("Titel op de knop 'Bedoelt u…?' (een korte vraag): ", validate_title)
    if not topic.answer:
        asked = True
        topic.answer = asker.line("Antwoord (1 tot 4 zinnen, spreek de burger aan met 'u'; alles op één regel):\n> ",
                                  validate_answer)
    if not topic.section:
        asked = True
        print("Uit welk onderdeel van de pagina komt het antwoord?")
        for number, heading in enumerate(headings, start=1):
            print(f"  {number}. {heading}")
        topic.section = asker.line("Nummer of precies kopje: ", lambda value: resolve_section(value, headings)[1])
        topic.section = resolve_section(topic.section, headings)[0] or topic.section
    if not topic.examples:
        asked = True
        topic.examples = asker.lines(
            f"Voorbeeldvragen: typ minstens {check.MIN_EXAMPLES} manieren waarop een burger dit kan vragen, "
            "één per regel. Een lege regel = klaar.", check.MIN_EXAMPLES,
            lambda value, earlier: example_line_problem(value, earlier, project))
    if asked and not topic.test_questions:
        topic.test_questions = asker.lines(
            "Toetsvragen (aanbevolen: 3 tot 5, andere zinnen dan hierboven; `make test` gebruikt ze om te "
            "meten of de bot het onderwerp herkent). Een lege regel = klaar of overslaan.", 0,
            lambda value, earlier: (validate_test_questions([value], topic.examples) or [None])[0])
    return asked


def _describe(plan_: Plan, topic: TopicInput) -> list[str]:
    nlu_rel = f"{check.NLU_DIR}/{topic.group}.yml"
    rules_rel = f"{check.RULES_DIR}/{topic.group}.yml"

    def new(rel: str) -> str:
        return " (nieuw bestand)" if rel in plan_.created else ""

    lines = [f"  - {check.DOMAIN_FILE}: intent '{topic.topic_id}' toegevoegd",
             f"  - {nlu_rel}: {len(topic.examples)} voorbeeldvragen{new(nlu_rel)}",
             f"  - {rules_rel}: regel 'answer {topic.topic_id}'{new(rules_rel)}",
             f"  - {check.ANSWERS_FILE}: titel, kopje en antwoord onder 'topics:'"]
    if topic.test_questions:
        count = len(topic.test_questions)
        lines.append(f"  - {check.HELDOUT_FILE}: {count} toetsvra{'ag' if count == 1 else 'gen'}")
    return lines


def main(argv: list[str] | None = None, asker: Asker | None = None) -> int:
    args = _parse_args(argv)
    project_dir: Path = args.project_dir.resolve()
    asker = asker or Asker()
    topic = TopicInput(
        topic_id=_clean(args.topic_id or ""), title=_clean(args.titel or ""), answer=_clean(args.antwoord or ""),
        section=_clean(args.sectie or ""), examples=[_clean(e) for e in args.voorbeeld if _clean(e)],
        test_questions=[_clean(q) for q in args.toetsvraag if _clean(q)],
        group=_clean(args.groep) if args.groep is not None else DEFAULT_GROUP)

    project = check.load_project(project_dir)
    unreadable = [f for f in project.findings if f.is_error]
    if unreadable or project.domain_intents is None or project.answers is None:
        print("Eerst moeten deze fouten in de bestanden worden opgelost; er is niets opgeslagen:")
        for finding in unreadable:
            print(finding)
        return 1
    # Interactive only when nothing was given: with some arguments, missing ones are errors
    # (a script or `make nieuw-onderwerp ARGS=...` must never hang on a question).
    interactive = all(value in (None, []) for value in
                      (args.topic_id, args.titel, args.antwoord, args.sectie, args.voorbeeld))
    headings = headings_of(project_dir)
    used = existing_ids(project)
    if not interactive and topic.topic_id in used:
        # Only this message: the rest of the input does not matter for a topic that exists.
        print(validate_id(topic.topic_id, used))
        return 1
    asked = False
    if interactive:
        try:
            asked = _ask_missing(topic, project, headings, asker)
        except (EOFError, KeyboardInterrupt):
            print("\nGestopt; er is niets opgeslagen.")
            return 1

    errors, warnings = validate_all(topic, project, headings)
    if errors:
        print("Het onderwerp is niet toegevoegd; er is niets opgeslagen:")
        for error in errors:
            print(f"  - {error}")
        return 1
    for warning in warnings:
        print(warning)
    try:
        plan_ = plan(project_dir, project, topic)
    except InputError as error:
        print(error)
        return 1
    if not args.geen_validatie:
        new_errors = try_on_copy(project_dir, plan_.changes)
        if new_errors:
            print("Het onderwerp is niet toegevoegd, want de controle vond dan deze fouten "
                  "(er is niets opgeslagen):")
            for finding in new_errors:
                print(finding)
            return 1
    if asked:
        print(f"\nDit wordt opgeslagen voor onderwerp '{topic.topic_id}' ({topic.title}):")
        print("\n".join(_describe(plan_, topic)))
        try:
            confirm = asker.raw("Opslaan? (j/n): ").lower()
        except (EOFError, KeyboardInterrupt):
            confirm = ""
        if confirm not in ("j", "ja", "y", "yes"):
            print("Niet opgeslagen.")
            return 1

    write(project_dir, plan_.changes)
    print(f"\nOnderwerp '{topic.topic_id}' toegevoegd:")
    print("\n".join(_describe(plan_, topic)))
    if not topic.test_questions:
        print(f"  Tip: voeg 3 tot 5 toetsvragen toe in {check.HELDOUT_FILE}; zonder toetsvragen faalt `make test`.")
    if not args.geen_validatie:
        project_after, findings = check.run_checks(project_dir)
        errors_after = [f for f in findings if f.is_error]
        for finding in errors_after:
            print(finding)
        print(f"Controle: {check.summary(project_after, findings, warnings_shown=False)}")
    print(NEXT_STEP)
    return 0


if __name__ == "__main__":
    sys.exit(main())
