"""«تسجيل مستخدم جديد»: an account on a first visit, by the ID, date of birth and phone of the register."""

from flask import current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from domain import accounts, demo, registration
from domain.dates import GREGORIAN, HIJRI, day_in_calendar, today
from domain.errors import Refused
from domain.identity import normalize_digits, normalize_saudi_mobile
from views import limits
from views.access import home_for
from views.auth import PASSWORD_PROBLEMS, NewPasswordForm, bp, client_address, wait_on
from views.forms import Form, national_id_field
from views.inputs import bounded_int

CALENDARS = (HIJRI, GREGORIAN)


class RegisterForm(Form):
    national_id = national_id_field()
    calendar = StringField(_l("Calendar of the date of birth"), default=HIJRI)
    birth_day = StringField(_l("Day"), filters=[normalize_digits])
    birth_month = StringField(_l("Month"), filters=[normalize_digits])
    birth_year = StringField(_l("Year"), filters=[normalize_digits])
    phone = StringField(_l("Mobile number"), filters=[normalize_digits])

    birth_date = None

    def validate_calendar(self, field):
        if field.data not in CALENDARS:
            field.data = HIJRI

    def validate_birth_day(self, field):
        # The day, month and year are one answer: its message sits on the first of them.
        parts = [self.birth_day.data, self.birth_month.data, self.birth_year.data]
        if not all(parts):
            raise ValidationError(_("Enter your date of birth: day, month and year."))
        calendar = self.calendar.data if self.calendar.data in CALENDARS else HIJRI
        numbers = [bounded_int(part) for part in parts]
        born = None if None in numbers else day_in_calendar(calendar, numbers[2], numbers[1], numbers[0])
        if born is None:
            raise ValidationError(_("Enter a real date of birth, as it is written on your ID or iqama."))
        if born >= today():
            raise ValidationError(_("The date of birth must be in the past."))
        self.birth_date = born

    def validate_phone(self, field):
        mobile = normalize_saudi_mobile(field.data)
        if mobile is None:
            raise ValidationError(_("Enter a Saudi mobile number, like 0512345678 or +966512345678."))
        field.data = mobile


def calendar_items():
    """The two calendars a date of birth may be written in, for the radios."""
    return [
        {"value": HIJRI, "text": _("Hijri"), "hint": _("as on the national ID")},
        {"value": GREGORIAN, "text": _("Gregorian"), "hint": _("as on the iqama")},
    ]


def _pending():
    """The registration under way in this browser: {"token", "id", "phone"}, or None."""
    pending = session.get("register")
    return pending if isinstance(pending, dict) and pending.get("token") else None


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Ask for the ID, date of birth and phone; send a code when they match the register.

    Whatever was wrong, the answer is the same page asking for the code.
    """
    if g.user is not None:
        return redirect(home_for(g.user))
    form = RegisterForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        national_id = form.national_id.data
        seconds = accounts.admit_password(national_id, client_address())
        if seconds:
            status, headers = wait_on(form, seconds)
        elif seconds := limits.wait_for("register_code", account=f"register:{national_id}"):
            form.form_errors.append(limits.wait_message(seconds))
            status, headers = 429, {"Retry-After": str(seconds)}
        else:
            token = registration.start(national_id, form.birth_date, form.phone.data)
            session["register"] = {"token": token, "id": national_id, "phone": "******" + form.phone.data[-4:]}
            session.pop("register_tries", None)
            return redirect(url_for("auth.register_password"), 303)
    elif form.errors:
        status = 422
    people = demo.unregistered_people() if current_app.config["DEMO_MODE"] else []
    page = render_template("auth/register.html", form=form, calendars=calendar_items(), demo_people=people)
    return page, status, headers


@bp.route("/register/password", methods=["GET", "POST"])
def register_password():
    """The code sent to the register's phone, and a password: the account is opened."""
    pending = _pending()
    if pending is None:
        return redirect(url_for("auth.register"), 303)
    national_id = pending["id"]
    challenge = registration.open_challenge(pending["token"])
    form = NewPasswordForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        problem = accounts.password_problem(form.password.data, national_id)
        if problem:
            form.password.errors.append(str(PASSWORD_PROBLEMS[problem]))
            status = 422
        elif seconds := accounts.admit_code(national_id):
            status, headers = wait_on(form, seconds)
        elif challenge is None or not registration.check_code(challenge, form.code.data):
            # Details that did not match have no challenge: answered exactly like a wrong code, tries included.
            tries = session.get("register_tries", 0) + 1
            session["register_tries"] = tries
            spent = challenge is not None and registration.open_challenge(challenge.token) is None
            if spent or tries >= current_app.config["OTP_MAX_ATTEMPTS"]:
                session.pop("register", None)
                session.pop("register_tries", None)
                return redirect(url_for("auth.register", expired=1), 303)
            form.code.errors.append(_("The verification code is not correct."))
            status = 422
        else:
            session.pop("register", None)
            session.pop("register_tries", None)
            try:
                registration.complete(challenge, form.password.data)
            except Refused as refused:
                flash(str(refused.message), "error")
                return redirect(url_for("auth.login"), 303)
            accounts.clear_attempts(national_id, client_address())
            flash(_("Your account is ready. Sign in with your ID and the password you chose."), "success")
            return redirect(url_for("auth.login"), 303)
    elif form.errors:
        status = 422
    form.code.data = ""
    form.password.data = form.confirm.data = ""
    page = render_template("auth/register_password.html", form=form, masked_phone=pending["phone"])
    return page, status, headers
