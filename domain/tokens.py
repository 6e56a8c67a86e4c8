"""Submission tokens: one per form shown, so a double click or a resent form acts once.

The form carries a fresh token; the record it creates stores it under a
UNIQUE constraint. Sending the same token again finds that record instead of
making a second one. A token that another person's record holds (a form
copied from someone else's page) is refused, and nothing is made.
"""

import re
import secrets

from flask_babel import lazy_gettext as _l

from domain.errors import Refused

EXPIRED = _l("This form has expired. Check what you typed and send it again.")

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def valid_token(value) -> str | None:
    """The token as sent, or None when it is missing or not one we hand out."""
    return value if isinstance(value, str) and TOKEN_PATTERN.fullmatch(value) else None


def already_submitted(model, token, user):
    """The record an earlier submission of this form made for ``user``, if any.

    Refused (code ``expired``) when the token is another person's: the unique
    index would refuse the new record anyway.
    """
    if not token:
        return None
    done = model.get_or_none(model.submission_token == token)
    if done is not None and done.user_id != user.id:
        raise Refused(EXPIRED, code="expired")
    return done
