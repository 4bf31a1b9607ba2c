"""Runs inside Rasa's environment: parse the held-out set with the trained model.

    .venv-rasa/bin/python benchmarks/nlu_eval.py models/amm.tar.gz nlu/heldout out.json
Writes JSON: per message the language, expected and predicted intent, confidence, and parse time.
"""

import asyncio
import json
import re
import sys
import time
from pathlib import Path

import yaml


def examples(folder: Path):
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in data["nlu"]:
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = re.sub(
                        r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), line[2:]
                    )
                    entities = re.findall(r"\[([^\]]*)\]\((place|postcode)\)", line[2:])
                    yield path.stem, block["intent"], text, entities


async def main() -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(sys.argv[1])
    rows = []
    for lang, intent, text, entities in examples(Path(sys.argv[2])):
        start = time.perf_counter()
        result = await agent.parse_message(text)
        ms = (time.perf_counter() - start) * 1000
        got_entities = [
            (e["value"] if isinstance(e["value"], str) else str(e["value"]), e["entity"])
            for e in result.get("entities", [])
        ]
        rows.append(
            {
                "lang": lang,
                "expected": intent,
                "predicted": result["intent"]["name"],
                "confidence": result["intent"]["confidence"],
                # the best real intent, also when the fallback classifier replaced it
                "top": next((i["name"] for i in result.get("intent_ranking", []) if i["name"] != "nlu_fallback"), None),
                "ms": ms,
                "entities_expected": entities,
                "entities_found": [[t, e] for t, e in got_entities if e in ("place", "postcode")],
            }
        )
    Path(sys.argv[3]).write_text(json.dumps(rows), encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
