"""«طلباتي»: an index for a beneficiary's requests, newest first."""

from playhouse.migrate import migrate

TABLE = "servicerequest"
COLUMNS = ("user_id", "created_at", "id")


def upgrade(database, migrator):
    existing = {tuple(index.columns) for index in database.get_indexes(TABLE)}
    if COLUMNS not in existing:
        migrate(migrator.add_index(TABLE, list(COLUMNS), False))
