"""Passwords, one-time codes, sign-in throttling and server-side sessions."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext
from peewee import fn

from domain.identity import normalize_digits
from domain.notifier import send_sms
from models import LoginChallenge, LoginFailure, Notification, Prepared, User, UserSession, utcnow

password_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None:
        # Spend the same time as a real check so unknown IDs are not revealed.
        password_hasher.hash(password or "x")
        return False
    try:
        return password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- Throttling ----------------------------------------------------------


def _window():
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def minutes_locked(key: str) -> int:
    """Minutes left before `key` may try again; 0 when it is not locked."""
    since = utcnow() - _window()
    recent = (
        LoginFailure.select(LoginFailure.created_at)
        .where((LoginFailure.key == key) & (LoginFailure.created_at > since))
        .order_by(LoginFailure.created_at.desc())
        .limit(current_app.config["LOGIN_MAX_FAILURES"])
    )
    times = [row.created_at for row in recent]
    if len(times) < current_app.config["LOGIN_MAX_FAILURES"]:
        return 0
    unlock_at = times[-1] + _window()
    seconds = (unlock_at - utcnow()).total_seconds()
    return max(1, int(seconds // 60) + (1 if seconds % 60 else 0))


def record_failure(key: str) -> None:
    LoginFailure.create(key=key)


def clear_failures(key: str) -> None:
    LoginFailure.delete().where(LoginFailure.key == key).execute()


# --- One-time codes ------------------------------------------------------


def _code_digest(token, code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{token}:{code}".encode(), hashlib.sha256).hexdigest()


def start_challenge(user: User) -> LoginChallenge:
    """Create a one-time code for `user` and send it by SMS; return the challenge.

    Any earlier code of the person stops working.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    token = secrets.token_urlsafe(24)
    LoginChallenge.update(used=True).where(
        (LoginChallenge.user == user) & (LoginChallenge.used == False)  # noqa: E712
    ).execute()
    challenge = LoginChallenge.create(
        token=token,
        user=user,
        code_hash=_code_digest(token, code),
        expires_at=utcnow() + timedelta(minutes=current_app.config["OTP_TTL_MINUTES"]),
    )
    send_sms(user.phone, gettext("Your Tawasul verification code is %(code)s", code=code))
    return challenge


def open_challenge(token: str | None) -> LoginChallenge | None:
    """The unused, unexpired challenge with this token, or None."""
    if not token:
        return None
    challenge = LoginChallenge.get_or_none(LoginChallenge.token == token)
    if challenge is None or challenge.used or challenge.expires_at < utcnow():
        return None
    if challenge.attempts >= current_app.config["OTP_MAX_ATTEMPTS"]:
        return None
    return challenge


def seconds_since(moment: datetime) -> float:
    return (utcnow() - moment).total_seconds()


def check_code(challenge: LoginChallenge, code: str) -> bool:
    """Spend one attempt on the challenge; True when the code is right."""
    code = normalize_digits(code or "")
    good = hmac.compare_digest(challenge.code_hash, _code_digest(challenge.token, code))
    if good:
        challenge.used = True
    else:
        challenge.attempts += 1
    challenge.save()
    return good


# --- Sessions ------------------------------------------------------------


def start_session(user: User) -> str:
    """Record a signed-in browser and return its token."""
    token = secrets.token_urlsafe(32)
    UserSession.create(token=token, user=user)
    return token


def end_session(token: str | None) -> None:
    UserSession.delete().where(UserSession.token == token).execute()


def _session_query(token):
    # The person and their unread count in one query: every page shows the count.
    unread = Notification.select(fn.COUNT(Notification.id)).where(
        (Notification.user == User.id) & Notification.read_at.is_null()
    )
    return UserSession.select(UserSession, User, unread.alias("unread")).join(User).where(UserSession.token == token)


# Every signed-in page reads it: its SQL is written once.
SESSION_QUERY = Prepared(lambda token: _session_query(token).limit(1))


def user_for_session(token: str | None) -> User | None:
    if not token:
        return None
    rows = SESSION_QUERY.rows(token)
    if not rows:
        return None
    found = rows[0]
    found.user.unread = found.unread
    return found.user
