"""The source page, split into its sections.

The page text lives in ``bot/content/page.txt`` (a copy of the Tweede Kamer page).
Headings are recognised by shape: a paragraph of one short line that does not end
like a sentence. That keeps the page file a plain copy that staff can paste in.
"""
from __future__ import annotations

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
