"""Versioned schema migrations.

Each module ``mNNNN_<name>.py`` defines ``upgrade(database, migrator)``. The
applied versions are kept in the ``schema_version`` table, so upgrading runs
only what a database has not seen yet, in order, each in its own transaction.

The rules:

- A migration is frozen once it has landed: it must build the same schema
  on a fresh database forever, so that every database, old or new, ends up
  with the same tables whichever migrations it saw.
- A migration states its own columns and indexes, with peewee model classes
  private to its module (bound to ``database`` while it runs) or with SQL. It
  never reads the live models of ``models.py`` for the shape of a table, as
  they move on after the migration is written.
- A change of schema (a new table, column or index, or a changed one) is a
  new numbered migration, together with the change to ``models.py``; the
  tests compare the migrated schema with the live models.
"""

import importlib
import pkgutil
from contextlib import contextmanager

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


def upgrade(until=None):
    """Apply every migration the database lacks; return the names applied.

    With ``until``, stop after that version, as a database made by an older
    release would.
    """
    models.db.create_tables([SchemaVersion], safe=True)
    done = applied_versions()
    migrator = SchemaMigrator.from_database(models.db.obj)
    newly_applied = []
    with _foreign_keys_checked_after():
        for version, name, module in available():
            if until is not None and version > until:
                break
            if version in done:
                continue
            with models.db.atomic():
                module.upgrade(models.db, migrator)
                SchemaVersion.create(version=version, name=name)
            newly_applied.append(f"{version:04d}_{name}")
    return newly_applied


class ForeignKeysBroken(RuntimeError):
    """A migration left rows that point at rows that are not there."""


@contextmanager
def _foreign_keys_checked_after():
    """On SQLite, let migrations rebuild tables that others point at, then check every foreign key.

    SQLite changes a column (a NOT NULL added, say) by copying the table and
    dropping the old one; with foreign keys on, dropping a table that rows of
    another table point at fails. SQLite's own procedure turns them off
    around the change and checks them after (https://sqlite.org/lang_altertable.html).
    The pragma has no effect inside a transaction, hence around all of them.
    """
    if not models.is_sqlite():
        yield
        return
    models.db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        yield
        broken = models.db.execute_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ForeignKeysBroken(f"rows point at missing rows after the upgrade: {broken[:5]}")
    finally:
        models.db.execute_sql("PRAGMA foreign_keys = ON")


def add_column_if_missing(migrator, model, field_name):
    """Add a model's field to its table unless an earlier schema already has it.

    ``model`` is a frozen class of the migration, not a live model; a column
    that is not null needs a ``default`` there to fill the rows already in
    the table.
    """
    table = model._meta.table_name
    columns = {column.name for column in models.db.get_columns(table)}
    field = model._meta.fields[field_name]
    if field.column_name not in columns:
        migrate(migrator.add_column(table, field.column_name, field))
