"""The audit of staff actions: who did what to which record, from where, and what it was before and after.

The client address is set once per request by the app (``client_address``), so
domain functions record it without reaching for the web request.
"""

from contextvars import ContextVar

from models import AuditEntry, User

client_address: ContextVar[str] = ContextVar("client_address", default="")


def record(actor: User, action: str, subject_kind: str, subject: str, before: str = "", after: str = "") -> None:
    """Keep one entry; call it inside the transaction of the change it describes."""
    AuditEntry.create(
        actor=actor,
        role=actor.role,
        action=action,
        subject_kind=subject_kind,
        subject=subject,
        before=before,
        after=after,
        address=client_address.get()[:64],
    )


def of_record(subject_kind: str, subject: str) -> list[AuditEntry]:
    """A record's entries, oldest first."""
    return list(
        AuditEntry.select()
        .where((AuditEntry.subject_kind == subject_kind) & (AuditEntry.subject == subject))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )


KINDS = ("request", "appointment", "delivery", "user", "sector", "section", "service", "branch", "closure", "api_key")
PAGE_SIZE = 50


def entries(kind: str = "", subject: str = "", before_id: int | None = None, limit: int = PAGE_SIZE):
    """The newest entries first, filtered by record kind and record; a page ends before ``before_id``."""
    query = AuditEntry.select(AuditEntry, User).join(User, on=(AuditEntry.actor == User.id))
    if kind in KINDS:
        query = query.where(AuditEntry.subject_kind == kind)
    if subject:
        numbered = kind in ("", "request", "appointment", "delivery")
        query = query.where(AuditEntry.subject == (subject.strip().upper() if numbered else subject.strip()))
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(query.order_by(AuditEntry.id.desc()).limit(limit + 1))
