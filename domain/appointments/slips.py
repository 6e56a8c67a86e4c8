"""The printed slip, kept per version and language so that re-printing sends the same bytes."""

from collections.abc import Callable

from models import Appointment, AppointmentSlip, write_transaction


def slip_pdf(appointment: Appointment, lang: str, render: Callable[[Appointment], bytes]) -> bytes:
    """The slip's PDF in a language: ``render`` makes it once per version, then it comes from the table."""
    kept = AppointmentSlip.get_or_none((AppointmentSlip.appointment == appointment) & (AppointmentSlip.lang == lang))
    if kept is not None and kept.version == appointment.version:
        return bytes(kept.pdf)
    # Rendered before the transaction: a PDF takes long enough to keep other writers waiting.
    pdf = render(appointment)
    with write_transaction():
        AppointmentSlip.insert(appointment=appointment, lang=lang, version=appointment.version, pdf=pdf).on_conflict(
            conflict_target=[AppointmentSlip.appointment, AppointmentSlip.lang],
            update={AppointmentSlip.version: appointment.version, AppointmentSlip.pdf: pdf},
        ).execute()
    return pdf
