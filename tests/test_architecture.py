"""The apps depend on each other in one direction only (contracts in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "config",
    "casework",
    "workflows",
    "signals",
    "dashboard",
    "privacy",
    "permissions",
    "notifications",
    "demo",
)


def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_is_named_utils_helpers_or_django_signals():
    offenders = [
        str(p.relative_to(ROOT))
        for app in APPS
        for p in (ROOT / app).rglob("*.py")
        if p.name in {"utils.py", "helpers.py", "signals.py"}
    ]
    assert offenders == []


def test_every_app_with_tests_is_collected_by_make_test():
    """An app's tests run only if pytest's testpaths name it."""
    import tomllib

    testpaths = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"][
            "testpaths"
        ]
    )
    with_tests = {path.parent.name for path in ROOT.glob("*/tests/__init__.py")}
    assert with_tests <= testpaths
    assert set(APPS) - {"config"} <= testpaths
