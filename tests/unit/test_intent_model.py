"""The intent model on small, made-up data: no Rasa, no project data files."""
import joblib
import pytest

from bot import intent_model
from bot.intent_model import UnknownWords, negation_marked

# Small synthetic training set: 6 examples per intent (calibration needs 3 folds).
EXAMPLES = {
    "weather": ["wat voor weer wordt het", "gaat het regenen", "wordt het morgen zonnig", "hoe warm wordt het",
                "komt er sneeuw", "is het koud buiten"],
    "praise": ["dit antwoord helpt", "goed antwoord", "daar word ik wijzer van", "heel duidelijk",
               "nuttige uitleg", "fijn antwoord"],
    "complaint": ["dit antwoord helpt niet", "geen goed antwoord", "daar word ik niet wijzer van",
                  "niet duidelijk", "nutteloze uitleg", "slecht antwoord"],
    "out_of_scope": ["hoe laat vertrekt de trein", "wat kost een brood", "wie won de wedstrijd",
                     "waar is de bakker", "hoeveel btw betaal ik", "wat is de hoofdstad van peru"],
}
TEXTS = [text for texts in EXAMPLES.values() for text in texts]
INTENTS = [intent for intent, texts in EXAMPLES.items() for _ in texts]


@pytest.fixture(scope="module")
def model():
    return intent_model.train(TEXTS, INTENTS)


def test_the_words_after_a_negation_are_marked_until_punctuation():
    assert negation_marked("Dit helpt NIET echt, toch?") == "dit helpt niet niet_echt , toch ?"
    assert negation_marked("geen goed antwoord hier zeg") == "geen niet_goed niet_antwoord niet_hier zeg"


def test_a_training_sentence_is_measured_without_its_own_words():
    texts = ["de avim helpt", "de avim werkt", "wat kost brood"]
    features = UnknownWords().fit_transform(texts, ["avim", "avim", "out_of_scope"]).toarray()
    # "helpt" occurs only in the first sentence: left out of its own vocabulary it is unknown.
    assert features[0][0] == pytest.approx(1 / 3)
    # Off-topic sentences add no vocabulary: all three words of "wat kost brood" are unknown.
    assert features[2][0] == 1.0


def test_unknown_words_are_measured_against_on_topic_vocabulary_only():
    unknown = UnknownWords().fit(["de avim helpt", "wat kost brood"], ["avim", "out_of_scope"])
    known, strange = unknown.transform(["de avim", "wat kost brood"]).toarray()
    assert known[0] == 0.0 and strange[0] == 1.0 and strange[2] == 0.0
    assert known[2] == 1.0  # two words or fewer: "very short"


def test_the_model_tells_praise_from_complaint_by_the_negation(model):
    [ranking] = intent_model.rank(model, ["daar heb ik niet veel aan, niet duidelijk"])
    assert ranking[0].name == "complaint"


def test_rankings_are_sorted_probabilities_limited_in_length(model):
    [ranking] = intent_model.rank(model, ["gaat het morgen regenen"], limit=3)
    assert ranking[0].name == "weather" and len(ranking) == 3
    confidences = [r.confidence for r in ranking]
    assert confidences == sorted(confidences, reverse=True) and 0 < sum(confidences) <= 1.0 + 1e-9


def test_no_texts_give_no_rankings(model):
    assert intent_model.rank(model, []) == []


def test_the_same_data_gives_the_same_model():
    first, second = (intent_model.train(TEXTS, INTENTS) for _ in range(2))
    probe = ["is het koud", "wat kost de bus", "slecht"]
    assert intent_model.rank(first, probe) == intent_model.rank(second, probe)


def test_a_trained_model_survives_saving_and_loading(model, tmp_path):
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    assert intent_model.rank(loaded, ["fijn antwoord"]) == intent_model.rank(model, ["fijn antwoord"])


@pytest.mark.parametrize(("texts", "intents"), [(["a", "b"], ["x"]), (["a", "b", "c"], ["x", "x", "x"])])
def test_unusable_training_data_is_refused(texts, intents):
    with pytest.raises(ValueError):
        intent_model.train(texts, intents)
