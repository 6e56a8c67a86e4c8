"""The worker's side of delivery: unpaid bills expire; the domain decides, this gives it the site's links."""

from huey import crontab

import worker
from domain.delivery import payments
from views.delivery import track_link


@worker.periodic_task(crontab(minute="*/5"))
def expire_unpaid_bills():
    """Every five minutes, expire the bills past their due time and free their documents."""
    with worker.public_request_context():
        return payments.expire_unpaid(track_link=track_link)
