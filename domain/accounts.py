"""Passwords, one-time codes, sign-in throttling and server-side sessions."""

import hashlib
import hmac
import math
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import force_locale, gettext
from peewee import Case, fn

from domain.identity import normalize_digits
from domain.notifier import send_sms
from models import (
    LoginChallenge,
    Notification,
    Prepared,
    Role,
    SignInThrottle,
    User,
    UserSession,
    utcnow,
    write_transaction,
)

password_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.active:
        # Spend the same time as a real check so unknown IDs are not revealed.
        password_hasher.hash(password or "x")
        return False
    try:
        return password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- Throttling ----------------------------------------------------------
#
# Three keys are counted for every password: the ID from this address (a few
# free tries, then one try per half minute), the ID from anywhere (more free
# tries: only a guesser with many addresses reaches it) and the address alone
# (a high limit that paces a carrier's shared address, never closes it). Wrong
# tries for one ID therefore never refuse another ID, and the owner, signing in
# from their own address, is at most asked to wait seconds. An attempt is
# counted before it is checked, by one statement that also refuses it when its
# key must wait, so the limit holds however many attempts arrive at once.


@dataclass(frozen=True)
class Limit:
    prefix: str
    free: str  # config key: attempts allowed in a window before pacing starts
    wait: str  # config key: seconds between further attempts


BY_ID_AND_ADDRESS = Limit("id-address", "LOGIN_FREE_ATTEMPTS", "LOGIN_WAIT_SECONDS")
BY_ID = Limit("id", "LOGIN_ID_FREE_ATTEMPTS", "LOGIN_ID_WAIT_SECONDS")
BY_ADDRESS = Limit("address", "LOGIN_ADDRESS_FREE_ATTEMPTS", "LOGIN_ADDRESS_WAIT_SECONDS")
BY_CODE = Limit("code", "OTP_FREE_ATTEMPTS", "OTP_WAIT_SECONDS")


NEVER_WAITED = datetime(2000, 1, 1)


def _window():
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def throttle_key(limit: Limit, *parts: str) -> str:
    return ":".join((limit.prefix, *parts))[:80]


def admit(limit: Limit, key: str) -> int:
    """Count one attempt for ``key``; return 0 when it may be checked now, else the seconds to wait."""
    now = utcnow()
    config = current_app.config
    wait = timedelta(seconds=config[limit.wait])
    fresh = SignInThrottle.insert(key=key, attempts=0, window_started_at=now, wait_until=NEVER_WAITED)
    fresh.on_conflict_ignore().execute()
    stale = SignInThrottle.window_started_at < now - _window()
    counted = (
        SignInThrottle.update(
            attempts=Case(None, [(stale, 1)], SignInThrottle.attempts + 1),
            window_started_at=Case(None, [(stale, now)], SignInThrottle.window_started_at),
            owner_warned=Case(None, [(stale, False)], SignInThrottle.owner_warned),
            # Left alone below the limit: threads' clocks differ by microseconds, and a later "now"
            # written by one must not make another's attempt look early.
            wait_until=Case(
                None,
                [(~stale & (SignInThrottle.attempts + 1 >= config[limit.free]), now + wait)],
                SignInThrottle.wait_until,
            ),
        )
        .where((SignInThrottle.key == key) & (stale | (SignInThrottle.wait_until <= now)))
        .execute()
    )
    if counted:
        return 0
    waiting = SignInThrottle.get_or_none(SignInThrottle.key == key)
    seconds = (waiting.wait_until - now).total_seconds() if waiting else 0
    return max(1, math.ceil(seconds))


def admit_password(national_id: str, address: str) -> int:
    """Count a password attempt on every key it belongs to; the seconds to wait, or 0."""
    for limit, key in (
        (BY_ADDRESS, throttle_key(BY_ADDRESS, address)),
        (BY_ID, throttle_key(BY_ID, national_id)),
        (BY_ID_AND_ADDRESS, throttle_key(BY_ID_AND_ADDRESS, national_id, address)),
    ):
        seconds = admit(limit, key)
        if seconds:
            return seconds
    return 0


def password_accepted(address: str) -> None:
    """A right password gives its address back the attempt: an address is paced by its wrong ones only."""
    SignInThrottle.update(attempts=SignInThrottle.attempts - 1).where(
        (SignInThrottle.key == throttle_key(BY_ADDRESS, address)) & (SignInThrottle.attempts > 0)
    ).execute()


def admit_code(national_id: str) -> int:
    return admit(BY_CODE, throttle_key(BY_CODE, national_id))


def warn_owner_if_targeted(user: User | None) -> None:
    """Tell the owner by SMS, once a window, that their ID is getting wrong passwords."""
    if user is None:
        return
    key = throttle_key(BY_ID, user.national_id)
    first_warning = (
        SignInThrottle.update(owner_warned=True)
        .where(
            (SignInThrottle.key == key)
            & (SignInThrottle.owner_warned == False)  # noqa: E712
            & (SignInThrottle.attempts >= current_app.config["LOGIN_WARN_AFTER"])
        )
        .execute()
    )
    if first_warning:
        with force_locale("ar"):
            send_sms(
                user.phone,
                gettext(
                    "Someone has tried several wrong passwords for your Tawasul account. "
                    "Your account stays safe: signing in also needs the code sent to this phone."
                ),
            )


def clear_attempts(national_id: str, address: str) -> None:
    """A completed sign-in forgets the ID's attempts (the address keeps its own)."""
    keys = [
        throttle_key(BY_ID, national_id),
        throttle_key(BY_ID_AND_ADDRESS, national_id, address),
        throttle_key(BY_CODE, national_id),
    ]
    SignInThrottle.delete().where(SignInThrottle.key.in_(keys)).execute()


# --- One-time codes ------------------------------------------------------


def code_digest(token: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{token}:{code}".encode(), hashlib.sha256).hexdigest()


SIGN_IN, NEW_PASSWORD = "sign_in", "new_password"


def start_challenge(user: User, purpose: str = SIGN_IN) -> LoginChallenge:
    """Create a one-time code for `user` and send it by SMS; return the challenge.

    Any earlier code of the person stops working.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    token = secrets.token_urlsafe(24)
    # The challenge and its SMS in one transaction: the worker sends the code once both are saved.
    with write_transaction():
        LoginChallenge.update(used=True).where(
            (LoginChallenge.user == user) & (LoginChallenge.used == False)  # noqa: E712
        ).execute()
        challenge = LoginChallenge.create(
            token=token,
            user=user,
            code_hash=code_digest(token, code),
            expires_at=utcnow() + timedelta(minutes=current_app.config["OTP_TTL_MINUTES"]),
            purpose=purpose,
        )
        send_sms(user.phone, gettext("Your Tawasul verification code is %(code)s", code=code))
    return challenge


def open_challenge(token: str | None, purpose: str = SIGN_IN) -> LoginChallenge | None:
    """The unused, unexpired challenge with this token and purpose, or None."""
    if not token:
        return None
    challenge = LoginChallenge.get_or_none((LoginChallenge.token == token) & (LoginChallenge.purpose == purpose))
    if challenge is None or challenge.used or challenge.expires_at < utcnow():
        return None
    if challenge.attempts >= current_app.config["OTP_MAX_ATTEMPTS"]:
        return None
    return challenge


def seconds_since(moment: datetime) -> float:
    return (utcnow() - moment).total_seconds()


def check_code(challenge: LoginChallenge, code: str) -> bool:
    """Spend one attempt on the challenge; True when the code is right.

    The attempt is taken by one statement before the code is compared, and the
    code is used up by another, so parallel tries get no more than the limit
    and a right code signs in once.
    """
    return spend_code(challenge, code)


def spend_code(challenge, code: str) -> bool:
    """``check_code`` for any challenge table with token, code_hash, attempts, used and expires_at."""
    model = type(challenge)
    spent = (
        model.update(attempts=model.attempts + 1)
        .where(
            (model.id == challenge.id)
            & (model.used == False)  # noqa: E712
            & (model.attempts < current_app.config["OTP_MAX_ATTEMPTS"])
            & (model.expires_at > utcnow())
        )
        .execute()
    )
    if not spent:
        return False
    code = normalize_digits(code or "")
    if not hmac.compare_digest(challenge.code_hash, code_digest(challenge.token, code)):
        return False
    claimed = model.update(used=True).where((model.id == challenge.id) & (model.used == False)).execute()  # noqa: E712
    return claimed == 1


# --- New passwords --------------------------------------------------------

MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "common_passwords.txt")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with open(COMMON_PASSWORDS_PATH, encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip() and not line.startswith("#"))


def password_problem(password: str, national_id: str) -> str | None:
    """Why a new password is refused ("short", "common", "id"), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    if password.lower() in common_passwords() or len(set(password)) < 3:
        return "common"
    if national_id and national_id in password:
        return "id"
    return None


def start_new_password(national_id: str) -> str:
    """Send a code for a new password when the ID has an active account; return a token either way.

    The token of an unknown ID opens no challenge, so the page that follows
    looks the same whether or not the ID exists.
    """
    user = User.get_or_none((User.national_id == national_id) & (User.active == True))  # noqa: E712
    if user is None:
        return secrets.token_urlsafe(24)
    return start_challenge(user, NEW_PASSWORD).token


def set_password(user: User, password: str) -> None:
    """Keep the new password and end every session of the account (a thief's included)."""
    with write_transaction():
        User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
        UserSession.delete().where(UserSession.user == user.id).execute()


def unusable_password() -> str:
    """A password nobody knows: the account waits for its owner to set one by code."""
    return secrets.token_urlsafe(32)


def invalidate_password(user: User) -> None:
    """Make the current password useless and end every session; the person sets a new one by code."""
    set_password(user, unusable_password())


def end_sessions(user: User) -> None:
    UserSession.delete().where(UserSession.user == user.id).execute()


# --- Sessions ------------------------------------------------------------

# A session's last_seen_at is written at most this often, not on every page.
SEEN_EVERY = timedelta(minutes=1)


def start_session(user: User) -> str:
    """Record a signed-in browser and return its token."""
    token = secrets.token_urlsafe(32)
    UserSession.create(token=token, user=user)
    return token


def end_session(token: str | None) -> None:
    UserSession.delete().where(UserSession.token == token).execute()


def idle_limit(user: User) -> timedelta:
    key = "SESSION_IDLE_MINUTES_STAFF" if user.role in Role.STAFF else "SESSION_IDLE_MINUTES"
    return timedelta(minutes=current_app.config[key])


def _session_query(token):
    # The person and their unread count in one query: every page shows the count.
    unread = Notification.select(fn.COUNT(Notification.id)).where(
        (Notification.user == User.id) & Notification.read_at.is_null()
    )
    return (
        UserSession.select(UserSession, User, unread.alias("unread"))
        .join(User)
        .where((UserSession.token == token) & (User.active == True))  # noqa: E712
    )


# Every signed-in page reads it: its SQL is written once.
SESSION_QUERY = Prepared(lambda token: _session_query(token).limit(1))


def user_for_session(token: str | None) -> User | None:
    """The person signed in with this session token, or None once it has ended.

    A session ends on the server when idle past the role's limit, when older
    than SESSION_MAX_HOURS, or when its account is deactivated.
    """
    if not token:
        return None
    rows = SESSION_QUERY.rows(token)
    if not rows:
        return None
    found = rows[0]
    now = utcnow()
    too_old = found.created_at < now - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if too_old or found.last_seen_at < now - idle_limit(found.user):
        end_session(token)
        return None
    if found.last_seen_at < now - SEEN_EVERY:
        UserSession.update(last_seen_at=now).where(UserSession.id == found.id).execute()
    found.user.unread = found.unread
    return found.user


def deactivate(user: User) -> None:
    """Stop an account: it cannot sign in and every browser signed in with it is signed out now."""
    with write_transaction():
        User.update(active=False).where(User.id == user.id).execute()
        end_sessions(user)
    user.active = False
