"""The case database: every consent, lead, intake booking, status change and notification.

SQLAlchemy 2 models (`models`), Alembic migrations (`migrations/`), and a small service layer
(`service`, `booking`, `privacy`, `outbox`). Services take a session and never commit it: the caller
owns the transaction. An SQLite file under AMM_STATE_DIR by default; PostgreSQL via AMM_CASES_URL.
"""
