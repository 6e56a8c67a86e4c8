"""The agents' search: by request number, ID number or words, however the Arabic letters are spelled."""

import pytest
from playhouse.migrate import SchemaMigrator

import models
from domain import search
from domain.dates import today
from migrations import m0020_request_search
from tests.helpers.accounts import DEMO
from tests.helpers.messaging import create_request, make_staff


@pytest.mark.parametrize(
    "typed, indexed",
    [
        ("إصدار", "اصدار"),
        ("أسرة", "اسره"),
        ("آمنة", "امنه"),
        ("مستشفى", "مستشفي"),
        ("مُؤَسَّسَة", "موسسه"),
        ("جـــواز", "جواز"),
        ("شئون", "شيون"),
        ("١٢٣٤", "1234"),
        ("Passport", "passport"),
    ],
)
def test_every_spelling_of_a_letter_is_indexed_as_one(typed, indexed):
    assert search.normalize(typed) == indexed


def numbers(page):
    return [link.get_text(strip=True) for link in page.select("tbody a")]


def test_an_agent_finds_a_request_by_a_word_spelled_another_way(citizen, agent):
    wanted = create_request(citizen, subject="إصدار جواز للأسرة", body="أرجو إفادتي عن مُوعد الاستلام")
    create_request(citizen, subject="تجديد الإقامة", body="متى تنتهي المعالجة؟")
    for typed in ("اصدار", "الاسره", "اصد", "موعد الاستلام", "جـواز"):
        page = agent.page("/sector/inbox", query_string={"q": typed})
        assert page.status == 200
        assert numbers(page) == [wanted], typed
    page = agent.page("/sector/inbox", query_string={"q": "اصدار الإقامة"})
    assert numbers(page) == []  # every word must be there
    assert "لا يوجد طلب" in page.text


def test_a_request_number_or_an_id_finds_it_in_arabic_indic_digits_too(citizen, resident, agent):
    first = create_request(citizen, subject="استفسار أول")
    second = create_request(citizen, subject="استفسار ثان")
    other = create_request(resident, subject="استفسار مقيم")
    arabic_digits = first.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert numbers(agent.page("/sector/inbox", query_string={"q": arabic_digits})) == [first]
    assert numbers(agent.page("/sector/inbox", query_string={"q": first.lower()})) == [first]
    by_id = numbers(agent.page("/sector/inbox", query_string={"q": DEMO["citizen"]}))
    assert by_id == [second, first]  # newest first
    assert other not in by_id


def test_another_sector_s_requests_are_never_found(citizen, app, make_client):
    reference = create_request(citizen, subject="إصدار جواز سفر")
    outsider = make_staff(app, make_client, "civil_affairs")
    for typed in ("اصدار", reference, DEMO["citizen"]):
        assert numbers(outsider.page("/sector/inbox", query_string={"q": typed})) == []


def test_the_search_keeps_what_was_typed_and_takes_any_text(citizen, agent):
    create_request(citizen, subject="استفسار")
    for typed in ('"', "*", "AND OR NOT", "(", "a:b", "' OR 1=1 --", "ا", "\u0640\u064e", "x" * 500):
        page = agent.page("/sector/inbox", query_string={"q": typed})
        assert page.status == 200, typed
        assert page.one("#q")["value"] == typed[:200].strip()


def test_a_search_shows_the_newest_fifty_and_says_there_are_more(citizen, agent, in_app):
    def insert_many():
        citizen_user = models.User.get(models.User.national_id == DEMO["citizen"])
        sector = models.Sector.get(models.Sector.code == "passports")
        service = models.Service.get(models.Service.code == "passport_renew")
        for n in range(search.LIMIT + 3):
            row = models.ServiceRequest.create(
                reference=f"M1448-{800000 + n:06d}",
                user=citizen_user,
                sector=sector,
                service=service,
                subject=f"تجديد رقم {n}",
                body="نص",
                due_date=today(),
            )
            search.index(row)

    in_app(insert_many)
    page = agent.page("/sector/inbox", query_string={"q": "تجديد"})
    found = numbers(page)
    assert len(found) == search.LIMIT
    assert found[0] == f"M1448-{800000 + search.LIMIT + 2:06d}"
    assert "أضف كلمة" in page.text


def test_the_migration_indexes_the_requests_already_there(citizen, agent, in_app):
    def written_before_the_index():
        user = models.User.get(models.User.national_id == DEMO["citizen"])
        service = models.Service.get(models.Service.code == "passport_renew")
        models.ServiceRequest.create(
            reference="M1448-700001",
            user=user,
            sector=service.sector_id,
            service=service,
            subject="طلب قديم عن التأشيرة",
            body="نص",
            due_date=today(),
        )

    in_app(written_before_the_index)
    assert numbers(agent.page("/sector/inbox", query_string={"q": "تاشيره"})) == []
    in_app(lambda: m0020_request_search.upgrade(models.db, SchemaMigrator.from_database(models.db.obj)))
    assert numbers(agent.page("/sector/inbox", query_string={"q": "تاشيره"})) == ["M1448-700001"]
