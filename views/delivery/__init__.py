"""Document delivery through Saudi Post (توصيل الوثائق).

The beneficiary's pages are in ``beneficiary``, the delivery officer's list and
the branch desk's returned documents in ``staff``; both register on ``bp``.
``hooks`` takes the signed notices of the payment provider on ``hooks_bp``,
which has no session and no CSRF token (the signature stands in for both);
``tasks`` is the worker's expiry of unpaid bills.
"""

from flask import Blueprint, g, url_for

bp = Blueprint("delivery", __name__)
hooks_bp = Blueprint("delivery_hooks", __name__)


@hooks_bp.before_request
def forget_the_cookie():
    """A notice speaks for the provider alone: whoever's session cookie came with it is not believed."""
    g.user = None


def track_link(delivery):
    """Return the URL of the delivery's tracking page, for the notifications the domain sends."""
    return url_for("delivery.track", delivery_id=delivery.id)


from views.delivery import beneficiary, hooks, staff, tasks  # noqa: E402,F401
