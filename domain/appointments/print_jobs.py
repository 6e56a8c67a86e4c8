"""The desk's print of a whole day, as a job the worker renders.

The desk starts it (``start_day_print``); the worker renders the slips in
parts, recording its progress, and keeps the PDF on the job. A job belongs to
its branch: another branch's desk never finds it.
"""

import secrets
from collections.abc import Callable
from datetime import date, timedelta

from domain.appointments.desk import day_at_branch
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    PrintJob,
    PrintJobState,
    User,
    after_commit,
    utcnow,
    write_transaction,
)

# What the status page reads: everything but the PDF, which only the download needs.
STATUS_FIELDS = [field for field in PrintJob._meta.sorted_fields if field.name != "pdf"]


def start_day_print(user: User, branch: Branch, day: date, lang: str, run: Callable[[int], object]) -> PrintJob:
    """Record a print of the branch's day; ``run(job_id)`` enqueues its rendering once the job is saved."""
    with write_transaction():
        job = PrintJob.create(token=secrets.token_urlsafe(18), branch=branch, requested_by=user, day=day, lang=lang)
        after_commit(lambda: run(job.id))
    return job


def print_job_at(branch: Branch, token: str, with_pdf: bool = False) -> PrintJob | None:
    """The branch's job of that token (None for another branch's); the PDF only when asked for."""
    fields = PrintJob._meta.sorted_fields if with_pdf else STATUS_FIELDS
    return PrintJob.select(*fields).where((PrintJob.token == token) & (PrintJob.branch == branch)).first()


def slips_to_print(job: PrintJob) -> list[Appointment]:
    """The job's appointments in the desk's order, cancelled ones left out."""
    return [a for a in day_at_branch(job.branch, job.day) if a.status != AppointmentStatus.CANCELLED]


def _update(job_id: int, **values) -> None:
    with write_transaction():
        PrintJob.update(**values).where(PrintJob.id == job_id).execute()


def record_progress(job_id: int, done: int, total: int) -> None:
    _update(job_id, state=PrintJobState.RUNNING, done=done, total=total)


def finish(job_id: int, pdf: bytes) -> None:
    _update(job_id, state=PrintJobState.DONE, pdf=pdf, finished_at=utcnow())


def fail(job_id: int, error: str) -> None:
    _update(job_id, state=PrintJobState.FAILED, error=error[:500], finished_at=utcnow())


def stale_queued(older_than: timedelta = timedelta(minutes=5)) -> list[int]:
    """Jobs still queued after ``older_than``: their enqueue was lost (the queue was down at the time)."""
    since = utcnow() - older_than
    query = PrintJob.select(PrintJob.id).where((PrintJob.state == PrintJobState.QUEUED) & (PrintJob.created_at < since))
    return [row.id for row in query]


def forget_old_print_jobs(older_than: timedelta = timedelta(days=2)) -> int:
    """Delete the jobs (and their PDFs) made before ``older_than``; return how many."""
    with write_transaction():
        return PrintJob.delete().where(PrintJob.created_at < utcnow() - older_than).execute()
