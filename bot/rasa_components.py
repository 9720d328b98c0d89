"""Rasa NLU components of this bot (the only module in ``bot`` that imports Rasa)."""
from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP

from bot.nlp import load_dutch_pipeline

logger = logging.getLogger(__name__)


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
