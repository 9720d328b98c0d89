"""The Dutch spaCy pipeline: the trained ``nl_core_news_sm`` when installed, else blank Dutch.

Only spaCy's tokenizer is used. The trained model's tagger, lemmatizer and
vectors would make accuracy depend on which of the two is installed, and the
model cannot be downloaded on every machine, so both are reduced to the same
rule-based Dutch tokenizer. Setup (``python -m bot.nlp``) tries the normal
install and otherwise saves the blank pipeline, saying so in one line.
"""
from __future__ import annotations

import subprocess
import sys
from functools import lru_cache
from pathlib import Path

TRAINED_MODEL = "nl_core_news_sm"
TRAINED_MODEL_VERSION = "3.4.0"
BLANK_PIPELINE_DIR = Path(sys.prefix) / "share" / "spacy-nl-blank"


def trained_model_installed() -> bool:
    import spacy.util

    return spacy.util.is_package(TRAINED_MODEL)


@lru_cache(maxsize=1)
def load_dutch_pipeline():  # -> tuple[spacy.language.Language, str]
    """The Dutch tokenizer pipeline, and a one-line description of which one it is.

    Cached: Rasa creates the component twice (model provider and featurizer node).
    """
    import spacy

    if trained_model_installed():
        nlp = spacy.load(TRAINED_MODEL, exclude=["tok2vec", "morphologizer", "tagger", "parser",
                                                  "lemmatizer", "senter", "attribute_ruler", "ner"])
        return nlp, f"{TRAINED_MODEL} {nlp.meta.get('version', '?')} (tokenizer only)"
    if BLANK_PIPELINE_DIR.exists():
        return spacy.load(BLANK_PIPELINE_DIR), f"blank Dutch pipeline ({TRAINED_MODEL} not installed)"
    return spacy.blank("nl"), f"blank Dutch pipeline, in memory ({TRAINED_MODEL} not installed)"


def setup() -> int:
    """Install the trained model the normal way; fall back to saving the blank pipeline."""
    import spacy

    if trained_model_installed():
        print(f"spaCy: {TRAINED_MODEL} is installed.")
        return 0
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "download", f"{TRAINED_MODEL}-{TRAINED_MODEL_VERSION}",
         "--direct", "--timeout", "15", "--retries", "0"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode == 0 and trained_model_installed():
        print(f"spaCy: installed {TRAINED_MODEL} {TRAINED_MODEL_VERSION}.")
        return 0
    BLANK_PIPELINE_DIR.parent.mkdir(parents=True, exist_ok=True)
    spacy.blank("nl").to_disk(BLANK_PIPELINE_DIR)
    print(f"spaCy: {TRAINED_MODEL} could not be installed (no route to its release host); "
          f"using spaCy's blank Dutch pipeline at {BLANK_PIPELINE_DIR}.")
    return 0


if __name__ == "__main__":
    sys.exit(setup())
