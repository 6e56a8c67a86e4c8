"""Document delivery: deliveries, their events and saved national addresses."""

import models


def upgrade(database, migrator):
    database.create_tables(models.DELIVERY_MODELS, safe=True)
