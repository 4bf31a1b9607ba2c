"""Shared fixtures. Tests are offline; PostgreSQL and Redis come from environment variables."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AMM_STATE_DIR", str(ROOT / "var" / "test"))
