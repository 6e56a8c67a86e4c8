"""`flask seed-demo` leaves a desk to try at any hour: today's visits, some gone by and some to come, and a
second branch with its own desk."""

import pytest

import models
from domain.dates import now_riyadh
from domain.demo import SECOND_DESK, VISITORS, second_branch, seed_demo
from tests.helpers.accounts import sign_in


@pytest.mark.clock
def test_the_demo_desk_has_visits_today_before_and_after_now(app, desk, in_app):
    in_app(lambda: seed_demo(with_catalog=False))
    page = desk.page("/desk")
    rows = page.select("tbody tr")
    times = sorted(row.select("td")[1].get_text(strip=True) for row in rows)
    assert 2 <= len(rows) <= len(VISITORS)
    now = now_riyadh().strftime("%H:%M")
    assert any(time < now for time in times) and any(time > now for time in times)
    assert any(name_ar in page.text for _id, name_ar, _en, _phone in VISITORS)
    # Seeding again books nothing more.
    in_app(lambda: seed_demo(with_catalog=False))
    assert len(desk.page("/desk").select("tbody tr")) == len(rows)


def test_the_second_branch_has_its_own_desk(app, in_app):
    in_app(lambda: seed_demo(with_catalog=False))
    client = app.test_client()
    sign_in(client, SECOND_DESK[0])
    page = client.page("/desk")
    assert page.status == 200
    branch_name = in_app(lambda: second_branch().name_ar)
    assert branch_name in page.text
    assert in_app(lambda: models.User.get(models.User.national_id == SECOND_DESK[0]).branch.code) != in_app(
        lambda: models.User.get(models.User.national_id == "1000000024").branch.code
    )
