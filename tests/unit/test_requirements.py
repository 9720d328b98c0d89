"""requirements.txt holds what the bot imports, and nothing that only tests or lint need."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Import name -> distribution name, where they differ.
DISTRIBUTIONS = {"yaml": "pyyaml", "sklearn": "scikit-learn", "stdnum": "python-stdnum",
                 "lingua": "lingua-language-detector", "sanic_cors": "sanic-cors", "psycopg2": "psycopg2-binary"}
TEST_TOOLS = {"pytest", "pytest-asyncio", "ruff", "hypothesis", "faker", "playwright", "axe-playwright-python"}
FIRST_PARTY = {"bot", "actions"}


def requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[<>=!~\[ ]", line)[0].lower())
    return names


def imported_modules(folder: Path) -> set[str]:
    modules = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - FIRST_PARTY - {"__future__"}


def test_runtime_requirements_hold_no_test_or_lint_tool():
    assert not requirement_names(ROOT / "requirements.txt") & TEST_TOOLS


def test_dev_requirements_build_on_the_runtime_ones():
    text = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "-r requirements.txt" in text
    assert TEST_TOOLS <= requirement_names(ROOT / "requirements-dev.txt")


@pytest.mark.parametrize("folder", ["bot", "actions", "scripts"])
def test_every_imported_package_is_declared_for_run_time(folder):
    declared = requirement_names(ROOT / "requirements.txt")
    missing = {module for module in imported_modules(ROOT / folder)
               if DISTRIBUTIONS.get(module, module).lower().replace("_", "-") not in declared}
    assert not missing, f"{folder}/ imports packages requirements.txt does not declare: {sorted(missing)}"


def test_every_declared_package_is_pinned_by_the_lock():
    locked = requirement_names(ROOT / "requirements.lock")
    for file in ("requirements.txt", "requirements-dev.txt"):
        assert requirement_names(ROOT / file) <= locked, file
