"""Case database commands (also via ./amm cases ...).

python -m cases migrate               apply migrations (AMM_CASES_URL or the local SQLite file)
python -m cases downgrade [REV]       roll back (default: everything)
python -m cases purge                 erase people who never booked (AMM_RETENTION_DAYS, 90) and people
                                      whose cases are all closed (AMM_CLOSED_RETENTION_DAYS, 30)
python -m cases deliver               deliver due notifications once
python -m cases worker                slots, outbox (recorded locally) and retention; ./amm run starts
                                      bot.worker, which delivers through Telegram when configured
python -m cases leads [--project ID]  the mentors' list of open leads
python -m cases outbox                recent notifications and their delivery state
python -m cases status LEAD STATUS --actor NAME   change a lead's status (recorded in the audit trail)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from sqlalchemy import select

from cases import db, outbox, runtime, service
from cases.models import Booking, Lead, Person

log = logging.getLogger("cases")


def _leads(project: str | None) -> None:
    with runtime.factory()() as session:
        query = select(Lead).where(Lead.status.not_in(("closed", "cancelled"))).order_by(Lead.id)
        if project:
            query = query.where(Lead.project_id == project)
        rows = list(session.scalars(query))
        for lead in rows:
            person = session.get(Person, lead.person_id) if lead.person_id else None
            booking = session.scalar(select(Booking).where(Booking.lead_id == lead.id, Booking.cancelled_at.is_(None)))
            when = (
                booking.slot.starts_at.astimezone(runtime_tz()).strftime("%a %d.%m. %H:%M") if booking else "call-back"
            )
            who = (
                f"{person.name} ({person.contact_channel}: {person.phone or person.email or 'chat'})"
                if person
                else "erased"
            )
            marks = ",".join(lead.priority or []) or "-"
            print(f"#{lead.id} {lead.project_id} {lead.status} {lead.topic} priority={marks} {when} {who}")
        print(f"{len(rows)} open lead(s)", file=sys.stderr)


def runtime_tz():  # noqa: ANN201
    from knowledge.capacity import capacity

    return capacity().timezone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cases", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("migrate")
    down = sub.add_parser("downgrade")
    down.add_argument("revision", nargs="?", default="base")
    sub.add_parser("purge")
    sub.add_parser("deliver")
    worker = sub.add_parser("worker")
    worker.add_argument("--interval", type=float, default=30.0)
    leads = sub.add_parser("leads")
    leads.add_argument("--project")
    box = sub.add_parser("outbox")
    box.add_argument("--show", action="store_true", help="also print each message as it would be sent")
    status = sub.add_parser("status")
    status.add_argument("lead", type=int)
    status.add_argument("status", choices=service.LEAD_STATUSES)
    status.add_argument("--actor", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level="INFO", format="%(asctime)s %(name)s %(levelname)s %(message)s")
    url = db.default_url()
    if args.cmd == "migrate":
        db.migrate(url)
    elif args.cmd == "downgrade":
        db.downgrade(url, args.revision)
    elif args.cmd == "purge":
        from cases.worker import purge

        print(f"{purge(service.now_utc())} person(s) erased")
    elif args.cmd == "deliver":
        sent, failed = asyncio.run(outbox.deliver_due(runtime.factory(), outbox.LocalChannel(), service.now_utc()))
        print(f"{sent} sent, {failed} failed")
    elif args.cmd == "worker":
        from cases.worker import run_worker

        asyncio.run(run_worker(outbox.LocalChannel(), args.interval))
    elif args.cmd == "leads":
        _leads(args.project)
    elif args.cmd == "outbox":
        with runtime.factory()() as session:
            for n in outbox.recent(session):
                state = "sent" if n.sent_at else "cancelled" if n.cancelled_at else f"pending (attempts {n.attempts})"
                print(f"#{n.id} {n.kind} to {n.audience} project={n.project_id} lead={n.lead_id} {state}")
                if args.show:
                    from cases.render import render

                    print("    " + render(outbox.message_of(session, n)).replace("\n", "\n    "))
    elif args.cmd == "status":
        lead = runtime.call(service.set_lead_status, args.lead, args.status, args.actor)
        print(f"lead #{lead.id}: {lead.status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
