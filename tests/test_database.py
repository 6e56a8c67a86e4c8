"""The schema, its migrations and the demo data, on SQLite and PostgreSQL."""

import uuid

import pytest

import migrations
import models
from domain.catalog import load_catalog
from domain.demo import seed_demo
from domain.references import next_reference
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database(tmp_path, base_app):
    """A brand-new empty database of the same kind, bound for the test's duration."""
    if TEST_DATABASE_URL:
        schema = "mig_" + uuid.uuid4().hex[:8]
        setup = models.bind_database(TEST_DATABASE_URL)
        setup.execute_sql(f"CREATE SCHEMA {schema}")
        setup.close()
        separator = "&" if "?" in TEST_DATABASE_URL else "?"
        url = f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    database = models.bind_database(url)
    with base_app.app_context():
        yield database
    database.close()
    if TEST_DATABASE_URL:
        cleanup = models.bind_database(TEST_DATABASE_URL)
        cleanup.execute_sql(f"DROP SCHEMA {schema} CASCADE")
        cleanup.close()
    models.bind_database(base_app.config["DATABASE_URL"])


def test_upgrade_builds_an_empty_database_and_is_idempotent(empty_database):
    assert empty_database.get_tables() == []
    applied = migrations.upgrade()
    assert applied[0] == "0001_foundation"
    assert len(applied) == len(migrations.available())
    for model in models.FOUNDATION_MODELS:
        assert empty_database.table_exists(model._meta.table_name)
    assert migrations.upgrade() == []


def test_upgrade_applies_only_what_an_older_database_lacks(empty_database):
    migrations.upgrade()
    seed_demo()
    users = models.User.select().count()
    # Forget the newest migration, as a database made by the previous version would.
    newest = max(migrations.applied_versions())
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version == newest).execute()
    applied = migrations.upgrade()
    assert len(applied) == 1
    assert models.User.select().count() == users


def test_seed_demo_twice_changes_nothing(empty_database):
    migrations.upgrade()
    seed_demo()
    counts = {model: model.select().count() for model in models.FOUNDATION_MODELS}
    seed_demo()
    load_catalog()
    assert {model: model.select().count() for model in models.FOUNDATION_MODELS} == counts
    assert counts[models.Region] == 13
    assert counts[models.User] == 6


def test_catalog_has_the_passports_sections(db):
    passports = models.Sector.get(models.Sector.code == "passports")
    sections = {section.name_ar for section in passports.sections}
    for expected in [
        "معالجة الجواز السعودي وتصاريح السفر",
        "إجراءات هوية المقيم داخل المملكة",
        "خدمات التابعين والمكفولين",
        "تأشيرات الخروج والعودة والنهائي",
        "تأشيرات الزيارة",
    ]:
        assert expected in sections
    assert passports.name_ar == "المديرية العامة للجوازات"
    for region in ["riyadh", "makkah", "eastern"]:
        branches = (
            models.Branch.select()
            .join(models.City)
            .join(models.Region)
            .where((models.Region.code == region) & (models.Branch.sector == passports))
        )
        assert branches.count() >= 2, region


def test_demo_accounts_have_roles_and_bindings(db):
    users = {user.national_id: user for user in models.User.select()}
    assert users["1000000016"].role == "agent" and users["1000000016"].sector.code == "passports"
    assert users["1000000024"].role == "desk" and users["1000000024"].branch.city.code == "riyadh"
    for national_id in ("1000000008", "2000000006"):
        ready = models.Document.select().where(
            (models.Document.user == users[national_id]) & (models.Document.status == "ready")
        )
        assert ready.count() >= 2


def test_reference_numbers_are_unique_and_readable(db):
    first = next_reference("test", "T")
    second = next_reference("test", "T")
    assert first != second
    assert first[:5].startswith("T14")
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_sqlite_is_in_wal_mode_with_foreign_keys(db):
    if not models.is_sqlite():
        pytest.skip("SQLite pragmas")
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
