"""How well does the bot recognise each question? Cross-validation on the training data.

    python -m bot.staff.quality [--folds 3] [--min-f1 0.85] [--out reports/kwaliteit]

Runs ``rasa test nlu --cross-validation`` on ``data/nlu`` (the model is trained
``--folds`` times, each time tested on the part it did not see; a 3-fold run
takes several minutes) and writes into ``--out``:

- ``kwaliteit.md``: per-intent precision, recall and F1, and the intent pairs the
  bot confuses most, with example sentences;
- ``per_intent.csv`` and ``verwarde_paren.csv`` (";" separated, for Excel);
- ``verwarringsmatrix.png``: the confusion matrix with readable labels;
- ``rasa/``: Rasa's own output (intent_report.json, intent_errors.json, ...).

Exit code 1 when an intent's F1 is below ``--min-f1``; the summary names them.
``--resultaten DIR`` re-uses the Rasa output of an earlier run instead of training.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path("reports/kwaliteit")
TOP_PAIRS = 10
EXAMPLES_PER_PAIR = 3
# Keys of Rasa's intent_report.json that are averages, not intents.
_SUMMARY_KEYS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ConfusedPair:
    intent: str
    predicted: str
    count: int
    examples: tuple[str, ...]


def nl_number(value: float, decimals: int = 2) -> str:
    """0.858 -> "0,85": Dutch decimal comma (also in the CSV, so a Dutch Excel reads numbers).

    Rounded down, so a score shown as 0,85 really is at least 0,85 and never fails a 0,85 bar.
    """
    factor = 10 ** decimals
    return f"{math.floor(value * factor + 1e-9) / factor:.{decimals}f}".replace(".", ",")


def run_cross_validation(project_dir: Path, folds: int, rasa_out: Path) -> None:
    rasa = Path(sys.executable).parent / "rasa"
    command = [str(rasa) if rasa.exists() else "rasa", "test", "nlu", "--nlu", "data/nlu", "--config", "config.yml",
               "--domain", "domain.yml", "--cross-validation", "--folds", str(folds), "--successes",
               "--out", str(rasa_out), "--quiet"]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           # The pipeline's custom component lives in this project's bot package.
           "PYTHONPATH": os.pathsep.join(filter(None, [str(project_dir), os.environ.get("PYTHONPATH")]))}
    log = rasa_out / "rasa.log"
    rasa_out.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle:
        result = subprocess.run(command, cwd=project_dir, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                check=False)
    if result.returncode != 0:
        raise RuntimeError(f"rasa test nlu stopte met code {result.returncode}; zie {log}")


def read_scores(rasa_out: Path) -> tuple[list[IntentScore], float, float]:
    """(per-intent scores, accuracy, macro F1) from Rasa's intent_report.json."""
    report = json.loads((rasa_out / "intent_report.json").read_text(encoding="utf-8"))
    scores = [IntentScore(name, values["precision"], values["recall"], values["f1-score"], int(values["support"]))
              for name, values in report.items()
              if name not in _SUMMARY_KEYS and isinstance(values, dict) and "support" in values]
    scores.sort(key=lambda score: (score.f1, score.intent))
    return scores, float(report.get("accuracy", 0.0)), float(report.get("macro avg", {}).get("f1-score", 0.0))


def _predictions(rasa_out: Path) -> list[tuple[str, str, str]]:
    """(text, true intent, predicted intent) for every test sentence of every fold."""
    found = []
    for name in ("intent_errors.json", "intent_successes.json"):
        path = rasa_out / name
        if path.exists():
            for item in json.loads(path.read_text(encoding="utf-8")):
                predicted = (item.get("intent_prediction") or {}).get("name") or "(geen)"
                found.append((item.get("text", ""), item.get("intent", ""), predicted))
    return found


def confused_pairs(rasa_out: Path) -> list[ConfusedPair]:
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for text, intent, predicted in _predictions(rasa_out):
        if intent != predicted:
            examples[(intent, predicted)].append(text)
    pairs = [ConfusedPair(intent, predicted, len(texts), tuple(texts[:EXAMPLES_PER_PAIR]))
             for (intent, predicted), texts in examples.items()]
    pairs.sort(key=lambda pair: (-pair.count, pair.intent, pair.predicted))
    return pairs


def confusion_chart(rasa_out: Path, path: Path, folds: int) -> bool:
    """The confusion matrix as PNG; False when there are no predictions to draw."""
    predictions = _predictions(rasa_out)
    if not predictions:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = sorted({intent for _, intent, _ in predictions} | {predicted for _, _, predicted in predictions})
    index = {label: number for number, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for _, intent, predicted in predictions:
        matrix[index[intent], index[predicted]] += 1
    size = max(6.0, 0.32 * len(labels) + 3)
    figure, axes = plt.subplots(figsize=(size + 1, size))
    # Each row as a share of its intent, so small and large intents read alike.
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    image = axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for row, column in zip(*np.nonzero(matrix)):
        colour = "white" if shares[row, column] > 0.6 else ("#c53030" if row != column else "black")
        axes.text(column, row, str(matrix[row, column]), ha="center", va="center", fontsize=6, color=colour)
    axes.set_xticks(range(len(labels)))
    axes.set_yticks(range(len(labels)))
    axes.set_xticklabels(labels, rotation=90, fontsize=7)
    axes.set_yticklabels(labels, fontsize=7)
    axes.set_xlabel("Voorspelde intent (wat de bot dacht)")
    axes.set_ylabel("Juiste intent")
    axes.set_title(f"Verwarringsmatrix ({folds}-voudige kruisvalidatie); rood = verwisseld")
    figure.colorbar(image, ax=axes, fraction=0.03, pad=0.02, label="Deel van de zinnen van deze intent")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True


def _md(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def write_outputs(out: Path, scores: list[IntentScore], accuracy: float, macro_f1: float,
                  pairs: list[ConfusedPair], min_f1: float, folds: int, chart: bool) -> None:
    with (out / "per_intent.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["intent", "precisie", "recall", "f1", "aantal_zinnen", "onder_grens"])
        for s in scores:
            writer.writerow([s.intent, nl_number(s.precision), nl_number(s.recall), nl_number(s.f1), s.support,
                             "ja" if s.f1 < min_f1 else "nee"])
    with (out / "verwarde_paren.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["juiste_intent", "voorspeld_als", "aantal", "voorbeelden"])
        for p in pairs:
            # Example sentences come from the data files; keep a leading "=" from reading as a formula.
            examples = " / ".join(p.examples)
            writer.writerow([p.intent, p.predicted, p.count,
                             f"'{examples}" if examples[:1] in ("=", "+", "-", "@") else examples])

    weak = [s for s in scores if s.f1 < min_f1]
    lines = [
        "# Kwaliteit van de herkenning",
        "",
        (f"Kruisvalidatie met {folds} delen op de voorbeeldvragen in `data/nlu/`: het model is {folds} keer "
        "getraind en telkens getoetst op de zinnen die het niet had gezien."),
        "",
        f"- Nauwkeurigheid: **{nl_number(accuracy)}** (deel van de zinnen met het juiste onderwerp)",
        f"- Gemiddelde F1: **{nl_number(macro_f1)}**",
        f"- Grens per intent: F1 ≥ {nl_number(min_f1)}; "
        + (f"**{len(weak)} intent(s) eronder**" if weak else "alle intents halen de grens"),
        "",
        ("Precisie: hoe vaak de bot gelijk had als hij dit onderwerp koos. Recall: hoe vaak hij dit onderwerp "
        "herkende als het gevraagd werd. F1: het gemiddelde van beide (1 = perfect)."),
        "",
        "## Per intent (zwakste eerst)",
        "",
        "| Intent | Precisie | Recall | F1 | Zinnen | |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {s.intent} | {nl_number(s.precision)} | {nl_number(s.recall)} | {nl_number(s.f1)} | "
              f"{s.support} | {'⚠ onder de grens' if s.f1 < min_f1 else ''} |" for s in scores]
    lines += ["", "## Meest verwarde paren", ""]
    if pairs:
        lines += [("Zinnen van de eerste intent die de bot voor de tweede aanzag. Maak de voorbeeldvragen van "
                  "beide onderwerpen duidelijker verschillend, of voeg zinnen toe zoals deze bij het juiste "
                  "onderwerp."), "",
                  "| Juiste intent | Voorspeld als | Aantal | Voorbeelden |", "|---|---|---|---|"]
        lines += [f"| {p.intent} | {p.predicted} | {p.count} | {_md(' / '.join(p.examples))} |"
                  for p in pairs[:TOP_PAIRS]]
    else:
        lines.append("Geen verwisselingen.")
    if chart:
        lines += ["", "## Verwarringsmatrix", "", "![Verwarringsmatrix](verwarringsmatrix.png)"]
    lines += ["", "Tabellen: `per_intent.csv` en `verwarde_paren.csv`. Rasa's eigen uitvoer staat in `rasa/`.", ""]
    (out / "kwaliteit.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Meet per intent hoe goed de bot vragen herkent (kruisvalidatie).")
    parser.add_argument("--folds", type=int, default=3, help="aantal delen (standaard 3)")
    parser.add_argument("--min-f1", type=float, default=0.85, help="ondergrens voor F1 per intent (standaard 0.85)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"map voor de uitvoer (standaard {DEFAULT_OUT})")
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="map van het project")
    parser.add_argument("--resultaten", type=Path, default=None,
                        help="gebruik de Rasa-uitvoer van een eerdere run in deze map (niets trainen)")
    args = parser.parse_args(argv)
    if args.folds < 2:
        print("--folds moet minstens 2 zijn.", file=sys.stderr)
        return 1
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    rasa_out = args.resultaten.resolve() if args.resultaten else out / "rasa"
    if args.resultaten is None:
        print(f"Kruisvalidatie met {args.folds} delen: het model wordt {args.folds} keer getraind. "
              "Dit duurt enkele minuten…", flush=True)
        started = time.monotonic()
        try:
            run_cross_validation(args.project_dir.resolve(), args.folds, rasa_out)
        except (OSError, RuntimeError) as error:
            print(f"De meting is mislukt: {error}", file=sys.stderr)
            return 1
        print(f"Klaar na {(time.monotonic() - started) / 60:.1f} minuten.".replace(".", ",", 1))
    try:
        scores, accuracy, macro_f1 = read_scores(rasa_out)
    except (OSError, ValueError, KeyError) as error:
        print(f"Geen bruikbare uitvoer van rasa test nlu in {rasa_out} ({error}).", file=sys.stderr)
        return 1
    pairs = confused_pairs(rasa_out)
    chart = confusion_chart(rasa_out, out / "verwarringsmatrix.png", args.folds)
    write_outputs(out, scores, accuracy, macro_f1, pairs, args.min_f1, args.folds, chart)

    weak = [s for s in scores if s.f1 < args.min_f1]
    print(f"Herkenning: nauwkeurigheid {nl_number(accuracy)}, gemiddelde F1 {nl_number(macro_f1)} "
          f"over {len(scores)} intents ({sum(s.support for s in scores)} zinnen).")
    if pairs:
        print("Meest verwisseld: " + "; ".join(f"{p.intent} → {p.predicted} ({p.count}x)" for p in pairs[:3]))
    print(f"Rapport: {out / 'kwaliteit.md'}" + (f", grafiek: {out / 'verwarringsmatrix.png'}" if chart else ""))
    if weak:
        print(f"Onder de grens van F1 {nl_number(args.min_f1)}: "
              + ", ".join(f"{s.intent} ({nl_number(s.f1)})" for s in weak)
              + ". Voeg voor deze onderwerpen voorbeeldvragen toe die ze duidelijk van de verwarde "
                "onderwerpen onderscheiden, en meet opnieuw.")
        return 1
    print(f"Alle intents halen F1 {nl_number(args.min_f1)} of hoger.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
