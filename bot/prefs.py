"""Per-user front-end state: the stored language choice, the sticky detected language, and - only
for users who booked an intake with consent - the chat address that reminders go to.

A small SQLite file under AMM_STATE_DIR; keyed by the pseudonymous user reference. Deleting a user
removes their rows.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass
class UserPrefs:
    chosen: str | None = None
    detected: str | None = None


class PrefsStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS user_prefs (user_ref TEXT PRIMARY KEY, chosen TEXT, detected TEXT)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS chat_addresses (user_ref TEXT PRIMARY KEY, platform TEXT, chat_id TEXT)"
        )
        self._lock = threading.Lock()

    def get(self, user_ref: str) -> UserPrefs:
        with self._lock:
            row = self._db.execute("SELECT chosen, detected FROM user_prefs WHERE user_ref = ?", (user_ref,)).fetchone()
        return UserPrefs(*row) if row else UserPrefs()

    def put(self, user_ref: str, prefs: UserPrefs) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO user_prefs (user_ref, chosen, detected) VALUES (?, ?, ?) "
                "ON CONFLICT(user_ref) DO UPDATE SET chosen = excluded.chosen, detected = excluded.detected",
                (user_ref, prefs.chosen, prefs.detected),
            )

    def delete(self, user_ref: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM user_prefs WHERE user_ref = ?", (user_ref,))
            self._db.execute("DELETE FROM chat_addresses WHERE user_ref = ?", (user_ref,))

    def remember_address(self, user_ref: str, platform: str, chat_id: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO chat_addresses (user_ref, platform, chat_id) VALUES (?, ?, ?) "
                "ON CONFLICT(user_ref) DO UPDATE SET platform = excluded.platform, chat_id = excluded.chat_id",
                (user_ref, platform, chat_id),
            )

    def address(self, user_ref: str) -> tuple[str, str] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT platform, chat_id FROM chat_addresses WHERE user_ref = ?", (user_ref,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def close(self) -> None:
        self._db.close()
