"""Which database the suite runs on."""

import os

# Set by `make test` for the PostgreSQL run; unset means a temporary SQLite file.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
