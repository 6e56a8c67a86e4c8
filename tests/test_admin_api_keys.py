"""«مفاتيح الواجهة البرمجية»: admins issue, list and revoke the Open311 interface's keys; each act audited."""

import hashlib

import pytest

import models
from domain import audit
from tests.helpers.open311 import a_service, post, report
from tests.helpers.pages import assert_well_formed


def issue_through_the_page(admin, **changes):
    admin.page("/admin/api-keys/new")
    values = {"name": "بلاغات الأمانة", "owner": "أمانة منطقة الرياض", "sectors": ["passports"]}
    values.update(changes)
    return admin.submit("/admin/api-keys/new", values)


def test_an_admin_issues_a_key_that_is_shown_once_and_works(admin, client, in_app):
    listing = admin.page("/admin/")
    assert "مفاتيح الواجهة البرمجية" in listing.text
    page = issue_through_the_page(admin)
    assert page.status == 201
    assert_well_formed(page)
    token = page.one("code.api-key").text
    stored = in_app(lambda: models.ApiKey.get())
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    keys_page = admin.page("/admin/api-keys")
    assert_well_formed(keys_page)
    assert keys_page.one("h1").text == "مفاتيح الواجهة البرمجية"
    assert "بلاغات الأمانة" in keys_page.text and "أمانة منطقة الرياض" in keys_page.text
    assert token[:8] in keys_page.text and token not in keys_page.html
    response, data = post(client, report(token, a_service(in_app)))
    assert response.status_code == 200, data
    entries = in_app(lambda: audit.of_record("api_key", str(stored.id)))
    assert [entry.action for entry in entries] == ["api_key.issue"]
    assert entries[0].actor.role == models.Role.ADMIN


def test_a_key_form_with_nothing_chosen_says_so_and_keeps_what_was_typed(admin, in_app):
    page = issue_through_the_page(admin, name="", sectors=[])
    assert page.status == 422
    assert_well_formed(page)
    assert "خطأ: " in page.one("title").text
    summary = page.one(".error-summary").text
    assert "أدخل اسم المفتاح" in summary or page.select("#name-error")
    assert page.one("#owner")["value"] == "أمانة منطقة الرياض"
    assert page.select("#sectors-error")
    assert in_app(lambda: models.ApiKey.select().count()) == 0


def test_revoking_a_key_stops_it_and_is_audited(admin, client, in_app):
    token = issue_through_the_page(admin).one("code.api-key").text
    key_id = in_app(lambda: models.ApiKey.get().id)
    admin.page("/admin/api-keys")
    assert admin.submit(f"/admin/api-keys/{key_id}/revoke").status == 303
    page = admin.page("/admin/api-keys")
    assert "ملغى" in page.text
    response, data = post(client, report(token, a_service(in_app)))
    assert response.status_code == 403
    actions = [entry.action for entry in in_app(lambda: audit.of_record("api_key", str(key_id)))]
    assert actions == ["api_key.issue", "api_key.revoke"]
    audit_page = admin.page("/admin/audit?kind=api_key")
    assert audit_page.status == 200 and "إلغاء مفتاح" in audit_page.text
    assert admin.submit("/admin/api-keys/999/revoke").status == 404


@pytest.mark.parametrize("role", ["citizen", "agent", "desk", "officer"])
def test_only_admins_reach_the_keys(make_client, role):
    other = make_client(role)
    assert other.get("/admin/api-keys").status_code == 403
    assert other.get("/admin/api-keys/new").status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/admin/api-keys").status_code == 302
