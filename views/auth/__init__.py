"""Signing in with an ID and password, then a one-time code; signing out; a new password.

The blueprint of accounts: registration on a first visit is in ``views/auth/registration.py``.
"""

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from domain import accounts
from domain.identity import normalize_digits
from models import User
from views import limits
from views.access import home_for
from views.forms import Form, national_id_field
from views.rendering import safe_next

bp = Blueprint("auth", __name__)

RESEND_AFTER_SECONDS = 30


class LoginForm(Form):
    national_id = national_id_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])


class ForgotForm(Form):
    national_id = national_id_field()


PASSWORD_PROBLEMS = {
    "short": _l("The password must be at least 8 characters."),
    "common": _l("This password is too easy to guess. Choose a less common one."),
    "id": _l("The password must not contain your ID number."),
}


class NewPasswordForm(Form):
    code = StringField(
        _l("Verification code"),
        filters=[normalize_digits],
        validators=[DataRequired(_l("Enter the verification code sent to your phone."))],
    )
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password."))])
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
    )


class CodeForm(Form):
    code = StringField(
        _l("Verification code"),
        filters=[normalize_digits],
        validators=[DataRequired(_l("Enter the verification code sent to your phone."))],
    )


def client_address():
    # ProxyFix (TRUSTED_PROXY_HOPS) has already put the trusted client address here.
    return request.remote_addr or "unknown"


def wait_on(form, seconds):
    """Tell the form to wait; the status and headers of the answer."""
    form.form_errors.append(_("Too many attempts. Try again in %(seconds)s seconds.", seconds=seconds))
    return 429, {"Retry-After": str(seconds)}


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Ask for the ID and password; on success send a one-time code."""
    if g.user is not None:
        return redirect(home_for(g.user))
    form = LoginForm()
    if request.method == "GET":
        session["next"] = safe_next(request.args.get("next"), "")
    status, headers = 200, {}
    if form.validate_on_submit():
        national_id = form.national_id.data
        seconds = accounts.admit_password(national_id, client_address())
        if seconds:
            status, headers = wait_on(form, seconds)
        else:
            user = User.get_or_none(User.national_id == national_id)
            if accounts.check_password(user, form.password.data):
                accounts.password_accepted(client_address())
                challenge = accounts.start_challenge(user)
                session["challenge"] = challenge.token
                return redirect(url_for("auth.verify"), 303)
            accounts.warn_owner_if_targeted(user)
            form.form_errors.append(_("The ID or password is not correct."))
            status = 401
    elif form.errors:
        status = 422
    form.password.data = ""
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/login/code", methods=["GET", "POST"])
def verify():
    """Check the one-time code and start the session."""
    challenge = accounts.open_challenge(session.get("challenge"))
    if challenge is None:
        return redirect(url_for("auth.login", expired=1), 303)
    national_id = challenge.user.national_id
    form = CodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        seconds = accounts.admit_code(national_id)
        if seconds:
            status, headers = wait_on(form, seconds)
        elif accounts.check_code(challenge, form.code.data):
            accounts.clear_attempts(national_id, client_address())
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
            if accounts.open_challenge(challenge.token) is None:
                return redirect(url_for("auth.login", expired=1), 303)
            form.code.errors.append(_("The verification code is not correct."))
            status = 422
    elif form.errors:
        status = 422
    form.code.data = ""
    masked_phone = "******" + challenge.user.phone[-4:]
    return render_template("auth/verify.html", form=form, masked_phone=masked_phone), status, headers


@bp.route("/login/code/resend", methods=["POST"])
def resend():
    """Send a fresh one-time code; the previous one stops working."""
    challenge = accounts.open_challenge(session.get("challenge"))
    if challenge is None:
        return redirect(url_for("auth.login", expired=1), 303)
    if accounts.seconds_since(challenge.created_at) < RESEND_AFTER_SECONDS:
        return redirect(url_for("auth.verify", wait=1), 303)
    seconds = limits.wait_for("resend_code", account=f"user:{challenge.user_id}")
    if seconds:
        flash(limits.wait_message(seconds), "error")
        return redirect(url_for("auth.verify"), 303)
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


# --- A new password («نسيت كلمة المرور», or after «الإدارة» reset it) -------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for the ID; send a code to its registered phone. The answer never says whether the ID exists."""
    form = ForgotForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        national_id = form.national_id.data
        seconds = accounts.admit_password(national_id, client_address())
        if seconds:
            status, headers = wait_on(form, seconds)
        else:
            session["new_password"] = accounts.start_new_password(national_id)
            session.pop("new_password_tries", None)
            return redirect(url_for("auth.new_password"), 303)
    elif form.errors:
        status = 422
    return render_template("auth/forgot.html", form=form), status, headers


@bp.route("/password/new", methods=["GET", "POST"])
def new_password():
    """The code from the SMS and the new password; every session of the account ends."""
    token = session.get("new_password")
    if not token:
        return redirect(url_for("auth.forgot_password"), 303)
    challenge = accounts.open_challenge(token, accounts.NEW_PASSWORD)
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        problem = accounts.password_problem(form.password.data, challenge.user.national_id if challenge else "")
        if problem:
            form.password.errors.append(str(PASSWORD_PROBLEMS[problem]))
            status = 422
        elif challenge is None or not accounts.check_code(challenge, form.code.data):
            # An unknown ID has no challenge: it is answered exactly like a wrong code, tries included.
            tries = session.get("new_password_tries", 0) + 1
            session["new_password_tries"] = tries
            spent = challenge is not None and accounts.open_challenge(token, accounts.NEW_PASSWORD) is None
            if spent or tries >= current_app.config["OTP_MAX_ATTEMPTS"]:
                session.pop("new_password", None)
                session.pop("new_password_tries", None)
                return redirect(url_for("auth.forgot_password", expired=1), 303)
            form.code.errors.append(_("The verification code is not correct."))
            status = 422
        else:
            accounts.set_password(challenge.user, form.password.data)
            session.pop("new_password", None)
            session.pop("new_password_tries", None)
            flash(_("Your new password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"), 303)
    elif form.errors:
        status = 422
    form.code.data = ""
    form.password.data = form.confirm.data = ""
    return render_template("auth/new_password.html", form=form), status


from views.auth import registration  # noqa: E402,F401
