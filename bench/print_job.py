"""The desk's print of a whole day as the worker renders it: 200 slips, timed.

``day_print(app)`` fills a day far ahead at the demo desk's branch with 200
appointments of the synthetic beneficiaries, starts the print job as the desk
does and runs the worker's task in this process; it returns the seconds the
task took and the PDF's page count. ``make bench`` calls it for each database.
"""

import io
import time
from datetime import timedelta

from pypdf import PdfReader

import models
from domain.appointments import print_jobs
from domain.appointments.slots import open_days, slot_starts
from domain.dates import now_riyadh
from models import Appointment, AppointmentStatus, Branch, BranchService, Role, Service, Slot, User, db

SLIPS = 200
BRANCH = "passports_riyadh_north"


def _fill_day(branch, count):
    """Give ``count`` beneficiaries an appointment on one open day, a year ahead; return the day."""
    day = open_days(branch, now_riyadh() + timedelta(days=365), count=1)[0]
    services = list(Service.select().join(BranchService).where(BranchService.branch == branch).order_by(Service.id))
    # One confirmed appointment per person and service: people with none yet.
    booked = Appointment.select(Appointment.user).where(Appointment.status == AppointmentStatus.CONFIRMED)
    people = list(
        User.select(User.id)
        .where((User.role == Role.BENEFICIARY) & User.id.not_in(booked))
        .order_by(User.id)
        .limit(count)
    )
    made = 0
    with db.atomic():
        for service in services:
            for start in slot_starts(branch, service):
                if made == len(people):
                    return day
                seats = min(service.slot_capacity, len(people) - made)
                slot = Slot.create(branch=branch, service=service, date=day, start=start, capacity=seats, taken=seats)
                for _ in range(seats):
                    Appointment.create(
                        number=f"B{day:%y%m%d}-{made:05d}",
                        user=people[made],
                        branch=branch,
                        service=service,
                        slot=slot,
                        date=day,
                        start=start,
                    )
                    made += 1
    return day


def day_print(app, count=SLIPS):
    """(seconds the worker took to render the day, pages of the PDF) for a day of ``count`` appointments."""
    from views.appointments.print_jobs import render_print_job  # the worker's task, as the consumer runs it

    with app.test_request_context(), models.db.connection_context():
        branch = Branch.get(Branch.code == BRANCH)
        day = _fill_day(branch, count)
        desk = User.get(User.role == Role.DESK)
        job = print_jobs.start_day_print(desk, branch, day, "ar", run=lambda job_id: None)
    started = time.perf_counter()
    with app.app_context(), models.db.connection_context():
        render_print_job.call_local(job.id)
    seconds = time.perf_counter() - started
    with app.app_context(), models.db.connection_context():
        done = models.PrintJob.get_by_id(job.id)
        pages = len(PdfReader(io.BytesIO(bytes(done.pdf))).pages) if done.pdf else 0
    return seconds, pages
