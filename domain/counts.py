"""Summary rows: how many records of a kind are in each status, per scope.

A list's tab counts are read here, a handful of rows, instead of counting a
table that grows with the country on every page view. Every act that creates
a record, changes its status or moves it to another scope shifts the rows in
its own transaction, so they are exactly as right as the records. The shifts
are single ``UPDATE … SET n = n + ?`` statements (an upsert the first time a
pair is seen), right under concurrency on SQLite and PostgreSQL alike, and are
applied in one fixed order so that two transactions never wait on each other
in a circle.

Kinds and their scopes:

- ``delivery``: scope is the id of the delivery's city;
- ``request``: scope is the id of the sector the request was sent to;
- ``account``: one scope (""), and the person's role stands in the status's place.
"""

from collections import Counter
from collections.abc import Iterable

from peewee import fn

from models import Delivery, ServiceRequest, StatusCount, User, db

DELIVERY = "delivery"
REQUEST = "request"
ACCOUNT = "account"
# Each kind's table, the column of its scope (None: one scope) and the one of its status.
COUNTED = {
    DELIVERY: (Delivery, Delivery.city, Delivery.status),
    REQUEST: (ServiceRequest, ServiceRequest.sector, ServiceRequest.status),
    ACCOUNT: (User, None, User.role),
}


class MissingCount(RuntimeError):
    """A record left a status it was never counted in: its records were loaded around the acts."""


def shift(kind: str, deltas: dict[tuple[str, str], int]) -> None:
    """Add each delta to the count of its (scope, status); call inside the act's transaction."""
    for (scope, status), delta in sorted(deltas.items()):
        if delta > 0:
            StatusCount.insert(kind=kind, scope=scope, status=status, n=delta).on_conflict(
                conflict_target=[StatusCount.kind, StatusCount.scope, StatusCount.status],
                update={StatusCount.n: StatusCount.n + delta},
            ).execute()
        elif delta < 0:
            # The record was counted when it came into this status, so its row is there.
            found = (
                StatusCount.update(n=StatusCount.n + delta)
                .where((StatusCount.kind == kind) & (StatusCount.scope == scope) & (StatusCount.status == status))
                .execute()
            )
            if not found:
                raise MissingCount(f"no {kind} count for {scope}/{status}: run counts.recount after a bulk load")


def added(kind: str, scope: object, status: str) -> None:
    """Count one new record."""
    shift(kind, {(str(scope), status): 1})


def moved(kind: str, scope: object, from_status: str, to_status: str, to_scope: object = None) -> None:
    """Count one record moved from one status (and scope) to another."""
    to_scope = scope if to_scope is None else to_scope
    deltas = Counter()
    deltas[(str(scope), from_status)] -= 1
    deltas[(str(to_scope), to_status)] += 1
    shift(kind, dict(deltas))


def by_status(kind: str, scopes: Iterable[object] | None = None) -> dict[str, int]:
    """How many records of the kind are in each status, in these scopes (None: in all of them)."""
    query = StatusCount.select(StatusCount.status, fn.SUM(StatusCount.n)).where(StatusCount.kind == kind)
    if scopes is not None:
        query = query.where(StatusCount.scope.in_([str(scope) for scope in scopes]))
    return {status: int(n or 0) for status, n in query.group_by(StatusCount.status).tuples()}


def total(kind: str) -> int:
    """How many records of the kind there are, in every scope and status."""
    return sum(by_status(kind).values())


def recount(kind: str) -> None:
    """Rebuild the counts of a kind from its records, after a bulk load or a repair by hand.

    Not while the acts run: one committed as it counts could be lost.
    """
    model, scope_column, status_column = COUNTED[kind]
    columns = [status_column] if scope_column is None else [scope_column, status_column]
    with db.atomic():
        StatusCount.delete().where(StatusCount.kind == kind).execute()
        counted = model.select(*columns, fn.COUNT(model.id)).group_by(*columns).tuples()
        if scope_column is None:
            counted = [("", status, n) for status, n in counted]
        rows = [(kind, str(scope), status, n) for scope, status, n in counted]
        if rows:
            StatusCount.insert_many(
                rows, fields=[StatusCount.kind, StatusCount.scope, StatusCount.status, StatusCount.n]
            ).execute()
