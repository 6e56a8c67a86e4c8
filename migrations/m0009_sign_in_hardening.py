"""Sign-in that cannot lock other people out: one counter row per throttled key,
sessions that end when idle, accounts that can be deactivated, and an audit of staff actions."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField
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


class _User(Model):
    class Meta:
        legacy_table_names = False
        table_name = "user"


class _AuditEntry(Model):
    actor = ForeignKeyField(_User, null=True, backref="+")
    role = CharField(max_length=16)
    action = CharField(max_length=40)
    subject_kind = CharField(max_length=16)
    subject = CharField(max_length=40)
    before = TextField()
    after = TextField()
    address = CharField(max_length=64)
    created_at = DateTimeField(index=True)

    class Meta:
        legacy_table_names = False
        table_name = "auditentry"
        indexes = ((("subject_kind", "subject"), False),)


def _has_column(database, table, column):
    return column in {existing.name for existing in database.get_columns(table)}


def upgrade(database, migrator):
    with database.bind_ctx([_SignInThrottle, _User, _AuditEntry]):
        database.create_tables([_SignInThrottle, _AuditEntry], safe=True)
    operations = []
    if not _has_column(database, "usersession", "last_seen_at"):
        operations.append(migrator.add_column("usersession", "last_seen_at", DateTimeField(default=models.utcnow)))
    if not _has_column(database, "user", "active"):
        operations.append(migrator.add_column("user", "active", BooleanField(default=True)))
    if database.table_exists("loginfailure"):
        operations.append(migrator.drop_table("loginfailure"))
    migrate(*operations)
