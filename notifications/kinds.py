"""Reminder kinds, declared as data: kind → recipients, text, channels, escalation steps.

notifications imports no other app, so the apps that own the objects declare their kinds and
register them here, from their ``reminders.py`` imported in ``AppConfig.ready()``::

    register(
        ReminderKind(
            code=ReminderCode.SIGNAL_NOT_TRIAGED,
            recipients=signal_not_triaged_recipients,   # (ref, step) -> users
            describe=signal_not_triaged_text,           # (ref, step) -> ReminderText
            steps=(EscalationStep("coordinator", "..."), EscalationStep("team_lead", "...")),
        )
    )

The owning app also computes when a reminder is due (working days through
``workflows.calendar``) and passes a concrete moment to ``reminder_schedule``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.db import models

from .models import Channel

__all__ = [
    "EscalationStep",
    "ObjectRef",
    "ReminderCode",
    "ReminderKind",
    "ReminderText",
    "UnknownReminderKind",
    "kind_get",
    "kinds",
    "memo",
    "memo_put",
    "memo_scope",
    "register",
]

T = TypeVar("T")


class ReminderCode(StrEnum):
    """The reminders of the domain brief (section 6). A code is live once an app registers it."""

    SIGNAL_NOT_TRIAGED = "signal_not_triaged"
    TRIAGE_CUTOFF = "triage_cutoff"
    AGENDA = "agenda"
    MINUTES_MISSING = "minutes_missing"
    ACTION_DUE = "action_due"
    PLAN_REVIEW_DUE = "plan_review_due"
    LEGAL_CLOCK = "legal_clock"
    RETENTION_PROPOSAL = "retention_proposal"
    SUBJECT_ACCESS_DUE = "subject_access_due"


@dataclass(frozen=True)
class ObjectRef:
    """The object a reminder is about, by model label and primary key (no foreign key)."""

    type: str
    id: str

    @classmethod
    def of(cls, obj: models.Model) -> ObjectRef:
        return cls(type=obj._meta.label_lower, id=str(obj.pk))


@dataclass(frozen=True)
class ReminderText:
    """What a person is told: a title and a link into the application. Never case content."""

    title: str
    link: str = ""


@dataclass(frozen=True)
class EscalationStep:
    """One step of a reminder: who it goes to, and when, in words (for docs and admin)."""

    code: str
    description: str


@dataclass(frozen=True)
class ReminderKind:
    """One kind of reminder.

    ``recipients(ref, step)`` returns the users to remind (inactive users and users without
    an address are skipped for e-mail by the outbox). ``describe(ref, step)`` returns the
    title and link. ``still_due(ref, step)``, when given, is asked once more just before
    delivery; False cancels the reminder (a belt to the braces of the cancelling services).
    """

    code: str
    recipients: Callable[[ObjectRef, str], Iterable[Any]]
    describe: Callable[[ObjectRef, str], ReminderText]
    channels: tuple[str, ...] = (Channel.IN_APP, Channel.EMAIL)
    steps: tuple[EscalationStep, ...] = ()
    still_due: Callable[[ObjectRef, str], bool] | None = None
    prefetch: Callable[[Sequence[ObjectRef]], None] | None = None
    subject_template: str = "notifications/email/reminder_subject.txt"
    text_template: str = "notifications/email/reminder.txt"
    html_template: str = "notifications/email/reminder.html"

    def __post_init__(self) -> None:
        unknown = set(self.channels) - set(Channel.values)
        if unknown:
            raise ValueError(f"Reminder kind {self.code!r} names unknown channels {unknown}")


class UnknownReminderKind(LookupError):
    """No app registered a kind with this code."""


_REGISTRY: dict[str, ReminderKind] = {}


def register(kind: ReminderKind) -> ReminderKind:
    """Make ``kind`` known to the outbox. Registering one code twice with another kind raises."""
    existing = _REGISTRY.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"Reminder kind {kind.code!r} is registered already")
    _REGISTRY[kind.code] = kind
    return kind


def kind_get(code: str) -> ReminderKind:
    """The registered kind ``code``. Raises UnknownReminderKind."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownReminderKind(code) from None


def kinds() -> list[ReminderKind]:
    """Every registered kind, by code."""
    return [_REGISTRY[code] for code in sorted(_REGISTRY)]


# --- one batch's lookups --------------------------------------------------------------------

_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("ketenregie_reminder_memo", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    """Within this block, ``memo`` loads each key once: the outbox plans a batch of reminders
    inside one, in one transaction, so what is remembered is never older than that
    transaction. Outside any scope ``memo`` simply loads."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memo(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, once per ``key`` within the current ``memo_scope``."""
    cache = _MEMO.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    value: T = cache[key]
    return value


def memo_put(key: Hashable, value: Any) -> None:
    """Remember ``value`` for ``key`` in the current scope (a prefetch); no-op outside one."""
    cache = _MEMO.get()
    if cache is not None:
        cache[key] = value
