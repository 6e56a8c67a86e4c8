"""Background work: outgoing messages with a state the worker moves, and the visit reminder.

``outboxmessage`` gains its state (pending, sent, failed), attempts, the last
error and when it was tried and sent; the rows already there were kept as
sent. ``appointment`` gains ``reminded_at``, set once the day-before reminder
is sent.
"""

from peewee import CharField, DateTimeField, IntegerField, Model, TextField
from playhouse.migrate import migrate

from migrations import add_column_if_missing


class _Frozen(Model):
    class Meta:
        legacy_table_names = False


class _OutboxMessage(_Frozen):
    # Rows from before this migration had been kept, so they count as sent.
    state = CharField(max_length=8, default="sent")
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    tried_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)

    class Meta:
        table_name = "outboxmessage"


class _Appointment(_Frozen):
    reminded_at = DateTimeField(null=True)

    class Meta:
        table_name = "appointment"


def upgrade(database, migrator):
    for name in ("state", "attempts", "last_error", "tried_at", "sent_at"):
        add_column_if_missing(migrator, _OutboxMessage, name)
    add_column_if_missing(migrator, _Appointment, "reminded_at")
    existing = {tuple(index.columns) for index in database.get_indexes("outboxmessage")}
    if ("state", "created_at") not in existing:
        migrate(migrator.add_index("outboxmessage", ["state", "created_at"], False))
