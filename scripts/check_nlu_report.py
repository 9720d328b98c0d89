"""Fail when `rasa test nlu` on the held-out set is below the quality bar."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path, help="intent_report.json written by rasa test nlu")
    parser.add_argument("--min-accuracy", type=float, required=True)
    parser.add_argument("--min-macro-f1", type=float, required=True)
    args = parser.parse_args()

    report = json.loads(args.report.read_text(encoding="utf-8"))
    accuracy = report["accuracy"]
    macro_f1 = report["macro avg"]["f1-score"]
    weakest = sorted(
        ((name, scores["f1-score"]) for name, scores in report.items()
         if isinstance(scores, dict) and "support" in scores and not name.endswith("avg")),
        key=lambda item: item[1],
    )[:5]
    print(f"Held-out NLU: accuracy {accuracy:.3f} (min {args.min_accuracy}), "
          f"macro-F1 {macro_f1:.3f} (min {args.min_macro_f1})")
    print("Weakest intents: " + ", ".join(f"{name} {f1:.2f}" for name, f1 in weakest))
    if accuracy < args.min_accuracy or macro_f1 < args.min_macro_f1:
        print("FAILED: held-out NLU quality is below the bar.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
