"""Signed notices from outside: the payment provider's callback. JSON in, JSON out, never a page."""

import logging

from flask import jsonify, request
from flask_babel import force_locale
from peewee import PeeweeException

from domain.delivery import payments, sadad
from domain.errors import Refused
from views.delivery import hooks_bp, track_link

logger = logging.getLogger(__name__)


def answer(status, **body):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def refused_answer(refused):
    status = payments.REFUSALS.get(refused.code, 400)
    with force_locale("en"):
        message = str(refused.message)
    return answer(status, ok=False, error=refused.code, message=message)


def raw_body():
    """The body as sent, at most one byte over the limit (so a huge one is refused without reading it all)."""
    return request.stream.read(payments.MAX_NOTICE_BYTES + 1)


@hooks_bp.route("/hooks/sadad/payments", methods=["POST"])
def sadad_payment():
    """Take a signed SADAD payment notice: the bill is paid once, whatever is repeated or forged."""
    try:
        notice = payments.read_notice(raw_body(), request.headers.get(sadad.SIGNATURE_HEADER))
        bill, changed = payments.confirm_payment(notice, track_link=track_link)
    except Refused as refused:
        return refused_answer(refused)
    except PeeweeException:
        logger.exception("a SADAD notice could not be recorded")
        return answer(503, ok=False, error="unavailable", message="Try again later.")
    except Exception:
        # The provider retries a 503; a 500 would say nothing more and must not happen.
        logger.exception("a SADAD notice failed")
        return answer(503, ok=False, error="unavailable", message="Try again later.")
    return answer(200, ok=True, result="paid" if changed else "already_paid", bill_number=bill.bill_number)
