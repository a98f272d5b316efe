"""The kinds of notification: each feature registers its own, so this app names none of them.

A kind is the short code stored on each notification (Notification.kind) with the label the inbox
shows. An app registers its kinds in its AppConfig.ready(), from a TextChoices of its own:

    kinds.register_all(NotificationKind.choices)

The model field's choices are this registry, given as a callable: migrations name the function,
never the kinds, so a new kind needs no migration here. A Message of a kind nobody registered is
refused when it is made (notify.Message), in the action that makes it, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable

# Notification.kind's max_length: a longer code could not be stored.
MAX_LENGTH = 24

_labels: dict[str, str] = {}


class UnknownKind(ValueError):
    """A notification kind that no app registered."""


def register(code: str, label: str) -> None:
    """Make `code` a kind, shown as `label`. Registering it again with the same label does nothing;
    with another label is an error (two apps would share one code)."""
    if not code or len(code) > MAX_LENGTH:
        raise ValueError(f"notification kind {code!r}: expected 1 to {MAX_LENGTH} characters")
    known = _labels.get(code)
    if known is not None and known != label:
        raise ValueError(f"notification kind {code!r} is registered already, as {known!r}")
    _labels[code] = str(label)


def register_all(choices: Iterable[tuple[str, str]]) -> None:
    """Register every (code, label) pair, e.g. a TextChoices' .choices."""
    for code, label in choices:
        register(code, label)


def choices() -> list[tuple[str, str]]:
    """Every registered kind as (code, label), in the order registered: Notification.kind's choices."""
    return list(_labels.items())


def check(code: str) -> str:
    """`code`, if it is a registered kind; UnknownKind otherwise."""
    if code not in _labels:
        raise UnknownKind(f"unknown notification kind {code!r}: register it with duban.notifications.kinds")
    return code
