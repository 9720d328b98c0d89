"""Benchmark this bot against the reference bot that `rasa init` creates.

Usage (from the project root):

    .venv/bin/python scripts/bench.py [--quick] [--out docs/benchmarks.md]

One run trains both bots from scratch in a temporary folder, serves each in turn
(action server + Rasa server on free ports), measures cold start, REST latency and
throughput at 1, 10 and 50 simultaneous users and the peak memory of every server
process, then prints a table and writes it as Markdown (plus a latency chart) to
--out. Nothing in models/ or elsewhere in the project is touched; the temporary
folder and every started process are removed on exit, also on Ctrl-C or error.

This is a benchmark, not a test: it never fails on slow figures, it reports them.
"""
from __future__ import annotations

import argparse
import ast
import collections
import datetime
import http.client
import importlib.metadata
import json
import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv" / "bin" / "rasa"

# Same environment as `make run`, so the figures describe the bot as it is served.
# PYTHONDONTWRITEBYTECODE keeps the servers from writing __pycache__ into the project;
# PYTHONUNBUFFERED makes log lines arrive when they are written, so their arrival
# time can stand for the moment the server logged them.
CHILD_ENV_OVERRIDES = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}

CONCURRENCY_LEVELS = (1, 10, 50)
# How often each simulated user sends its whole message list, per concurrency level.
# Chosen so a full run gives a few hundred samples per level in a few minutes on
# 2 cores; --quick only checks that everything works end to end.
ROUNDS_FULL = {1: 10, 10: 3, 50: 2}
ROUNDS_QUICK = {1: 1, 10: 1, 50: 1}

OUR_MESSAGES = (
    "Wat is mensenhandel?",
    "Wanneer is het debat?",
    "En waar?",
    "Wie is de nationaal rapporteur?",
    "wat heeft het programma opgeleverd",
    "hallo",
    "bedankt",
)
REFERENCE_MESSAGES = ("hello", "I am sad", "yes", "great", "bye", "are you a bot?")

# Rasa 3.6 logs this once the model is loaded and the server accepts messages.
MODEL_READY_LOG_LINE = "Rasa server is up and running"

START_TIMEOUT_S = 300.0
REQUEST_TIMEOUT_S = 60.0
MEMORY_SAMPLE_INTERVAL_S = 0.2
# What a failed request can raise: connection problems (OSError, including
# urllib's URLError), malformed HTTP (HTTPException) and bad JSON (ValueError/TypeError).
REQUEST_ERRORS = (OSError, http.client.HTTPException, ValueError, TypeError)
# Above this share of the CPU taken by other programs the report warns that the
# figures are not trustworthy (with 2 cores, one busy core is already 50 %).
BUSY_MACHINE_SHARE = 0.10
MARKER_START = "<!-- bench:start -->"
MARKER_END = "<!-- bench:end -->"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def child_env(**extra: str) -> dict[str, str]:
    return {**os.environ, **CHILD_ENV_OVERRIDES, **extra}


# --------------------------------------------------------------------------- processes

class LoggedProcess:
    """A child in its own process group whose output goes to a file, line by line.

    Every line is stamped with its arrival time so that log events (such as the
    model being loaded) can be timed against the moment the process was started.
    """

    def __init__(self, name: str, args: Sequence[str], cwd: Path, env: dict[str, str],
                 log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        self._marks: dict[str, float] = {}
        self._watched: tuple[str, ...] = ()
        self._lock = threading.Lock()
        self.started = time.perf_counter()
        # A new session keeps Ctrl-C in the terminal away from the servers, so that
        # this script alone decides when (and how) they stop.
        self.popen = subprocess.Popen(
            list(args), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def watch_for(self, *needles: str) -> None:
        with self._lock:
            self._watched = self._watched + needles

    def seconds_until(self, needle: str) -> float | None:
        """Seconds from process start until a line containing `needle` arrived."""
        with self._lock:
            mark = self._marks.get(needle)
        return None if mark is None else mark - self.started

    def _read(self) -> None:
        assert self.popen.stdout is not None
        with open(self.log_path, "wb") as sink:
            for raw in iter(self.popen.stdout.readline, b""):
                now = time.perf_counter()
                sink.write(raw)
                sink.flush()
                line = raw.decode("utf-8", "replace")
                with self._lock:
                    for needle in self._watched:
                        if needle not in self._marks and needle in line:
                            self._marks[needle] = now

    def wait(self) -> int:
        code = self.popen.wait()
        self._reader.join(timeout=5)
        return code

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM the whole group, then SIGKILL what is still there."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        # Children may outlive the leader; the group id still finds them.
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.popen.poll() is None:
            self.popen.wait(timeout=10)
        self._reader.join(timeout=5)


class ProcessRegistry:
    """Every process this script starts, so that all of them can be stopped on exit."""

    def __init__(self) -> None:
        self._processes: list[LoggedProcess] = []

    def start(self, name: str, args: Sequence[str], cwd: Path, env: dict[str, str],
              log_path: Path) -> LoggedProcess:
        process = LoggedProcess(name, args, cwd, env, log_path)
        self._processes.append(process)
        return process

    def stop(self, process: LoggedProcess) -> None:
        process.stop()
        if process in self._processes:
            self._processes.remove(process)

    def stop_all(self) -> None:
        for process in reversed(self._processes):
            try:
                process.stop()
            except Exception as error:  # noqa: BLE001 - keep stopping the others
                print(f"could not stop {process.name} (pid {process.pid}): {error}",
                      file=sys.stderr)
        self._processes.clear()


class BenchmarkError(RuntimeError):
    pass


def run_timed(registry: ProcessRegistry, name: str, args: Sequence[str], cwd: Path,
              env: dict[str, str], log_path: Path) -> tuple[float, float]:
    """Run a command to completion: its wall time in seconds and the foreign CPU share."""
    started = time.perf_counter()
    process = registry.start(name, args, cwd, env, log_path)
    foreign = ForeignCpu([process.pid])
    code = process.wait()
    elapsed = time.perf_counter() - started
    foreign_share = foreign.share()
    registry.stop(process)
    if code != 0:
        raise BenchmarkError(f"{name} exited with {code}; last log lines:\n{process.tail()}")
    return elapsed, foreign_share


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------------- memory

def _parent_pids() -> dict[int, int]:
    """pid -> parent pid for every process currently visible in /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8") as stat:
                text = stat.read()
        except OSError:
            continue
        # The command name may contain spaces and parentheses; the fields after
        # the last ')' are fixed: state, then the parent pid.
        fields = text[text.rfind(")") + 2:].split()
        if len(fields) > 1:
            parents[int(entry.name)] = int(fields[1])
    return parents


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pid, parent in _parent_pids().items():
        children.setdefault(parent, []).append(pid)
    return children


def process_tree(root: int, children: dict[int, list[int]]) -> list[int]:
    """`root` and all its descendants."""
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def _status_kb(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return values


@dataclass
class MemoryPeak:
    rss_kb: int = 0  # highest sampled sum of VmRSS over the process and its children
    hwm_kb: dict[int, int] = field(default_factory=dict)  # per pid: highest VmHWM seen

    @property
    def rss_mb(self) -> float:
        return self.rss_kb / 1024

    @property
    def hwm_mb(self) -> float:
        return sum(self.hwm_kb.values()) / 1024


class MemorySampler:
    """Samples VmRSS/VmHWM of watched process trees in a background thread."""

    def __init__(self, interval: float = MEMORY_SAMPLE_INTERVAL_S) -> None:
        self.interval = interval
        self.peaks: dict[str, MemoryPeak] = {}
        self._roots: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def watch(self, label: str, pid: int) -> None:
        with self._lock:
            self._roots[label] = pid
            self.peaks.setdefault(label, MemoryPeak())

    def unwatch(self, label: str) -> None:
        """Take a last sample (VmHWM is only readable while the process lives), then stop."""
        self.sample()
        with self._lock:
            self._roots.pop(label, None)

    def sample(self) -> None:
        with self._lock:
            roots = dict(self._roots)
        if not roots:
            return
        children = _children_map()
        for label, root in roots.items():
            tree = process_tree(root, children)
            total_rss = 0
            with self._lock:
                peak = self.peaks[label]
                for pid in tree:
                    values = _status_kb(pid)
                    total_rss += values.get("VmRSS", 0)
                    if "VmHWM" in values:
                        peak.hwm_kb[pid] = max(peak.hwm_kb.get(pid, 0), values["VmHWM"])
                peak.rss_kb = max(peak.rss_kb, total_rss)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


# -------------------------------------------------------------------------------- CPU

def _busy_jiffies() -> int:
    """CPU time spent by the whole machine (all cores) outside idle, in clock ticks."""
    with open("/proc/stat", encoding="utf-8") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return user + nice + system + irq + softirq + steal


def _process_jiffies(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            text = stat.read()
    except OSError:
        return 0
    fields = text[text.rfind(")") + 2:].split()
    # utime + stime + cutime + cstime: a child's time moves into its parent's
    # cutime/cstime when it is reaped, so it stays counted after it exits.
    return sum(int(value) for value in fields[11:15])


class ForeignCpu:
    """Share of the machine's CPU used by processes other than this benchmark's.

    The figures are only comparable when the machine is otherwise idle (2 cores are
    easily saturated by one other test run), so each phase reports how busy the
    rest of the machine was while it ran.
    """

    def __init__(self, roots: Sequence[int]) -> None:
        self._roots = [os.getpid(), *roots]
        self._started = time.perf_counter()
        self._busy = _busy_jiffies()
        self._own = self._own_jiffies()

    def _own_jiffies(self) -> dict[int, int]:
        children = _children_map()
        return {pid: _process_jiffies(pid)
                for root in self._roots for pid in process_tree(root, children)}

    def share(self) -> float:
        """Fraction (0..1) of all cores used by other processes since construction."""
        busy = _busy_jiffies() - self._busy
        own = sum(self._own_jiffies().values()) - sum(self._own.values())
        capacity = ((time.perf_counter() - self._started) * os.sysconf("SC_CLK_TCK")
                    * (os.cpu_count() or 1))
        return max(0.0, busy - own) / capacity if capacity > 0 else math.nan


# ------------------------------------------------------------------------------- HTTP

def send(webhook: str, sender: str, message: str, timeout: float = REQUEST_TIMEOUT_S) -> list:
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(webhook, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        replies = json.load(response)
    if not isinstance(replies, list):
        raise TypeError(f"unexpected reply {replies!r}")
    return replies


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between the two nearest ranks (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class LevelResult:
    users: int
    sent: int = 0
    errors: int = 0
    empty: int = 0
    elapsed_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    error_kinds: collections.Counter[str] = field(default_factory=collections.Counter)

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    @property
    def throughput(self) -> float:
        # Only useful answers count: errors and empty replies are not throughput.
        good = self.sent - self.errors - self.empty
        return good / self.elapsed_s if self.elapsed_s > 0 else math.nan


def run_level(webhook: str, messages: Sequence[str], users: int, rounds: int,
              tag: str) -> LevelResult:
    """`users` simulated users, each holding `rounds` conversations of `messages`, one at a time."""
    result = LevelResult(users=users)
    lock = threading.Lock()
    # All users start together, so the first requests really are concurrent.
    barrier = threading.Barrier(users + 1)

    def user(index: int) -> None:
        barrier.wait()
        for _ in range(rounds):
            # Each round is a new conversation, as a citizen asks a few questions and
            # leaves; one ever-growing conversation would measure tracker size instead.
            sender = f"bench-{tag}-{users}-{index}-{uuid.uuid4().hex[:8]}"
            for message in messages:
                started = time.perf_counter()
                error = None
                try:
                    empty = not send(webhook, sender, message)
                except REQUEST_ERRORS as caught:
                    error, empty = f"{type(caught).__name__}: {caught}"[:120], False
                latency_ms = (time.perf_counter() - started) * 1000
                with lock:
                    result.sent += 1
                    result.empty += empty
                    if error is None:
                        result.latencies_ms.append(latency_ms)
                    else:
                        result.errors += 1
                        result.error_kinds[error] += 1

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    result.elapsed_s = time.perf_counter() - started
    return result


# ------------------------------------------------------------------------------- bots

@dataclass
class BotSpec:
    key: str  # "ours" / "reference": used in sender ids, log names and labels
    project: Path
    model: Path
    greeting: str
    messages: Sequence[str]
    needs_action_server: bool


@dataclass
class BotResult:
    train_s: float = math.nan
    cold_start_s: float = math.nan
    model_load_s: float = math.nan
    model_load_source: str = ""
    levels: dict[int, LevelResult] = field(default_factory=dict)
    warmup_errors: int = 0
    rasa_memory: MemoryPeak = field(default_factory=MemoryPeak)
    actions_memory: MemoryPeak | None = None
    # Share of the machine's CPU taken by other processes while training / serving.
    foreign_cpu_train: float = math.nan
    foreign_cpu_serve: float = math.nan


def has_custom_actions(actions_dir: Path) -> bool:
    """True when the actions package defines anything (the `rasa init` one is all comments)."""
    for path in actions_dir.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
               for node in ast.walk(tree)):
            return True
    return False


def wait_for_reply(webhook: str, greeting: str, processes: Sequence[LoggedProcess],
                   started: float) -> float:
    """Seconds from `started` until the greeting gets a non-empty reply."""
    deadline = started + START_TIMEOUT_S
    sender = f"bench-coldstart-{uuid.uuid4().hex[:8]}"
    while time.perf_counter() < deadline:
        for process in processes:
            if process.popen.poll() is not None:
                raise BenchmarkError(
                    f"{process.name} exited with {process.popen.returncode} while starting; "
                    f"last log lines:\n{process.tail()}")
        try:
            if send(webhook, sender, greeting, timeout=10):
                return time.perf_counter() - started
        except REQUEST_ERRORS:
            pass  # not listening yet, or still loading
        # Short pause: the poll interval bounds how precisely cold start is measured.
        time.sleep(0.1)
    raise BenchmarkError(f"no reply to {greeting!r} within {START_TIMEOUT_S:.0f} s")


def check_still_serving(urls: dict[str, str], phase: str) -> None:
    """Abort when a server stopped answering: every figure after that would be wrong.

    A server that receives SIGTERM from outside (e.g. someone's `pkill -f "rasa run"`
    on a shared machine) closes its port but may linger as a process, so checking
    the process is not enough.
    """
    for name, url in urls.items():
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
        except REQUEST_ERRORS as error:
            raise BenchmarkError(
                f"the {name} stopped answering {phase} ({error}); was it stopped from "
                "outside, e.g. by `pkill -f \"rasa run\"`? The figures would be meaningless, "
                "so the run is aborted.") from error


def benchmark_bot(spec: BotSpec, result: BotResult, registry: ProcessRegistry,
                  sampler: MemorySampler, workdir: Path, rounds: dict[int, int]) -> None:
    rasa_port = free_port()
    endpoints = workdir / f"endpoints-{spec.key}.yml"
    processes: list[LoggedProcess] = []
    actions: LoggedProcess | None = None

    started = time.perf_counter()
    if spec.needs_action_server:
        action_port = free_port()
        # Our shipped local profile: conversations kept in SQLite as well (endpoints.yml).
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
            f"tracker_store:\n  type: bot.tracker_store.SQLiteBackedTrackerStore\n"
            f"  db: {workdir / 'conversations.db'}\n",
            encoding="utf-8")
        actions = registry.start(
            f"{spec.key} action server",
            [str(RASA), "run", "actions", "--actions", "actions", "--port", str(action_port)],
            spec.project, child_env(), workdir / f"{spec.key}-actions.log")
        sampler.watch(f"{spec.key}/actions", actions.pid)
        processes.append(actions)
    else:
        endpoints.write_text("# No custom actions, so no action server.\n", encoding="utf-8")
    rasa = registry.start(
        f"{spec.key} Rasa server",
        [str(RASA), "run", "--model", str(spec.model), "--port", str(rasa_port),
         "--credentials", "credentials.yml", "--endpoints", str(endpoints)],
        spec.project, child_env(), workdir / f"{spec.key}-rasa.log")
    rasa.watch_for(MODEL_READY_LOG_LINE)
    sampler.watch(f"{spec.key}/rasa", rasa.pid)
    processes.append(rasa)
    foreign = ForeignCpu([process.pid for process in processes])
    # Cheap GET endpoints of both servers, to notice a server that went away.
    health = {f"{spec.key} Rasa server": f"http://127.0.0.1:{rasa_port}/"}
    if spec.needs_action_server:
        health[f"{spec.key} action server"] = f"http://127.0.0.1:{action_port}/health"

    try:
        webhook = f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook"
        result.cold_start_s = wait_for_reply(webhook, spec.greeting, processes, started)
        loaded = rasa.seconds_until(MODEL_READY_LOG_LINE)
        if loaded is not None:
            result.model_load_s = loaded
            result.model_load_source = f"log line '{MODEL_READY_LOG_LINE}.'"
        else:
            result.model_load_s = result.cold_start_s
            result.model_load_source = "cold start (the ready log line was not found)"
        log(f"{spec.key}: cold start {result.cold_start_s:.1f} s, model load "
            f"{result.model_load_s:.1f} s ({result.model_load_source})")

        # Warm-up: the first messages pay for lazy initialisation (TensorFlow graphs,
        # the action server's first import of the answers), which is not steady state.
        warmup_sender = f"bench-warmup-{uuid.uuid4().hex[:8]}"
        for message in spec.messages:
            try:
                send(webhook, warmup_sender, message)
            except REQUEST_ERRORS:
                result.warmup_errors += 1
        if result.warmup_errors:
            log(f"{spec.key}: {result.warmup_errors} warm-up messages failed")
        check_still_serving(health, "during the warm-up")

        for users in CONCURRENCY_LEVELS:
            level = run_level(webhook, spec.messages, users, rounds[users], spec.key)
            result.levels[users] = level
            log(f"{spec.key}: {users_label(users)}, {level.sent} messages: "
                f"p50 {level.p(50):.0f} ms, p95 {level.p(95):.0f} ms, "
                f"p99 {level.p(99):.0f} ms, {level.throughput:.1f} msg/s, "
                f"{level.errors} errors, {level.empty} empty")
            for kind, count in level.error_kinds.most_common(3):
                log(f"{spec.key}:   {count} × {kind}")
            check_still_serving(health, f"during the {users_label(users)} level")
            if level.errors:
                for process in processes:
                    print(f"--- {process.name} log (last lines) ---\n{process.tail(15)}",
                          file=sys.stderr)
        result.foreign_cpu_serve = foreign.share()
        log(f"{spec.key}: other processes used {result.foreign_cpu_serve:.0%} of the CPU "
            "while serving")
    except BenchmarkError:
        for process in processes:
            print(f"--- {process.name} log (last lines) ---\n{process.tail()}", file=sys.stderr)
        raise
    finally:
        sampler.unwatch(f"{spec.key}/rasa")
        result.rasa_memory = sampler.peaks[f"{spec.key}/rasa"]
        if actions is not None:
            sampler.unwatch(f"{spec.key}/actions")
            result.actions_memory = sampler.peaks[f"{spec.key}/actions"]
        for process in processes:
            registry.stop(process)


# ---------------------------------------------------------------------------- reports

def load_average() -> str:
    """The 1- and 5-minute load averages, e.g. "0.42 / 0.30"."""
    one, five, _ = os.getloadavg()
    return f"{one:.2f} / {five:.2f}"


def machine_description() -> dict[str, str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
                break
    except (OSError, ValueError):
        pass

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "CPU": cpu,
        "Cores": str(len(os.sched_getaffinity(0))),
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Rasa": version("rasa"),
        "rasa-sdk": version("rasa-sdk"),
    }


def users_label(users: int) -> str:
    return f"{users} user" if users == 1 else f"{users} users"


def _ratio_cell(ours: float | None, reference: float | None) -> str:
    if ours is None or reference is None or math.isnan(ours) or math.isnan(reference) \
            or reference == 0:
        return "—"
    return f"{ours / reference:.2f}×"


def results_table(ours: BotResult, ref: BotResult) -> list[tuple[str, str, str, str]]:
    """Rows of (figure, ours, reference, ours/reference), already formatted."""
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, a: float | None, b: float | None, fmt: str) -> None:
        def show(value: float | None) -> str:
            return "—" if value is None or math.isnan(value) else fmt.format(value)

        rows.append((label, show(a), show(b), _ratio_cell(a, b)))

    add("Training from scratch (s)", ours.train_s, ref.train_s, "{:.1f}")
    add("Cold start to first reply (s)", ours.cold_start_s, ref.cold_start_s, "{:.1f}")
    add("Model load (s)", ours.model_load_s, ref.model_load_s, "{:.1f}")
    for users in CONCURRENCY_LEVELS:
        a, b = ours.levels.get(users), ref.levels.get(users)
        who = users_label(users)
        for q in (50, 95, 99):
            add(f"p{q} latency, {who} (ms)", a.p(q) if a else None,
                b.p(q) if b else None, "{:.0f}")
        add(f"Throughput, {who} (msg/s)", a.throughput if a else None,
            b.throughput if b else None, "{:.1f}")

        def failures(level: LevelResult | None) -> str:
            return "—" if level is None else f"{level.errors} / {level.empty} of {level.sent}"

        rows.append((f"Errors / empty replies, {who}", failures(a), failures(b), "—"))
    add("Rasa server peak RSS (MB)", ours.rasa_memory.rss_mb, ref.rasa_memory.rss_mb, "{:.0f}")
    add("Rasa server VmHWM (MB)", ours.rasa_memory.hwm_mb, ref.rasa_memory.hwm_mb, "{:.0f}")
    add("Action server peak RSS (MB)",
        ours.actions_memory.rss_mb if ours.actions_memory else None,
        ref.actions_memory.rss_mb if ref.actions_memory else None, "{:.0f}")
    add("Action server VmHWM (MB)",
        ours.actions_memory.hwm_mb if ours.actions_memory else None,
        ref.actions_memory.hwm_mb if ref.actions_memory else None, "{:.0f}")
    # Context, not a figure to compare: how much of the CPU other programs took.
    for label, a, b in (("training", ours.foreign_cpu_train, ref.foreign_cpu_train),
                        ("serving", ours.foreign_cpu_serve, ref.foreign_cpu_serve)):
        rows.append((f"CPU used by other processes while {label} (%)",
                     "—" if math.isnan(a) else f"{a * 100:.0f}",
                     "—" if math.isnan(b) else f"{b * 100:.0f}", "—"))
    return rows


def busy_machine_warning(ours: BotResult, ref: BotResult) -> str | None:
    """A warning when other programs took enough CPU to distort the comparison."""
    shares = [ours.foreign_cpu_train, ref.foreign_cpu_train,
              ours.foreign_cpu_serve, ref.foreign_cpu_serve]
    worst = max((share for share in shares if not math.isnan(share)), default=0.0)
    if worst < BUSY_MACHINE_SHARE:
        return None
    return (f"Other processes used up to {worst:.0%} of the CPU during this run, so the "
            "figures are distorted; rerun on an otherwise idle machine.")


@dataclass
class Target:
    description: str
    measured: str
    met: bool | None  # None: could not be measured


def evaluate_targets(ours: BotResult, ref: BotResult) -> list[Target]:
    def ratio(a: float, b: float) -> float:
        return a / b if b and not math.isnan(a) and not math.isnan(b) else math.nan

    def verdict(value: float, ok: Callable[[float], bool]) -> bool | None:
        return None if math.isnan(value) else ok(value)

    targets = []
    a1, b1 = ours.levels.get(1), ref.levels.get(1)
    if a1 and b1:
        r = ratio(a1.p(50), b1.p(50))
        targets.append(Target("p50 latency at 1 user ≤ 0.5× reference",
                              f"{a1.p(50):.0f} ms vs {b1.p(50):.0f} ms ({r:.2f}×)",
                              verdict(r, lambda x: x <= 0.5)))
    a10, b10 = ours.levels.get(10), ref.levels.get(10)
    if a10 and b10:
        r = ratio(a10.throughput, b10.throughput)
        targets.append(Target("Throughput at 10 users ≥ 2× reference",
                              f"{a10.throughput:.1f} vs {b10.throughput:.1f} msg/s ({r:.2f}×)",
                              verdict(r, lambda x: x >= 2.0)))
    r = ratio(ours.cold_start_s, ref.cold_start_s)
    targets.append(Target("Cold start ≤ 0.5× reference",
                          f"{ours.cold_start_s:.1f} s vs {ref.cold_start_s:.1f} s ({r:.2f}×)",
                          verdict(r, lambda x: x <= 0.5)))
    r = ratio(ours.rasa_memory.rss_mb, ref.rasa_memory.rss_mb)
    targets.append(Target("Rasa server peak RSS ≤ reference",
                          f"{ours.rasa_memory.rss_mb:.0f} MB vs {ref.rasa_memory.rss_mb:.0f} MB "
                          f"({r:.2f}×)", verdict(r, lambda x: x <= 1.0)))
    targets.append(Target("Training from scratch ≤ 180 s", f"{ours.train_s:.1f} s",
                          verdict(ours.train_s, lambda x: x <= 180)))
    return targets


def status(met: bool | None) -> str:
    return "not measured" if met is None else ("met" if met else "not met")


def print_report(cells: list[tuple[str, str, str, str]], targets: list[Target],
                 warning: str | None) -> None:
    header = ("Figure", "Ours", "Reference", "Ours/ref")
    widths = [max(len(row[i]) for row in [header, *cells]) for i in range(4)]
    line = "  ".join(
        f"{{:<{widths[0]}}}" if i == 0 else f"{{:>{widths[i]}}}" for i in range(4))
    print()
    print(line.format(*header))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line.format(*row))
    print()
    for target in targets:
        print(f"{status(target.met):>12}  {target.description}: {target.measured}")
    if warning:
        print(f"\nWARNING: {warning}")
    print()


def write_chart(path: Path, ours: BotResult, ref: BotResult) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for result, name, colour in ((ours, "ours", "tab:blue"), (ref, "reference", "tab:orange")):
        users = [u for u in CONCURRENCY_LEVELS if u in result.levels]
        for q, style in ((50, "-o"), (95, "--s")):
            ax.plot(users, [result.levels[u].p(q) for u in users], style, color=colour,
                    label=f"{name} p{q}")
    ax.set_xscale("log")
    # Latency grows by two orders of magnitude from 1 to 50 users; a log axis keeps
    # the single-user figures readable.
    ax.set_yscale("log")
    ax.set_xticks(list(CONCURRENCY_LEVELS))
    ax.set_xticklabels([str(u) for u in CONCURRENCY_LEVELS])
    ax.set_xlabel("simultaneous users")
    ax.set_ylabel("latency per message (ms)")
    ax.set_title("REST latency vs concurrency")
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def markdown_section(cells: list[tuple[str, str, str, str]], targets: list[Target],
                     machine: dict[str, str], ours: BotResult, ref: BotResult,
                     chart_link: str, quick: bool, rounds: dict[int, int],
                     load_before: str, load_after: str, warning: str | None) -> str:
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    kind = ("quick smoke run with `--quick`: too few messages for stable percentiles"
            if quick else "full run")
    per_level = ", ".join(
        f"{users_label(u)} × {rounds[u]} round(s)" for u in CONCURRENCY_LEVELS)
    if ours.model_load_source == ref.model_load_source:
        load_source = f"both bots from the {ours.model_load_source}"
    else:
        load_source = (f"ours from the {ours.model_load_source}; "
                       f"reference from the {ref.model_load_source}")
    out = [
        MARKER_START,
        f"_Generated by `scripts/bench.py` on {now}, {kind}._",
        "",
        "### Machine",
        "",
        f"- CPU: {machine['CPU']}, {machine['Cores']} cores; RAM {machine['RAM']}",
        f"- {machine['OS']}",
        f"- Python {machine['Python']}, Rasa {machine['Rasa']}, rasa-sdk {machine['rasa-sdk']}",
        (f"- Load average (1 min / 5 min) at the start of the run {load_before}, at the end "
         f"{load_after}; everything else running on the machine competes with the servers "
         "for its cores"),
        "",
        "### How it was measured",
        "",
        ("- **Reference**: the bot `rasa init --no-prompt` creates with the same Rasa version "
         "(English, default pipeline and policies, no custom actions, so no action server)."),
        "- **Training**: `rasa train` from scratch (empty cache) for each bot, wall time.",
        ("- **Cold start**: from starting the servers (action server and Rasa server together) "
         "to the first non-empty reply to a greeting over `POST /webhooks/rest/webhook`, "
         "polled every 0.1 s."),
        (f"- **Model load**: {load_source}; counted from the start of the Rasa server "
         "process, so it includes importing Rasa and TensorFlow."),
        (f"- **Latency / throughput**: REST channel; every simulated user holds one "
         f"conversation per round (a new sender id) and sends a fixed list of messages in "
         f"order, waiting for each reply "
         f"({per_level}; ours: {len(OUR_MESSAGES)} messages that all go through the custom "
         f"action, reference: {len(REFERENCE_MESSAGES)} messages of its own intents), after "
         f"a warm-up of one pass. Throughput counts non-empty, error-free replies per "
         f"second of wall time. The load generator runs on the same machine."),
        ("- **Memory**: VmRSS of each server process and its children, sampled every "
         f"{MEMORY_SAMPLE_INTERVAL_S} s from start to stop (peak of the sum); VmHWM is the "
         "kernel's own peak per process. 1 MB = 1024 kB."),
        "",
        "### Results",
        "",
        *([f"> **Warning:** {warning}", ""] if warning else []),
        "| Figure | Ours | Reference | Ours / reference |",
        "|---|---:|---:|---:|",
        *[f"| {' | '.join(row)} |" for row in cells],
        "",
        "### Targets",
        "",
        "| Target | Measured (ours vs reference) | Status |",
        "|---|---|---|",
        *[f"| {t.description} | {t.measured} | {status(t.met)} |" for t in targets],
        "",
        f"![p50 and p95 latency vs concurrency]({chart_link})",
        MARKER_END,
    ]
    return "\n".join(out) + "\n"


def write_markdown(path: Path, section: str) -> None:
    """Replace only the generated section, keeping hand-written text around it."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        start = text.find(MARKER_START)
        if start == -1:
            new = text.rstrip("\n") + "\n\n" + section
        else:
            end = text.find(MARKER_END, start)
            after = "" if end == -1 else text[end + len(MARKER_END):].lstrip("\n")
            new = text[:start] + section + (("\n" + after) if after else "")
    else:
        new = ("# Benchmarks\n\n"
               "This bot compared with the reference bot of `rasa init`. The section between "
               "the markers below is generated by `scripts/bench.py`; text above it is kept.\n\n"
               + section)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")


# ------------------------------------------------------------------------------- main

def _raise_on_signal(signum: int, _frame: object) -> None:
    # Turns SIGTERM/SIGHUP into an exception so the cleanup in main() runs.
    print(f"stopped by signal {signum}; stopping the servers", file=sys.stderr)
    raise SystemExit(128 + signum)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="send fewer messages (smoke run; percentiles are not stable)")
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks.md"),
                        help="Markdown file to write (default: docs/benchmarks.md); the chart "
                             "goes next to it as <name>-latency.png")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    chart = out.with_name(f"{out.stem}-latency.png")
    rounds = ROUNDS_QUICK if args.quick else ROUNDS_FULL
    if not RASA.exists():
        print(f"{RASA} not found: run `make setup` first", file=sys.stderr)
        return 2

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_on_signal)
    # A shell starting us in the background makes us inherit an ignored SIGINT;
    # Ctrl-C / kill -INT must still stop the run and its servers.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    registry = ProcessRegistry()
    sampler = MemorySampler()
    workdir = Path(tempfile.mkdtemp(prefix="rasa-bench-"))
    sampler.start()
    load_before = load_average()
    log(f"load average (1 min / 5 min) {load_before}")
    try:
        reference_dir = workdir / "reference"
        reference_dir.mkdir()
        log(f"creating the reference bot in {reference_dir} (rasa init trains once, untimed)")
        init_s, _ = run_timed(
            registry, "rasa init",
            [str(RASA), "init", "--no-prompt", "--init-dir", str(reference_dir)],
            workdir, child_env(RASA_CACHE_DIRECTORY=str(workdir / "cache-init")),
            workdir / "reference-init.log")
        log(f"rasa init took {init_s:.1f} s")

        # A fresh, empty cache per training: otherwise Rasa reuses trained components
        # from earlier runs (or from `make train`) and the time is not "from scratch".
        specs, results = [], {}
        for key, project, greeting, messages in (
                ("ours", ROOT, "hallo", OUR_MESSAGES),
                ("reference", reference_dir, "hello", REFERENCE_MESSAGES)):
            model_dir = workdir / f"{key}-model"
            log(f"training {key} from scratch")
            result = BotResult()
            result.train_s, result.foreign_cpu_train = run_timed(
                registry, f"rasa train ({key})",
                [str(RASA), "train", "--out", str(model_dir), "--fixed-model-name", "bench",
                 "--force"],
                project, child_env(RASA_CACHE_DIRECTORY=str(workdir / f"cache-{key}")),
                workdir / f"{key}-train.log")
            log(f"{key}: trained in {result.train_s:.1f} s (other processes used "
                f"{result.foreign_cpu_train:.0%} of the CPU meanwhile)")
            specs.append(BotSpec(
                key=key, project=project, model=model_dir / "bench.tar.gz",
                greeting=greeting, messages=messages,
                needs_action_server=has_custom_actions(project / "actions")))
            results[key] = result

        for spec in specs:
            log(f"serving {spec.key} "
                f"({'with' if spec.needs_action_server else 'without'} action server)")
            benchmark_bot(spec, results[spec.key], registry, sampler, workdir, rounds)

        ours, ref = results["ours"], results["reference"]
        cells = results_table(ours, ref)
        targets = evaluate_targets(ours, ref)
        warning = busy_machine_warning(ours, ref)
        print_report(cells, targets, warning)

        write_chart(chart, ours, ref)
        chart_link = os.path.relpath(chart, out.parent)
        section = markdown_section(cells, targets, machine_description(), ours, ref,
                                   chart_link, args.quick, rounds, load_before, load_average(),
                                   warning)
        write_markdown(out, section)
        log(f"wrote {out} and {chart}")
        return 0
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; stopping the servers", file=sys.stderr)
        return 130
    finally:
        # A second Ctrl-C must not cut the cleanup short and leave servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        registry.stop_all()
        sampler.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
