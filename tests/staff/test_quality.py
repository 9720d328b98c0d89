"""bot.staff.quality: per-intent table, confusion matrix and confused pairs from Rasa's cross-validation output."""
from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest

from bot.staff import quality
from tests.staff.conftest import ROOT

REPORT = {
    "avim": {"precision": 0.9, "recall": 0.8, "f1-score": 0.847, "support": 10, "confused_with": {}},
    "avim_reinforcement": {"precision": 0.8, "recall": 0.9, "f1-score": 0.8471, "support": 10},
    "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 5},
    "accuracy": 0.88,
    "macro avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.898, "support": 25},
    "weighted avg": {"precision": 0.88, "recall": 0.88, "f1-score": 0.88, "support": 25},
}


def prediction(text: str, intent: str, predicted: str) -> dict:
    return {"text": text, "intent": intent, "intent_prediction": {"name": predicted, "confidence": 0.6}}


def fake_rasa_output(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "intent_report.json").write_text(json.dumps(REPORT), encoding="utf-8")
    errors = [prediction("extra geld avim", "avim_reinforcement", "avim"),
              prediction("extra personeel avim", "avim_reinforcement", "avim"),
              prediction("wat doet avim", "avim", "avim_reinforcement")]
    successes = ([prediction(f"avim {n}", "avim", "avim") for n in range(8)]
                 + [prediction(f"sterkte {n}", "avim_reinforcement", "avim_reinforcement") for n in range(8)]
                 + [prediction(f"hallo {n}", "greet", "greet") for n in range(5)])
    (folder / "intent_errors.json").write_text(json.dumps(errors), encoding="utf-8")
    (folder / "intent_successes.json").write_text(json.dumps(successes), encoding="utf-8")
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_outputs_and_failure_below_the_threshold(tmp_path, capsys):
    out = tmp_path / "kwaliteit"
    code = quality.main(["--resultaten", str(fake_rasa_output(tmp_path / "rasa")), "--out", str(out),
                         "--min-f1", "0.85"])
    printed = capsys.readouterr().out
    assert code == 1
    assert "Onder de grens van F1 0,85: avim (0,84), avim_reinforcement (0,84)" in printed
    assert "nauwkeurigheid 0,88" in printed
    assert "Meest verwisseld: avim_reinforcement → avim (2x)" in printed

    rows = read_csv(out / "per_intent.csv")
    assert [row["intent"] for row in rows] == ["avim", "avim_reinforcement", "greet"]  # weakest first
    assert rows[0]["f1"] == "0,84" and rows[0]["onder_grens"] == "ja" and rows[2]["onder_grens"] == "nee"
    pairs = read_csv(out / "verwarde_paren.csv")
    assert pairs[0] == {"juiste_intent": "avim_reinforcement", "voorspeld_als": "avim", "aantal": "2",
                        "voorbeelden": "extra geld avim / extra personeel avim"}

    md = (out / "kwaliteit.md").read_text(encoding="utf-8")
    assert "| avim | 0,90 | 0,80 | 0,84 | 10 | ⚠ onder de grens |" in md
    assert "| avim_reinforcement | avim | 2 | extra geld avim / extra personeel avim |" in md
    assert (out / "verwarringsmatrix.png").read_bytes().startswith(b"\x89PNG")


def test_passes_when_every_intent_reaches_the_threshold(tmp_path, capsys):
    out = tmp_path / "kwaliteit"
    assert quality.main(["--resultaten", str(fake_rasa_output(tmp_path / "rasa")), "--out", str(out),
                         "--min-f1", "0.8"]) == 0
    assert "Alle intents halen F1 0,80 of hoger" in capsys.readouterr().out


def test_runs_rasa_cross_validation_in_the_project(tmp_path, monkeypatch, capsys):
    calls = []

    def fake_run(command, cwd, env, **kwargs):
        calls.append((command, cwd, env))
        fake_rasa_output(Path(command[command.index("--out") + 1]))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(quality.subprocess, "run", fake_run)
    out = tmp_path / "kwaliteit"
    assert quality.main(["--folds", "4", "--out", str(out), "--min-f1", "0.5"]) == 0
    command, cwd, env = calls[0]
    assert command[1:3] == ["test", "nlu"] and "--cross-validation" in command
    assert command[command.index("--folds") + 1] == "4" and command[command.index("--nlu") + 1] == "data/nlu"
    assert Path(command[command.index("--out") + 1]) == out / "rasa"
    assert cwd == ROOT and str(ROOT) in env["PYTHONPATH"].split(":")
    assert "het model wordt 4 keer getraind" in capsys.readouterr().out


def test_a_failing_rasa_run_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(quality.subprocess, "run",
                        lambda command, **kwargs: subprocess.CompletedProcess(command, 2))
    assert quality.main(["--out", str(tmp_path / "kwaliteit")]) == 1
    assert "De meting is mislukt: rasa test nlu stopte met code 2" in capsys.readouterr().err


@pytest.mark.server
def test_real_cross_validation(tmp_path, capsys):
    out = tmp_path / "kwaliteit"
    code = quality.main(["--folds", "2", "--out", str(out), "--min-f1", "0.0"])
    assert code == 0, capsys.readouterr()
    rows = read_csv(out / "per_intent.csv")
    assert {"trafficking_definition", "debate_date", "avim"} <= {row["intent"] for row in rows}
    assert (out / "verwarringsmatrix.png").exists() and (out / "rasa" / "intent_report.json").exists()
