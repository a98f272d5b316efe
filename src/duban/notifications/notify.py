"""Creating notifications: once per reminder and addressee, with one delivery per channel.

A message goes to users (their inbox, and their mailbox if they have an address) and to units
(every active user of the unit, plus the unit's own channels: its group robots and mailbox).
Creating is idempotent: each addressee's notification has the dedupe key `<key>:u<user>` or
`<key>:unit<unit>`, unique in the database, so a rerun or a second process creates nothing new.
Sending the deliveries is channels.deliver_pending's job.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import router, transaction
from django.urls import reverse

from duban.accounts.models import Role, User
from duban.clock import now
from duban.dbinsert import insert_rows
from duban.notifications import kinds
from duban.notifications.models import Channel, Delivery, DeliveryStatus, Notification, UnitChannel

log = logging.getLogger(__name__)


def inbox_link() -> str:
    return reverse("notifications:inbox")


@dataclass(frozen=True)
class Message:
    key: str  # what the reminder is about, e.g. "due:p12:unit3"; at most ~170 characters
    kind: str  # a registered kind (kinds.register): an unknown one is refused here, before any write
    title: str
    text: str
    link: str = ""
    users: tuple[int, ...] = ()
    units: tuple[int, ...] = ()
    # (user, e-mail address) of `users` read with them, all active: send() need not read them again.
    addresses: tuple[tuple[int, str], ...] = ()
    # The work the message asks for ("review:r12"), resolved by the action that does it (resolve());
    # "" for news that asks for nothing.
    topic: str = ""

    def __post_init__(self) -> None:
        kinds.check(self.kind)


def leader_ids() -> tuple[int, ...]:
    return tuple(User.objects.filter(role=Role.LEADER, is_active=True).values_list("pk", flat=True))


# What a message becomes: its notifications, and for each (by dedupe key) the channels to deliver
# it through (a unit's channels with their row).
Routes = dict[str, list[tuple[str, UnitChannel | None]]]


@dataclass(frozen=True)
class _Audience:
    """The addressees of a batch of messages, read in at most three queries."""

    members: dict[int, list[int]]  # unit → its active users
    channels: dict[int, list[UnitChannel]]  # unit → its active channels
    emails: dict[int, str]  # every active addressee → its e-mail address ("" for none)


def send(messages: Iterable[Message], *, at: dt.datetime | None = None) -> list[Notification]:
    """Create the notifications (and their deliveries) not created before; return the new ones."""
    messages = list(messages)
    if not messages:
        return []
    at = at or now()
    rows, routes = _planned(messages, _audience(messages), at)
    if not rows:
        return []
    # Notifications and their deliveries are created together or not at all: a crash between the
    # two would leave a reminder that is never sent (a rerun skips it as already created).
    with transaction.atomic():
        created = _insert_new(list({r.dedupe_key: r for r in rows}.values()))
        deliveries = [
            _delivery(n, channel, row, at) for n in created for channel, row in routes[n.dedupe_key]
        ]
        insert_rows(Delivery, deliveries, skip_conflicts="")
    return created


def _audience(messages: list[Message]) -> _Audience:
    unit_ids = {u for m in messages for u in m.units}
    emails = {u: address for m in messages for u, address in m.addresses}  # active users only
    members: dict[int, list[int]] = defaultdict(list)
    channels: dict[int, list[UnitChannel]] = defaultdict(list)
    if unit_ids:  # (the queries are skipped, not just empty: building one costs what running it does)
        users = User.objects.filter(unit_id__in=unit_ids, is_active=True)
        for unit_id, user_id, address in users.values_list("unit_id", "pk", "email"):
            members[unit_id].append(user_id)
            emails[user_id] = address
        for ch in UnitChannel.objects.filter(unit_id__in=unit_ids, active=True):
            channels[ch.unit_id].append(ch)
    unread = {u for m in messages for u in m.users} - emails.keys()
    if unread:
        emails.update(User.objects.filter(pk__in=unread, is_active=True).values_list("pk", "email"))
    return _Audience(members, channels, emails)


def _planned(
    messages: list[Message], audience: _Audience, at: dt.datetime
) -> tuple[list[Notification], Routes]:
    rows: list[Notification] = []
    routes: Routes = {}
    for m in messages:
        common = {
            "kind": m.kind,
            "title": m.title[:200],
            "text": m.text,
            "link": m.link[:300],
            "created_at": at,
            "topic": m.topic[:100],
        }
        recipients = dict.fromkeys([*m.users, *(u for unit in m.units for u in audience.members[unit])])
        for user_id in recipients:
            if user_id not in audience.emails:
                continue  # inactive
            key = f"{m.key}:u{user_id}"
            rows.append(Notification(recipient_id=user_id, dedupe_key=key, **common))
            wanted: list[tuple[str, UnitChannel | None]] = [(Channel.INBOX, None)]
            if audience.emails[user_id]:
                wanted.append((Channel.EMAIL, None))
            routes[key] = wanted
        for unit_id in dict.fromkeys(m.units):
            if audience.channels[unit_id]:
                key = f"{m.key}:unit{unit_id}"
                rows.append(Notification(unit_id=unit_id, dedupe_key=key, **common))
                routes[key] = [(ch.channel, ch) for ch in audience.channels[unit_id]]
    return rows, routes


def _delivery(n: Notification, channel: str, unit_channel: UnitChannel | None, at: dt.datetime) -> Delivery:
    """The inbox is delivered as the notification is created; every other channel waits its turn."""
    inbox = channel == Channel.INBOX
    return Delivery(
        notification=n,
        channel=channel,
        unit_channel=unit_channel,
        status=DeliveryStatus.SENT if inbox else DeliveryStatus.PENDING,
        attempts=1 if inbox else 0,
        sent_at=at if inbox else None,
        next_attempt_at=None if inbox else at,
    )


def _insert_new(rows: list[Notification]) -> list[Notification]:
    """Insert the rows whose dedupe key is new; return them, with their ids.

    INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING: a rerun, or another process creating
    the same notice at the same moment, is skipped by the database itself, with no query before
    and no retry after. The ORM's bulk_create(ignore_conflicts=True) cannot say which rows it
    inserted.
    """
    by_key = {r.dedupe_key: r for r in rows}
    created = []
    alias = router.db_for_write(Notification)
    for pk, key in insert_rows(
        Notification, rows, skip_conflicts="dedupe_key", returning=("id", "dedupe_key")
    ):
        row = by_key[key]
        row.pk = pk
        row._state.adding, row._state.db = False, alias
        created.append(row)
    return created


def send_on_commit(*messages: Message) -> None:
    """Send when the surrounding transaction commits; a failure here never undoes the write.

    The notices are dated when the action happened, not when its transaction ends: a long
    transaction (the demo's whole history is one) must not stamp years of events with one time."""
    at = now()

    def go() -> None:
        try:
            send(messages, at=at)
        except Exception:  # the write is committed; a lost notice must not become a 500
            log.exception("creating notifications failed: %s", [m.key for m in messages])

    transaction.on_commit(go)


def resolve(topics: Iterable[str], *, at: dt.datetime | None = None) -> int:
    """The work these topics name is done: their open notices are marked done (and read, so they
    leave the unread count). Returns how many notices it closed."""
    wanted = [t for t in dict.fromkeys(topics) if t]
    if not wanted:
        return 0
    at = at or now()
    open_notes = Notification.objects.filter(topic__in=wanted, resolved_at__isnull=True)
    done = open_notes.filter(read_at__isnull=False).update(resolved_at=at)
    return done + open_notes.update(resolved_at=at, read_at=at)


def open_topics(prefix: str) -> list[str]:
    """The topics starting with `prefix` that some notice still waits on."""
    rows = Notification.objects.filter(topic__startswith=prefix, resolved_at__isnull=True)
    return list(rows.order_by().values_list("topic", flat=True).distinct())


def resolve_on_commit(*topics: str) -> None:
    """resolve() once the surrounding transaction commits, after the notices sent before it in the
    same transaction (on_commit keeps the order): a notice is never created after the work it asks
    for was done. Dated when the work was done."""
    at = now()

    def go() -> None:
        try:
            resolve(topics, at=at)
        except Exception:  # the work is committed; a notice left open must not become a 500
            log.exception("resolving notifications failed: %s", topics)

    transaction.on_commit(go)
