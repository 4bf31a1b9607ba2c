"""Start the action server and the Rasa server on free ports, as `./amm run` does (tests, benchmarks)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "amm.tar.gz"
RASA_VENV = Path(os.environ.get("AMM_RASA_VENV", ROOT / ".venv-rasa"))


@dataclass
class Servers:
    rasa_url: str
    actions_url: str
    processes: list[subprocess.Popen]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


@contextlib.contextmanager
def running(state: Path, *, enable_api: bool = False, env: dict[str, str] | None = None) -> Iterator[Servers]:
    a_port, r_port = free_port(), free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AMM_ACTIONS_URL": f"http://127.0.0.1:{a_port}",
        "AMM_TRACKER_DIALECT": "sqlite",
        "AMM_TRACKER_URL": f"sqlite:///{state / 'tracker.sqlite3'}",
        "AMM_STATE_DIR": str(state),
        "AMM_CASES_URL": f"sqlite:///{state / 'cases.sqlite3'}",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        **(env or {}),
    }
    log = open(state / "servers.log", "w")  # noqa: SIM115 - closed below
    rasa_cmd = [
        str(RASA_VENV / "bin" / "rasa"),
        "run",
        "--model",
        str(MODEL),
        "--endpoints",
        "endpoints.yml",
        "--credentials",
        "credentials.yml",
        "--port",
        str(r_port),
        "--interface",
        "127.0.0.1",
    ]
    if enable_api:
        rasa_cmd.append("--enable-api")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "actions.server", "--port", str(a_port)],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=log,
        ),
        subprocess.Popen(rasa_cmd, cwd=ROOT, env=environment, stdout=log, stderr=log),
    ]
    try:
        wait(f"http://127.0.0.1:{a_port}/health", procs[0])
        wait(f"http://127.0.0.1:{r_port}/", procs[1])  # "Hello from Rasa" (/status needs --enable-api)
        yield Servers(f"http://127.0.0.1:{r_port}", f"http://127.0.0.1:{a_port}", procs)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        log.close()
