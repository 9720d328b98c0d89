"""The NLU training examples in ``data/nlu``, read without Rasa."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import yaml

NLU_DIR = Path(__file__).resolve().parents[1] / "data" / "nlu"
NON_DUTCH_INTENT = "non_dutch"


def training_examples(folder: Path = NLU_DIR) -> Iterator[tuple[str, str]]:
    """(intent, example) for every example of every NLU file under ``folder``."""
    for path in sorted(folder.glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []) or []:
            if "intent" in block:
                for line in str(block.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        yield str(block["intent"]), line.strip()[2:].strip()
