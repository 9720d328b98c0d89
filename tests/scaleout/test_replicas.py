"""Two Rasa replicas behind nginx on PostgreSQL + Redis, as `make scale-up` runs them.

The replicas reach PostgreSQL and Redis through FaultProxy, so a test can
take either "down" without touching the machine's services.
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import http.client
import http.server
import json
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg2
import pytest
import redis
import yaml

from bot.admission import MAX_WAITING, REPLY_DEADLINE_S
from bot.knowledge import get_knowledge
from bot.scaleout import ScaleOut, ScaleOutSettings, nginx_binary, render_nginx_config
from bot.sender_ids import storage_key
from tests.faultproxy import FaultProxy
from tests.servers import free_port
from tests.services import PG, REDIS

pytestmark = pytest.mark.server

REDIS_DB = 9
PRODUCTION_CREDENTIALS = Path(__file__).resolve().parents[2] / "deploy" / "production" / "credentials.yml"
# All test traffic comes from 127.0.0.1, one client to nginx and the channel: the
# per-client limits are raised here and tested on their own (nginx below, the
# channel's in tests/unit/test_admission.py), so these tests see the lock's limits.
UNLIMITED = 100_000
# Every replica must accept the conversation ids any other one issued; the tests
# need it too, to find a conversation under its storage key.
SENDER_ID_SECRET = secrets.token_urlsafe(32)
REPORT = Path(__file__).resolve().parents[2] / "reports" / "scaleout-throughput.json"
QUESTIONS = ["wat is mensenhandel", "wie is de nationaal rapporteur", "wanneer is het debat",
             "wat doet het AVIM", "welke vormen van uitbuiting zijn er", "en waar?"]


@pytest.fixture(scope="module")
def proxies():
    pg, red = FaultProxy(PG["host"], PG["port"]), FaultProxy(REDIS["host"], REDIS["port"])
    yield {"postgresql": pg, "redis": red}
    pg.close()
    red.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, database, proxies):
    workdir = tmp_path_factory.mktemp("scaleout")
    credentials = yaml.safe_load(PRODUCTION_CREDENTIALS.read_text())
    credentials["bot.channel.WebChannel"].update(rate_limit_per_s=UNLIMITED,
                                                 rate_limit_burst=UNLIMITED)
    (workdir / "credentials.yml").write_text(yaml.safe_dump(credentials))
    settings = ScaleOutSettings(
        replicas=2, port=free_port(), replica_ports=[free_port(), free_port()],
        action_port=free_port(), web_port=None, workdir=workdir,
        credentials=workdir / "credentials.yml",
        client_rate_per_s=UNLIMITED, client_burst=UNLIMITED,
        env={"BOT_DB_HOST": "127.0.0.1", "BOT_DB_PORT": str(proxies["postgresql"].port),
             "BOT_DB_NAME": database, "BOT_DB_USER": PG["user"],
             "BOT_REDIS_HOST": "127.0.0.1", "BOT_REDIS_PORT": str(proxies["redis"].port),
             "BOT_REDIS_DB": str(REDIS_DB),
             "BOT_SENDER_ID_SECRET": SENDER_ID_SECRET})
    running = ScaleOut(settings).start()
    try:
        yield running
    finally:
        running.stop()
        redis.Redis(**REDIS, db=REDIS_DB).flushdb()


# -- helpers -------------------------------------------------------------------------
def post(url: str, body: dict | None, timeout: float = 30) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else b""
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"},
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def new_conversation(base_url: str) -> str:
    status, reply = post(f"{base_url}/webhooks/rest/conversations", None)
    assert status == 201, reply
    return reply["sender"]


def say(base_url: str, sender: str, message: str) -> str:
    status, replies = post(f"{base_url}/webhooks/rest/webhook",
                           {"sender": sender, "message": message})
    assert status == 200, f"HTTP {status}: {replies}"
    return "\n".join(r.get("text") or "" for r in replies)


def technical_error_text() -> str:
    return get_knowledge().reply("technical_error", dt.date.today()).text


def busy_text() -> str:
    return get_knowledge().reply("conversation_busy", dt.date.today()).text


@dataclasses.dataclass
class Outcome:
    message: str
    status: int
    retry_after: str | None
    body: object
    seconds: float

    @property
    def text(self) -> str:
        if self.status != 200:
            return ""
        return "\n".join(r.get("text") or "" for r in self.body)

    @property
    def answered(self) -> bool:
        return self.status == 200 and self.text not in (technical_error_text(), busy_text())


def send(base_url: str, sender: str, message: str) -> Outcome:
    """One message with its status, Retry-After header and time taken, whatever the status."""
    data = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(f"{base_url}/webhooks/rest/webhook", data,
                                     {"Content-Type": "application/json"}, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, error.headers, error.read()
    seconds = time.monotonic() - started
    try:
        body = json.loads(raw)
    except ValueError:
        body = raw.decode("utf-8", "replace")
    return Outcome(message, status, headers.get("Retry-After"), body, seconds)


def send_at_once(base_url: str, sender: str, messages: list[str]) -> list[Outcome]:
    start = threading.Barrier(len(messages))

    def one(message: str) -> Outcome:
        start.wait()
        return send(base_url, sender, message)

    with concurrent.futures.ThreadPoolExecutor(len(messages)) as pool:
        return list(pool.map(one, messages))


def stored_events(database: str, sender: str) -> list[dict]:
    # Stored under a keyed hash of the id, not the id itself (bot/sender_ids.py).
    key = storage_key(sender, SENDER_ID_SECRET.encode())
    with psycopg2.connect(dbname=database, **PG) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (key,))
        return [json.loads(row[0]) for row in cursor.fetchall()]


def user_texts(events: list[dict]) -> list[str]:
    return [e["text"] for e in events if e["event"] == "user"]


def upstream_entries(cluster: ScaleOut, since: int, expected: int) -> list[tuple[str, str]]:
    # nginx writes a log line just after the reply has gone out.
    deadline = time.monotonic() + 5
    while len(cluster.upstream_log()) - since < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return cluster.upstream_log()[since:]


def replicas_used(cluster: ScaleOut, since: int, expected: int) -> set[str]:
    return {address for address, status in upstream_entries(cluster, since, expected)
            if status == "200"}


# -- context across replicas ------------------------------------------------------------
def test_a_follow_up_is_answered_on_the_other_replica(cluster, database):
    first, second = cluster.replica_url(0), cluster.replica_url(1)
    sender = new_conversation(first)
    assert "5 december 2019" in say(first, sender, "wanneer is het debat?")
    assert "Troelstrazaal" in say(second, sender, "en waar?")
    assert user_texts(stored_events(database, sender)) == ["wanneer is het debat?", "en waar?"]


def test_the_personal_data_notice_is_given_once_across_replicas(cluster):
    first, second = cluster.replica_url(0), cluster.replica_url(1)
    sender = new_conversation(first)
    notice = "persoonlijke gegevens uit uw bericht weggelaten"
    assert notice in say(first, sender, "mail me op a.b@voorbeeld.nl, wat is mensenhandel")
    assert notice not in say(second, sender, "of bel 06-12345678 over het debat")


def test_nginx_alternates_replicas_within_one_conversation(cluster):
    sender = new_conversation(cluster.url)
    seen = len(cluster.upstream_log())
    assert "5 december 2019" in say(cluster.url, sender, "wanneer vond het commissiedebat plaats")
    assert "Troelstrazaal" in say(cluster.url, sender, "en waar?")
    assert len(replicas_used(cluster, seen, 2)) == 2


# -- many messages of one conversation at once ------------------------------------------
def assert_one_turn_at_a_time(events: list[dict], expected_turns: int) -> None:
    assert sum(e["event"] == "session_started" for e in events) == 1
    timestamps = [e["timestamp"] for e in events]
    assert timestamps == sorted(timestamps), "events stored out of order"
    # One turn at a time: every user message is followed by the bot's reply and
    # action_listen before the next user message is taken in.
    turns: list[list[str]] = []
    for event in events:
        if event["event"] == "user":
            turns.append([])
        elif turns:
            turns[-1].append(event.get("name") or event["event"])
    assert len(turns) == expected_turns
    for turn in turns:
        assert "bot" in turn and turn[-1] == "action_listen", turn


def test_one_answered_and_five_waiting_across_replicas_are_all_answered_in_order(
        cluster, database):
    sender = new_conversation(cluster.url)
    say(cluster.url, sender, "wat is mensenhandel")  # the session starts outside the race
    count = 1 + MAX_WAITING
    messages = [f"{QUESTIONS[i % len(QUESTIONS)]} ({i})" for i in range(count)]
    seen = len(cluster.upstream_log())
    outcomes = send_at_once(cluster.url, sender, messages)
    assert [o.status for o in outcomes] == [200] * count, [(o.status, o.body) for o in outcomes]
    assert all(o.answered for o in outcomes), [o.text for o in outcomes]
    assert max(o.seconds for o in outcomes) < REPLY_DEADLINE_S + 0.5
    assert replicas_used(cluster, seen, count) == {f"127.0.0.1:{p}" for p in cluster.replica_ports}
    events = stored_events(database, sender)
    assert sorted(user_texts(events)[1:]) == sorted(messages)
    assert_one_turn_at_a_time(events, count + 1)


def test_messages_beyond_five_waiting_get_429_quickly_and_are_not_stored(cluster, database):
    sender = new_conversation(cluster.url)
    say(cluster.url, sender, "wat is mensenhandel")
    messages = [f"{QUESTIONS[i % len(QUESTIONS)]} ({i})" for i in range(20)]
    outcomes = send_at_once(cluster.url, sender, messages)

    refused = [o for o in outcomes if o.status == 429]
    assert refused, "no message was refused"
    for outcome in refused:
        assert outcome.retry_after and int(outcome.retry_after) >= 1
        assert outcome.body["error"] == "too_many_requests"
        assert "opnieuw" in outcome.body["message"]
    unexpected = [(o.status, o.text) for o in outcomes
                  if o.status not in (200, 429) or (o.status == 200 and not o.answered
                                                    and o.text != busy_text())]
    assert unexpected == [], "only answers, 'busy, send again' and 429 are expected"
    # The finding was a reply after 10-12 s; the deadline holds for every message.
    assert max(o.seconds for o in outcomes) < REPLY_DEADLINE_S + 0.5, \
        sorted(round(o.seconds, 2) for o in outcomes)

    # Exactly the answered messages are stored, one turn at a time; refused and
    # expired ones left no trace.
    events = stored_events(database, sender)
    answered = [o.message for o in outcomes if o.answered]
    assert sorted(user_texts(events)[1:]) == sorted(answered)
    assert_one_turn_at_a_time(events, len(answered) + 1)


# -- nginx's per-client limit, with a stand-in for the replicas ------------------------------
class _EchoForwardedFor(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"x_forwarded_for": self.headers.get("X-Forwarded-For")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def limited_nginx(tmp_path):
    """nginx from the scale-out template, 1 request/s and a burst of 3, before an echo server."""
    echo = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoForwardedFor)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    port = free_port()
    (tmp_path / "tmp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(render_nginx_config(tmp_path, port, [echo.server_address[1]],
                                          client_rate_per_s=1, client_burst=3))
    nginx = subprocess.Popen([nginx_binary(), "-p", str(tmp_path), "-e",
                              str(tmp_path / "nginx-error.log"), "-c", str(config)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "nginx.pid").exists():
            assert nginx.poll() is None and time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        time.sleep(0.2)
        yield port
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        echo.shutdown()


def post_from(address: str, port: int,
              forwarded_for: str | None = None) -> tuple[int, dict, str | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5,
                                            source_address=(address, 0))
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    try:
        connection.request("POST", "/webhooks/rest/webhook", b"{}", headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read()), response.getheader("Retry-After")
    finally:
        connection.close()


def test_nginx_limits_each_client_address_and_passes_it_on_as_x_forwarded_for(limited_nginx):
    # Loopback is 127.0.0.0/8: two source addresses stand for two citizens.
    results = [post_from("127.0.0.2", limited_nginx, forwarded_for="198.51.100.9")
               for _ in range(8)]
    statuses = [status for status, _, _ in results]
    assert statuses[:4] == [200] * 4, statuses  # one now and the burst of three
    assert 429 in statuses[4:], statuses
    # The client's own X-Forwarded-For is replaced: it cannot choose its bucket.
    assert {body["x_forwarded_for"] for status, body, _ in results if status == 200} \
        == {"127.0.0.2"}
    _, body, retry_after = next(r for r in results if r[0] == 429)
    assert body["error"] == "too_many_requests" and "opnieuw" in body["message"]
    assert retry_after == "1"
    # Another address is not affected by the first one's flood.
    assert post_from("127.0.0.3", limited_nginx)[0] == 200


# -- the stores going away -----------------------------------------------------------------
@pytest.mark.parametrize("store", ["redis", "postgresql"])
def test_a_store_down_gives_the_dutch_error_reply_and_recovers_without_restart(
        cluster, proxies, store):
    senders = [new_conversation(cluster.url) for _ in cluster.replica_ports]
    proxies[store].cut()
    try:
        for index, sender in enumerate(senders):
            started = time.monotonic()
            assert say(cluster.replica_url(index), sender, "wat is mensenhandel") \
                == technical_error_text()
            assert time.monotonic() - started < 12
    finally:
        proxies[store].restore()
    for index, sender in enumerate(senders):
        assert "Bron:" in say(cluster.replica_url(index), sender, "wat is mensenhandel")


# -- throughput, 1 vs 2 replicas ------------------------------------------------------------
def measure_throughput(url: str, users: int = 10, messages_per_user: int = 15) -> float:
    def conversation(_: int) -> int:
        sender = new_conversation(url)
        for i in range(messages_per_user):
            assert technical_error_text() != say(url, sender, QUESTIONS[i % len(QUESTIONS)])
        return messages_per_user

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(users) as pool:
        total = sum(pool.map(conversation, range(users)))
    return total / (time.monotonic() - started)


def test_throughput_with_one_and_with_two_replicas(cluster):
    measure_throughput(cluster.url, users=4, messages_per_user=3)  # warm-up
    two = measure_throughput(cluster.url)
    cluster.stop_replica(1)
    try:
        one = measure_throughput(cluster.url)
    finally:
        cluster.start_replica(1)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps({
        "measured": dt.datetime.now().isoformat(timespec="seconds"),
        "users": 10, "messages_per_user": 15,
        "messages_per_second": {"1 replica": round(one, 1), "2 replicas": round(two, 1)},
        "ratio": round(two / one, 2)}, indent=2))
    print(f"\nthroughput: 1 replica {one:.1f} msg/s, 2 replicas {two:.1f} msg/s "
          f"({two / one:.2f}x); written to {REPORT}")
    assert one > 0 and two > 0


# -- a replica stopped or crashing under load ----------------------------------------------------
def talk_under_load(cluster: ScaleOut, conversations: int, messages: int, replica: int,
                    crash: bool) -> dict[str, list[tuple[str, str]]]:
    """Conversations talking through nginx while one replica goes away; per conversation,
    (message, outcome) with outcome "answered", "busy" (not processed: send again),
    "technical error" or "HTTP <status>"."""
    outcomes: dict[str, list[tuple[str, str]]] = {
        new_conversation(cluster.url): [] for _ in range(conversations)}

    def talk(sender: str) -> None:
        for i in range(messages):
            message = f"{QUESTIONS[i % len(QUESTIONS)]} [{i}]"
            status, replies = post(f"{cluster.url}/webhooks/rest/webhook",
                                   {"sender": sender, "message": message})
            if status != 200:
                outcome = f"HTTP {status}"
            elif technical_error_text() in "\n".join(r.get("text") or "" for r in replies):
                outcome = "technical error"
            elif busy_text() in "\n".join(r.get("text") or "" for r in replies):
                outcome = "busy"
            else:
                outcome = "answered"
            outcomes[sender].append((message, outcome))

    threads = [threading.Thread(target=talk, args=(sender,)) for sender in outcomes]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    cluster.stop_replica(replica, crash=crash)
    for thread in threads:
        thread.join(timeout=180)
    return outcomes


def assert_serves_again(cluster: ScaleOut, replica: int) -> None:
    cluster.start_replica(replica)
    seen = len(cluster.upstream_log())
    sender = new_conversation(cluster.url)
    for question in QUESTIONS[:4]:
        say(cluster.url, sender, question)
    assert f"127.0.0.1:{cluster.replica_ports[replica]}" in replicas_used(cluster, seen, 4)


def test_a_replica_stopped_under_load_loses_no_message_and_rejoins(cluster, database):
    # SIGTERM, as an orchestrator stops a pod: it finishes what it has, nginx
    # sends everything else to the other replica.
    outcomes = talk_under_load(cluster, conversations=8, messages=8, replica=1, crash=False)
    for sender, results in outcomes.items():
        assert all(outcome == "answered" for _, outcome in results), results
        # Every message stored exactly once, in the order sent.
        assert user_texts(stored_events(database, sender)) == [m for m, _ in results]
    assert_serves_again(cluster, 1)


def test_a_replica_crashing_under_load_costs_at_most_the_message_in_flight(cluster, database):
    # SIGKILL: the messages the replica was handling get an error (nginx does
    # not re-send them: they may already be stored); every conversation goes on
    # on the other replica, and nothing is stored twice. The dead replica's lock
    # ticket holds its conversation until it expires (lock lifetime, 6 s), longer
    # than a message may wait for the lock (1 s): messages meanwhile are told
    # "busy, send again" and are not stored.
    outcomes = talk_under_load(cluster, conversations=8, messages=8, replica=1, crash=True)
    for sender, results in outcomes.items():
        failed = [m for m, outcome in results if outcome == "HTTP 502"]
        assert len(failed) <= 1, results
        assert all(outcome in ("answered", "busy", "HTTP 502") for _, outcome in results), results
        stored = user_texts(stored_events(database, sender))
        answered = [m for m, outcome in results if outcome == "answered"]
        assert len(stored) == len(set(stored)), "a message was stored twice"
        assert [m for m in stored if m in answered] == answered
        assert set(stored) - set(answered) <= set(failed)
    assert_serves_again(cluster, 1)
