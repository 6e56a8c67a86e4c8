"""Versioned schema migrations.

Each module ``mNNNN_<name>.py`` defines ``upgrade(database, migrator)``. The
applied versions are kept in the ``schema_version`` table, so upgrading runs
only what a database has not seen yet, in order, each in its own transaction.
"""

import importlib
import pkgutil

from peewee import CharField, DateTimeField, IntegerField, Model
from playhouse.migrate import SchemaMigrator, migrate

import models


class SchemaVersion(Model):
    version = IntegerField(primary_key=True)
    name = CharField(max_length=100)
    applied_at = DateTimeField(default=models.utcnow)

    class Meta:
        database = models.db
        table_name = "schema_version"


def available():
    """Return (version, name, module) for every migration, oldest first."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((int(info.name[1:5]), info.name[6:], module))
    return sorted(found, key=lambda item: item[0])


def applied_versions():
    if not models.db.table_exists(SchemaVersion._meta.table_name):
        return set()
    return {row.version for row in SchemaVersion.select()}


def upgrade():
    """Apply every migration the database lacks; return the names applied."""
    models.db.create_tables([SchemaVersion], safe=True)
    done = applied_versions()
    migrator = SchemaMigrator.from_database(models.db.obj)
    newly_applied = []
    for version, name, module in available():
        if version in done:
            continue
        with models.db.atomic():
            module.upgrade(models.db, migrator)
            SchemaVersion.create(version=version, name=name)
        newly_applied.append(f"{version:04d}_{name}")
    return newly_applied


def add_column_if_missing(migrator, model, field_name):
    """Add a model's field to its table unless an earlier schema already has it."""
    table = model._meta.table_name
    columns = {column.name for column in models.db.get_columns(table)}
    field = model._meta.fields[field_name]
    if field.column_name not in columns:
        migrate(migrator.add_column(table, field.column_name, field))
