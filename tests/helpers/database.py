"""Which database the suite runs on, and reading it between page loads."""

import os

import models
import worker

# Set by `make test` for the PostgreSQL run; unset means a temporary SQLite file.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def run_in(app, function):
    """Call ``function`` in an app context and a connection of its own, closed before the next page load.

    Tests use it as the ``in_app`` fixture: ``in_app(lambda: Appointment.get_by_id(3).status)``.
    """
    with app.app_context(), models.db.connection_context():
        return function()


def bind_suite_database(app):
    """Bind the suite's database and queue again, as the suite's app has them, after a test made another app."""
    models.bind_database(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"])
    worker.init_app(app)
