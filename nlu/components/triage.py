"""Rasa NLU component: urgent-help triage after the intent classifier.

A message that matches the triage patterns (knowledge/triage/, see knowledge/triage.py) gets the
intent `urgent_help` whatever the classifier said, so the emergency numbers come first; the
classifier's own top intent stays in the ranking, where action_offer_other_need finds it to offer
next. Button payloads ("/intent{...}") are left alone. Patterns are read when Rasa starts; changing
them needs a restart, not a new model.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge.triage import urgent

logger = logging.getLogger(__name__)
URGENT = "urgent_help"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UrgentTriage(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UrgentTriage":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/") or not urgent(text):
                continue
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != URGENT]
            message.set(INTENT, {"name": URGENT, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": URGENT, "confidence": 1.0}, *ranking], add_to_output=True)
        return messages
