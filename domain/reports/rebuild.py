"""Count every report tally afresh from the records."""

from domain.reports import appointments, deliveries, requests


def rebuild_all() -> None:
    """After a bulk load, or on a database whose records are older than the tallies; not while the acts run."""
    requests.rebuild()
    appointments.rebuild()
    deliveries.rebuild()
