"""How well does the bot recognise each question? Cross-validation on the training data.

    python -m bot.staff.quality [--folds 3] [--min-f1 0.85] [--out reports/kwaliteit]

Splits ``data/nlu`` into ``--folds`` parts (5 by default), trains the model on all
parts but one and tests it on that one, for every part (a 5-fold run takes about
15 minutes). Near-duplicate sentences ("wat is avim" / "wat is avim?" / "wat is
de avim") always land in the same part, so a copy in the training part cannot
make a test sentence look recognised. Writes into ``--out``:

- ``kwaliteit.md``: per-intent precision, recall and F1, and the intent pairs the
  bot confuses most, with example sentences;
- ``per_intent.csv`` and ``verwarde_paren.csv`` (";" separated, for Excel);
- ``verwarringsmatrix.png``: the confusion matrix with readable labels;
- ``rasa/``: Rasa's own output (intent_report.json, intent_errors.json, ...).

Exit code 1 when an intent's F1 is below ``--min-f1``, or accuracy or macro-F1 is
below ``--min-accuracy`` / ``--min-macro-f1``; the summary names them.

The result is also compared with the baseline of the shipped data
(``bot/staff/quality_baseline.json``): an intent whose F1 dropped by more than
``BASELINE_TOLERANCE``, or an accuracy drop of more than that, is named with its Dutch
title and fails the run too, so staff can tell "I made it worse" from "it was already
so". ``--basislijn-opslaan`` stores the current result as the new baseline.
``--resultaten DIR`` re-uses the Rasa output of an earlier run instead of training.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.staff import readability
from bot.staff.check import normalise
from bot.training_data import training_examples

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path("reports/kwaliteit")
BASELINE_FILE = Path(__file__).with_name("quality_baseline.json")
# A drop smaller than this is noise between runs on slightly different data (the
# folds change when sentences are added); larger drops are reported.
BASELINE_TOLERANCE = 0.03
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


# Two sentences of one intent are near-duplicates when they are this similar (0-100,
# on normalised text), or when one is the other plus at most EXTRA_WORDS words
# ("wat is de avim" / "wat is de avim eigenlijk") and has MIN_SHARED_WORDS or more.
NEAR_DUPLICATE_RATIO = 90
EXTRA_WORDS = 2
MIN_SHARED_WORDS = 3
SEED = 42


def duplicate_groups(texts: Sequence[str]) -> list[int]:
    """A group number per sentence; near-duplicates (same normalised text or very similar) share one."""
    normalised = [normalise(text) for text in texts]
    parent = list(range(len(texts)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(first: int, second: int) -> None:
        parent[root(first)] = root(second)

    similar = process.cdist(normalised, normalised, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_RATIO,
                            workers=-1)
    for first, second in zip(*similar.nonzero()):
        if first < second:
            join(int(first), int(second))
    words = [set(text.split()) for text in normalised]
    contained = process.cdist(normalised, normalised, scorer=fuzz.token_set_ratio, score_cutoff=100, workers=-1)
    for first, second in zip(*contained.nonzero()):
        small, large = sorted((int(first), int(second)), key=lambda index: len(words[index]))
        if (first < second and words[small] <= words[large] and len(words[small]) >= MIN_SHARED_WORDS
                and len(words[large] - words[small]) <= EXTRA_WORDS):
            join(small, large)
    return [root(index) for index in range(len(texts))]


def grouped_folds(examples: Sequence[tuple[str, str]], folds: int, seed: int = SEED) -> list[int]:
    """A fold number per (intent, text): stratified per intent, near-duplicate groups kept whole."""
    by_intent: dict[str, list[int]] = defaultdict(list)
    for index, (intent, _text) in enumerate(examples):
        by_intent[intent].append(index)
    assignment = [0] * len(examples)
    generator = random.Random(seed)
    for intent in sorted(by_intent):
        indices = by_intent[intent]
        groups: dict[int, list[int]] = defaultdict(list)
        for index, group in zip(indices, duplicate_groups([examples[i][1] for i in indices])):
            groups[group].append(index)
        members = list(groups.values())
        generator.shuffle(members)
        # Largest groups first, each into the currently smallest fold: folds stay balanced.
        members.sort(key=len, reverse=True)
        sizes = [0] * folds
        for group_members in members:
            fold = min(range(folds), key=lambda number: (sizes[number], number))
            sizes[fold] += len(group_members)
            for index in group_members:
                assignment[index] = fold
    return assignment


def _write_nlu(path: Path, examples: Sequence[tuple[str, str]]) -> None:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for intent, text in examples:
        by_intent[intent].append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {text}" for text in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _rasa(project_dir: Path, arguments: list[str], log: Path) -> None:
    rasa = Path(sys.executable).parent / "rasa"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           # The pipeline's custom component lives in this project's bot package.
           "PYTHONPATH": os.pathsep.join(filter(None, [str(project_dir), os.environ.get("PYTHONPATH")]))}
    with log.open("a", encoding="utf-8") as handle:
        result = subprocess.run([str(rasa) if rasa.exists() else "rasa", *arguments], cwd=project_dir, env=env,
                                stdout=handle, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"rasa {arguments[0]} {arguments[1]} stopte met code {result.returncode}; zie {log}")


def _merge_fold_results(rasa_out: Path, folds: int) -> None:
    """One intent_report.json, intent_errors.json and intent_successes.json over all folds."""
    from sklearn.metrics import classification_report

    errors: list[dict] = []
    successes: list[dict] = []
    for fold in range(folds):
        results = rasa_out / f"deel-{fold + 1}" / "test"
        for name, target in (("intent_errors.json", errors), ("intent_successes.json", successes)):
            path = results / name
            if path.exists():
                target.extend(json.loads(path.read_text(encoding="utf-8")))
    items = errors + successes
    truth = [item.get("intent", "") for item in items]
    predicted = [(item.get("intent_prediction") or {}).get("name") or "(geen)" for item in items]
    report = classification_report(truth, predicted, labels=sorted(set(truth)), output_dict=True,
                                   zero_division=0)
    report["accuracy"] = sum(t == p for t, p in zip(truth, predicted)) / max(len(items), 1)
    for name, content in (("intent_report.json", report), ("intent_errors.json", errors),
                          ("intent_successes.json", successes)):
        (rasa_out / name).write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")


def run_cross_validation(project_dir: Path, folds: int, rasa_out: Path, nlu_dir: Path | None = None) -> None:
    examples = list(training_examples(nlu_dir or project_dir / "data" / "nlu"))
    assignment = grouped_folds(examples, folds)
    rasa_out.mkdir(parents=True, exist_ok=True)
    log = rasa_out / "rasa.log"
    log.write_text("", encoding="utf-8")
    for fold in range(folds):
        folder = rasa_out / f"deel-{fold + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        _write_nlu(folder / "train.yml", [e for e, f in zip(examples, assignment) if f != fold])
        _write_nlu(folder / "test.yml", [e for e, f in zip(examples, assignment) if f == fold])
        print(f"Deel {fold + 1} van {folds}: trainen en toetsen…", flush=True)
        _rasa(project_dir, ["train", "nlu", "--nlu", str(folder / "train.yml"), "--config", "config.yml",
                            "--domain", "domain.yml", "--out", str(folder), "--fixed-model-name", "model",
                            "--quiet"], log)
        _rasa(project_dir, ["test", "nlu", "--nlu", str(folder / "test.yml"), "--model",
                            str(folder / "model.tar.gz"), "--out", str(folder / "test"), "--successes",
                            "--quiet"], log)
    _merge_fold_results(rasa_out, folds)


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


@dataclass(frozen=True)
class Drop:
    intent: str
    before: float
    now: float


def save_baseline(path: Path, scores: Sequence[IntentScore], accuracy: float, macro_f1: float, folds: int) -> None:
    data = {"measured": time.strftime("%Y-%m-%d"), "folds": folds,
            "sentences": sum(s.support for s in scores), "accuracy": round(accuracy, 4),
            "macro_f1": round(macro_f1, 4), "intents": {s.intent: round(s.f1, 4) for s in scores}}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def compare_with_baseline(baseline: dict, scores: Sequence[IntentScore], accuracy: float,
                          tolerance: float = BASELINE_TOLERANCE) -> list[Drop]:
    """Intents (and "nauwkeurigheid" for accuracy) that fell more than ``tolerance`` below the baseline.

    An intent that is new since the baseline has nothing to drop from.
    """
    before = baseline.get("intents") or {}
    drops = [Drop(s.intent, float(before[s.intent]), s.f1) for s in scores
             if s.intent in before and float(before[s.intent]) - s.f1 > tolerance]
    if "accuracy" in baseline and float(baseline["accuracy"]) - accuracy > tolerance:
        drops.insert(0, Drop("nauwkeurigheid", float(baseline["accuracy"]), accuracy))
    return drops


def dutch_titles(project_dir: Path) -> dict[str, str]:
    """Intent -> the title staff know it by (answers.yml), as far as the file can be read."""
    try:
        from bot.content import load_content

        content = load_content(project_dir / "bot" / "content" / "answers.yml")
    except (OSError, ValueError):
        return {}
    titles = {topic_id: topic.title for topic_id, topic in content.topics.items()}
    titles.update({intent: "Vervolgvraag" for intent in content.followups})
    return titles


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
    lines += ["", "## Leesbaarheid van de antwoorden", "",
              (f"B1: gemiddeld hoogstens {readability.MAX_AVERAGE_WORDS:.0f} woorden per zin, geen zin boven "
               f"{readability.MAX_SENTENCE_WORDS} woorden (`make check` dwingt dit af; `make leesbaarheid` toont "
               "alle antwoorden)."), "",
              "| Antwoord | Woorden per zin | Langste zin | Lange woorden | Flesch-Douma |", "|---|---|---|---|---|"]
    measured = sorted(((name, readability.measure(text)) for name, text in readability.answer_texts()),
                      key=lambda row: -row[1].words_per_sentence)
    lines += [f"| {name} | {nl_number(figures.words_per_sentence, 1)} | {figures.longest_sentence} | "
              f"{figures.long_word_share:.0%} | {figures.flesch_douma:.0f} |" for name, figures in measured[:TOP_PAIRS]]
    lines += ["", "Tabellen: `per_intent.csv` en `verwarde_paren.csv`. Rasa's eigen uitvoer staat in `rasa/`.", ""]
    (out / "kwaliteit.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Meet per intent hoe goed de bot vragen herkent (kruisvalidatie).")
    parser.add_argument("--folds", type=int, default=5, help="aantal delen (standaard 5)")
    parser.add_argument("--min-f1", type=float, default=0.85, help="ondergrens voor F1 per intent (standaard 0.85)")
    parser.add_argument("--min-accuracy", type=float, default=0.90, help="ondergrens nauwkeurigheid (0.90)")
    parser.add_argument("--min-macro-f1", type=float, default=0.90, help="ondergrens gemiddelde F1 (0.90)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"map voor de uitvoer (standaard {DEFAULT_OUT})")
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="map van het project")
    parser.add_argument("--resultaten", type=Path, default=None,
                        help="gebruik de Rasa-uitvoer van een eerdere run in deze map (niets trainen)")
    parser.add_argument("--basislijn", type=Path, default=BASELINE_FILE,
                        help="de vergelijking: de uitslag op de meegeleverde gegevens")
    parser.add_argument("--basislijn-opslaan", action="store_true",
                        help="sla deze uitslag op als nieuwe basislijn (voor ontwikkelaars, na een bewuste wijziging)")
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
    failed = False
    if args.basislijn_opslaan:
        save_baseline(args.basislijn, scores, accuracy, macro_f1, args.folds)
        print(f"Basislijn opgeslagen in {args.basislijn}.")
    elif args.basislijn.exists():
        try:
            baseline = json.loads(args.basislijn.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"De basislijn {args.basislijn} is niet te lezen ({error}); er is niet vergeleken.")
        else:
            drops = compare_with_baseline(baseline, scores, accuracy)
            titles = dutch_titles(args.project_dir.resolve())
            if drops:
                print(f"Slechter dan de basislijn van {baseline.get('measured', '?')} (meer dan "
                      f"{nl_number(BASELINE_TOLERANCE)} lager): "
                      + "; ".join(f"{titles.get(d.intent, d.intent)} ({d.intent}): {nl_number(d.before)} → "
                                  f"{nl_number(d.now)}" for d in drops)
                      + ". Kijk welke voorbeeldvragen u bij deze onderwerpen of hun verwarde buren heeft "
                        "toegevoegd of veranderd.")
                failed = True
            else:
                print(f"Niet slechter dan de basislijn van {baseline.get('measured', '?')} "
                      f"(nauwkeurigheid toen {nl_number(float(baseline.get('accuracy', 0)))}).")
    if accuracy < args.min_accuracy or macro_f1 < args.min_macro_f1:
        print(f"Onder de grens: nauwkeurigheid moet minstens {nl_number(args.min_accuracy)} zijn en "
              f"gemiddelde F1 minstens {nl_number(args.min_macro_f1)}.")
        failed = True
    if weak:
        titles = dutch_titles(args.project_dir.resolve())
        print(f"Onder de grens van F1 {nl_number(args.min_f1)}: "
              + ", ".join(f"{titles[s.intent] + ' (' + s.intent + ')' if s.intent in titles else s.intent} "
                          f"{nl_number(s.f1)}" for s in weak)
              + ". Voeg voor deze onderwerpen voorbeeldvragen toe die ze duidelijk van de verwarde "
                "onderwerpen onderscheiden, en meet opnieuw.")
        failed = True
    if failed:
        return 1
    print(f"Alle intents halen F1 {nl_number(args.min_f1)} of hoger.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
