"""The source page, split into its sections.

The page text lives in ``bot/content/page.txt`` (a copy of the Tweede Kamer page).
Headings are recognised by shape: a paragraph of one short line that does not end
like a sentence. That keeps the page file a plain copy that staff can paste in.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"
PAGE_FILE = CONTENT_DIR / "page.txt"

_MAX_HEADING_LENGTH = 120
_SENTENCE_ENDINGS = (".", ":", ";", "!", "’", "'")


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def title(self) -> str:
        """The heading as shown to readers (see ``display_text``)."""
        return display_text(self.heading)

    @property
    def anchor(self) -> str:
        """A stable id for the section on the web page, made from its heading."""
        return section_anchor(self.heading)


# The copied page has "Uitgelicht : Mensenhandel": Dutch puts no space before these.
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([:;?!])")


def display_text(text: str) -> str:
    """Text as shown on the web page: no stray space before punctuation.

    The page file and ``Section.heading`` keep the copied text unchanged, because the
    answers file names sections by it; only what readers see is tidied.
    """
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


def section_anchor(heading: str) -> str:
    """"Wat is mensenhandel?" -> "wat-is-mensenhandel": lower case, ASCII, hyphens."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", heading)
                    if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "sectie"


# The sites the page and the answers may link to (https only, exactly these hosts):
# the page's link phrases below and the `[tekst](https://...)` links of answers.yml
# (bot/content.py renders them, `make check` refuses any other host).
LINK_HOSTS = frozenset({
    "www.tweedekamer.nl",
    "debatdirect.tweedekamer.nl",
    "www.nationaalrapporteur.nl",
    "www.comensha.nl",
    "www.meldmisdaadanoniem.nl",
    "www.politie.nl",
    "www.nlarbeidsinspectie.nl",
    "www.kindertelefoon.nl",
})
# The id of the page's main content, which holds the title and introduction (bot/web.py):
# where a link to the introduction leads.
INTRO_ANCHOR = "inhoud"

# Link phrases of the page copy and where they lead. The copied page names no
# addresses, so each goes to the home page of the site meant: a deeper address is
# added only when it is certain (never guessed). https only, hosts from LINK_HOSTS;
# tests/unit/test_page.py checks both.
PAGE_LINKS: dict[str, tuple[str, str]] = {
    # phrase: (address, where it leads when the phrase does not say so, for screen readers)
    "via deze link": ("https://www.tweedekamer.nl/", "website van de Tweede Kamer"),
    "Debat Direct": ("https://debatdirect.tweedekamer.nl/", ""),
}


def _is_heading(paragraph: str) -> bool:
    return (
        "\n" not in paragraph
        and len(paragraph) <= _MAX_HEADING_LENGTH
        and not paragraph.endswith(_SENTENCE_ENDINGS)
        and not paragraph.startswith("•")
    )


def parse_sections(text: str) -> list[Section]:
    """Split page text into sections; the first line is the page title section."""
    paragraphs = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    sections: list[Section] = []
    heading: str | None = None
    body: list[str] = []
    for paragraph in paragraphs:
        if _is_heading(paragraph):
            if heading is not None:
                sections.append(Section(heading, tuple(body)))
            heading, body = paragraph, []
        elif heading is None:
            raise ValueError(f"page text starts with a paragraph, not a heading: {paragraph[:60]!r}")
        else:
            body.append(paragraph)
    if heading is not None:
        sections.append(Section(heading, tuple(body)))
    return sections


@lru_cache(maxsize=1)
def load_sections(path: Path = PAGE_FILE) -> tuple[Section, ...]:
    """The sections of the page file, read once per process."""
    return tuple(parse_sections(path.read_text(encoding="utf-8")))


def section_headings(path: Path = PAGE_FILE) -> list[str]:
    return [section.heading for section in load_sections(path)]
