"""Command-line tasks: ``flask --app app:create_app db upgrade``, ``seed-demo``, ``load-catalog``, ``seed-scale``."""

import time

import click
from flask.cli import AppGroup, with_appcontext

import migrations
import models
from domain.catalog import seed_catalog
from domain.demo import seed_demo
from domain.reports.rebuild import rebuild_all
from domain.scale import SCALE_PASSWORD, AlreadySeeded, seed_scale

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
    """Seed a fresh database's sectors, services, regions and branches from data/catalog.json.

    A database that has a catalog keeps it: «الإدارة» changes it from then on.
    """
    with models.db.connection_context():
        migrations.upgrade()
        seeded = seed_catalog()
    click.echo("catalog loaded" if seeded else "the database has a catalog already; change it in «الإدارة»")


@click.command("seed-demo")
def seed_demo_command():
    """Create the catalog and the demo accounts (password demo1234)."""
    with models.db.connection_context():
        migrations.upgrade()
        seed_demo()
    click.echo("demo data ready")


@click.command("seed-scale")
@click.option("--requests", "requests_count", type=click.IntRange(0), default=1_000_000, show_default=True)
@click.option("--appointments", type=click.IntRange(0), default=300_000, show_default=True)
@click.option("--deliveries", type=click.IntRange(0), default=1_000_000, show_default=True)
@with_appcontext
def seed_scale_command(requests_count, appointments, deliveries):
    """Add synthetic beneficiaries, requests, appointments and deliveries on top of the demo data."""
    started = time.perf_counter()
    with models.db.connection_context():
        migrations.upgrade()
        # The scale data brings its own visits: the demo's of today would only blur its counts.
        seed_demo(visits=False)
        try:
            counts = seed_scale(requests_count, appointments, deliveries, echo=click.echo)
        except AlreadySeeded as error:
            raise click.ClickException(f"this database already has the synthetic data (beneficiary {error})") from None
    click.echo(
        f"{counts['beneficiaries']} beneficiaries (password {SCALE_PASSWORD}), {requests_count} requests, "
        f"{appointments} appointments, {deliveries} deliveries in {time.perf_counter() - started:.0f}s"
    )


@click.command("reports-rebuild")
@with_appcontext
def reports_rebuild_command():
    """Count the reports' daily tallies afresh from the records (after an upgrade or a repair)."""
    with models.db.connection_context():
        rebuild_all()
    click.echo("report tallies rebuilt")


def init_app(app):
    app.cli.add_command(db_cli)
    app.cli.add_command(load_catalog_command)
    app.cli.add_command(reports_rebuild_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_scale_command)
