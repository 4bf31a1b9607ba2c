"""Settings of the bot process, from the environment (documented in .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    rasa_url: str
    state_dir: Path
    pseudonym_key: str | None
    rasa_timeout: float
    max_message_chars: int
    tracker_url: str = ""  # Rasa's tracker store, for erasing a user's conversation on request

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            rasa_url=os.environ.get("AMM_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            state_dir=Path(os.environ.get("AMM_STATE_DIR", ROOT / "var")),
            pseudonym_key=os.environ.get("AMM_PSEUDONYM_KEY") or None,
            rasa_timeout=float(os.environ.get("AMM_RASA_TIMEOUT", "30")),
            max_message_chars=int(os.environ.get("AMM_MAX_MESSAGE_CHARS", "2000")),
            tracker_url=os.environ.get("AMM_TRACKER_URL")
            or f"sqlite:///{Path(os.environ.get('AMM_STATE_DIR', ROOT / 'var')) / 'tracker.sqlite3'}",
        )
