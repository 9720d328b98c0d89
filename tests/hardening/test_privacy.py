"""Personal data never reaches the tracker store or the logs."""
from __future__ import annotations

import pytest

from tests.servers import new_sender

pytestmark = pytest.mark.server

RAW_VALUES = {
    "bsn": "111222333",
    "phone": "06-12345678",
    "phone_intl": "+31 6 87654321",
    "email": "j.jansen@voorbeeld.nl",
    "iban": "NL91 ABNA 0417 1643 00",
    "postcode": "2511 CV 4",
}


def test_personal_data_is_redacted_everywhere(servers):
    sender = new_sender()
    replies = []
    replies.append(servers.text(f"mijn bsn is {RAW_VALUES['bsn']}, wat is mensenhandel?", sender))
    replies.append(servers.text(f"bel me op {RAW_VALUES['phone']} of {RAW_VALUES['phone_intl']}", sender))
    replies.append(servers.text(f"mail naar {RAW_VALUES['email']} over het debat", sender))
    replies.append(servers.text(f"mijn rekening {RAW_VALUES['iban']}", sender))
    replies.append(servers.text(f"ik woon op {RAW_VALUES['postcode']}, waar is het debat", sender))

    # Told once, kindly, not to share personal details.
    assert sum("persoonlijke gegevens uit uw bericht weggelaten" in r for r in replies) == 1
    assert "uitbuiting" in replies[0]

    # The database file and its write-ahead log, byte for byte.
    stored = "".join(path.read_bytes().decode("utf-8", "replace")
                     for path in servers.workdir.glob(f"{servers.tracker_db.name}*"))
    logs = "".join(path.read_text(encoding="utf-8", errors="replace")
                   for path in servers.workdir.glob("*.log*"))
    logs += (servers.workdir / "rasa.stdout").read_text(encoding="utf-8", errors="replace")
    assert "[bsn]" in stored and "[e-mailadres]" in stored
    for kind, value in RAW_VALUES.items():
        compact = value.replace(" ", "").replace("-", "")
        for haystack, where in ((stored, "tracker store"), (logs, "logs")):
            assert value not in haystack, f"{kind} in {where}"
            assert compact not in haystack.replace(" ", "").replace("-", ""), f"{kind} in {where}"
