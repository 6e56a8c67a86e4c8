"""The schema, its migrations and the demo data, on SQLite and PostgreSQL."""

import ast
import uuid
from pathlib import Path

import pytest
from peewee import Model

import migrations
import models
from domain import counts
from domain.catalog import load_catalog
from domain.delivery import moves, worklists
from domain.demo import DEMO_ACCOUNTS, VISITORS, seed_demo
from domain.references import next_reference
from tests.helpers.appointments import book_in_db, next_open_day
from tests.helpers.database import TEST_DATABASE_URL, bind_suite_database
from tests.helpers.messaging import insert_request


@pytest.fixture
def fresh_databases(tmp_path, base_app):
    """Make brand-new empty databases of the same kind; the last one made is bound."""
    made = []

    def make():
        name = "mig_" + uuid.uuid4().hex[:8]
        if TEST_DATABASE_URL:
            setup = models.bind_database(TEST_DATABASE_URL)
            setup.execute_sql(f"CREATE SCHEMA {name}")
            setup.close()
            separator = "&" if "?" in TEST_DATABASE_URL else "?"
            url = f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{name}"
        else:
            url = f"sqlite:///{tmp_path / (name + '.db')}"
        if made:
            made[-1][1].close()
        database = models.bind_database(url)
        made.append((name, database))
        return database

    with base_app.app_context():
        yield make
    for _, database in made:
        database.close()
    if TEST_DATABASE_URL:
        cleanup = models.bind_database(TEST_DATABASE_URL)
        for name, _ in made:
            cleanup.execute_sql(f"DROP SCHEMA {name} CASCADE")
        cleanup.close()
    bind_suite_database(base_app)


@pytest.fixture
def empty_database(fresh_databases):
    """A brand-new empty database of the same kind, bound for the test's duration."""
    return fresh_databases()


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


LIVE_MODELS = (
    models.FOUNDATION_MODELS
    + models.APPOINTMENT_MODELS
    + models.DELIVERY_MODELS
    + models.SUMMARY_MODELS
    + models.API_MODELS
)


def type_family(data_type):
    """A column's type without its length: VARCHAR(20) and VARCHAR(64) are both varchar."""
    return data_type.lower().split("(")[0].strip()


def schema_of(database):
    """Every table's columns, indexes and foreign keys, as the database reports them."""
    schema = {}
    for table in database.get_tables():
        schema[table] = {
            "columns": {
                column.name: (column.null, type_family(column.data_type)) for column in database.get_columns(table)
            },
            "indexes": {
                (index.name, tuple(index.columns), index.unique, "WHERE" in (index.sql or "").upper())
                for index in database.get_indexes(table)
            },
            "foreign_keys": {
                (key.column, key.dest_table, key.dest_column, (key.on_delete or "").upper())
                for key in database.get_foreign_keys(table)
            },
        }
    return schema


def live_model_mismatches(database):
    """What the live models declare that the database lacks: tables, columns, nullability, indexes, keys."""
    problems = []
    tables = set(database.get_tables())
    for model in LIVE_MODELS:
        table = model._meta.table_name
        if table not in tables:
            problems.append(f"{table}: no table")
            continue
        columns = {column.name: column for column in database.get_columns(table)}
        for field in model._meta.sorted_fields:
            column = columns.get(field.column_name)
            if column is None:
                problems.append(f"{table}.{field.column_name}: no column")
            elif column.null != field.null:
                problems.append(f"{table}.{field.column_name}: null is {column.null}, the model says {field.null}")
        indexes = {(tuple(index.columns), index.unique) for index in database.get_indexes(table)}
        for index in model._meta.fields_to_index():
            key = (tuple(field.column_name for field in index._expressions), index._unique)
            if key not in indexes:
                problems.append(f"{table}: no index on {key[0]} with unique={key[1]}")
        keys = {(key.column, key.dest_table) for key in database.get_foreign_keys(table)}
        for field in model._meta.refs:
            if (field.column_name, field.rel_model._meta.table_name) not in keys:
                problems.append(f"{table}.{field.column_name}: no foreign key to {field.rel_model._meta.table_name}")
    return problems


def test_a_database_of_the_first_migration_alone_upgrades_to_the_latest_schema(fresh_databases):
    fresh_databases()
    migrations.upgrade()
    latest = schema_of(models.db)

    old = fresh_databases()
    assert migrations.upgrade(until=1) == ["0001_foundation"]
    assert migrations.applied_versions() == {1}
    assert schema_of(old) != latest, "the later migrations change nothing: this test would prove nothing"

    applied = migrations.upgrade()
    assert applied == [f"{version:04d}_{name}" for version, name, _ in migrations.available()[1:]]
    upgraded = schema_of(old)
    assert upgraded.keys() == latest.keys()
    for table in latest:
        assert upgraded[table] == latest[table], table
    assert live_model_mismatches(old) == []


def test_the_live_models_agree_with_the_migrated_schema(empty_database):
    migrations.upgrade()
    assert live_model_mismatches(empty_database) == []


def test_migrations_do_not_read_the_live_models():
    """A landed migration states its own tables; ``models.utcnow`` is the one thing it may use."""
    offences = []
    for path in sorted(Path(migrations.__file__).parent.glob("m[0-9][0-9][0-9][0-9]_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "models":
                if node.attr != "utcnow":
                    offences.append(f"{path.name}:{node.lineno}: models.{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.module == "models":
                offences += [
                    f"{path.name}:{node.lineno}: from models import {alias.name}"
                    for alias in node.names
                    if alias.name != "utcnow"
                ]
    assert offences == []
    for _, name, module in migrations.available():
        public = [
            key
            for key, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, Model) and value is not Model and not key.startswith("_")
        ]
        assert public == [], f"{name}: frozen model classes are private to their migration"


def test_seed_demo_twice_changes_nothing(empty_database):
    migrations.upgrade()
    seed_demo()
    counts = {model: model.select().count() for model in models.FOUNDATION_MODELS + [models.Appointment]}
    seed_demo()
    load_catalog()
    assert {model: model.select().count() for model in models.FOUNDATION_MODELS + [models.Appointment]} == counts
    assert counts[models.Region] == 13
    # The demo accounts, the second branch's desk and today's visitors at the first, one appointment
    # each: up to three gone by and three to come, fewer near midnight, at least two at any hour.
    assert counts[models.User] == len(DEMO_ACCOUNTS) + 1 + counts[models.Appointment]
    assert 2 <= counts[models.Appointment] <= len(VISITORS)


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


def test_the_status_counts_start_equal_to_the_deliveries_already_there(empty_database):
    """A database upgraded with deliveries in it shows the right tab counts from the first page on."""
    migrations.upgrade()
    seed_demo(visits=False)
    citizen = models.User.get(models.User.national_id == "1000000008")
    insert_request(citizen.id, "passport_renew", models.utcnow().date(), status="closed")
    # Back to a database of the release before the summary rows.
    models.db.execute_sql("DROP TABLE status_count")
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version == 12).execute()
    documents = list(models.Document.select())
    riyadh, jeddah = (models.City.get(models.City.code == code) for code in ("riyadh", "jeddah"))
    statuses = ["received", "received", "preparing", "delivered", "cancelled", "failed"]
    for number, status in enumerate(statuses):
        document = documents[number % len(documents)]
        models.Delivery.insert(
            tracking_number=f"RR{number:09d}SA",
            document=document,
            user=document.user_id,
            status=status,
            attempts=1,
            fee_sar=35,
            version=1,
            created_at=models.utcnow(),
            updated_at=models.utcnow(),
            short_address="RRRD2929",
            building_number="2929",
            street="طريق الملك فهد",
            district="العليا",
            city=riyadh if number % 2 else jeddah,
            postal_code="12211",
            additional_number="7788",
            mobile="0500000008",
        ).execute()
    assert "0012_status_counts" in migrations.upgrade()

    assert counts.total(counts.REQUEST) == 1 and counts.by_status(counts.ACCOUNT)["beneficiary"] == 2

    assert worklists.officer_counts() == {
        **{status: 0 for status in models.DeliveryStatus.ALL},
        "received": 2,
        "preparing": 1,
        "delivered": 1,
        "cancelled": 1,
        "failed": 1,
        "": 6,
    }
    assert worklists.officer_counts(city="riyadh")[""] == 3 and worklists.officer_counts(city="jeddah")[""] == 3
    # Counted once: the backfilled rows take the next move as any other.
    first = models.Delivery.get(models.Delivery.status == "received")
    officer = models.User.get(models.User.role == models.Role.OFFICER)
    moves.move(first.id, first.version, "preparing", officer, "officer", track_link=lambda delivery: "/")
    assert worklists.officer_counts()["received"] == 1 and worklists.officer_counts()["preparing"] == 2


def test_appointments_made_before_the_check_page_get_a_token_each(empty_database):
    migrations.upgrade()
    seed_demo()
    for role in ("citizen", "resident"):
        book_in_db(role, day=next_open_day(), start="08:00")
    models.db.connect(reuse_if_open=True)
    # Appointments with no token and no index on it, as a database before the check page has them.
    models.db.execute_sql("DROP INDEX appointment_check_token")
    models.db.execute_sql("UPDATE appointment SET check_token = NULL")
    migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version == 16).execute()
    assert migrations.upgrade() == ["0016_appointment_check"]
    tokens = [row.check_token for row in models.Appointment.select()]
    assert len(tokens) >= 2 and all(tokens) and len(set(tokens)) == len(tokens)
    assert live_model_mismatches(empty_database) == []


def _insert(database, table, **given):
    """A row of an older schema: the values given, and a plain value in every other NOT NULL column."""
    plain = {
        "int": 1,
        "integer": 1,
        "date": "2027-01-01",
        "datetime": "2027-01-01 00:00:00",
        "timestamp": "2027-01-01 00:00:00",
        "bool": 1,
        "boolean": True,
    }
    values = dict(given)
    for column in database.get_columns(table):
        if column.name in values or column.primary_key or column.null or column.default is not None:
            continue
        family = type_family(column.data_type).split(" ")[0]  # PostgreSQL: "timestamp without time zone"
        values[column.name] = plain.get(family, "x")
    names = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join([database.param] * len(values))
    cursor = database.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(values.values()))
    return cursor.lastrowid if models.is_sqlite() else database.execute_sql("SELECT lastval()").fetchone()[0]


def test_a_database_with_records_upgrades_through_migrations_that_rebuild_tables(fresh_databases):
    """Columns added to the catalog's tables, which requests and appointments point at, keep every record."""
    old = fresh_databases()
    migrations.upgrade(until=16)
    region = _insert(old, "region", code="riyadh")
    city = _insert(old, "city", code="riyadh_city", region_id=region)
    sector = _insert(old, "sector", code="passports")
    section = _insert(old, "section", code="passports_general", sector_id=sector)
    service = _insert(old, "service", code="passport_renew", section_id=section, sector_id=sector)
    branch = _insert(old, "branch", code="north", sector_id=sector, city_id=city)
    person = _insert(old, "user", national_id="1000000008", role="beneficiary")
    request = _insert(
        old, "servicerequest", reference="M1448-000001", user_id=person, sector_id=sector, service_id=service
    )
    migrations.upgrade()
    assert live_model_mismatches(old) == []
    kept = models.ServiceRequest.get_by_id(request)
    assert (kept.service.code, kept.service.active, kept.sector.code) == ("passport_renew", True, "passports")
    assert models.Branch.get_by_id(branch).active is True
    if models.is_sqlite():
        assert old.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
