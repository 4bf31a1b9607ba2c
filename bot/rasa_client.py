"""Talks to the Rasa server's REST channel (POST /webhooks/rest/webhook)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

CONNECT_RETRIES = (0.5, 1.5)  # seconds; only when the request never reached Rasa (safe to repeat)


class RasaUnavailable(RuntimeError):
    """Rasa (or the action server behind it) did not answer; the user gets an apology."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        body = {"sender": sender, "message": message, "metadata": metadata}
        try:
            for pause in (*CONNECT_RETRIES, None):
                try:
                    response = await self._client.post("/webhooks/rest/webhook", json=body)
                    break
                except httpx.ConnectError:  # Rasa restarting: the message never arrived, try again shortly
                    if pause is None:
                        raise
                    await asyncio.sleep(pause)
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from None
        if not isinstance(replies, list):
            raise RasaUnavailable("unexpected reply")
        return replies

    async def aclose(self) -> None:
        await self._client.aclose()
