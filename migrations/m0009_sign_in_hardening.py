"""Sign-in that cannot lock other people out: one counter row per throttled key,
sessions that end when idle, and accounts that can be deactivated."""

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model
from playhouse.migrate import migrate

import models


class _SignInThrottle(Model):
    key = CharField(max_length=80, unique=True)
    attempts = IntegerField()
    window_started_at = DateTimeField()
    wait_until = DateTimeField()
    owner_warned = BooleanField()

    class Meta:
        legacy_table_names = False
        table_name = "signinthrottle"


def _has_column(database, table, column):
    return column in {existing.name for existing in database.get_columns(table)}


def upgrade(database, migrator):
    with _SignInThrottle.bind_ctx(database):
        database.create_tables([_SignInThrottle], safe=True)
    operations = []
    if not _has_column(database, "usersession", "last_seen_at"):
        operations.append(migrator.add_column("usersession", "last_seen_at", DateTimeField(default=models.utcnow)))
    if not _has_column(database, "user", "active"):
        operations.append(migrator.add_column("user", "active", BooleanField(default=True)))
    if database.table_exists("loginfailure"):
        operations.append(migrator.drop_table("loginfailure"))
    migrate(*operations)
