"""Report for the support staff: what the bot could not answer and which answers got a 👎.

    python -m bot.staff.report [--db-url URL] [--van YYYY-MM-DD] [--tot YYYY-MM-DD] [--out reports/rapport]

Reads the tracker store (Rasa's ``events`` table; SQLite locally, PostgreSQL in
production) and writes into the ``--out`` folder:

- ``rapport.md`` and ``rapport.html`` (self-contained: charts embedded as data: URIs);
- ``onbeantwoord.csv``: one row per group of similar unanswered messages;
- ``duim_omlaag.csv``: one row per answer rated 👎;
- ``onbeantwoord.png`` and ``onderwerpen_per_dag.png``: the two charts.

CSV files use ";" and UTF-8 with a byte order mark so a Dutch Excel opens them
in columns.

Unanswered: a user message whose intent was ``nlu_fallback`` or ``out_of_scope``,
or whose reply was the out-of-scope or "Bedoelt u…?" text; when the citizen then
picks "Iets anders" (intent ``something_else``), the question before it counts
as unanswered too. Rated 👎: the bot answer just before a ``feedback_negative``.

Grouping: the normalised text without common Dutch function words ("wat is
het", "hoe", "ik", ...), as TF-IDF on character n-grams (2-4, within words);
then a greedy pass: messages, most frequent first, join the group whose first
message is most similar if the cosine similarity is >= ``GROUP_THRESHOLD``,
else start a group. Character n-grams cope with typos and Dutch compounds
("weerbericht" / "weer"); dropping function words stops "wat is het recept voor
appeltaart" and "wat is het weer" from looking alike. The greedy pass is
deterministic, needs no number of clusters and is linear in the groups.

Messages are already redacted before storage (bot/channel.py); everything written
here goes through ``bot.pii.redact`` again as a second net.
"""
from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import html
import json
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from bot.content import ANSWERS_FILE, Content, load_content
from bot.pii import redact
from bot.staff.check import normalise
from bot.text import has_readable_content

DEFAULT_DB_URL = "sqlite:///var/conversations.db"
DB_URL_ENV = "BOT_TRACKER_DB_URL"
DEFAULT_OUT = Path("reports/rapport")
GROUP_THRESHOLD = 0.5
# Events this long before --van are read as context (the answer a 👎 refers to);
# sessions expire after 30 minutes, so an hour is enough.
CONTEXT_S = 3600
TOP_THEMES = 10
TOP_TOPICS = 8

# Words that say little about the theme of a question (kept short on purpose).
_FUNCTION_WORDS = frozenset({
    "aan", "al", "als", "ben", "bent", "bij", "dan", "dat", "de", "deze", "die", "dit", "een", "en", "er",
    "geen", "graag", "heb", "hebt", "heeft", "het", "hoe", "ik", "in", "is", "je", "jij", "jullie", "kan",
    "kun", "kunt", "maar", "me", "mag", "mij", "mijn", "moet", "naar", "niet", "nog", "nu", "of", "om",
    "ook", "op", "over", "te", "toch", "u", "van", "voor", "waar", "wanneer", "wat", "welk", "welke",
    "wel", "wie", "wordt", "worden", "zijn", "zo", "aub", "eens",
})

FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
SOMETHING_ELSE = "something_else"
FEEDBACK_NEGATIVE = "feedback_negative"
LAST_TOPIC_SLOT = "last_topic"

REASON_UNCLEAR = "niet begrepen ('Bedoelt u…?' getoond)"
REASON_OUT_OF_SCOPE = "buiten het onderwerp"
REASON_REJECTED = "suggesties afgewezen ('Iets anders')"

NO_CONVERSATIONS = "Geen gesprekken in deze periode."
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")

FILES = {
    "md": "rapport.md",
    "html": "rapport.html",
    "groups_csv": "onbeantwoord.csv",
    "rated_csv": "duim_omlaag.csv",
    "themes_png": "onbeantwoord.png",
    "topics_png": "onderwerpen_per_dag.png",
}


def safe(text: object) -> str:
    """Redacted, single-line text: the second net before anything is written."""
    return redact(" ".join(str(text or "").split())).text


def counted(number: int, one: str, more: str) -> str:
    return f"{number} {one if number == 1 else more}"


def describe(analysis: Analysis, answered: int | None = None) -> str:
    """ "3 gesprekken, 5 onbeantwoorde berichten in 2 thema's, 1 antwoord met 👎." """
    parts = [counted(analysis.conversations, "gesprek", "gesprekken")]
    if answered is not None:
        parts.append(counted(answered, "beantwoorde vraag", "beantwoorde vragen"))
    parts.append(counted(len(analysis.unanswered), "onbeantwoord bericht", "onbeantwoorde berichten") + " in "
                 + counted(len(analysis.groups), "thema", "thema's"))
    parts.append(counted(len(analysis.rated), "antwoord", "antwoorden") + " met 👎")
    return ", ".join(parts) + "."


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# -- reading the store -------------------------------------------------------------------

@dataclass
class Turn:
    """One user message and what the bot did with it."""

    sender: str
    timestamp: float
    text: str
    intent: str | None
    replies: list[str] = field(default_factory=list)
    slot_topic: str | None = None
    topic: str | None = None

    @property
    def day(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.timestamp).date()

    @property
    def is_payload(self) -> bool:
        return self.text.startswith("/")

    @property
    def is_question(self) -> bool:
        """A button payload or an empty/emoji-only message is no question left unanswered."""
        return not self.is_payload and has_readable_content(self.text)


def _sqlite_file(db_url: str) -> Path | None:
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database)
    return None


def read_turns(db_url: str, start: float | None, end: float | None) -> list[Turn]:
    """Every user message from ``start - CONTEXT_S`` to ``end`` with the bot's replies, per conversation."""
    sqlite_file = _sqlite_file(db_url)
    if sqlite_file is not None and not sqlite_file.exists():
        # create_engine would create an empty database file; there is simply nothing to read.
        return []
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return []
            query = ("SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
                     "WHERE type_name IN ('user', 'bot', 'slot')")
            params: dict[str, float] = {}
            if start is not None:
                query += " AND timestamp >= :start"
                params["start"] = start - CONTEXT_S
            if end is not None:
                query += " AND timestamp < :end"
                params["end"] = end
            query += " ORDER BY sender_id, timestamp, id"
            rows = connection.execute(sa.text(query), params).fetchall()
    finally:
        engine.dispose()

    turns: list[Turn] = []
    current: dict[str, Turn] = {}
    for sender, type_name, timestamp, intent_name, action_name, raw in rows:
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        if type_name == "user":
            intent = intent_name or ((data.get("parse_data") or {}).get("intent") or {}).get("name")
            turn = Turn(sender, float(timestamp or 0), str(data.get("text") or ""), intent)
            turns.append(turn)
            current[sender] = turn
        elif sender in current and type_name == "bot":
            current[sender].replies.append(str(data.get("text") or ""))
        elif sender in current and type_name == "slot" and (action_name or data.get("name")) == LAST_TOPIC_SLOT:
            current[sender].slot_topic = data.get("value")
    return turns


# -- analysis ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Unanswered:
    turn: Turn
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Rated:
    turn: Turn  # the 👎 message
    question: Turn | None
    answer: str
    topic: str | None


@dataclass
class Group:
    messages: list[Unanswered]

    @property
    def count(self) -> int:
        return len(self.messages)

    @property
    def example(self) -> str:
        texts = Counter(m.turn.text for m in self.messages)
        return min(texts, key=lambda text: (-texts[text], len(text), text))

    @property
    def reasons(self) -> Counter:
        return Counter(reason for m in self.messages for reason in m.reasons)

    def variants(self, limit: int = 3) -> list[str]:
        seen, found = {normalise(self.example)}, []
        for message in self.messages:
            key = normalise(message.turn.text)
            if key not in seen:
                seen.add(key)
                found.append(message.turn.text)
            if len(found) == limit:
                break
        return found


@dataclass
class Analysis:
    conversations: int
    unanswered: list[Unanswered]
    groups: list[Group]
    rated: list[Rated]
    # topic id -> day -> number of answered questions
    answered: dict[str, Counter]
    first_day: dt.date | None
    last_day: dt.date | None


def _starts_with(reply: str, known: str) -> bool:
    reply, known = " ".join(reply.split()), " ".join(known.split())
    return bool(known) and reply.startswith(known[:60])


def _texts(content: Content, topic_id: str) -> list[str]:
    if topic_id not in content.topics:
        return []
    answer = content.topics[topic_id].answer
    return [answer] if isinstance(answer, str) else list(answer.values())


def analyse(turns: list[Turn], content: Content, start: float | None, end: float | None) -> Analysis:
    out_of_scope_texts = _texts(content, OUT_OF_SCOPE)
    fallback_texts = _texts(content, "fallback")
    # Replies that are not an answer to a question: a 👎 never rates these.
    not_answers = [text for topic_id in ("feedback_positive", "feedback_negative", "personal_data_notice",
                                          "technical_error", "empty_message")
                   for text in _texts(content, topic_id)]
    question_topics = {t.topic_id for t in content.topics.values() if t.answers_a_question}

    def in_range(turn: Turn) -> bool:
        return (start is None or turn.timestamp >= start) and (end is None or turn.timestamp < end)

    reasons: dict[int, list[str]] = defaultdict(list)
    rated: list[Rated] = []
    answered: dict[str, Counter] = defaultdict(Counter)
    by_sender: dict[str, list[Turn]] = defaultdict(list)
    for turn in turns:
        by_sender[turn.sender].append(turn)

    for conversation in by_sender.values():
        last_topic: str | None = None
        for index, turn in enumerate(conversation):
            replies_out_of_scope = any(_starts_with(r, t) for r in turn.replies for t in out_of_scope_texts)
            replies_unclear = any(_starts_with(r, t) for r in turn.replies for t in fallback_texts)
            if turn.slot_topic:
                last_topic = turn.slot_topic
            if turn.intent in question_topics:
                turn.topic = turn.slot_topic or turn.intent
            elif turn.intent in content.followups:
                turn.topic = turn.slot_topic or last_topic
            if not in_range(turn):
                continue
            if turn.intent == OUT_OF_SCOPE or replies_out_of_scope:
                reasons[id(turn)].append(REASON_OUT_OF_SCOPE)
            elif turn.intent == FALLBACK_INTENT or replies_unclear:
                reasons[id(turn)].append(REASON_UNCLEAR)
            elif turn.intent == SOMETHING_ELSE:
                # "Iets anders": the question before it was not answered.
                target = conversation[index - 1] if index > 0 else turn
                reasons[id(target)].append(REASON_REJECTED)
            elif turn.intent == FEEDBACK_NEGATIVE:
                rated.append(_rated(conversation, index, not_answers))
            elif turn.topic and turn.topic in question_topics:
                answered[turn.topic][turn.day] += 1

    by_id = {id(turn): turn for turn in turns}
    unanswered = [Unanswered(by_id[key], tuple(dict.fromkeys(found))) for key, found in reasons.items()
                  if by_id[key].is_question]
    unanswered.sort(key=lambda u: u.turn.timestamp)
    in_period = [turn for turn in turns if in_range(turn)]
    days = sorted(turn.day for turn in in_period)
    return Analysis(
        conversations=len({turn.sender for turn in in_period}),
        unanswered=unanswered,
        groups=group_messages(unanswered),
        rated=rated,
        answered=dict(answered),
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
    )


def _rated(conversation: list[Turn], index: int, not_answers: list[str]) -> Rated:
    """The answer just before the 👎 at ``conversation[index]`` and the question it answered."""
    for earlier in reversed(conversation[:index]):
        answers = [r for r in earlier.replies if r and not any(_starts_with(r, t) for t in not_answers)]
        if answers:
            return Rated(conversation[index], earlier, answers[-1], earlier.topic or earlier.intent)
    return Rated(conversation[index], None, "", None)


def theme_words(text: str) -> str:
    """The words of a message that carry its theme (all words if that leaves none)."""
    words = normalise(text).split()
    return " ".join(word for word in words if word not in _FUNCTION_WORDS) or " ".join(words)


def group_messages(messages: list[Unanswered], threshold: float = GROUP_THRESHOLD) -> list[Group]:
    """Similar messages together; see the module docstring for the method."""
    if not messages:
        return []
    by_text: dict[str, list[Unanswered]] = defaultdict(list)
    for message in messages:
        by_text[theme_words(message.turn.text)].append(message)
    texts = sorted(by_text, key=lambda text: (-len(by_text[text]), len(text), text))
    groups: list[Group] = []
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(texts)
    except ValueError:
        # No letters at all (only punctuation or emoji): group identical texts only.
        return [Group(list(by_text[text])) for text in texts]
    leaders: list[int] = []
    for index, text in enumerate(texts):
        if leaders:
            similarities = (vectors[leaders] @ vectors[index].T).toarray().ravel()
            best = int(similarities.argmax())
            if similarities[best] >= threshold:
                groups[best].messages.extend(by_text[text])
                continue
        leaders.append(index)
        groups.append(Group(list(by_text[text])))
    groups.sort(key=lambda group: -group.count)
    return groups


# -- charts -----------------------------------------------------------------------------------

def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _short(text: str, limit: int = 45) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def themes_chart(groups: list[Group], path: Path) -> None:
    plt = _plt()
    top = groups[:TOP_THEMES]
    labels = [_short(safe(group.example)) for group in top][::-1]
    counts = [group.count for group in top][::-1]
    figure, axes = plt.subplots(figsize=(9, 1.2 + 0.45 * len(top)))
    axes.barh(labels, counts, color="#2b6cb0")
    axes.set_title("Meest voorkomende onbeantwoorde vragen (per thema)")
    axes.set_xlabel("Aantal berichten")
    axes.xaxis.get_major_locator().set_params(integer=True)
    for y, count in enumerate(counts):
        axes.text(count, y, f" {count}", va="center")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def topics_chart(answered: Mapping[str, Counter], content: Content, first: dt.date, last: dt.date,
                 path: Path) -> None:
    plt = _plt()
    totals = Counter({topic: sum(days.values()) for topic, days in answered.items()})
    top = [topic for topic, _ in totals.most_common(TOP_TOPICS)]
    # Per day up to two months, per week beyond that, so the bars stay readable.
    weekly = (last - first).days > 62

    def bucket(day: dt.date) -> dt.date:
        return day - dt.timedelta(days=day.weekday()) if weekly else day

    buckets = sorted({bucket(first + dt.timedelta(days=n)) for n in range((last - first).days + 1)})
    series: dict[str, list[int]] = {}
    for topic in top:
        counts = Counter()
        for day, count in answered[topic].items():
            counts[bucket(day)] += count
        series[content.topics[topic].title if topic in content.topics else topic] = [counts[b] for b in buckets]
    rest = Counter()
    for topic, days in answered.items():
        if topic not in top:
            for day, count in days.items():
                rest[bucket(day)] += count
    if rest:
        series["Overige onderwerpen"] = [rest[b] for b in buckets]

    figure, axes = plt.subplots(figsize=(max(8, min(16, 0.35 * len(buckets) + 6)), 5))
    positions = range(len(buckets))
    bottom = [0] * len(buckets)
    colours = plt.get_cmap("tab10")
    for number, (label, values) in enumerate(series.items()):
        axes.bar(positions, values, bottom=bottom, width=0.6, label=_short(label, 50), color=colours(number % 10))
        bottom = [b + v for b, v in zip(bottom, values)]
    step = max(1, len(buckets) // 15)
    axes.set_xticks(list(positions)[::step])
    axes.set_xticklabels([f"{b.day}-{b.month}" for b in buckets][::step], rotation=45, ha="right")
    axes.set_title("Beantwoorde vragen per onderwerp per " + ("week" if weekly else "dag"))
    axes.set_xlabel("Week (begint op maandag)" if weekly else "Datum")
    axes.set_ylabel("Aantal vragen")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


# -- writing ---------------------------------------------------------------------------------

def _topic_title(content: Content, topic: str | None) -> str:
    if topic and topic in content.topics:
        return content.topics[topic].title
    return topic or "onbekend"


def _when(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp).strftime("%d-%m-%Y %H:%M")


def _md(text: object) -> str:
    return safe(text).replace("|", "\\|")


def csv_cell(value: object) -> str:
    """Redacted text that a spreadsheet shows as text: citizens' words must never run as a formula."""
    text = safe(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _write_csv(path: Path, header: list[str], rows: Iterable[list[object]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])


INTRO_UNANSWERED = ("Berichten waar de bot geen antwoord op had, gegroepeerd op gelijkenis. Vaak gestelde "
                    "vragen zijn kandidaten voor een nieuw onderwerp of voor extra voorbeeldvragen")
GROUP_HEADER = ["thema", "aantal", "voorbeeld", "reden", "andere_formuleringen", "eerste", "laatste"]
RATED_HEADER = ["datum", "onderwerp", "vraag", "antwoord"]


def _group_rows(groups: list[Group]) -> list[list[object]]:
    rows = []
    for number, group in enumerate(groups, start=1):
        times = [m.turn.timestamp for m in group.messages]
        rows.append([number, group.count, group.example,
                     ", ".join(f"{reason} ({count})" for reason, count in group.reasons.most_common()),
                     " / ".join(group.variants()), _when(min(times)), _when(max(times))])
    return rows


def _rated_rows(rated: list[Rated], content: Content) -> list[list[object]]:
    return [[_when(r.turn.timestamp), _topic_title(content, r.topic),
             r.question.text if r.question else "", r.answer or "(geen antwoord gevonden)"] for r in rated]


def _period(van: dt.date | None, tot: dt.date | None, analysis: Analysis | None) -> str:
    first = van or (analysis.first_day if analysis else None)
    last = tot or (analysis.last_day if analysis else None)
    if first and last:
        return f"{dutch_date(first)} t/m {dutch_date(last)}"
    if first:
        return f"vanaf {dutch_date(first)}"
    if last:
        return f"tot en met {dutch_date(last)}"
    return "alle opgeslagen gesprekken"


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def write_report(out: Path, analysis: Analysis, content: Content, period: str) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {key: out / name for key, name in FILES.items()}
    for key in ("themes_png", "topics_png"):
        paths[key].unlink(missing_ok=True)  # no stale chart from an earlier run
    empty = analysis.conversations == 0

    group_rows = _group_rows(analysis.groups)
    rated_rows = _rated_rows(analysis.rated, content)
    _write_csv(paths["groups_csv"], GROUP_HEADER, group_rows)
    _write_csv(paths["rated_csv"], RATED_HEADER, rated_rows)
    if analysis.groups:
        themes_chart(analysis.groups, paths["themes_png"])
    if analysis.answered and analysis.first_day and analysis.last_day:
        topics_chart(analysis.answered, content, analysis.first_day, analysis.last_day, paths["topics_png"])

    answered_total = sum(sum(days.values()) for days in analysis.answered.values())
    summary = (NO_CONVERSATIONS if empty else
               describe(analysis, answered_total))

    md = [f"# Rapport chatbot Mensenhandel: {period}", "", summary, ""]
    if not empty:
        md += ["## Onbeantwoorde vragen per thema", ""]
        if group_rows:
            md += [INTRO_UNANSWERED + " (`make nieuw-onderwerp`).", ""]
            if paths["themes_png"].exists():
                md += [f"![Meest voorkomende onbeantwoorde vragen]({FILES['themes_png']})", ""]
            md += ["| Thema | Aantal | Voorbeeld | Reden | Andere formuleringen |", "|---|---|---|---|---|"]
            md += [f"| {r[0]} | {r[1]} | {_md(r[2])} | {_md(r[3])} | {_md(r[4])} |" for r in group_rows]
        else:
            md.append("Geen onbeantwoorde vragen.")
        md += ["", "## Antwoorden met 👎", ""]
        if rated_rows:
            md += ["| Datum | Onderwerp | Vraag | Antwoord |", "|---|---|---|---|"]
            md += [f"| {_md(r[0])} | {_md(r[1])} | {_md(r[2])} | {_md(r[3])} |" for r in rated_rows]
        else:
            md.append("Geen antwoorden met 👎.")
        md += ["", "## Beantwoorde vragen per onderwerp", ""]
        if paths["topics_png"].exists():
            md += [f"![Beantwoorde vragen per onderwerp]({FILES['topics_png']})", ""]
            totals = Counter({t: sum(d.values()) for t, d in analysis.answered.items()})
            md += ["| Onderwerp | Aantal |", "|---|---|"]
            md += [f"| {_md(_topic_title(content, t))} | {n} |" for t, n in totals.most_common()]
        else:
            md.append("Geen beantwoorde vragen.")
    md += ["", f"Tabellen: `{FILES['groups_csv']}` (per thema) en `{FILES['rated_csv']}` (per antwoord met 👎).", ""]
    paths["md"].write_text("\n".join(md), encoding="utf-8")
    paths["html"].write_text(_html(analysis, content, period, summary, group_rows, rated_rows, paths),
                             encoding="utf-8")
    return paths


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(safe(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(analysis: Analysis, content: Content, period: str, summary: str, group_rows: list[list[object]],
          rated_rows: list[list[object]], paths: dict[str, Path]) -> str:
    parts = [f"<h1>Rapport chatbot Mensenhandel</h1><p class='periode'>Periode: {html.escape(period)}</p>",
             f"<p>{html.escape(summary)}</p>"]
    if analysis.conversations:
        parts.append("<h2>Onbeantwoorde vragen per thema</h2>")
        if group_rows:
            parts.append(f"<p>{html.escape(INTRO_UNANSWERED)}.</p>")
            if paths["themes_png"].exists():
                parts.append(f"<img src='{_data_uri(paths['themes_png'])}' "
                             "alt='Staafdiagram: meest voorkomende onbeantwoorde vragen per thema'>")
            parts.append(_table(["Thema", "Aantal", "Voorbeeld", "Reden", "Andere formuleringen"],
                                [row[:5] for row in group_rows]))
        else:
            parts.append("<p>Geen onbeantwoorde vragen.</p>")
        parts.append("<h2>Antwoorden met 👎</h2>")
        parts.append(_table(["Datum", "Onderwerp", "Vraag", "Antwoord"], rated_rows) if rated_rows
                     else "<p>Geen antwoorden met 👎.</p>")
        parts.append("<h2>Beantwoorde vragen per onderwerp</h2>")
        if paths["topics_png"].exists():
            parts.append(f"<img src='{_data_uri(paths['topics_png'])}' "
                         "alt='Staafdiagram: beantwoorde vragen per onderwerp per dag'>")
            totals = Counter({t: sum(d.values()) for t, d in analysis.answered.items()})
            parts.append(_table(["Onderwerp", "Aantal"],
                                [[_topic_title(content, t), n] for t, n in totals.most_common()]))
        else:
            parts.append("<p>Geen beantwoorde vragen.</p>")
    style = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1a202c}"
             "table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #cbd5e0;"
             "padding:.4rem;text-align:left;vertical-align:top}th{background:#edf2f7}img{max-width:100%}"
             ".periode{color:#4a5568}")
    # The CSP makes "no external resources" a property of the page, not a promise.
    return ("<!DOCTYPE html><html lang='nl'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            f"<title>Rapport chatbot Mensenhandel: {html.escape(period)}</title><style>{style}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


# -- the command ---------------------------------------------------------------------------------

def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{option} '{value}' is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2026-11-01.") from error


def _epoch(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time()).timestamp()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rapport: vragen die de chatbot niet kon beantwoorden en antwoorden met een duim omlaag.")
    parser.add_argument("--db-url", default=os.environ.get(DB_URL_ENV, DEFAULT_DB_URL),
                        help=f"gesprekkenopslag (standaard {DEFAULT_DB_URL})")
    parser.add_argument("--van", help="eerste dag, JJJJ-MM-DD (standaard: vanaf het begin)")
    parser.add_argument("--tot", help="laatste dag (telt mee), JJJJ-MM-DD (standaard: tot nu)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"map voor het rapport (standaard {DEFAULT_OUT})")
    parser.add_argument("--antwoorden", type=Path, default=ANSWERS_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        van, tot = _date(args.van, "--van"), _date(args.tot, "--tot")
        if van and tot and van > tot:
            raise ValueError("--van ligt na --tot; draai ze om.")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    start = _epoch(van) if van else None
    end = _epoch(tot + dt.timedelta(days=1)) if tot else None

    content = load_content(args.antwoorden)
    sqlite_file = _sqlite_file(args.db_url)
    if sqlite_file is not None and not sqlite_file.exists():
        print(f"Let op: {sqlite_file} bestaat niet; er zijn dus geen gesprekken opgeslagen.")
    try:
        turns = read_turns(args.db_url, start, end)
    except sa.exc.SQLAlchemyError as error:
        print(f"De gesprekkenopslag is niet te lezen ({type(error).__name__}). Controleer --db-url.",
              file=sys.stderr)
        return 1
    analysis = analyse(turns, content, start, end)
    period = _period(van, tot, analysis)
    paths = write_report(args.out, analysis, content, period)
    if analysis.conversations == 0:
        print(f"{NO_CONVERSATIONS} ({period})")
    else:
        print(f"Rapport over {period}: {describe(analysis)}")
        for number, group in enumerate(analysis.groups[:5], start=1):
            print(f"  {number}. {safe(group.example)} ({group.count}x)")
    print("Geschreven: " + ", ".join(str(p) for p in paths.values() if p.exists()))
    print(f"Open {paths['html']} in de browser" + (" voor het overzicht met grafieken." if analysis.conversations else "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
