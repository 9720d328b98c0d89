"""The README's first example request is one the REST channel accepts."""
import re
from pathlib import Path

from bot.input_guard import parse_chat_request

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_curl_example_is_a_valid_request():
    bodies = re.findall(r"curl [^`]*?-d '([^']+)'", README.read_text(encoding="utf-8"))
    assert bodies, "README has no curl example with a body"
    for body in bodies:
        request = parse_chat_request(body.encode("utf-8"))
        assert request.sender and request.message
