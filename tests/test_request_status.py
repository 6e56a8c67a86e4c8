"""The request pipeline as plain functions: transitions, deadlines, guarded changes."""

from datetime import date, timedelta

import pytest

import migrations
import models
from domain import requests as pipeline
from domain.dates import add_working_days, today
from domain.errors import Conflict, Refused
from migrations import m0002_messages
from tests.helpers.messaging import insert_request

S = models.RequestStatus


@pytest.mark.parametrize(
    "from_status, to_status, allowed",
    [
        (S.NEW, S.IN_PROGRESS, True),
        (S.NEW, S.ANSWERED, True),
        (S.IN_PROGRESS, S.ANSWERED, True),
        (S.ANSWERED, S.CLOSED, True),
        (S.ANSWERED, S.IN_PROGRESS, True),
        (S.IN_PROGRESS, S.NEEDS_VISIT, True),
        (S.NEEDS_VISIT, S.CLOSED, True),
        (S.IN_PROGRESS, S.NEW, False),
        (S.CLOSED, S.IN_PROGRESS, False),
        (S.WITHDRAWN, S.IN_PROGRESS, False),
        (S.NEW, S.WITHDRAWN, False),  # only the beneficiary withdraws
        (S.NEW, "deleted", False),
    ],
)
def test_transitions(from_status, to_status, allowed):
    assert pipeline.can_move(from_status, to_status) is allowed


def test_every_status_is_in_the_table_and_finished_ones_go_nowhere():
    assert set(pipeline.TRANSITIONS) == set(S.ALL)
    for status, targets in pipeline.TRANSITIONS.items():
        assert status not in targets
        assert set(targets) <= set(S.ALL)
    assert pipeline.next_statuses(S.CLOSED) == pipeline.next_statuses(S.WITHDRAWN) == ()


def test_a_reply_answers_first_and_keeps_the_current_status_possible():
    assert pipeline.reply_statuses(S.NEW)[0] == S.ANSWERED
    assert S.NEW not in pipeline.reply_statuses(S.NEW)
    assert S.NEEDS_VISIT in pipeline.reply_statuses(S.NEEDS_VISIT)
    assert pipeline.reply_statuses(S.CLOSED) == ()


def test_withdrawing_is_for_open_requests_only():
    assert all(pipeline.can_withdraw(status) for status in S.OPEN)
    assert not pipeline.can_withdraw(S.CLOSED) and not pipeline.can_withdraw(S.WITHDRAWN)


def test_working_days_skip_friday_saturday_and_holidays():
    thursday = date(2026, 11, 26)
    assert add_working_days(thursday, 1) == date(2026, 11, 29)  # Sunday
    assert add_working_days(thursday, 7) == date(2026, 12, 7)
    assert add_working_days(thursday, 1, {date(2026, 11, 29)}) == date(2026, 11, 30)


def test_expected_response_date_uses_the_services_days_and_the_configured_holidays(app):
    with app.test_request_context():
        service = models.Service.get(models.Service.code == "passport_issue")
        start = date(2027, 3, 4)  # a Thursday just before the Eid al-Fitr holiday in the catalog
        with_eid = pipeline.expected_response_date(service, start)
        without = add_working_days(start, service.response_days)
        assert with_eid > without
        app.config["REQUEST_HOLIDAYS"] = (with_eid,)
        try:
            assert pipeline.expected_response_date(service, start) > with_eid
        finally:
            app.config["REQUEST_HOLIDAYS"] = ()


@pytest.mark.clock
def test_overdue_means_past_the_date_and_still_waiting_for_the_sector(data):
    user = models.User.get(models.User.national_id == "1000000008")
    late = insert_request(user, "passport_renew", today() - timedelta(days=1))
    assert pipeline.is_overdue(late)
    late.status = S.ANSWERED
    assert not pipeline.is_overdue(late)
    assert not pipeline.is_overdue(insert_request(user, "passport_renew", today()))


def test_a_change_with_an_old_version_changes_nothing(db):
    user = models.User.get(models.User.national_id == "1000000008")
    agent = models.User.get(models.User.national_id == "1000000016")
    row = insert_request(user, "passport_renew", today())
    taken = pipeline.take(row, "1", agent)
    assert (taken.status, taken.version, taken.assignee_id) == (S.IN_PROGRESS, 2, agent.id)
    with pytest.raises(Conflict):
        pipeline.change_status(row, "1", agent, S.CLOSED)  # `row` still says version 1
    with pytest.raises(Conflict):
        pipeline.change_status(taken, "not a number", agent, S.CLOSED)
    # A row read before someone else's UPDATE: its version matches the form, not the table.
    models.ServiceRequest.update(version=3).where(models.ServiceRequest.id == row.id).execute()
    with pytest.raises(Conflict):
        pipeline.change_status(taken, "2", agent, S.CLOSED)
    assert models.ServiceRequest.get_by_id(row.id).status == S.IN_PROGRESS
    assert [event.kind for event in models.ServiceRequest.get_by_id(row.id).history()] == ["assign"]


def test_a_move_off_the_table_is_refused(data):
    user = models.User.get(models.User.national_id == "1000000008")
    agent = models.User.get(models.User.national_id == "1000000016")
    row = insert_request(user, "passport_renew", today(), status=S.CLOSED)
    with pytest.raises(Refused):
        pipeline.change_status(row, "1", agent, S.IN_PROGRESS)
    with pytest.raises(Refused):
        pipeline.withdraw(row, user)
    with pytest.raises(Refused):
        pipeline.beneficiary_reply(row, user, "x")


def test_the_migration_is_idempotent_and_adds_the_inbox_index(data):
    m0002_messages.upgrade(models.db, migrations.SchemaMigrator.from_database(models.db.obj))
    m0002_messages.upgrade(models.db, migrations.SchemaMigrator.from_database(models.db.obj))
    indexes = [tuple(index.columns) for index in models.db.get_indexes("servicerequest")]
    assert indexes.count(("sector_id", "due_date", "id")) == 1
    assert "0002_messages" not in migrations.upgrade()  # already applied by the test database
