"""Document delivery through Saudi Post (توصيل الوثائق).

The beneficiary's pages are in ``beneficiary``, the delivery officer's list and
the branch desk's returned documents in ``staff``; both register on ``bp``.
"""

from flask import Blueprint

bp = Blueprint("delivery", __name__)

from views.delivery import beneficiary, staff  # noqa: E402,F401
