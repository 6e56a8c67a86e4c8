"""The desk's print of a whole day, as a job the worker renders (tasks run at once in tests)."""

import pytest

import models
from domain.dates import today
from tests.helpers.accounts import sign_in
from tests.helpers.appointments import booked_today, branch, in_db, make_beneficiary, user, valid_id
from tests.helpers.pages import PortalClient, assert_well_formed
from tests.helpers.pdf import pdf_contains, pdf_page_texts, pdf_pages


def start(desk, day=None):
    """Press «طباعة مواعيد اليوم» on the desk's page; return the job page's address."""
    desk.page("/desk" + (f"?date={day.isoformat()}" if day else ""))
    response = desk.submit("/desk/print-jobs", {"date": (day or today()).isoformat()})
    assert response.status == 303, response.text
    return response.response.headers["Location"]


def other_desk(app):
    """A desk account at the Malaz branch, signed in."""
    from tests.helpers.database import run_in

    run_in(
        app,
        lambda: models.User.create(
            national_id=valid_id(556, "1"),
            name_ar="موظف الملز",
            name_en="Malaz desk",
            phone="0555555556",
            password_hash=models.User.get(models.User.national_id == "1000000024").password_hash,
            role="desk",
            branch=branch("passports_riyadh_malaz"),
        ),
    )
    app.test_client_class = PortalClient
    return sign_in(app.test_client(), valid_id(556, "1"))


@pytest.mark.clock
def test_the_day_is_printed_by_the_worker_and_downloaded_when_ready(desk, app):
    with app.app_context():
        people = [in_db(make_beneficiary, n) for n in range(3)]
        booked = [booked_today(p, s) for p, s in zip(people, ["08:00", "08:15", "08:30"], strict=True)]
        cancelled = booked_today(in_db(user, "citizen"), "09:00", status="cancelled")
    job_page = start(desk)
    page = desk.page(job_page)
    assert page.status == 200
    assert_well_formed(page)
    assert "3" in page.one("#print-job").get_text()
    # Done: the panel renders without its polling trigger, so htmx stops asking.
    assert not page.one("#print-job").has_attr("hx-trigger")
    download = page.one('#print-job a[href$="/slips.pdf"]')
    assert download.get_text(strip=True) == "تنزيل الإيصالات (PDF)"
    pdf = desk.get(download["href"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf_pages(pdf.data) == 3
    for appointment in booked:
        assert pdf_contains(pdf.data, appointment.number)
    assert not pdf_contains(pdf.data, cancelled.number)
    # Each slip is cut and handed out alone: every page has the header and the «طُبع في» line.
    pages = pdf_page_texts(pdf.data)
    assert len(pages) == 3
    for text, appointment in zip(pages, booked, strict=True):
        assert pdf_contains(text, "تواصل") and pdf_contains(text, "طُبع في")
        assert pdf_contains(text, appointment.number)


def test_a_job_in_progress_polls_and_offers_a_plain_refresh_link(desk, app, in_app):
    with app.app_context():
        booked_today(in_db(make_beneficiary, 1), "08:00")
    job_page = start(desk)
    token = job_page.rsplit("/", 1)[-1]
    # As the worker leaves it half way: 20 of 45 slips rendered.
    half_way = models.PrintJob.update(state="running", done=20, total=45).where(models.PrintJob.token == token)
    in_app(half_way.execute)
    page = desk.page(job_page)
    panel = page.one("#print-job")
    assert panel["hx-get"] == job_page and "every" in panel["hx-trigger"]
    assert page.one("progress")["value"] == "20" and page.one("progress")["max"] == "45"
    assert page.one(f'#print-job a[href="{job_page}"]').get_text(strip=True) == "تحديث"
    assert desk.get(job_page + "/slips.pdf").status_code == 404
    # Every slip rendered, the pages are being joined: it says so and still polls.
    joining = models.PrintJob.update(done=45).where(models.PrintJob.token == token)
    in_app(joining.execute)
    panel = desk.page(job_page).one("#print-job")
    assert "تُجمع الآن في ملف PDF واحد" in panel.get_text() and panel.has_attr("hx-trigger")
    # htmx gets the panel alone, and only htmx does.
    partial = desk.page(job_page, htmx=True)
    assert partial.html.lstrip().startswith("<div") and "<html" not in partial.html
    assert "HX-Request" in partial.response.headers["Vary"]


def test_an_empty_day_prints_a_page_saying_so(desk, app):
    page = desk.page(start(desk))
    pdf = desk.get(page.one('#print-job a[href$="/slips.pdf"]')["href"])
    assert pdf_pages(pdf.data) == 1 and pdf_contains(pdf.data, "لا توجد مواعيد")


def test_another_branchs_desk_gets_404_for_the_job_and_its_pdf(desk, app):
    with app.app_context():
        booked_today(in_db(make_beneficiary, 1), "08:00")
    job_page = start(desk)
    other = other_desk(app)
    assert other.get(job_page).status_code == 404
    assert other.get(job_page + "/slips.pdf").status_code == 404
    assert desk.get(job_page + "/slips.pdf").status_code == 200


def test_beneficiaries_cannot_start_or_open_print_jobs(desk, citizen, app):
    job_page = start(desk)
    assert citizen.get(job_page).status_code == 403
    assert citizen.get(job_page + "/slips.pdf").status_code == 403
    citizen.page("/")
    assert citizen.submit("/desk/print-jobs", {"date": today().isoformat()}).status == 403


def test_a_failed_job_says_so_and_stops_polling(desk, app, in_app):
    job_page = start(desk)
    token = job_page.rsplit("/", 1)[-1]
    failed = models.PrintJob.update(state="failed", error="OSError: disk full").where(models.PrintJob.token == token)
    in_app(failed.execute)
    panel = desk.page(job_page).one("#print-job")
    assert not panel.has_attr("hx-trigger")
    assert "تعذّر تجهيز الإيصالات" in panel.select_one('[role="alert"]').get_text()
    assert desk.get(job_page + "/slips.pdf").status_code == 404


def test_a_job_whose_enqueue_was_lost_is_enqueued_again_by_the_sweep(desk, app, in_app):
    from datetime import timedelta

    from views.appointments.print_jobs import requeue_lost_print_jobs

    with app.app_context():
        booked_today(in_db(make_beneficiary, 1), "08:00")
    lost = in_app(
        lambda: models.PrintJob.create(
            token="lost-job",
            branch=branch("passports_riyadh_north"),
            requested_by=user("desk"),
            day=today(),
            lang="ar",
            created_at=models.utcnow() - timedelta(minutes=10),
        )
    )
    fresh = in_app(
        lambda: models.PrintJob.create(
            token="fresh-job", branch=lost.branch_id, requested_by=lost.requested_by_id, day=today(), lang="ar"
        )
    )
    assert in_app(requeue_lost_print_jobs.call_local) == 1
    assert in_app(lambda: models.PrintJob.get_by_id(lost.id).state) == "done"
    assert in_app(lambda: models.PrintJob.get_by_id(fresh.id).state) == "queued"
    assert desk.get("/desk/print-jobs/lost-job/slips.pdf").status_code == 200


def test_jobs_of_two_days_ago_are_deleted_with_their_pdf(desk, app, in_app):
    from datetime import timedelta

    from views.appointments.print_jobs import forget_old_print_jobs

    job_page = start(desk)
    token = job_page.rsplit("/", 1)[-1]
    old = models.PrintJob.update(created_at=models.utcnow() - timedelta(days=3)).where(models.PrintJob.token == token)
    in_app(old.execute)
    recent_page = start(desk)
    assert in_app(forget_old_print_jobs.call_local) == 1
    assert desk.get(job_page).status_code == 404
    assert desk.get(recent_page).status_code == 200
