"""Talks to the Rasa server's REST channel (POST /webhooks/rest/webhook)."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(RuntimeError):
    """Rasa (or the action server behind it) did not answer; the user gets an apology."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": message, "metadata": metadata}
            )
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(type(exc).__name__) from None
        if not isinstance(replies, list):
            raise RasaUnavailable("unexpected reply")
        return replies

    async def aclose(self) -> None:
        await self._client.aclose()
