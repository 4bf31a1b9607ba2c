"""Run the action server: rasa-sdk's /webhook plus /nlg (replies) and /health on one port.

python -m actions.server [--port 5055]
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response

from actions import nlg

log = logging.getLogger(__name__)


def build_app():
    app = create_app("actions")

    @app.post("/nlg")
    async def _nlg(request):  # noqa: ANN001 - sanic handler
        return response.json(nlg.generate(request.json or {}))

    @app.listener("before_server_start")
    async def _warm_up(app_, loop):  # noqa: ANN001
        # Load place names, projects and catalogs before the first user waits for them; a broken
        # data file stops the server here with a clear message instead of failing in a chat.
        from sqlalchemy.exc import SQLAlchemyError

        from cases import runtime
        from knowledge import capacity, i18n, projects
        from knowledge.places import gazetteer

        gazetteer()
        projects.directory()
        capacity.capacity()
        for code in i18n.languages():
            i18n.catalog(code)
        try:  # the case database: migrate, mirror the projects, create the bookable slots
            runtime.prepare()
        except SQLAlchemyError as exc:  # answers still work; bookings apologise until it is back
            log.error("case database unavailable at start: %s", type(exc).__name__)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("AMM_ACTIONS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("AMM_ACTIONS_PORT", "5055")))
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("AMM_LOG_LEVEL", "INFO"))
    build_app().run(host=args.host, port=args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
