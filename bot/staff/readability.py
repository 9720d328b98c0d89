"""How easy an answer is to read: words per sentence, long words and Flesch-Douma.

B1 Dutch (the level most Dutch adults read comfortably) roughly means short
sentences and few long words. The figures here are what `make check` enforces
(``MAX_AVERAGE_WORDS``, ``MAX_SENTENCE_WORDS``) and what `python -m
bot.staff.readability` lists per answer for staff.

Names do not make a sentence harder to read for someone who asked about them, so
words written with a capital inside a sentence ("Afdeling Vreemdelingenpolitie,
Identificatie en Mensenhandel") do not count towards the longest sentence.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.content import ANSWERS_FILE, load_content, shown_text

MAX_AVERAGE_WORDS = 15.0
MAX_SENTENCE_WORDS = 20
# Three or more syllables: a long word.
LONG_WORD_SYLLABLES = 3

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'‘“(]?[A-Z0-9À-Ý])")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# Dutch vowel groups that are one syllable ("ij", "oe", "eeu", ...), longest first.
_VOWEL_GROUP = re.compile(r"eeuw|ieuw|aai|ooi|oei|ij|ei|oe|au|ou|ui|eu|ie|ee|oo|aa|uu|[aeiouyàáâäèéêëìíîïòóôöùúûü]")


@dataclass(frozen=True)
class Readability:
    sentences: int
    words: int
    # Words of the longest sentence, names not counted.
    longest_sentence: int
    long_words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(self.sentences, 1)

    @property
    def long_word_share(self) -> float:
        return self.long_words / max(self.words, 1)

    @property
    def flesch_douma(self) -> float:
        """206.84 - 0.77 x syllables per 100 words - 0.93 x words per sentence; 60-70 reads easily."""
        return 206.84 - 0.77 * (100 * self.syllables / max(self.words, 1)) - 0.93 * self.words_per_sentence

    @property
    def is_b1(self) -> bool:
        return self.words_per_sentence <= MAX_AVERAGE_WORDS and self.longest_sentence <= MAX_SENTENCE_WORDS


def syllables(word: str) -> int:
    return max(1, len(_VOWEL_GROUP.findall(word.lower())))


def sentences(text: str) -> list[str]:
    """The sentences of an answer; each line of a list ("- ...") is one of its own."""
    return [part for line in text.splitlines() for part in _SENTENCE_END.split(" ".join(line.split()))
            if part.strip()]


def _counted_words(sentence: str) -> int:
    words = _WORD.findall(sentence)
    # The first word is capitalised anyway; later capitalised words are names.
    return sum(1 for index, word in enumerate(words) if index == 0 or not word[0].isupper())


def measure(text: str) -> Readability:
    parts = sentences(text)
    words = _WORD.findall(text)
    counts = [syllables(word) for word in words]
    return Readability(
        sentences=len(parts),
        words=len(words),
        longest_sentence=max((_counted_words(part) for part in parts), default=0),
        long_words=sum(count >= LONG_WORD_SYLLABLES for count in counts),
        syllables=sum(counts),
    )


def answer_texts(path: Path = ANSWERS_FILE) -> Iterator[tuple[str, str]]:
    """(name, text) for every answer citizens read, one per debate version, each link as
    its words (``bot.content.shown_text``)."""
    content = load_content(path)
    for topic in content.topics.values():
        answer = topic.markup if topic.markup is not None else topic.answer
        if isinstance(answer, str):
            yield topic.topic_id, shown_text(answer)
        else:
            for phase, text in answer.items():
                yield f"{topic.topic_id} ({phase})", shown_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Leesbaarheid van elk antwoord (B1).")
    parser.parse_args(argv)
    rows = [(name, measure(text)) for name, text in answer_texts()]
    print(f"{'antwoord':<38} {'zinnen':>6} {'woorden/zin':>11} {'langste zin':>11} {'lange woorden':>13} "
          f"{'Flesch-Douma':>12}")
    for name, figures in sorted(rows, key=lambda row: -row[1].words_per_sentence):
        mark = "" if figures.is_b1 else "  ⚠ boven B1"
        print(f"{name:<38} {figures.sentences:>6} {figures.words_per_sentence:>11.1f} "
              f"{figures.longest_sentence:>11} {figures.long_word_share:>12.0%} {figures.flesch_douma:>12.0f}{mark}")
    words = sum(figures.words for _, figures in rows)
    count = sum(figures.sentences for _, figures in rows)
    print(f"\nGemiddeld {words / max(count, 1):.1f} woorden per zin over {len(rows)} antwoorden; "
          f"grenzen: gemiddeld hoogstens {MAX_AVERAGE_WORDS:.0f}, geen zin boven {MAX_SENTENCE_WORDS} woorden.")
    return 0 if all(figures.is_b1 for _, figures in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
