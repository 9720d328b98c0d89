"""50 concurrent conversations × 10 messages: no errors, no empty replies, replies in order."""
from __future__ import annotations

import json
import statistics
import time
from concurrent import futures
from pathlib import Path

import pytest

from tests.servers import ROOT, new_sender

pytestmark = pytest.mark.server

CONVERSATIONS = 50
# (question, a word its answer must contain): checks each reply belongs to its question.
SCRIPT = [
    ("hallo", "digitale assistent"),
    ("wat is mensenhandel", "uitbuiting"),
    ("welke vormen zijn er", "Arbeidsuitbuiting"),
    ("wanneer is het debat", "5 december 2019"),
    ("en waar?", "Troelstrazaal"),
    ("wie is de nationaal rapporteur", "Bolhaar"),
    ("vertel meer", "zorgen"),
    ("wat is de avim", "Vreemdelingenpolitie"),
    ("waar kan ik mensenhandel melden", "0900-8844"),
    ("bedankt", "Graag gedaan"),
]
REPORT = ROOT / "reports" / "load.json"


def converse(servers) -> list[float]:
    sender = new_sender()
    latencies = []
    for question, expected in SCRIPT:
        start = time.perf_counter()
        text = servers.text(question, sender, timeout=60)
        latencies.append(time.perf_counter() - start)
        assert expected in text, f"{question!r} got {text!r}"
    return latencies


def test_fifty_concurrent_conversations(servers):
    start = time.perf_counter()
    with futures.ThreadPoolExecutor(CONVERSATIONS) as pool:
        results = list(pool.map(lambda _: converse(servers), range(CONVERSATIONS)))
    elapsed = time.perf_counter() - start
    latencies = sorted(latency for conversation in results for latency in conversation)
    summary = {
        "conversations": CONVERSATIONS,
        "messages": len(latencies),
        "p50_ms": round(statistics.median(latencies) * 1000),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000),
        "messages_per_s": round(len(latencies) / elapsed, 1),
    }
    Path(REPORT).parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(summary, indent=1))
    print(f"\nload: {summary}")
    assert summary["messages"] == CONVERSATIONS * len(SCRIPT)
