"""Staff accounts run from «الإدارة»: a version to catch two admins editing one account,
and one-time codes that say what they are for (signing in, setting a new password)."""

from peewee import CharField, IntegerField
from playhouse.migrate import migrate


def _has_column(database, table, column):
    return column in {existing.name for existing in database.get_columns(table)}


def upgrade(database, migrator):
    operations = []
    if not _has_column(database, "user", "version"):
        operations.append(migrator.add_column("user", "version", IntegerField(default=1)))
    if not _has_column(database, "loginchallenge", "purpose"):
        operations.append(migrator.add_column("loginchallenge", "purpose", CharField(max_length=16, default="sign_in")))
    migrate(*operations)
