"""Messages and requests (الرسائل والطلبات): beneficiaries write to a sector, its agents answer.

``beneficiary`` holds the beneficiary's pages, ``staff`` the sector agents'
inbox and workspace, ``forms`` the forms of both.
"""

import re

from flask import Blueprint, abort, g, url_for

from domain import requests as pipeline
from models import Role
from views.access import found_or_404

bp = Blueprint("messages", __name__)

REFERENCE_PATTERN = re.compile(r"[A-Z]\d{4}-\d{6}")


def valid_reference(reference):
    """A reference as we hand them out, else 404 before the database is asked."""
    if not REFERENCE_PATTERN.fullmatch(reference):
        abort(404)
    return reference


def own_request(reference):
    """The signed-in beneficiary's request; anyone else's does not exist (404)."""
    return found_or_404(pipeline.own_request(g.user, valid_reference(reference)))


def sector_request(reference):
    """A request of the signed-in agent's sector; another sector's does not exist (404)."""
    if g.user.sector_id is None:
        abort(404)
    return found_or_404(pipeline.sector_request(g.user.sector_id, valid_reference(reference)))


def may_see_files(user, service_request):
    """True for the request's owner and the agents of its sector."""
    if user is None:
        return False
    if user.id == service_request.user_id:
        return True
    return user.role == Role.AGENT and user.sector_id is not None and user.sector_id == service_request.sector_id


@bp.app_template_global()
def may_download_attachments(service_request):
    """True when the person signed in may open the request's files."""
    return may_see_files(g.user, service_request)


def beneficiary_link(service_request):
    """Where a notification to the beneficiary points: their request page."""
    return url_for("messages.show", reference=service_request.reference)


def booking_link(service_request):
    """Where the ask for a visit points: the booking, at the suggested branch's days, with the request."""
    return url_for("appointments.book", **pipeline.booking_answers(service_request))


@bp.app_template_global()
def visit_booking_url(service_request):
    """The booking link of a request that needs a visit, for its page."""
    return booking_link(service_request)


@bp.app_template_global()
def acted_as(author, service_request):
    """Who wrote a timeline entry, as a role; staff names stay with staff."""
    return pipeline.acted_as(author, service_request)


def agent_link(service_request):
    """Where a notification to the agent points: the request in their workspace."""
    return url_for("messages.agent_show", reference=service_request.reference)


from views.messages import beneficiary, staff  # noqa: E402,F401  (they register their views on bp)
