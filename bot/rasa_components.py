"""Rasa NLU components of this bot (the only module in ``bot`` that imports Rasa)."""
from __future__ import annotations

import logging
from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import intent_model
from bot.nlp import load_dutch_pipeline

logger = logging.getLogger(__name__)
_MODEL_FILE = "intent_model.joblib"


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="DutchSpacyNLP",
)
class DutchSpacyNLP(SpacyNLP):
    """SpacyNLP that works with or without the downloadable Dutch model.

    Rasa's SpacyNLP insists on a model loaded from disk by name; this one takes
    whichever Dutch pipeline ``bot.nlp`` finds and logs which one it is.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DutchSpacyNLP:
        first_load = load_dutch_pipeline.cache_info().currsize == 0
        nlp, description = load_dutch_pipeline()
        if first_load:
            logger.info("Dutch spaCy pipeline: %s", description)
        # The name feeds Rasa's fingerprint: switching pipelines retrains the model.
        model = SpacyModel(model=nlp, model_name=f"nl:{description.split(' (')[0]}")
        return cls(model, {**cls.get_default_config(), **config})


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Intent classification with ``bot.intent_model`` (TF-IDF n-grams, linear SVM).

    It reads the message text itself, so it needs no featurizer; docs/understanding.md
    has the cross-validation figures that made it replace DIET.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"ranking_length": 10}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        self._model = intent_model.train([e.get(TEXT) for e in examples], [e.get(INTENT) for e in examples])
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / _MODEL_FILE)
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        config = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource, joblib.load(directory / _MODEL_FILE))
        except ValueError:
            # Rasa loads untrained components too (e.g. no NLU data): they classify nothing.
            logger.debug("No trained intent model in %s", resource.name)
            return cls(config, model_storage, resource)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        rankings = intent_model.rank(self._model, [m.get(TEXT) or "" for m in messages],
                                     limit=int(self._config["ranking_length"]))
        for message, ranking in zip(messages, rankings):
            ranked = [{INTENT_NAME_KEY: r.name, PREDICTED_CONFIDENCE_KEY: r.confidence} for r in ranking]
            message.set(INTENT, ranked[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranked, add_to_output=True)
        return messages
