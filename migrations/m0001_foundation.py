"""Catalog, accounts, notifications, requests and issued documents."""

import models


def upgrade(database, migrator):
    database.create_tables(models.FOUNDATION_MODELS, safe=True)
