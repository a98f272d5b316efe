"""A per-installation secret key for the demo, made once and kept in the data folder."""

from __future__ import annotations

import secrets
from pathlib import Path


def demo_secret_key(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text("utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, "utf-8")
    path.chmod(0o600)
    return key
