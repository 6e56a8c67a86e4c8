"""Signed notices from outside: the payment provider's callback and Saudi Post's events.
JSON in, JSON out, never a page and never a 500."""

import logging

from flask import jsonify, request
from flask_babel import force_locale
from peewee import PeeweeException

from domain.delivery import carrier, payments, sadad
from domain.errors import Refused
from views.delivery import hooks_bp, track_link

logger = logging.getLogger(__name__)


def answer(status, **body):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def refused_answer(refused, statuses=payments.REFUSALS):
    status = statuses.get(refused.code, 400)
    with force_locale("en"):
        message = str(refused.message)
    return answer(status, ok=False, error=refused.code, message=message)


def raw_body(limit=payments.MAX_NOTICE_BYTES):
    """The body as sent, at most one byte over the limit (so a huge one is refused without reading it all)."""
    return request.stream.read(limit + 1)


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


@hooks_bp.route("/hooks/saudi-post/events", methods=["POST"])
def saudi_post_event():
    """Take a signed Saudi Post event and apply it by the pipeline's rules, once per event id."""
    try:
        event = carrier.read_event(raw_body(carrier.MAX_EVENT_BYTES), request.headers.get(carrier.SIGNATURE_HEADER))
        kept, applied = carrier.apply(event, track_link=track_link)
    except Refused as refused:
        return refused_answer(refused, carrier.REFUSALS)
    except PeeweeException:
        logger.exception("a Saudi Post event could not be recorded")
        return answer(503, ok=False, error="unavailable", message="Try again later.")
    except Exception:
        logger.exception("a Saudi Post event failed")
        return answer(503, ok=False, error="unavailable", message="Try again later.")
    if kept.outcome == "refused":
        # The same id was refused before: the same answer, and still nothing applied.
        status = carrier.REFUSALS.get(kept.error, 422)
        return answer(status, ok=False, error=kept.error, message=kept.message, event_id=kept.event_id, duplicate=True)
    return answer(
        200, ok=True, result="applied" if applied else "duplicate", event_id=kept.event_id, duplicate=not applied
    )
