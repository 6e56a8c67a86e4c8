"""Messages and requests: the index the sector's inbox pages through.

The tables ``servicerequest``, ``requestevent`` and ``attachment`` are made
by 0001; this adds the (sector, due_date, id) index of the keyset pages.
"""

from playhouse.migrate import migrate

TABLE = "servicerequest"
COLUMNS = ("sector_id", "due_date", "id")


def upgrade(database, migrator):
    existing = {tuple(index.columns) for index in database.get_indexes(TABLE)}
    if COLUMNS not in existing:
        migrate(migrator.add_index(TABLE, list(COLUMNS), False))
