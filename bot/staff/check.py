"""Checks the bot's data and explains every problem in plain Dutch.

    python -m bot.staff.check [--project-dir DIR]

Exit code 0 when there are no errors (warnings are allowed), 1 otherwise.
Every message names the file, the line or intent, and what to do about it.

What is checked:

- ``bot/content/answers.yml`` against ``bot.content.parse_content`` (its English
  ContentError is translated into Dutch);
- intent <-> answer <-> rule <-> examples, the same relations as
  ``tests/test_consistency.py``, plus every page section having an answer;
- at least ``MIN_EXAMPLES`` examples per intent;
- duplicate and near-duplicate examples under different intents (see
  ``find_near_duplicates`` for the definition);
- links in answers: a ``[tekst](https://...)`` / ``[0900-8844](tel:09008844)`` link
  that is not https or tel, goes to a host outside ``bot.page.LINK_HOSTS``, is written
  wrongly or dials another number than it shows (errors; a deep link is a warning);
  plain addresses that are malformed or not http(s) (errors), or (warning) to a site
  that is not in ``ALLOWED_DOMAINS``; nothing is fetched, the check works offline;
- answers longer than ``MAX_SENTENCES`` sentences or ``MAX_ANSWER_CHARS`` characters;
- personal data in examples, test sentences and answers (``bot.pii``);
- the held-out test set: never trained on (error), covers every intent (warning).

Everything is read relative to ``--project-dir`` so tests and ``bot.staff.add_topic``
can check a copy of the project.
"""
from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from rapidfuzz.distance import Indel

from bot.content import (
    KIND_DETAIL,
    KIND_FORM,
    KIND_SYSTEM,
    LINK_PATTERN,
    ContentError,
    answer_lines,
    duplicate_keys,
    link_problem,
    load_yaml,
    parse_content,
    plain_text,
    shown_text,
    unknown_template_parts,
)
from bot.page import LINK_HOSTS, parse_sections, section_headings
from bot.pii import PUBLIC_NUMBERS, redact
from bot.staff import readability

ROOT = Path(__file__).resolve().parents[2]

DOMAIN_FILE = "domain.yml"
NLU_DIR = "data/nlu"
RULES_DIR = "data/rules"
STORIES_DIR = "data/stories"
ANSWERS_FILE = "bot/content/answers.yml"
PAGE_FILE = "bot/content/page.txt"
HELDOUT_DIR = "tests/nlu"
# Where `make nieuw-onderwerp` adds a new topic's test questions; every file in HELDOUT_DIR counts.
HELDOUT_FILE = f"{HELDOUT_DIR}/heldout.yml"
# Everything the check reads; bot.staff.add_topic copies these to try a change first.
CHECKED_PATHS = (DOMAIN_FILE, NLU_DIR, RULES_DIR, STORIES_DIR, "bot/content", "tests/nlu")

MIN_EXAMPLES = 15
MAX_SENTENCES = 4
MAX_ANSWER_CHARS = 600

# Near-duplicate examples (after normalising case, accents and punctuation): the
# same words in another order or with one word more/less in a sentence of 9+
# words (Jaccard >= 0.9 on the words, counted with repeats), or one or two letters different (difflib ratio
# >= 0.95, i.e. a typo in a sentence of 20+ characters). Lower thresholds flag
# legitimate pairs such as "wat is avim" / "wat doet avim" that differ in meaning.
NEAR_JACCARD = 0.9
NEAR_RATIO = 0.95

# Sites an answer may name or give as a plain address. A plain address elsewhere is
# not wrong as such, but someone should look at it before citizens are sent there
# (hence a warning). A `[tekst](https://...)` link may only go to the hosts of
# bot.page.LINK_HOSTS (an error otherwise); each of those is under one of these.
ALLOWED_DOMAINS = (
    "tweedekamer.nl",
    "debatdirect.tweedekamer.nl",
    "comensha.nl",
    "politie.nl",
    "meldmisdaadanoniem.nl",
    "rijksoverheid.nl",
    "government.nl",
    "overheid.nl",
    "nationaalrapporteur.nl",
    "om.nl",
    "vng.nl",
    "nlarbeidsinspectie.nl",
    "kindertelefoon.nl",
)

# Intents Rasa defines itself; rules may use them without listing them in domain.yml.
RASA_BUILTIN_INTENTS = frozenset({"nlu_fallback", "restart", "session_start", "back"})

ERROR = "fout"
WARNING = "waarschuwing"

PII_KINDS_NL = {
    "bsn": "een BSN",
    "phone": "een telefoonnummer",
    "email": "een e-mailadres",
    "iban": "een rekeningnummer (IBAN)",
    "postcode": "een postcode met huisnummer",
    "name": "een naam",
    "address": "een adres",
    "date": "een datum",
    "document": "een documentnummer",
}


@dataclass(frozen=True)
class Finding:
    level: str
    file: str
    where: str
    problem: str
    advice: str
    line: int = 0

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def __str__(self) -> str:
        label = "FOUT  " if self.is_error else "LET OP"
        return f"{label} {self.file}, {self.where}: {self.problem}\n       Wat te doen: {self.advice}"


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    file: str
    line: int

    @property
    def place(self) -> str:
        return f"{self.file}, regel {self.line}"


@dataclass
class Project:
    """The parsed data files of one project directory, with line numbers."""

    root: Path
    findings: list[Finding] = field(default_factory=list)
    # intent -> line in domain.yml; None when domain.yml could not be read.
    domain_intents: dict[str, int] | None = None
    examples: list[Example] | None = None
    nlu_intent_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    nlu_files: int = 0
    heldout: list[Example] | None = None
    # intent -> (file, line) of the first rule or story step using it.
    dialogue_intents: dict[str, tuple[str, int]] | None = None
    rule_count: int = 0
    answers: Mapping | None = None
    answer_lines: dict[str, int] = field(default_factory=dict)
    top_lines: dict[str, int] = field(default_factory=dict)
    followup_lines: dict[str, int] = field(default_factory=dict)
    headings: list[str] | None = None
    heading_lines: dict[str, int] = field(default_factory=dict)
    # The `updated:` date of the answers file, once checked.
    updated: dt.date | None = None

    def add(self, level: str, file: str, where: str, problem: str, advice: str, line: int = 0) -> None:
        self.findings.append(Finding(level, file, where, problem, advice, line))

    @property
    def topics(self) -> Mapping:
        raw = (self.answers or {}).get("topics") if isinstance(self.answers, Mapping) else None
        return raw if isinstance(raw, Mapping) else {}

    @property
    def followups(self) -> Mapping:
        raw = (self.answers or {}).get("followups") if isinstance(self.answers, Mapping) else None
        return raw if isinstance(raw, Mapping) else {}


# -- text helpers ------------------------------------------------------------------

_ANNOTATION_RE = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: how examples are compared."""
    text = _ANNOTATION_RE.sub(r"\1", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", plain).replace("_", " ").split())




def count_sentences(text: str) -> int:
    """Sentences in an answer: a split after . ! or ? followed by a capital or digit.

    Abbreviations before a capital ("bijv. Polen") count as a sentence end; that
    errs towards shorter answers, which is the point of the check. Each line of a list
    (and the line before it) counts as a sentence of its own.
    """
    return len(readability.sentences(answer_lines(text)))


def pii_kinds(text: str) -> list[str]:
    """Dutch names of the kinds of personal data in ``text`` (public numbers allowed)."""
    return [PII_KINDS_NL.get(kind, kind) for kind in redact(text).kinds]


# -- links ---------------------------------------------------------------------------

_TRAILING = ".,;:!?]’'\"”"
_URL_PATTERNS = (
    # "scheme:/..." in any form: validated below (only http(s) with "//" passes).
    ("scheme", re.compile(r"(?i)(?<![\w.@-])[a-z][a-z0-9+.\-]*:/+[^\s<>\"]*")),
    # Schemes that never use slashes.
    ("other", re.compile(r"(?i)(?<![\w.@-])(?:mailto|tel|sms|javascript|data|file|ftp):[^\s<>\"]+")),
    # "https//example.nl": the colon is missing.
    ("malformed", re.compile(r"(?i)(?<![\w.@-])https?//[^\s<>\"]*")),
    ("www", re.compile(r"(?i)(?<![\w.@/-])www\.[^\s<>\"]+")),
    ("bare", re.compile(
        r"(?i)(?<![\w.@/:-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
        r"(?:nl|com|org|net|eu|info|gov|be|de|uk|int|io)(?![\w-])(?:/[^\s<>\"]*)?")),
)
_HOST_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}")


@dataclass(frozen=True)
class LinkProblem:
    url: str
    # Plain addresses: "malformed", "not_http", "not_allowed", "no_scheme".
    # [tekst](adres) links: "link_" + a code of bot.content.link_problem, "link_syntax"
    # (brackets that make no link) or "link_deep" (not a home page: a warning).
    kind: str
    host: str = ""


# Brackets left over once the links are taken out: a link written wrongly.
_STRAY_LINK = re.compile(r"\[[^\[\]\n]*\]\s*\([^()\n]*\)?|\[[^\[\]\n]*\]|[\[\]]")


def _trim(url: str) -> str:
    """Drop sentence punctuation after a link; a ")" only when it closes nothing in the link."""
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("(")):
            url = url[:-1]
        else:
            break
    return url


def _host_allowed(host: str) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in ALLOWED_DOMAINS)


def _check_web_url(url: str) -> LinkProblem | None:
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return LinkProblem(url, "malformed")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return LinkProblem(url, "not_http")
    host = (parts.hostname or "").lower()
    if not url.lower().startswith(f"{scheme}://") or not port_ok or not _HOST_RE.fullmatch(host):
        return LinkProblem(url, "malformed")
    if not _host_allowed(host):
        return LinkProblem(url, "not_allowed", host)
    return None


def _answer_link_problems(text: str) -> list[LinkProblem]:
    """Problems with the ``[tekst](adres)`` links of an answer."""
    problems: list[LinkProblem] = []
    for match in LINK_PATTERN.finditer(text):
        words, href = match.group(1), match.group(2)
        code = link_problem(words, href)
        host = (urlsplit(href).hostname or "") if href.lower().startswith(("http:", "https:")) else ""
        if code:
            problems.append(LinkProblem(match.group(), f"link_{code}", host))
        elif href.startswith("https:") and urlsplit(href).path not in ("", "/"):
            problems.append(LinkProblem(match.group(), "link_deep", host))
    masked = LINK_PATTERN.sub(lambda m: " " * len(m.group()), text)
    problems.extend(LinkProblem(stray.group().strip(), "link_syntax") for stray in _STRAY_LINK.finditer(masked))
    return problems


def find_link_problems(text: str) -> list[LinkProblem]:
    """Problems with the links in one answer text; no network access."""
    problems = _answer_link_problems(text)
    # The [tekst](adres) links are judged above; the patterns below see the rest.
    masked = _STRAY_LINK.sub(lambda m: " " * len(m.group()),
                             LINK_PATTERN.sub(lambda m: " " * len(m.group()), text))
    for kind, pattern in _URL_PATTERNS:
        for match in pattern.finditer(masked):
            url = _trim(match.group())
            if not url:
                continue
            if kind == "scheme":
                problem = _check_web_url(url)
            elif kind == "other":
                problem = LinkProblem(url, "not_http")
            elif kind == "malformed":
                problem = LinkProblem(url, "malformed")
            else:
                host = url.split("/", 1)[0].lower()
                if kind == "www":
                    problem = LinkProblem(url, "no_scheme", host)
                elif not _host_allowed(host):
                    problem = LinkProblem(url, "not_allowed", host)
                else:
                    problem = None
            if problem:
                problems.append(problem)
        # Later patterns must not see what an earlier one already judged.
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    return problems


# -- near duplicates -------------------------------------------------------------------

def find_near_duplicates(examples: list[Example]) -> list[tuple[Example, Example]]:
    """Pairs of examples under different intents that are nearly the same sentence.

    Exact duplicates (after ``normalise``) are not returned here. Near means
    Jaccard >= NEAR_JACCARD on the words (counted with repeats) or difflib ratio
    >= NEAR_RATIO on the normalised texts. Kept fast for a few thousand examples by
    only comparing pairs that can reach a threshold: Jaccard >= 0.9 needs the same
    words unless a sentence has 9+ words, and ratio >= 0.95 needs lengths within ~10 %.
    """
    unique: dict[str, Example] = {}
    for example in examples:
        unique.setdefault(f"{example.intent}\x00{normalise(example.text)}", example)
    items = [(normalise(e.text), e) for e in unique.values()]
    items = [(text, e) for text, e in items if text]
    pairs: dict[tuple[int, int], tuple[Example, Example]] = {}

    def add(i: int, j: int) -> None:
        key = (min(i, j), max(i, j))
        if key not in pairs:
            first, second = sorted((items[i][1], items[j][1]), key=lambda e: (e.file, e.line))
            pairs[key] = (first, second)

    # Multisets, not sets: "dag dag" (goodbye) is not the same sentence as "dag" (greeting).
    bags = [Counter(text.split()) for text, _ in items]
    by_bag: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, (text, _) in enumerate(items):
        by_bag[tuple(sorted(text.split()))].append(index)
    for indices in by_bag.values():
        for a, i in enumerate(indices):
            for j in indices[a + 1:]:
                if items[i][1].intent != items[j][1].intent and items[i][0] != items[j][0]:
                    add(i, j)
    sizes = [sum(bag.values()) for bag in bags]
    # Jaccard >= NEAR_JACCARD needs the smaller bag to be at least that share of the
    # larger one: sorted by size, the inner loop stops as soon as sizes drift apart.
    long_bags = sorted((i for i, size in enumerate(sizes) if size >= 9), key=sizes.__getitem__)
    for a, i in enumerate(long_bags):
        for j in long_bags[a + 1:]:
            if sizes[i] < NEAR_JACCARD * sizes[j]:
                break
            if items[i][1].intent == items[j][1].intent or items[i][0] == items[j][0]:
                continue
            union = sum((bags[i] | bags[j]).values())
            if sum((bags[i] & bags[j]).values()) >= NEAR_JACCARD * union:
                add(i, j)

    order = sorted(range(len(items)), key=lambda index: len(items[index][0]))
    matcher = difflib.SequenceMatcher(autojunk=False)
    for position, i in enumerate(order):
        text_i, example_i = items[i]
        matcher.set_seq2(text_i)
        for j in order[position + 1:]:
            text_j, example_j = items[j]
            # ratio <= 2 * shorter / (sum of lengths); past this no later j can match.
            if 2 * len(text_i) < NEAR_RATIO * (len(text_i) + len(text_j)):
                break
            if example_i.intent == example_j.intent or text_i == text_j:
                continue
            # The LCS-based similarity is never below difflib's ratio, so it is an exact
            # (and much faster) filter; difflib still decides.
            if Indel.normalized_similarity(text_i, text_j, score_cutoff=NEAR_RATIO) < NEAR_RATIO:
                continue
            matcher.set_seq1(text_j)
            if matcher.ratio() >= NEAR_RATIO:
                add(i, j)
    return sorted(pairs.values(), key=lambda pair: (pair[1].file, pair[1].line))


# -- reading the project -------------------------------------------------------------------

def _rel(project: Project, path: Path) -> str:
    try:
        return path.relative_to(project.root).as_posix()
    except ValueError:
        return str(path)


def _read_yaml(project: Project, path: Path) -> tuple[object, yaml.Node | None] | None:
    """(data, node tree) of a YAML file, or None after recording a Dutch finding."""
    rel = _rel(project, path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        project.add(ERROR, rel, "het bestand", "het bestand ontbreekt",
                    "Zet het bestand terug (bijvoorbeeld met `git checkout -- " + rel + "`).")
        return None
    except UnicodeDecodeError:
        project.add(ERROR, rel, "het bestand", "het bestand is niet als UTF-8 opgeslagen",
                    "Sla het bestand op als UTF-8 (in de meeste editors: 'Opslaan als' > codering UTF-8).")
        return None
    try:
        data, tree = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        reason = getattr(error, "problem", None) or "onleesbaar"
        project.add(ERROR, rel, f"regel {line}" if line else "het bestand",
                    f"geen geldige YAML ({reason})",
                    "Controleer rond deze regel de inspringing (alleen spaties, geen tabs), de streepjes "
                    "voor lijstjes en aanhalingstekens rond tekst met een dubbele punt (: ).", line)
        return None
    for duplicate in duplicate_keys(tree):
        project.add(ERROR, rel, f"regel {duplicate.line}",
                    f"'{duplicate.key}' staat twee keer in hetzelfde blok (ook op regel {duplicate.first_line}); "
                    "de bot zou alleen de laatste gebruiken",
                    "Geef het gekopieerde blok een eigen naam of haal een van de twee weg.", duplicate.line)
    return data, tree


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _example_lines(value_node: yaml.Node) -> list[tuple[str, int]]:
    """(example, line) for an ``examples: |`` block."""
    if not isinstance(value_node, yaml.ScalarNode):
        return []
    # A block scalar starts on the line after its "|"; other styles have no reliable line per item.
    first = value_node.start_mark.line + 2 if value_node.style in ("|", ">") else _line(value_node)
    found = []
    for offset, line in enumerate(str(value_node.value).splitlines()):
        stripped = line.strip()
        if stripped.startswith("- "):
            text = stripped[2:].strip()
            if text:
                found.append((text, first + offset if value_node.style in ("|", ">") else first))
    return found


def _read_nlu_file(project: Project, path: Path, examples: list[Example], record_intents: bool) -> None:
    loaded = _read_yaml(project, path)
    if loaded is None:
        return
    _, root = loaded
    rel = _rel(project, path)
    items = _get(root, "nlu")
    if not isinstance(items, yaml.SequenceNode):
        return
    for item in items.value:
        intent_node = _get(item, "intent")
        examples_node = _get(item, "examples")
        if not isinstance(intent_node, yaml.ScalarNode) or examples_node is None:
            continue
        intent = str(intent_node.value)
        if record_intents:
            project.nlu_intent_lines.setdefault(intent, (rel, _line(intent_node)))
        for text, line in _example_lines(examples_node):
            examples.append(Example(text, intent, rel, line))


def _step_intents(steps: yaml.Node | None) -> Iterable[yaml.ScalarNode]:
    if not isinstance(steps, yaml.SequenceNode):
        return
    for step in steps.value:
        intent = _get(step, "intent")
        if isinstance(intent, yaml.ScalarNode):
            yield intent
        alternatives = _get(step, "or")
        if isinstance(alternatives, yaml.SequenceNode):
            yield from _step_intents(alternatives)


def load_project(root: Path) -> Project:
    """Read every data file of the project at ``root``; reading problems become findings."""
    project = Project(root=root)

    loaded = _read_yaml(project, root / DOMAIN_FILE)
    if loaded is not None:
        project.domain_intents = {}
        intents = _get(loaded[1], "intents")
        for item in intents.value if isinstance(intents, yaml.SequenceNode) else []:
            node = item.value[0][0] if isinstance(item, yaml.MappingNode) and item.value else item
            if isinstance(node, yaml.ScalarNode):
                project.domain_intents.setdefault(str(node.value), _line(node))

    examples: list[Example] = []
    nlu_paths = sorted((root / NLU_DIR).glob("*.yml"))
    for path in nlu_paths:
        _read_nlu_file(project, path, examples, record_intents=True)
    project.examples = examples
    project.nlu_files = len(nlu_paths)

    heldout_paths = sorted((root / HELDOUT_DIR).glob("*.yml"))
    if heldout_paths:
        project.heldout = []
        for heldout_path in heldout_paths:
            _read_nlu_file(project, heldout_path, project.heldout, record_intents=False)

    project.dialogue_intents = {}
    for folder, key in ((RULES_DIR, "rules"), (STORIES_DIR, "stories")):
        for path in sorted((root / folder).glob("*.yml")):
            loaded = _read_yaml(project, path)
            if loaded is None:
                continue
            items = _get(loaded[1], key)
            for item in items.value if isinstance(items, yaml.SequenceNode) else []:
                if key == "rules":
                    project.rule_count += 1
                for intent in _step_intents(_get(item, "steps")):
                    project.dialogue_intents.setdefault(str(intent.value), (_rel(project, path), _line(intent)))

    page = root / PAGE_FILE
    try:
        page_text = page.read_text(encoding="utf-8")
        project.headings = [section.heading for section in parse_sections(page_text)]
    except (OSError, UnicodeDecodeError, ValueError) as error:
        project.add(ERROR, PAGE_FILE, "het bestand", f"de paginatekst is niet te lezen ({error})",
                    "Zet de tekst van de pagina terug; hij moet met een kopje beginnen.")
    else:
        for number, line in enumerate(page_text.splitlines(), start=1):
            stripped = " ".join(line.split())
            if stripped in project.headings:
                project.heading_lines.setdefault(stripped, number)

    _load_answers(project, root / ANSWERS_FILE)
    return project


def _load_answers(project: Project, path: Path) -> None:
    loaded = _read_yaml(project, path)
    if loaded is not None:
        project.answers = loaded[0]
        tree = loaded[1]
        if isinstance(tree, yaml.MappingNode):
            for key_node, _ in tree.value:
                project.top_lines[str(key_node.value)] = _line(key_node)
        for section, target in (("topics", project.answer_lines), ("followups", project.followup_lines)):
            node = _get(tree, section)
            if isinstance(node, yaml.MappingNode):
                for key_node, _ in node.value:
                    target[str(key_node.value)] = _line(key_node)


def answers_file_errors(path: Path) -> list[Finding]:
    """The errors ``make check`` finds in the answers file at ``path`` alone (schema, duplicate
    keys, length, B1, links, personal data), for the running bot: an edit with any of them
    does not go live. The page headings come from the page file beside it.
    """
    project = Project(root=ROOT)
    page = path.parent / Path(PAGE_FILE).name
    try:
        project.headings = [section.heading for section in
                            parse_sections(page.read_text(encoding="utf-8"))]
    except (OSError, UnicodeDecodeError, ValueError):
        project.headings = section_headings()
    _load_answers(project, path)
    check_answers_schema(project)
    check_answers(project)
    return [finding for finding in project.findings if finding.is_error]


# -- checks ------------------------------------------------------------------------------

_FIELD_NL = {
    "title": "de knoptekst (title)",
    "section": "het kopje (section)",
    "answer": "het antwoord (answer)",
    "source": "de bron (source)",
    "kind": "de soort (kind)",
    "key": "de sleutel (key)",
    "default": "het standaardonderwerp (default)",
    "updated": "de datum (updated)",
    "date": "de datum (date)",
    "label": "het label (label)",
}


def _translate_content_error(project: Project, error: ContentError) -> Finding:
    """A Dutch finding for a ContentError from bot.content, from its code and place."""
    parts = error.where.split(".")
    line, place = 0, "het bestand"
    if parts[0] in ("topics", "followups") and len(parts) > 1:
        lines = project.answer_lines if parts[0] == "topics" else project.followup_lines
        line = lines.get(parts[1], 0)
        label = "onderwerp" if parts[0] == "topics" else "vervolgvraag"
        place = f"regel {line}, {label} '{parts[1]}'" if line else f"{label} '{parts[1]}'"
    elif parts[0] in project.top_lines:
        line = project.top_lines[parts[0]]
        place = f"regel {line}, '{parts[0]}'"
    field_name = _FIELD_NL.get(parts[-1], f"'{parts[-1]}'") if len(parts) > 1 else "dit onderdeel"

    detail, code = error.detail, error.problem
    if code == "missing":
        problem = f"'{detail['key']}' ontbreekt"
        advice = (f"Voeg een regel '{detail['key']}: ...' toe; kijk bij de andere onderwerpen "
                  "en in de uitleg bovenaan answers.yml hoe dat eruitziet.")
    elif code == "unknown_section":
        problem = f"'{detail['section']}' is geen kopje van de pagina"
        advice = ("Neem het kopje precies over (let op hoofdletters en spaties). Mogelijke kopjes: "
                  + "; ".join(project.headings or []) + ".")
    elif code == "unknown_topic":
        problem = f"{field_name} verwijst naar onderwerp '{detail['topic']}', maar dat bestaat niet"
        advice = "Controleer de spelling van de onderwerp-id, of voeg dat onderwerp toe."
    elif code == "empty_text":
        problem = f"{field_name} is leeg of geen tekst"
        advice = "Vul de tekst in."
    elif code == "not_a_date":
        problem = f"{field_name} is geen datum"
        advice = "Schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2019-12-05."
    elif code == "phases":
        problem = "een antwoord dat per datum verschilt moet precies 'before', 'on_the_day' en 'after' hebben"
        advice = "Vul alle drie de versies in, of maak er één antwoord van."
    elif code == "not_a_mapping":
        problem = "het onderwerp is niet goed opgebouwd"
        advice = "Zet title, section en answer eronder, elk twee spaties verder ingesprongen dan de id."
    elif code == "unknown_kind":
        problem = f"onbekende soort (kind): {detail['kind']!r}"
        advice = "Laat 'kind' weg voor een vraag van de pagina; anders: detail, form, conversation of system."
    elif code == "bad_followup_key":
        problem = f"{field_name} heeft een onbekende waarde"
        advice = "Gebruik where, when, who of more."
    elif code == "no_topics":
        problem = "onder 'topics:' staat geen enkel onderwerp"
        advice = "Zet de onderwerpen terug (bijvoorbeeld met git)."
    elif code == "not_a_yaml_mapping":
        problem = "het bestand is niet goed opgebouwd"
        advice = "Zet het bestand terug (bijvoorbeeld met git) en pas alleen de teksten aan."
    else:
        problem = f"klopt niet ({error})"
        advice = "Vergelijk dit deel met de andere onderwerpen in het bestand."
    return Finding(ERROR, ANSWERS_FILE, place, problem, advice, line)


def check_answers_schema(project: Project) -> None:
    if project.answers is None or project.headings is None:
        return
    try:
        parse_content(project.answers, project.headings)
    except ContentError as error:
        project.findings.append(_translate_content_error(project, error))


def _answer_place(project: Project, topic_id: str, phase: str | None = None) -> tuple[str, int]:
    line = project.answer_lines.get(topic_id, 0)
    version = f" (versie '{phase}')" if phase else ""
    return (f"regel {line}, onderwerp '{topic_id}'{version}" if line
            else f"onderwerp '{topic_id}'{version}"), line


def _answer_texts(topic: object) -> list[tuple[str | None, str]]:
    """(phase or None, text) for every version of a topic's answer."""
    answer = topic.get("answer") if isinstance(topic, Mapping) else None
    if isinstance(answer, str):
        return [(None, answer)]
    if isinstance(answer, Mapping):
        return [(str(phase), text) for phase, text in answer.items() if isinstance(text, str)]
    return []


def check_consistency(project: Project) -> None:
    domain, examples, dialogue = project.domain_intents, project.examples, project.dialogue_intents
    topics, followups = project.topics, project.followups
    counts: dict[str, int] = defaultdict(int)
    first_file: dict[str, str] = {}
    for example in examples or []:
        counts[example.intent] += 1
        first_file.setdefault(example.intent, example.file)

    if domain is not None:
        for intent, line in domain.items():
            where = f"regel {line}, intent '{intent}'"
            if project.answers is not None and intent not in topics and intent not in followups:
                project.add(ERROR, DOMAIN_FILE, where, "deze intent heeft geen antwoord in " + ANSWERS_FILE,
                            f"Voeg in {ANSWERS_FILE} onder 'topics:' een onderwerp '{intent}' toe met title, "
                            "section en answer (of gebruik `make nieuw-onderwerp`), of haal de intent weg.",
                            line)
            if dialogue is not None and intent not in dialogue:
                project.add(ERROR, DOMAIN_FILE, where, "deze intent heeft geen regel in data/rules/",
                            f"Voeg in data/rules/<groep>.yml een regel 'answer {intent}' toe: "
                            f"'- intent: {intent}' gevolgd door '- action: action_answer'.", line)
            if examples is not None and counts[intent] < MIN_EXAMPLES:
                file = first_file.get(intent, NLU_DIR + "/")
                nlu_line = project.nlu_intent_lines.get(intent, (file, 0))[1]
                project.add(ERROR, file, f"regel {nlu_line}, intent '{intent}'" if nlu_line else where,
                            f"deze intent heeft {counts[intent]} voorbeeldvragen; er zijn er minstens "
                            f"{MIN_EXAMPLES} nodig",
                            f"Voeg er nog {MIN_EXAMPLES - counts[intent]} toe in {file}, in de woorden "
                            "die burgers zelf zouden gebruiken. Daarna: `make train`.", nlu_line or line)

        for topic_id, topic in topics.items():
            kind = topic.get("kind") if isinstance(topic, Mapping) else None
            if kind not in (KIND_SYSTEM, KIND_DETAIL, KIND_FORM) and str(topic_id) not in domain:
                place, line = _answer_place(project, str(topic_id))
                project.add(ERROR, ANSWERS_FILE, place, f"er is geen intent '{topic_id}' in {DOMAIN_FILE}",
                            f"Zet '- {topic_id}' onder 'intents:' in {DOMAIN_FILE} (met voorbeeldvragen en een "
                            "regel), controleer de spelling, of haal het onderwerp weg.", line)
        for intent, (file, line) in project.nlu_intent_lines.items():
            if intent not in domain:
                project.add(ERROR, file, f"regel {line}, intent '{intent}'",
                            f"deze intent staat niet in {DOMAIN_FILE}",
                            f"Zet '- {intent}' onder 'intents:' in {DOMAIN_FILE}, of controleer de spelling.", line)
        for intent, (file, line) in (dialogue or {}).items():
            if intent not in domain and intent not in RASA_BUILTIN_INTENTS:
                project.add(ERROR, file, f"regel {line}, intent '{intent}'",
                            f"deze regel gebruikt intent '{intent}', maar die staat niet in {DOMAIN_FILE}",
                            f"Zet '- {intent}' onder 'intents:' in {DOMAIN_FILE}, of controleer de spelling.", line)

    if project.headings is not None and project.answers is not None:
        sections = {topic.get("section") for topic in topics.values() if isinstance(topic, Mapping)}
        for heading in project.headings:
            if heading not in sections:
                line = project.heading_lines.get(heading, 0)
                project.add(ERROR, PAGE_FILE, f"regel {line}, kopje '{heading}'",
                            "geen enkel antwoord komt uit dit onderdeel van de pagina",
                            f"Voeg een onderwerp toe met 'section: {heading}' (bijvoorbeeld met "
                            "`make nieuw-onderwerp`), of controleer of het kopje goed is overgenomen.", line)


def check_examples(project: Project) -> None:
    examples = project.examples or []
    seen: dict[tuple[str, str], Example] = {}
    for example in examples:
        # Punctuation variants under one intent ("en waar", "en waar?") are deliberate.
        key = (example.intent, " ".join(example.text.lower().split()))
        if key in seen:
            project.add(WARNING, example.file, f"regel {example.line}, intent '{example.intent}'",
                        f"de voorbeeldvraag '{example.text}' staat twee keer bij deze intent "
                        f"(ook op regel {seen[key].line})",
                        "Haal een van de twee weg.", example.line)
        else:
            seen[key] = example

    by_text: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_text[normalise(example.text)].append(example)
    for same in by_text.values():
        first_per_intent: dict[str, Example] = {}
        for example in same:
            first_per_intent.setdefault(example.intent, example)
        if len(first_per_intent) > 1:
            first, *others = sorted(first_per_intent.values(), key=lambda e: (e.file, e.line))
            for other in others:
                project.add(ERROR, other.file, f"regel {other.line}, intent '{other.intent}'",
                            f"de voorbeeldvraag '{other.text}' staat ook bij intent '{first.intent}' "
                            f"({first.place})",
                            "Laat de zin bij één intent staan; de bot kan twee onderwerpen met dezelfde "
                            "voorbeeldvraag niet uit elkaar houden. Daarna: `make train`.", other.line)

    for first, second in find_near_duplicates(examples):
        project.add(ERROR, second.file, f"regel {second.line}, intent '{second.intent}'",
                    f"de voorbeeldvraag '{second.text}' lijkt bijna precies op '{first.text}' bij intent "
                    f"'{first.intent}' ({first.place})",
                    "Haal een van de twee weg of maak duidelijk anders, zodat elke vraag maar bij één "
                    "onderwerp past. Daarna: `make train`.", second.line)

    for example in [*examples, *(project.heldout or [])]:
        kinds = pii_kinds(example.text)
        if kinds:
            project.add(ERROR, example.file, f"regel {example.line}, intent '{example.intent}'",
                        f"de voorbeeldvraag bevat persoonlijke gegevens: {', '.join(kinds)} "
                        f"('{redact(example.text).text}')",
                        "Haal de gegevens weg. Voorbeeldvragen mogen nooit namen, nummers, e-mailadressen "
                        "of adressen bevatten, ook geen verzonnen.", example.line)


def check_heldout(project: Project) -> None:
    if project.heldout is None or project.examples is None:
        return
    # Case-insensitive equality, as in tests/test_consistency.py: a test sentence that
    # differs only in punctuation is accepted there, so it is accepted here.
    trained = {example.text.lower(): example for example in project.examples}
    for example in project.heldout:
        twin = trained.get(example.text.lower())
        if twin:
            project.add(ERROR, example.file, f"regel {example.line}, intent '{example.intent}'",
                        f"de toetsvraag '{example.text}' staat ook in de trainingsvoorbeelden ({twin.place})",
                        "Haal de zin uit een van beide weg: een toetsvraag mag nooit ook voorbeeldvraag zijn, "
                        "anders meet `make test` niets.", example.line)
    if project.domain_intents is not None:
        covered = {example.intent for example in project.heldout}
        for intent in project.domain_intents:
            if intent not in covered:
                project.add(WARNING, HELDOUT_DIR, f"intent '{intent}'",
                            "deze intent heeft nog geen toetsvragen",
                            f"Voeg onder '- intent: {intent}' 3 tot 5 toetsvragen toe (andere zinnen dan de "
                            "voorbeeldvragen); zonder toetsvragen faalt `make test`.", 0)


def check_answers(project: Project) -> None:
    """Length, links and personal data of every answer text."""
    for topic_id, topic in project.topics.items():
        if not isinstance(topic, Mapping):
            continue
        for phase, raw_text in _answer_texts(topic):
            # Measured as citizens read it (links as their words, list items on their own
            # lines); the links are checked as written.
            written = answer_lines(raw_text)
            text = plain_text(written)
            place, line = _answer_place(project, str(topic_id), phase)
            sentences = count_sentences(text)
            if sentences > MAX_SENTENCES:
                project.add(ERROR, ANSWERS_FILE, place,
                            f"het antwoord heeft {sentences} zinnen; maximaal {MAX_SENTENCES}",
                            "Maak het korter: 1 tot 4 korte zinnen. Meer uitleg kan in een apart onderwerp "
                            "waar 'more:' naar verwijst.", line)
            figures = readability.measure(shown_text(written))
            if not figures.is_b1:
                project.add(ERROR, ANSWERS_FILE, place,
                            f"het antwoord is niet eenvoudig genoeg (B1): gemiddeld "
                            f"{figures.words_per_sentence:.0f} woorden per zin (hoogstens "
                            f"{readability.MAX_AVERAGE_WORDS:.0f}), langste zin {figures.longest_sentence} woorden "
                            f"(hoogstens {readability.MAX_SENTENCE_WORDS})",
                            "Knip lange zinnen in tweeën en gebruik gewone woorden. `make leesbaarheid` toont "
                            "de cijfers van elk antwoord.", line)
            if len(text) > MAX_ANSWER_CHARS:
                project.add(ERROR, ANSWERS_FILE, place,
                            f"het antwoord is {len(text)} tekens lang; maximaal {MAX_ANSWER_CHARS}",
                            "Maak het korter; burgers lezen het in een klein chatvenster.", line)
            kinds = pii_kinds(text)
            if kinds:
                project.add(ERROR, ANSWERS_FILE, place,
                            f"het antwoord bevat persoonlijke gegevens: {', '.join(kinds)}",
                            "Haal de gegevens weg. Alleen de openbare nummers "
                            f"{', '.join(PUBLIC_NUMBERS)} mogen in een antwoord staan.", line)
            _report_links(project, place, line, find_link_problems(written))
            braces = unknown_template_parts(str(topic_id), text)
            if braces:
                project.add(ERROR, ANSWERS_FILE, place,
                            f"het antwoord bevat {', '.join(repr(b) for b in braces)}; dat ziet de burger letterlijk",
                            "Haal de accolades { } weg. Alleen de systeemteksten die een getal invullen "
                            "mogen {limit} of {seconds} bevatten.", line)
        for key in ("title", "source"):
            value = topic.get(key)
            if isinstance(value, str):
                place, line = _answer_place(project, str(topic_id))
                kinds = pii_kinds(value)
                if kinds:
                    project.add(ERROR, ANSWERS_FILE, f"{place}, {key}",
                                f"{_FIELD_NL[key]} bevat persoonlijke gegevens: {', '.join(kinds)}",
                                "Haal de gegevens weg.", line)
                if key == "source":
                    _report_links(project, f"{place}, source", line, find_link_problems(value))


_WEB_EXAMPLE = "[comensha.nl](https://www.comensha.nl)"
_TEL_EXAMPLE = "[0900-8844](tel:09008844)"
_HOSTS_NL = ", ".join(sorted(LINK_HOSTS))
# kind of a [tekst](adres) link problem -> (level, the problem, what to do); {url} and {host} filled in.
_ANSWER_LINK_FINDINGS = {
    "link_empty": (ERROR, "de link '{url}' heeft geen woorden tussen [ en ]",
                   f"Zet tussen de blokhaken de woorden die de burger ziet, zoals {_WEB_EXAMPLE}."),
    "link_scheme": (ERROR, "de link '{url}' is geen https- of telefoonlink",
                    ("In een antwoord mogen alleen links naar een website (https://) of een telefoonnummer "
                    f"(tel:), zoals {_WEB_EXAMPLE} of {_TEL_EXAMPLE}; geen e-mail- of andere links.")),
    "link_http": (ERROR, "de link '{url}' begint met http:// in plaats van https://",
                  f"Schrijf https://, zoals {_WEB_EXAMPLE}."),
    "link_malformed": (ERROR, "de link '{url}' is niet goed geschreven",
                       (f"Schrijf een link als {_WEB_EXAMPLE} of {_TEL_EXAMPLE}: het hele adres met "
                       "https:// ervoor en zonder spaties, of tel: met alleen cijfers.")),
    "link_host": (ERROR, "de link '{url}' gaat naar {host}; daar mag een antwoord niet naar linken",
                  (f"Link alleen naar deze websites: {_HOSTS_NL}. Moet er een website bij? Vraag een "
                  "ontwikkelaar om hem toe te voegen aan LINK_HOSTS in bot/page.py.")),
    "link_tel_digits": (ERROR, "de link '{url}' belt een ander nummer dan er staat",
                        f"Zet tussen de blokhaken hetzelfde nummer als na tel:, zoals {_TEL_EXAMPLE}."),
    "link_syntax": (ERROR, "'{url}' lijkt op een link, maar is niet goed geschreven",
                    (f"Schrijf een link als {_WEB_EXAMPLE}: de woorden tussen [ ], direct daarna het adres "
                    "tussen ( ), zonder spatie ertussen. Gebruik [ en ] alleen voor links.")),
    "link_deep": (WARNING, "de link '{url}' gaat niet naar de beginpagina van de website",
                  ("Link naar de beginpagina (zoals https://www.comensha.nl), tenzij u zeker weet dat het "
                  "diepere adres bestaat en blijft bestaan. Verzin nooit een adres.")),
}


def _report_links(project: Project, place: str, line: int, problems: list[LinkProblem]) -> None:
    for problem in problems:
        if problem.kind == "malformed":
            project.add(ERROR, ANSWERS_FILE, place, f"de link '{problem.url}' is niet goed geschreven",
                        "Schrijf de link helemaal uit, zoals https://www.tweedekamer.nl/..., en probeer hem "
                        "in de browser.", line)
        elif problem.kind == "not_http":
            project.add(ERROR, ANSWERS_FILE, place, f"de link '{problem.url}' is geen webadres (http of https)",
                        "Gebruik alleen webadressen die met https:// beginnen; geen e-mail- of andere links. "
                        f"Een telefoonnummer schrijft u als {_TEL_EXAMPLE}.", line)
        elif problem.kind.startswith("link_"):
            level, what, fix = _ANSWER_LINK_FINDINGS[problem.kind]
            project.add(level, ANSWERS_FILE, place, what.format(url=problem.url, host=problem.host),
                        fix, line)
        elif problem.kind == "no_scheme":
            project.add(WARNING, ANSWERS_FILE, place, f"de link '{problem.url}' begint niet met https://",
                        "Zet https:// voor de link, of schrijf alleen de naam van de website (zoals comensha.nl).",
                        line)
        if problem.kind in ("not_allowed", "no_scheme") and problem.host and not _host_allowed(problem.host):
            project.add(WARNING, ANSWERS_FILE, place,
                        f"de link '{problem.url}' gaat naar {problem.host}, dat niet op de lijst met "
                        "vertrouwde websites staat",
                        "Controleer of de website klopt en betrouwbaar is. Zo ja: vraag een ontwikkelaar "
                        "hem toe te voegen aan ALLOWED_DOMAINS in bot/staff/check.py.", line)


def check_updated(project: Project, today: dt.date | None = None) -> None:
    """The `updated:` date staff set when they change an answer: a real date, not in the future."""
    raw = project.answers if isinstance(project.answers, Mapping) else {}
    value = raw.get("updated")
    if value is None:
        return
    try:
        updated = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return  # check_answers_schema reports a malformed date
    if updated > (today or dt.date.today()):
        project.add(ERROR, ANSWERS_FILE, "updated", f"de datum {updated:%d-%m-%Y} ligt in de toekomst",
                    "Zet bij `updated:` de datum van vandaag (JJJJ-MM-DD).", project.top_lines.get("updated", 0))
    project.updated = updated


def run_checks(root: Path) -> tuple[Project, list[Finding]]:
    """All checks on the project at ``root``; findings sorted errors first, then by place."""
    project = load_project(root)
    check_answers_schema(project)
    check_consistency(project)
    check_examples(project)
    check_heldout(project)
    check_answers(project)
    check_updated(project)
    findings = sorted(set(project.findings),
                      key=lambda f: (not f.is_error, f.file, f.line, f.where, f.problem))
    return project, findings


def summary(project: Project, findings: list[Finding], warnings_shown: bool = True) -> str:
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    counted = (f"{len(project.domain_intents or {})} intents, {len(project.topics)} antwoorden, "
               f"{len(project.examples or [])} voorbeeldvragen in {project.nlu_files} bestanden en "
               f"{project.rule_count} regels")
    where = "zie hierboven" if warnings_shown else "zie `make check`"
    extra = f" ({warnings} waarschuwing{'en' if warnings != 1 else ''}, {where})" if warnings else ""
    if errors:
        return (f"{errors} fout{'en' if errors != 1 else ''} gevonden{extra}. "
                "Los ze op en draai `make check` opnieuw.")
    stamp = (f" Antwoorden laatst bijgewerkt op {project.updated:%d-%m-%Y} (`updated:` in {ANSWERS_FILE})."
             if project.updated else "")
    return f"Alles in orde: {counted} gecontroleerd{extra}.{stamp}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Controleert de gegevens van de chatbot.")
    parser.add_argument("--project-dir", type=Path, default=ROOT,
                        help="map van het project (standaard: deze repository)")
    args = parser.parse_args(argv)
    project, findings = run_checks(args.project_dir.resolve())
    for finding in findings:
        print(finding)
    if findings:
        print()
    print(summary(project, findings))
    return 1 if any(f.is_error for f in findings) else 0


if __name__ == "__main__":
    sys.exit(main())
