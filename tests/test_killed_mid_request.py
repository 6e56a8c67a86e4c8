"""A process killed between committing a change and handing its SMS to the worker loses nothing."""

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import time_machine

import models
from domain import outbox
from tests.helpers.accounts import DEMO

# Commits a notification and its SMS, then dies before the after-commit enqueue can run.
KILLED = textwrap.dedent(
    """
    import os, sys
    from app import create_app
    import models
    from domain.notifier import notify

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": sys.argv[1],
                      "DATABASE_POOL_SIZE": 0, "HUEY_FILE": sys.argv[2], "HUEY_IMMEDIATE": False})
    with app.test_request_context():
        models.db.connect(reuse_if_open=True)
        person = models.User.get(models.User.national_id == sys.argv[3])
        with models.write_transaction():
            models.after_commit(lambda: os._exit(9))  # the process is killed just after the commit
            notify(person, "وصل ردّ على طلبك M1448-000777")
    """
)


def test_a_message_committed_by_a_killed_process_is_sent_after_restart(app, in_app, tmp_path):
    died = subprocess.run(
        [sys.executable, "-c", KILLED, app.config["DATABASE_URL"], str(tmp_path / "huey.db"), DEMO["citizen"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died.returncode == 9, died.stderr
    pending = in_app(
        lambda: [
            (m.channel, m.state)
            for m in models.OutboxMessage.select().where(models.OutboxMessage.body.contains("M1448-000777"))
        ]
    )
    assert sorted(pending) == [("email", "pending"), ("sms", "pending")]
    assert in_app(lambda: models.Notification.select().count()) == 1  # the change itself was kept
    # The worker starts again; its sweep finds what was left pending and sends it.
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=app.config["OUTBOX_SWEEP_MINUTES"] + 1)):
        assert in_app(outbox.sweep_pending) == 2
    sent = in_app(
        lambda: [
            m.state for m in models.OutboxMessage.select().where(models.OutboxMessage.body.contains("M1448-000777"))
        ]
    )
    assert sent == ["sent", "sent"]
