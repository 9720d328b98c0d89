"""Failures give a Dutch reply within 5 s, and the bot recovers by itself."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.servers import new_sender

pytestmark = pytest.mark.server
ERROR_REPLY = "Er ging iets mis"


def timed_text(servers, message, sender):
    start = time.perf_counter()
    text = servers.text(message, sender, timeout=10)
    return text, time.perf_counter() - start


def test_action_server_down_then_back(servers):
    sender = new_sender()
    assert "5 december 2019" in servers.text("wanneer is het debat", sender)
    servers.kill_actions()
    text, seconds = timed_text(servers, "wat is mensenhandel", sender)
    assert ERROR_REPLY in text and seconds < 5
    servers.start_actions()
    assert "Troelstrazaal" in servers.text("En waar?", sender)


def test_action_server_hanging(servers):
    sender = new_sender()
    os.killpg(servers.actions.pid, signal.SIGSTOP)
    try:
        text, seconds = timed_text(servers, "wat is mensenhandel", sender)
    finally:
        os.killpg(servers.actions.pid, signal.SIGCONT)
    assert ERROR_REPLY in text and seconds < 5
    assert "uitbuiting" in servers.text("wat is mensenhandel", sender)


def test_context_survives_a_rasa_restart(servers):
    sender = new_sender()
    assert "ministeries" in servers.text("wat is samen tegen mensenhandel", sender)
    servers.stop_rasa()
    servers.start_rasa()
    # "vertel meer" only means the programme's results if the context was kept.
    assert "opvangplekken" in servers.text("vertel meer", sender)
