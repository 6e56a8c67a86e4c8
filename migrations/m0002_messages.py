"""Messages and requests: the index the sector's inbox pages through."""

from playhouse.migrate import migrate

import models


def upgrade(database, migrator):
    database.create_tables([models.ServiceRequest, models.RequestEvent, models.Attachment], safe=True)
    table = models.ServiceRequest._meta.table_name
    columns = ["sector_id", "due_date", "id"]
    existing = {tuple(index.columns) for index in database.get_indexes(table)}
    if tuple(columns) not in existing:
        migrate(migrator.add_index(table, columns, False))
