"""Document delivery through Saudi Post (توصيل الوثائق).

The beneficiary's pages are in ``beneficiary``, the delivery officer's list and
the branch desk's returned documents in ``staff``; both register on ``bp``.
"""

from flask import Blueprint, url_for

bp = Blueprint("delivery", __name__)


def track_link(delivery):
    """Return the URL of the delivery's tracking page, for the notifications the domain sends."""
    return url_for("delivery.track", delivery_id=delivery.id)


from views.delivery import beneficiary, staff  # noqa: E402,F401
