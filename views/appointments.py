"""Appointments (المواعيد): booking a branch visit, changing or cancelling it, the slip."""

import re
from datetime import date

from flask import Blueprint, abort, current_app, flash, g, render_template, request, url_for
from flask_babel import _, format_date, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from domain import appointments as booking
from domain.dates import format_dual, now_riyadh, riyadh_date
from domain.notifier import notify
from models import (
    Appointment,
    AppointmentSlip,
    AppointmentStatus,
    Branch,
    BranchService,
    City,
    Region,
    RequestStatus,
    Role,
    Sector,
    Service,
    ServiceRequest,
)
from views.access import get_or_404, roles_required
from views.printing import pdf_response, qr_data_uri, render_pdf
from views.rendering import redirect_after_post, render_page_or_partial

bp = Blueprint("appointments", __name__)

STEPS = ("sector", "service", "region", "branch", "date", "time")

STATUS_NAMES = booking.STATUS_LABELS

NUMBER_PATTERN = re.compile(r"A\d{4}-\d{6}", re.IGNORECASE)


def format_weekday(day):
    return format_date(day, "EEEE")


@bp.app_context_processor
def appointment_helpers():
    return {"appointment_status_names": STATUS_NAMES, "format_weekday": format_weekday}


def parse_day(text):
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


# --- The booking state, read from the query string ------------------------


class BookingState:
    """The answers given so far, each checked against the ones before it.

    Reading stops at the first missing or refused answer: later answers are
    dropped, and a refused one is kept in ``errors`` with its message.
    """

    def __init__(self, args, user, now):
        self.now = now
        self.errors = {}
        self.service_request = None
        self.sector = self.service = self.region = self.branch = None
        self.day = self.start = None
        self.reached = "sector"
        self._read(args, user)

    def _read(self, args, user):
        reference = args.get("request")
        if reference:
            self.service_request = get_or_404(
                ServiceRequest.select().where(
                    (ServiceRequest.reference == reference)
                    & (ServiceRequest.user == user)
                    & (ServiceRequest.status == RequestStatus.NEEDS_VISIT)
                )
            )
            self.sector = self.service_request.sector
            self.service = self.service_request.service
        else:
            self.sector = Sector.get_or_none(Sector.code == args.get("sector", ""))
            if self.sector is None:
                return
            self.service = Service.get_or_none(
                (Service.code == args.get("service", "")) & (Service.sector == self.sector)
            )
        self.reached = "service"
        if self.service is None:
            return
        self.reached = "region"
        self.region = Region.get_or_none(Region.code == args.get("region", ""))
        if self.region is None:
            return
        if self.region.id not in {region.id for region in self.regions()}:
            self.errors["region"] = _("No branch in this region gives the chosen service. Choose another region.")
            self.region = None
            return
        self.reached = "branch"
        code = args.get("branch", "")
        if not code:
            return
        branch = Branch.get_or_none(Branch.code == code)
        if branch is None or branch.sector_id != self.sector.id or not booking.offers(branch, self.service):
            self.errors["branch"] = str(booking.MESSAGES["not_offered"])
            return
        if branch.city.region_id != self.region.id:
            self.errors["branch"] = str(booking.MESSAGES["other_region"])
            return
        self.branch = branch
        self.reached = "date"
        if not args.get("date"):
            return
        day = parse_day(args.get("date"))
        if day is None:
            self.errors["date"] = _("Choose a day from the list.")
            return
        try:
            booking.check_choice(branch, self.service, day, now=self.now)
        except booking.BookingError as error:
            self.errors["date"] = str(error.message)
            return
        self.day = day
        self.reached = "time"
        start = args.get("time")
        if not start:
            return
        try:
            booking.check_choice(branch, self.service, day, start, now=self.now)
        except booking.BookingError as error:
            self.errors["time"] = str(error.message)
            return
        if start not in {free for free, _seats in self.times()}:
            self.errors["time"] = str(booking.MESSAGES["taken"])
            self.wanted_start = start
            return
        self.start = start
        self.reached = "review"

    # The options of each step.

    def sectors(self):
        return Sector.select().order_by(Sector.position)

    def services_by_section(self):
        groups = {}
        for service in Service.of_sector(self.sector):
            groups.setdefault(service.section, []).append(service)
        return list(groups.items())

    def regions(self):
        return (
            Region.select()
            .join(City)
            .join(Branch)
            .join(BranchService)
            .where((Branch.sector == self.sector) & (BranchService.service == self.service))
            .distinct()
            .order_by(Region.position)
        )

    def branches_by_city(self):
        groups = {}
        for branch in booking.branches_for(self.sector, self.service, self.region):
            groups.setdefault(branch.city, []).append(branch)
        return list(groups.items())

    def days(self):
        if not hasattr(self, "_days"):
            self._days = booking.day_availability(self.branch, self.service, self.now)
        return self._days

    def no_free_day(self):
        return not any(free for _day, free in self.days())

    def elsewhere(self):
        return booking.other_branches_with_free_days(self.branch, self.service, self.now)

    def times(self):
        if not hasattr(self, "_times"):
            self._times = booking.free_times(self.branch, self.service, self.day, self.now)
        return self._times

    def nearest_times(self):
        return booking.nearest_free_times(
            self.branch, self.service, self.day, getattr(self, "wanted_start", None), self.now
        )

    def query(self, **changes):
        """The query string of these answers, for links to a step or to another branch."""
        values = (
            {"request": self.service_request.reference}
            if self.service_request
            else {
                "sector": self.sector and self.sector.code,
                "service": self.service and self.service.code,
            }
        )
        values.update(
            region=self.region and self.region.code,
            branch=self.branch and self.branch.code,
            date=self.day and self.day.isoformat(),
            time=self.start,
        )
        values.update(changes)
        return {name: value for name, value in values.items() if value}


def partial_step():
    """The step whose following steps an htmx request asks for (from its target's id)."""
    target = request.headers.get("HX-Target", "")
    step = target.removeprefix("after-")
    return step if step in STEPS else None


@bp.route("/appointments")
@roles_required(Role.BENEFICIARY)
def index():
    """Show the beneficiary's appointments, the coming ones first."""
    mine = list(
        Appointment.select(Appointment, Service, Branch)
        .join(Service)
        .switch(Appointment)
        .join(Branch)
        .where(Appointment.user == g.user)
        .order_by(Appointment.date.desc(), Appointment.start.desc())
    )
    coming = sorted((a for a in mine if a.is_active), key=lambda a: (a.date, a.start))
    past = [a for a in mine if not a.is_active]
    return render_template("appointments/index.html", coming=coming, past=past)


@bp.route("/appointments/book", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def book():
    """Book a visit step by step; ?request=<reference> carries a request that needs a visit."""
    if request.method == "POST":
        return confirm()
    state = BookingState(request.args, g.user, now_riyadh())
    if request.args.get("review") and state.reached == "time" and not state.errors:
        state.errors["time"] = _("Choose a time.")
    status = 422 if state.errors else 200
    active = booking.active_appointment(g.user, state.service) if state.service else None
    if state.reached == "review" and request.args.get("review") and active is None:
        return render_template(
            "appointments/review.html",
            state=state,
            token=booking.new_submission_token(),
        )
    step = partial_step()
    return render_page_or_partial(
        "appointments/book.html",
        "partials/appointments/steps.html",
        status=status,
        state=state,
        step=step,
        active=active,
    )


def confirm():
    """Save the appointment from the review step; a second click gets the same one."""
    state = BookingState(request.form, g.user, now_riyadh())
    token = (request.form.get("token") or "")[:64]
    done = Appointment.get_or_none(Appointment.submission_token == token) if token else None
    if done is not None and done.user_id == g.user.id:
        return redirect_after_post(url_for("appointments.show", number=done.number))
    if state.reached != "review":
        status = 409 if state.errors.get("time") else 422
        page = render_template("appointments/book.html", state=state, step=None, active=None)
        return page, status
    try:
        appointment = booking.book(
            g.user,
            state.branch,
            state.service,
            state.day,
            state.start,
            service_request=state.service_request,
            token=token or None,
            now=state.now,
        )
    except booking.BookingError as error:
        if error.code == "taken":
            state.errors["time"] = str(error.message)
            state.wanted_start, state.start, state.reached = state.start, None, "time"
            state._times = booking.free_times(state.branch, state.service, state.day, state.now)
            status = 409
        elif error.code == "already":
            status = 409
        else:
            state.errors["time"] = str(error.message)
            status = 422
        active = booking.active_appointment(g.user, state.service)
        page = render_template("appointments/book.html", state=state, step=None, active=active)
        return page, status
    if getattr(appointment, "just_booked", False):
        tell(
            appointment,
            _l(
                "Appointment %(number)s is booked for %(date)s at %(time)s.",
                number=appointment.number,
                date=LazyString(format_dual, appointment.date),
                time=appointment.start,
            ),
        )
    return redirect_after_post(url_for("appointments.show", number=appointment.number))


def tell(appointment, message):
    """Send the person a notification (and SMS) about their appointment."""
    notify(appointment.user, message, link=url_for("appointments.show", number=appointment.number))


def own_appointment(number):
    return get_or_404(Appointment.select().where((Appointment.number == number) & (Appointment.user == g.user)))


@bp.route("/appointments/<number>")
@roles_required(Role.BENEFICIARY)
def show(number):
    """Show one appointment with its number, status and «طباعة الموعد»."""
    appointment = own_appointment(number)
    return render_template("appointments/show.html", appointment=appointment)


@bp.route("/appointments/<number>/cancel", methods=["POST"])
@roles_required(Role.BENEFICIARY)
def cancel(number):
    """Cancel the appointment and free its seat at once."""
    appointment = own_appointment(number)
    try:
        booking.cancel(appointment)
        tell(appointment, _l("Appointment %(number)s is cancelled.", number=appointment.number))
        flash(_("Appointment %(number)s is cancelled.", number=appointment.number), "success")
    except booking.BookingError as error:
        flash(str(error.message), "error")
    return redirect_after_post(url_for("appointments.index"))


class ChangeState:
    """A new day and time for an appointment: the booking's last two steps."""

    def __init__(self, appointment, args, now):
        self.appointment = appointment
        self.branch, self.service = appointment.branch, appointment.service
        self.now = now
        self.errors = {}
        self.day = self.start = None
        self.reached = "date"
        day = parse_day(args.get("date")) if args.get("date") else None
        if args.get("date") and day is None:
            self.errors["date"] = _("Choose a day from the list.")
            return
        if day is None:
            return
        try:
            booking.check_choice(self.branch, self.service, day, now=now)
        except booking.BookingError as error:
            self.errors["date"] = str(error.message)
            return
        self.day, self.reached = day, "time"
        start = args.get("time")
        if not start:
            return
        try:
            booking.check_choice(self.branch, self.service, day, start, now=now)
        except booking.BookingError as error:
            self.errors["time"] = str(error.message)
            return
        if start not in {free for free, _seats in self.times()}:
            self.errors["time"] = str(booking.MESSAGES["taken"])
            self.wanted_start = start
            return
        self.start, self.reached = start, "review"

    days = BookingState.days
    times = BookingState.times
    nearest_times = BookingState.nearest_times
    no_free_day = BookingState.no_free_day

    def query(self, **changes):
        values = {"date": self.day and self.day.isoformat(), "time": self.start}
        values.update(changes)
        return {name: value for name, value in values.items() if value}


@bp.route("/appointments/<number>/change", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def change(number):
    """Choose a new day and time at the same branch for the same service («تعديل»)."""
    appointment = own_appointment(number)
    if not appointment.is_active:
        abort(404)
    source = request.form if request.method == "POST" else request.args
    state = ChangeState(appointment, source, now_riyadh())
    status = 422 if state.errors else 200
    # Without JavaScript «التالي» also posts: only «تأكيد التعديل» (confirm) moves the seat.
    if request.method == "POST" and state.reached == "review" and request.form.get("confirm"):
        try:
            moved = booking.reschedule(appointment, state.day, state.start, now=state.now)
        except booking.BookingError as error:
            state.errors["time"] = str(error.message)
            state.wanted_start, state.start, state.reached = state.start, None, "time"
            state._times = booking.free_times(state.branch, state.service, state.day, state.now)
            status = 409
        else:
            tell(
                moved,
                _l(
                    "Appointment %(number)s is moved to %(date)s at %(time)s.",
                    number=moved.number,
                    date=LazyString(format_dual, moved.date),
                    time=moved.start,
                ),
            )
            flash(_("Appointment %(number)s is moved.", number=appointment.number), "success")
            return redirect_after_post(url_for("appointments.show", number=appointment.number))
    elif request.method == "POST" and state.errors:
        status = 409 if state.errors.get("time") else 422
    return render_page_or_partial(
        "appointments/change.html",
        "partials/appointments/change_steps.html",
        status=status,
        state=state,
        appointment=appointment,
        step=partial_step(),
    )


# --- The slip ------------------------------------------------------------


def verification_url(appointment):
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("appointments.desk_appointment", number=appointment.number)


def slip_context(appointment):
    return {
        "appointment": appointment,
        "qr": qr_data_uri(f"{appointment.number}\n{verification_url(appointment)}"),
    }


def slip_pdf(appointment):
    """The slip's PDF: rendered once per version and language, then served from the table."""
    lang = str(get_locale())
    kept = AppointmentSlip.get_or_none((AppointmentSlip.appointment == appointment) & (AppointmentSlip.lang == lang))
    if kept is not None and kept.version == appointment.version:
        return bytes(kept.pdf)
    issued = riyadh_date(appointment.updated_at)
    pdf = render_pdf("pdf/appointment_slip.html", printed_on=issued, **slip_context(appointment))
    AppointmentSlip.insert(appointment=appointment, lang=lang, version=appointment.version, pdf=pdf).on_conflict(
        conflict_target=[AppointmentSlip.appointment, AppointmentSlip.lang],
        update={AppointmentSlip.version: appointment.version, AppointmentSlip.pdf: pdf},
    ).execute()
    return pdf


def desk_appointment_or_404(number):
    return get_or_404(
        Appointment.select().where((Appointment.number == number.upper()) & (Appointment.branch == g.user.branch))
    )


@bp.route("/appointments/<number>/slip.pdf")
@roles_required(Role.BENEFICIARY, Role.DESK)
def slip(number):
    """Print the appointment's slip («طباعة الموعد»), A6."""
    if g.user.role == Role.DESK:
        appointment = desk_appointment_or_404(number)
    else:
        appointment = own_appointment(number)
    if appointment.status == AppointmentStatus.CANCELLED:
        abort(404)
    return pdf_response(slip_pdf(appointment), f"{appointment.number}.pdf")


from views import appointments_desk  # noqa: E402,F401  (registers the desk's views on bp)
