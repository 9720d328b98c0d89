"""Copies of the project for the staff tools: they may break or extend the copy freely."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.staff import check

ROOT = Path(__file__).resolve().parents[2]
# Not part of the project itself: environments, build output, caches, local data.
_SKIP_TOP_LEVEL = {".venv", "models", "reports", "var", ".git", ".rasa", ".pytest_cache", ".ruff_cache",
                   "results"}


def _ignore(directory: str, names: list[str]) -> list[str]:
    skipped = [name for name in names if name == "__pycache__"]
    if Path(directory) == ROOT:
        skipped += [name for name in names if name in _SKIP_TOP_LEVEL]
    if Path(directory) == ROOT / "tests" / "browser":
        skipped += [name for name in names if name == "output"]
    return skipped


def copy_project(dest: Path) -> Path:
    """The whole project minus environments and generated files (enough to train and run it)."""
    shutil.copytree(ROOT, dest, ignore=_ignore)
    return dest


def copy_data(dest: Path) -> Path:
    """Only the files bot.staff.check reads: fast, for tests that do not train."""
    for rel in (*check.CHECKED_PATHS, "config.yml"):
        source = ROOT / rel
        if source.is_dir():
            shutil.copytree(source, dest / rel, ignore=_ignore)
        else:
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_data(tmp_path / "project")


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def add_examples(path: Path, intent: str, examples: list[str]) -> None:
    """Insert examples at the top of ``intent``'s examples block."""
    header = f"- intent: {intent}\n  examples: |\n"
    replace_in(path, header, header + "".join(f"    - {example}\n" for example in examples))


def set_answer(project_dir: Path, topic_id: str, text: str) -> None:
    """Replace the one-text (``answer: >-``) answer of a topic."""
    path = project_dir / check.ANSWERS_FILE
    source = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"(\n  {topic_id}:\n(?:    .*\n)*?    answer: >-\n)((?:      .*\n)+)")
    assert pattern.search(source), f"no one-text answer for {topic_id}"
    path.write_text(pattern.sub(lambda m: m.group(1) + f"      {text}\n", source, count=1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
