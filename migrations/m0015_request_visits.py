"""A request and its branch visit as one case: the branch the sector suggests, and
the visit's steps (booked, moved, cancelled, attended or missed) and staff-only
notes in the request's timeline."""

from peewee import BooleanField, CharField, DateField, ForeignKeyField, Model
from playhouse.migrate import migrate


class _Branch(Model):
    class Meta:
        legacy_table_names = False
        table_name = "branch"


def _has_column(database, table, column):
    return column in {existing.name for existing in database.get_columns(table)}


def upgrade(database, migrator):
    with database.bind_ctx([_Branch]):
        wanted = [
            (
                "servicerequest",
                "visit_branch_id",
                ForeignKeyField(_Branch, null=True, field=_Branch.id, on_delete="SET NULL"),
            ),
            ("requestevent", "branch_id", ForeignKeyField(_Branch, null=True, field=_Branch.id, on_delete="SET NULL")),
            ("requestevent", "appointment_number", CharField(max_length=20, default="")),
            ("requestevent", "visit_date", DateField(null=True)),
            ("requestevent", "visit_start", CharField(max_length=5, default="")),
            ("requestevent", "internal", BooleanField(default=False)),
        ]
        operations = [
            migrator.add_column(table, column, field)
            for table, column, field in wanted
            if not _has_column(database, table, column)
        ]
        migrate(*operations)
