"""One kiosk identity per database while records wait to be sent.

Every service request and ticket carries the ``kiosk_id`` and ``outpost`` it was made under,
and the server accepts a record only from the token of that kiosk (else ``wrong_kiosk``).
A config changed while records are pending would strand them in the dead letter, so
start-up refuses it and says what to do. The identity last started with is kept in
``kiosk_state``: the common start costs one row read; the pending records are looked at
only when the config differs from it.
"""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import and_, func, or_, select

from kiosk.store.db import StoreError
from kiosk.store.models import OutboxEntry, QueueTicket, ServiceRequest, TicketEvent
from kiosk.store.state import read_state, write_state
from kiosk.store.uow import UnitOfWorkFactory

IDENTITY_STATE = "kiosk.identity"
GUIDE = "admin guide, 'Changing a kiosk's id or outpost'"

Identity = tuple[str, str]
"""(kiosk_id, outpost)"""


def _words(identity: Identity) -> str:
    return f"{identity[0]} ({identity[1]})"


class KioskIdentityChanged(StoreError):
    """The config names another kiosk_id or outpost than the records still waiting to go."""

    def __init__(self, now: Identity, pending: dict[Identity, int]) -> None:
        (old, count), *more = sorted(pending.items(), key=lambda item: -item[1])
        others = "".join(f", and {n} as {_words(i)}" for i, n in more)
        super().__init__(
            f"the config now says kiosk_id = {now[0]!r}, outpost = {now[1]!r}, but {count} "
            f"records made as {_words(old)}{others} are not yet sent, and the server would "
            f"refuse them as wrong_kiosk under the new identity. Nothing was changed. Put back "
            f'kiosk_id = "{old[0]}" and outpost = "{old[1]}" (with that kiosk\'s server token), '
            f"run `kiosk-sync push` until nothing is pending, then change the config again; "
            f"or leave this data folder to {old[0]} and give the new identity a data_dir of "
            f"its own ({GUIDE})."
        )
        self.now = now
        self.pending = pending


def pending_identities(uow: UnitOfWorkFactory, now: Identity) -> dict[Identity, int]:
    """Pending records made under another identity than ``now``, counted per identity.

    Audit entries take the identity of the kiosk that sends them, so only requests and
    ticket events can be stranded.
    """
    kiosk_id, outpost = now
    pending = OutboxEntry.state == "pending"
    counts: Counter[Identity] = Counter()
    with uow(read_only=True) as work:
        requests = (
            select(ServiceRequest.kiosk_id, ServiceRequest.outpost, func.count())
            .join(OutboxEntry, OutboxEntry.record_id == ServiceRequest.id)
            .where(
                pending,
                OutboxEntry.kind == "service_request",
                or_(ServiceRequest.kiosk_id != kiosk_id, ServiceRequest.outpost != outpost),
            )
            .group_by(ServiceRequest.kiosk_id, ServiceRequest.outpost)
        )
        events = (
            select(QueueTicket.kiosk_id, QueueTicket.outpost, func.count())
            .select_from(OutboxEntry)
            .join(TicketEvent, TicketEvent.id == OutboxEntry.record_id)
            .join(QueueTicket, QueueTicket.id == TicketEvent.ticket_id)
            .where(
                and_(pending, OutboxEntry.kind == "ticket_event"),
                or_(QueueTicket.kiosk_id != kiosk_id, QueueTicket.outpost != outpost),
            )
            .group_by(QueueTicket.kiosk_id, QueueTicket.outpost)
        )
        for query in (requests, events):
            for old_id, old_outpost, count in work.session.execute(query):
                counts[(old_id, old_outpost)] += count
    return dict(counts)


def confirm_identity(uow: UnitOfWorkFactory, kiosk_id: str, outpost: str) -> None:
    """Start-up: accept the config's identity, or raise :class:`KioskIdentityChanged`."""
    now = (kiosk_id, outpost)
    wanted = json.dumps(list(now))
    with uow(read_only=True) as work:
        if read_state(work.session, IDENTITY_STATE) == wanted:
            return
    stranded = pending_identities(uow, now)
    if stranded:
        raise KioskIdentityChanged(now, stranded)
    with uow() as work:
        write_state(work.session, IDENTITY_STATE, wanted)
        work.commit()
