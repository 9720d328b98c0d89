"""The intent classifier's model: TF-IDF n-grams and a linear SVM, without Rasa.

Why not DIET: on this bot's data (about 3,000 sentences, 40 intents, many of them
a handful of words) a linear model on character and word n-grams recognised more
sentences in grouped 5-fold cross-validation than DIET did (docs/understanding.md
has the figures), trains in seconds instead of minutes, and gives the same result
on every run. ``bot.rasa_components.LinearIntentClassifier`` puts it in the pipeline.

Two features besides the n-grams, both for the short messages that cost most errors:
negation marks ("niet wijzer" is the opposite of "wijzer": words after "niet",
"geen", ... get a ``niet_`` prefix), and the share of words no on-topic training
sentence uses ("hoe laat komt de postbode" is out of scope because of "postbode").

Confidences: the SVM's scores are calibrated into probabilities with Platt scaling
on internal folds (``CalibratedClassifierCV``), so the FallbackClassifier's
threshold means what it says ("below 0.4: ask").
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from bot.text import fold

# Character n-grams inside words carry typos, missing accents and split compounds
# ("mensen handel", "arbeidsuitbuting"); word pairs carry the meaning ("welke zaal").
CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
# Regularisation of the SVM; 1.0 was best of 0.3 / 0.5 / 1.0 in cross-validation.
SVM_C = 1.0
# Internal folds for the probability calibration; an intent needs at least this many examples.
CALIBRATION_FOLDS = 3
RANDOM_SEED = 42
# Words that turn the meaning of the next few words around, and how far that reaches.
NEGATIONS = frozenset({"niet", "geen", "niks", "niets", "nergens", "nooit", "weinig"})
NEGATION_REACH = 3
# Intents whose sentences are about anything but this bot's subject: their words do
# not count as on-topic vocabulary.
OFF_TOPIC_INTENTS = frozenset({"out_of_scope", "non_dutch"})
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def negation_marked(text: str) -> str:
    """Folded text with the words after a negation marked: "dit helpt niet echt" -> "... niet niet_echt"."""
    marked: list[str] = []
    reach = 0
    for token in _TOKEN.findall(fold(text)):
        if token in NEGATIONS:
            marked.append(token)
            reach = NEGATION_REACH
        elif not token[0].isalnum():
            # Punctuation ends the negation's reach.
            marked.append(token)
            reach = 0
        else:
            marked.append(f"niet_{token}" if reach else token)
            reach = max(0, reach - 1)
    return " ".join(marked)


class UnknownWords(BaseEstimator, TransformerMixin):
    """Three numbers per text: share and number (up to 3) of words no on-topic sentence uses, and "very short".

    While training, a sentence's own words are left out of the vocabulary it is
    measured against; otherwise every on-topic training sentence would score 0 and
    the model would learn that any unknown word means "out of scope".
    """

    def fit(self, texts: Sequence[str], intents: Sequence[str] | None = None) -> UnknownWords:
        self.document_frequency_ = Counter()
        for text, intent in zip(texts, intents if intents is not None else [None] * len(texts)):
            if intent not in OFF_TOPIC_INTENTS:
                self.document_frequency_.update(set(_WORD.findall(fold(text))))
        return self

    def fit_transform(self, texts: Sequence[str], intents: Sequence[str] | None = None, **_: object) -> sparse.csr_matrix:
        self.fit(texts, intents)
        own = [1 if intents is not None and intent not in OFF_TOPIC_INTENTS else 0
               for intent in (intents if intents is not None else [None] * len(texts))]
        return self._features(texts, own)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return self._features(texts, [0] * len(texts))

    def _features(self, texts: Sequence[str], own: Sequence[int]) -> sparse.csr_matrix:
        rows = []
        for text, counted_self in zip(texts, own):
            words = set(_WORD.findall(fold(text)))
            unknown = sum(1 for word in words if self.document_frequency_[word] - counted_self <= 0)
            rows.append([unknown / max(len(words), 1), min(unknown, 3) / 3, 1.0 if len(words) <= 2 else 0.0])
        return sparse.csr_matrix(np.array(rows, dtype=float).reshape(len(rows), 3))


@dataclass(frozen=True)
class RankedIntent:
    name: str
    confidence: float


def build_model() -> Pipeline:
    """An untrained model: folded text in, calibrated intent probabilities out."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, preprocessor=fold),
        TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True, preprocessor=negation_marked,
                        token_pattern=r"(?u)\b\w+\b"),
        UnknownWords(),
    )
    classifier = CalibratedClassifierCV(LinearSVC(C=SVM_C, random_state=RANDOM_SEED), cv=CALIBRATION_FOLDS,
                                        method="sigmoid", ensemble=False)
    return Pipeline([("features", features), ("classifier", classifier)])


def train(texts: Sequence[str], intents: Sequence[str]) -> Pipeline:
    """A model trained on ``texts`` labelled with ``intents`` (same length, at least two intents)."""
    if len(texts) != len(intents):
        raise ValueError(f"{len(texts)} texts but {len(intents)} intents")
    if len(set(intents)) < 2:
        raise ValueError("at least two intents are needed to train a classifier")
    # CalibratedClassifierCV counts examples per class with ``y == class``: it needs an array.
    return build_model().fit(list(texts), np.asarray(intents, dtype=object))


def rank(model: Pipeline, texts: Sequence[str], limit: int = 10) -> list[list[RankedIntent]]:
    """Per text, the ``limit`` likeliest intents, most likely first (confidences sum to at most 1)."""
    if not texts:
        return []
    names = model.classes_
    rankings = []
    for row in model.predict_proba(list(texts)):
        order = row.argsort()[::-1][:limit]
        rankings.append([RankedIntent(str(names[index]), float(row[index])) for index in order])
    return rankings
