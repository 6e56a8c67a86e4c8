"""Command-line tasks: ``flask --app app:create_app db upgrade``, ``seed-demo``, ``load-catalog``."""

import click
from flask.cli import AppGroup

import migrations
import models
from domain.catalog import load_catalog
from domain.demo import seed_demo

db_cli = AppGroup("db", help="Create and upgrade the database schema.")


@db_cli.command("upgrade")
def upgrade_command():
    """Apply the migrations this database has not seen yet."""
    with models.db.connection_context():
        applied = migrations.upgrade()
    if applied:
        for name in applied:
            click.echo(f"applied {name}")
    else:
        click.echo("database is up to date")


@db_cli.command("status")
def status_command():
    """List the migrations and whether each is applied."""
    with models.db.connection_context():
        done = migrations.applied_versions()
    for version, name, _ in migrations.available():
        mark = "applied" if version in done else "pending"
        click.echo(f"{version:04d}_{name}: {mark}")


@click.command("load-catalog")
def load_catalog_command():
    """Load or refresh sectors, services, regions and branches from data/catalog.json."""
    with models.db.connection_context():
        migrations.upgrade()
        load_catalog()
    click.echo("catalog loaded")


@click.command("seed-demo")
def seed_demo_command():
    """Create the catalog and the demo accounts (password demo1234)."""
    with models.db.connection_context():
        migrations.upgrade()
        seed_demo()
    click.echo("demo data ready")


def init_app(app):
    app.cli.add_command(db_cli)
    app.cli.add_command(load_catalog_command)
    app.cli.add_command(seed_demo_command)
