"""What the branch desk looks up: a day's appointments, one by its number or QR code, a person's."""

import re
from datetime import date

from peewee import ModelSelect

from models import Appointment, Branch, Service, User

NUMBER_PATTERN = re.compile(r"A\d{4}-\d{6}", re.IGNORECASE)


def number_in(text: str) -> str | None:
    """The appointment number in a typed or scanned text (the QR code adds an address), or None."""
    match = NUMBER_PATTERN.search(text)
    return match.group(0).upper() if match else None


def at_branch(branch: Branch, number: str) -> Appointment | None:
    """The branch's appointment of that number; None for another branch's."""
    return Appointment.get_or_none((Appointment.number == number.upper()) & (Appointment.branch == branch))


def _with_person_and_service():
    return (
        Appointment.select(Appointment, User, Service)
        .join(User, on=(Appointment.user == User.id))
        .switch(Appointment)
        .join(Service)
    )


def day_at_branch(branch: Branch, day: date) -> ModelSelect:
    """The branch's appointments of a day, by time, with their person and service."""
    return (
        _with_person_and_service()
        .where((Appointment.branch == branch) & (Appointment.date == day))
        .order_by(Appointment.start, Appointment.number)
    )


def of_national_id(branch: Branch, national_id: str, limit: int = 50) -> list[Appointment]:
    """The branch's appointments of the person with that ID number, latest day first."""
    return list(
        _with_person_and_service()
        .where((Appointment.branch == branch) & (User.national_id == national_id))
        .order_by(Appointment.date.desc(), Appointment.start)
        .limit(limit)
    )
