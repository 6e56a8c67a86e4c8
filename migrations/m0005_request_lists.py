"""«طلباتي»: an index for a beneficiary's requests, newest first."""

from playhouse.migrate import migrate

import models


def upgrade(database, migrator):
    table = models.ServiceRequest._meta.table_name
    columns = ["user_id", "created_at", "id"]
    existing = {tuple(index.columns) for index in database.get_indexes(table)}
    if tuple(columns) not in existing:
        migrate(migrator.add_index(table, columns, False))
