"""Opening an account on a first visit: the ID, date of birth and phone checked against the register,
a one-time code to that phone, then a password.

Every first step ends the same way, whatever was wrong: a token for the page
that asks for the code. Only when the three details match the register and the
ID has no account yet does a challenge stand behind the token and a code go to
the phone; an ID that already has an account tells its owner by SMS instead.
So the answer never says which detail was wrong, nor whether an ID exists.
"""

import secrets
from datetime import date, timedelta

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from peewee import Case, IntegrityError

from domain import counts
from domain.accounts import code_digest, hash_password, spend_code
from domain.errors import Refused
from domain.notifier import send_sms
from models import CivilRecord, RegistrationChallenge, Role, SignInThrottle, User, utcnow, write_transaction

# The key (in the sign-in throttle table) that sends the owner one warning a window.
OWNER_WARNING = "register-warned"


def start(national_id: str, birth_date: date, phone: str) -> str:
    """Check the details against the register and send a code when they match; return a token either way.

    ``phone`` is a normalized Saudi mobile (05xxxxxxxx).
    """
    token = secrets.token_urlsafe(24)
    if User.select().where(User.national_id == national_id).exists():
        _warn_owner(national_id)
        return token
    person = CivilRecord.get_or_none(CivilRecord.national_id == national_id)
    if person is None or person.birth_date != birth_date or person.phone != phone:
        return token
    code = f"{secrets.randbelow(10**6):06d}"
    with write_transaction():
        # An earlier code for the ID stops working.
        RegistrationChallenge.update(used=True).where(
            (RegistrationChallenge.national_id == national_id) & (RegistrationChallenge.used == False)  # noqa: E712
        ).execute()
        RegistrationChallenge.create(
            token=token,
            national_id=national_id,
            code_hash=code_digest(token, code),
            expires_at=utcnow() + timedelta(minutes=current_app.config["OTP_TTL_MINUTES"]),
        )
        send_sms(person.phone, gettext("Your Tawasul registration code is %(code)s", code=code))
    return token


def open_challenge(token: str | None) -> RegistrationChallenge | None:
    """The unused, unexpired registration challenge of this token with tries left, or None."""
    if not token:
        return None
    challenge = RegistrationChallenge.get_or_none(RegistrationChallenge.token == token)
    if challenge is None or challenge.used or challenge.expires_at < utcnow():
        return None
    if challenge.attempts >= current_app.config["OTP_MAX_ATTEMPTS"]:
        return None
    return challenge


def check_code(challenge: RegistrationChallenge, code: str) -> bool:
    """Spend one try of the challenge; True (once) when the code is right."""
    return spend_code(challenge, code)


def complete(challenge: RegistrationChallenge, password: str) -> User:
    """Open the beneficiary account of a confirmed challenge with its password, or raise Refused.

    The unique ID of the user table decides a race with another registration of the same ID.
    """
    person = CivilRecord.get(CivilRecord.national_id == challenge.national_id)
    try:
        with write_transaction():
            user = User.create(
                national_id=person.national_id,
                name_ar=person.name_ar,
                name_en=person.name_en,
                phone=person.phone,
                password_hash=hash_password(password),
                role=Role.BENEFICIARY,
            )
            counts.added(counts.ACCOUNT, "", Role.BENEFICIARY)
    except IntegrityError:
        raise Refused(_l("This ID already has an account. Sign in, or set a new password."), "registered") from None
    return user


def _warn_owner(national_id: str) -> None:
    """Tell the owner of an ID by SMS, once a window, that someone tried to open an account with it."""
    now = utcnow()
    key = f"{OWNER_WARNING}:{national_id}"
    SignInThrottle.insert(key=key, attempts=0, window_started_at=now, wait_until=now).on_conflict_ignore().execute()
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    stale = SignInThrottle.window_started_at < now - window
    first = (
        SignInThrottle.update(
            owner_warned=True,
            attempts=SignInThrottle.attempts + 1,
            window_started_at=Case(None, [(stale, now)], SignInThrottle.window_started_at),
        )
        .where((SignInThrottle.key == key) & ((SignInThrottle.owner_warned == False) | stale))  # noqa: E712
        .execute()
    )
    if first:
        owner = User.get(User.national_id == national_id)
        with force_locale("ar"):
            send_sms(
                owner.phone,
                gettext(
                    "Someone tried to register a new Tawasul account with your ID. You already have one: "
                    "if it was you, sign in or use «Forgot your password». If not, nothing has changed."
                ),
            )
