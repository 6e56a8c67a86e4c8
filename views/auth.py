"""Signing in with an ID and password, then a one-time code; signing out."""

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from domain import accounts
from domain.identity import national_id_problem, normalize_digits
from models import User
from views.access import home_for
from views.inputs import Form
from views.rendering import safe_next

bp = Blueprint("auth", __name__)

RESEND_AFTER_SECONDS = 30

ID_PROBLEMS = {
    "empty": _l("Enter your national ID or iqama number."),
    "format": _l("The ID or iqama number must be 10 digits."),
    "prefix": _l("The ID must start with 1 (citizen) or 2 (resident)."),
    "checksum": _l("This ID or iqama number is not valid. Check the digits."),
}


def valid_national_id(form, field):
    problem = national_id_problem(field.data)
    if problem:
        raise ValidationError(str(ID_PROBLEMS[problem]))


class LoginForm(Form):
    national_id = StringField(
        _l("National ID or iqama number"),
        filters=[normalize_digits],
        validators=[valid_national_id],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class CodeForm(Form):
    code = StringField(
        _l("Verification code"),
        filters=[normalize_digits],
        validators=[DataRequired(_l("Enter the verification code sent to your phone."))],
    )


def throttle_keys(national_id):
    return [f"id:{national_id}", f"ip:{request.remote_addr}"]


def locked_minutes(national_id):
    return max(accounts.minutes_locked(key) for key in throttle_keys(national_id))


def too_many_attempts_message(minutes):
    return _(
        "Too many wrong attempts. Try again in %(minutes)s minutes.",
        minutes=minutes,
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Ask for the ID and password; on success send a one-time code."""
    if g.user is not None:
        return redirect(home_for(g.user))
    form = LoginForm()
    if request.method == "GET":
        session["next"] = safe_next(request.args.get("next"), "")
    status = 200
    if form.validate_on_submit():
        national_id = form.national_id.data
        minutes = locked_minutes(national_id)
        if minutes:
            form.form_errors.append(too_many_attempts_message(minutes))
            status = 429
        else:
            user = User.get_or_none(User.national_id == national_id)
            if accounts.check_password(user, form.password.data):
                challenge = accounts.start_challenge(user)
                session["challenge"] = challenge.token
                return redirect(url_for("auth.verify"), 303)
            for key in throttle_keys(national_id):
                accounts.record_failure(key)
            form.form_errors.append(_("The ID or password is not correct."))
            status = 401
    elif form.errors:
        status = 422
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
def verify():
    """Check the one-time code and start the session."""
    challenge = accounts.open_challenge(session.get("challenge"))
    if challenge is None:
        return redirect(url_for("auth.login", expired=1), 303)
    national_id = challenge.user.national_id
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        minutes = locked_minutes(national_id)
        if minutes:
            form.form_errors.append(too_many_attempts_message(minutes))
            status = 429
        elif accounts.check_code(challenge, form.code.data):
            for key in throttle_keys(national_id):
                accounts.clear_failures(key)
            user = challenge.user
            next_page = session.get("next")
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            session.permanent = True
            session["sid"] = accounts.start_session(user)
            return redirect(safe_next(next_page, home_for(user)), 303)
        else:
            for key in throttle_keys(national_id):
                accounts.record_failure(key)
            if accounts.open_challenge(challenge.token) is None:
                return redirect(url_for("auth.login", expired=1), 303)
            form.code.errors.append(_("The verification code is not correct."))
            status = 422
    elif form.errors:
        status = 422
    form.code.data = ""
    masked_phone = "******" + challenge.user.phone[-4:]
    return render_template("auth/verify.html", form=form, masked_phone=masked_phone), status


@bp.route("/login/code/resend", methods=["POST"])
def resend():
    """Send a fresh one-time code; the previous one stops working."""
    challenge = accounts.open_challenge(session.get("challenge"))
    if challenge is None:
        return redirect(url_for("auth.login", expired=1), 303)
    if accounts.seconds_since(challenge.created_at) < RESEND_AFTER_SECONDS:
        return redirect(url_for("auth.verify", wait=1), 303)
    fresh = accounts.start_challenge(challenge.user)
    session["challenge"] = fresh.token
    return redirect(url_for("auth.verify", resent=1), 303)


@bp.route("/logout", methods=["POST"])
def logout():
    """End this browser's session on the server, not just in the cookie."""
    accounts.end_session(session.get("sid"))
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auth.login"), 303)
