"""The public check page of an appointment: a random token per appointment, the slip's QR carries it.

Frozen: the column and index as this migration made them; existing appointments get a token each.
"""

import secrets

from peewee import CharField
from playhouse.migrate import migrate


def _has_column(database, table, column):
    return column in {existing.name for existing in database.get_columns(table)}


def upgrade(database, migrator):
    if not _has_column(database, "appointment", "check_token"):
        migrate(migrator.add_column("appointment", "check_token", CharField(max_length=32, null=True)))
    mark = database.param
    missing = [row[0] for row in database.execute_sql("SELECT id FROM appointment WHERE check_token IS NULL")]
    for appointment_id in missing:
        database.execute_sql(
            f"UPDATE appointment SET check_token = {mark} WHERE id = {mark}",
            (secrets.token_urlsafe(16), appointment_id),
        )
    if "appointment_check_token" not in {index.name for index in database.get_indexes("appointment")}:
        migrate(migrator.add_index("appointment", ("check_token",), unique=True))
