"""Production settings: `manage.py check --deploy` is clean, and a missing secret key stops the start."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "duban.web.settings",
    "DUBAN_SECURE": "1",
    "DUBAN_DEBUG": "0",
    "DUBAN_ALLOWED_HOSTS": "duban.example",
}


def django(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    return {**env, **PRODUCTION, "DUBAN_DATA_DIR": str(tmp_path), **extra}


def test_it_passes_the_deploy_check_with_production_settings(tmp_path: Path) -> None:
    env = production_env(tmp_path, DUBAN_SECRET_KEY=secrets.token_urlsafe(50))
    result = django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_refuses_to_start_without_a_secret_key_in_production(tmp_path: Path) -> None:
    result = django(production_env(tmp_path), "check")
    assert result.returncode != 0
    assert "DUBAN_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists() and not list(tmp_path.iterdir())


def test_it_refuses_a_secret_key_given_as_an_empty_string(tmp_path: Path) -> None:
    result = django(production_env(tmp_path, DUBAN_SECRET_KEY=""), "check")
    assert result.returncode != 0
    assert "DUBAN_SECRET_KEY" in result.stderr
