"""Settings of the bot process, from the environment (documented in .env.example)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _mentor_chats(raw: str) -> dict[str, str]:
    """ "dresden=-1001234,leipzig=-1005678" -> {"dresden": "-1001234", ...}"""
    chats = {}
    for part in raw.split(","):
        project, sep, chat = part.strip().partition("=")
        if sep and project.strip() and chat.strip():
            chats[project.strip()] = chat.strip()
    return chats


@dataclass(frozen=True)
class Settings:
    rasa_url: str
    state_dir: Path
    pseudonym_key: str | None
    rasa_timeout: float
    max_message_chars: int
    tracker_url: str = ""  # Rasa's tracker store, for erasing a user's conversation on request
    telegram_token: str | None = None  # secret: no default; without it the terminal chat runs
    telegram_base_url: str = "https://api.telegram.org"  # or a self-hosted Bot API server
    webhook_url: str | None = None  # public https URL: webhook mode; unset: long polling
    webhook_secret: str | None = None  # checked on every webhook request (X-Telegram-Bot-Api-Secret-Token)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    mentor_chats: dict[str, str] = field(default_factory=dict)  # project id -> Telegram chat id
    mentor_chat_default: str | None = None  # the coordination office's chat, for projects without one
    rate_messages: int = 8  # per user and window; more gets one notice and is skipped
    rate_window: float = 10.0

    @classmethod
    def from_env(cls) -> Settings:
        state = Path(os.environ.get("AMM_STATE_DIR", ROOT / "var"))
        return cls(
            rasa_url=os.environ.get("AMM_RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            state_dir=state,
            pseudonym_key=os.environ.get("AMM_PSEUDONYM_KEY") or None,
            rasa_timeout=float(os.environ.get("AMM_RASA_TIMEOUT", "30")),
            max_message_chars=int(os.environ.get("AMM_MAX_MESSAGE_CHARS", "2000")),
            tracker_url=os.environ.get("AMM_TRACKER_URL") or f"sqlite:///{state / 'tracker.sqlite3'}",
            telegram_token=os.environ.get("AMM_TELEGRAM_TOKEN") or None,
            telegram_base_url=os.environ.get("AMM_TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"),
            webhook_url=os.environ.get("AMM_TELEGRAM_WEBHOOK_URL") or None,
            webhook_secret=os.environ.get("AMM_TELEGRAM_WEBHOOK_SECRET") or None,
            webhook_listen=os.environ.get("AMM_TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=int(os.environ.get("AMM_TELEGRAM_WEBHOOK_PORT", "8443")),
            mentor_chats=_mentor_chats(os.environ.get("AMM_MENTOR_CHATS", "")),
            mentor_chat_default=os.environ.get("AMM_MENTOR_CHAT_DEFAULT") or None,
            rate_messages=int(os.environ.get("AMM_RATE_MESSAGES", "8")),
            rate_window=float(os.environ.get("AMM_RATE_WINDOW", "10")),
        )
