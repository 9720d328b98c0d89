"""A value read from a file staff edit while the bot runs, read again when the file changes.

A broken edit must not take the bot down: the last good value stays in use and the
problem is logged. Only when there is no good value yet does the error reach the caller.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

Value = TypeVar("Value")


class ReloadingFile(Generic[Value]):
    """``load(path)``, cached until the file's modification time changes.

    ``errors`` are the exceptions that mean "this edit is broken". ``validate`` returns
    the problems that keep an edit that loads from going live (empty: go live); with no
    older value to fall back on, the edit is served and its problems are logged.
    """

    def __init__(self, path: Path, load: Callable[[Path], Value], errors: tuple[type[Exception], ...],
                 what: str, validate: Callable[[Path], list[str]] | None = None) -> None:
        self._path = path
        self._load = load
        self._errors = errors
        self._what = what
        self._validate = validate
        self._lock = threading.Lock()
        self._mtime: int | None = None
        self._value: Value | None = None

    def get(self) -> Value:
        mtime = self._path.stat().st_mtime_ns
        if self._value is not None and mtime == self._mtime:
            return self._value
        with self._lock:
            if self._value is None or mtime != self._mtime:
                self._reload()
                self._mtime = mtime
            assert self._value is not None
            return self._value

    def _reload(self) -> None:
        try:
            loaded = self._load(self._path)
        except self._errors:
            if self._value is None:
                raise
            logger.exception("Kept the previous %s: %s is invalid", self._what, self._path.name)
            return
        problems = self._validate(self._path) if self._validate else []
        if problems and self._value is not None:
            logger.error("Kept the previous %s: %s does not pass make check:\n%s", self._what, self._path.name,
                         "\n".join(problems))
            return
        if problems:
            logger.error("%s does not pass make check:\n%s", self._path.name, "\n".join(problems))
        elif self._mtime is not None:
            logger.info("Reloaded the %s from %s", self._what, self._path.name)
        self._value = loaded
