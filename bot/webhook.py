"""Webhook mode: a small HTTPS-terminated-elsewhere endpoint that hands Telegram's updates to the
Application. Every request must carry Telegram's secret token header; anything else is refused
before it is read: wrong or missing secret (403), oversized body (413), not JSON or not an update
(400). Refusals are logged without content.

Set AMM_TELEGRAM_WEBHOOK_URL (the public URL behind your reverse proxy, ending in /telegram) and
AMM_TELEGRAM_WEBHOOK_SECRET; the server listens on AMM_TELEGRAM_WEBHOOK_LISTEN:PORT.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from typing import Any

from sanic import Sanic, response
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings

log = logging.getLogger(__name__)
PATH = "/telegram"
MAX_BODY = 1_000_000  # Telegram's updates are a few kilobytes; files arrive as ids, not bytes
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret


def build_app(application: Application, secret: str, name: str = "amm-telegram-webhook") -> Sanic:
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY

    @app.post(PATH)
    async def telegram_update(request: Any) -> Any:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            log.warning("webhook: request without the right secret refused")
            return response.empty(status=403)
        try:
            data = json.loads(request.body)
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook: malformed update refused")
            return response.empty(status=400)
        if update is None:
            return response.empty(status=400)
        await application.update_queue.put(update)
        return response.empty(status=200)

    @app.get("/health")
    async def health(_request: Any) -> Any:
        return response.json({"status": "ok"})

    return app


def serve(front: Any, settings: Settings) -> None:
    """Run the Application behind our own webhook server (python-telegram-bot's custom-webhook pattern)."""
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    application = front.build(updater=False)
    app = build_app(application, secret)

    @app.listener("before_server_start")
    async def _start(_app: Any, _loop: Any) -> None:
        await application.initialize()
        await application.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        )
        await application.start()

    @app.listener("after_server_stop")
    async def _stop(_app: Any, _loop: Any) -> None:
        await application.stop()
        await application.shutdown()

    app.run(host=settings.webhook_listen, port=settings.webhook_port, workers=1, access_log=False)
