"""NLU ablation: train each pipeline in benchmarks/ablation/ on nlu/train and score it on nlu/heldout.

.venv/bin/python -m benchmarks.ablation [names...]      (writes benchmarks/ABLATION.md)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import entity_recall, evaluate_model, macro_f1, pct  # noqa: E402
from tests.servers import RASA_VENV  # noqa: E402

CONFIGS = ROOT / "benchmarks" / "ablation"


def run(name: str) -> dict:
    out = ROOT / "var" / "ablation"
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    start = time.perf_counter()
    subprocess.run(
        [
            str(RASA_VENV / "bin" / "rasa"),
            "train",
            "nlu",
            "--config",
            str(CONFIGS / f"{name}.yml"),
            "--nlu",
            "nlu/train",
            "--out",
            str(out),
            "--fixed-model-name",
            name,
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    rows = evaluate_model(out / f"{name}.tar.gz")
    found, want = entity_recall(rows)
    return {
        "name": name,
        "train_s": seconds,
        "accuracy": sum(r["expected"] == r["predicted"] for r in rows) / len(rows),
        "macro_f1": macro_f1(rows),
        "entity_recall": found / max(want, 1),
        "parse_p50": pct([r["ms"] for r in rows], 0.5),
    }


def main() -> None:
    names = sys.argv[1:] or sorted(p.stem for p in CONFIGS.glob("*.yml"))
    results = [run(n) for n in names]
    lines = [
        "# NLU ablation (held-out set, nlu/heldout; training on nlu/train)",
        "",
        f"Run {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores by `python -m benchmarks.ablation`.",
        "",
        "| pipeline | intent accuracy | macro-F1 | place/postcode entity recall | NLU training time | parse p50 |",
        "|---|---|---|---|---|---|",
        *[
            f"| {r['name']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['entity_recall']:.3f} | {r['train_s']:.0f} s | {r['parse_p50']:.1f} ms |"
            for r in results
        ],
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "ABLATION.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
