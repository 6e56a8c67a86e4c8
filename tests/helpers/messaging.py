"""Helpers for the messages-and-requests tests: send a request as a person does, make staff."""

import io
import re

from PIL import Image
from pypdf import PdfWriter

import models
from domain import counts
from domain.accounts import hash_password
from domain.identity import national_id_problem
from domain.requests import expected_response_date
from tests.helpers.accounts import DEMO, PASSWORD, sign_in

REFERENCE = re.compile(r"M\d{4}-\d{6}")


def _pdf(pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _image(kind, size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (0, 110, 70)).save(out, kind)
    return out.getvalue()


# Real files: the portal opens every PDF and decodes every image it is sent.
PDF_BYTES = _pdf()
PNG_BYTES = _image("PNG")
JPEG_BYTES = _image("JPEG")


def form_for(client, sector="passports"):
    """The values the new-request form would send once the sector is chosen."""
    page = client.page(f"/messages/new?sector={sector}" if sector else "/messages/new")
    assert page.status == 200
    return page.form_values("#request-form form")


def request_data(
    client,
    sector="passports",
    service="passport_renew",
    subject="تجديد جواز السفر",
    body="أرغب في تجديد جواز سفري المنتهي.",
    **extra,
):
    values = form_for(client, sector)
    values.update(sector=sector, service=service, subject=subject, body=body)
    values.pop("attachments", None)
    values.update(extra)
    return values


def send_request(client, htmx=False, files=None, **fields):
    """Post the new-request form; files is a list of (bytes, filename)."""
    data = request_data(client, **fields)
    kwargs = {}
    if files is not None:
        data["attachments"] = [(io.BytesIO(content), name) for content, name in files]
        kwargs["content_type"] = "multipart/form-data"
    return client.submit("/messages/new", data, htmx=htmx, **kwargs)


def sent_reference(page):
    """The reference a successful submission redirected to."""
    location = page.response.headers.get("Location") or page.response.headers.get("HX-Redirect")
    assert location, page.text
    return REFERENCE.search(location).group(0)


def create_request(client, **fields):
    page = send_request(client, **fields)
    assert page.status == 303, page.text
    return sent_reference(page)


def _valid_id(prefix):
    for n in range(10**6):
        candidate = f"{prefix}{n:0{9 - len(prefix)}d}"
        for check in "0123456789":
            national_id = candidate + check
            taken = national_id in DEMO.values() or models.User.get_or_none(models.User.national_id == national_id)
            free = not taken
            if national_id_problem(national_id) is None and free:
                return national_id
    raise AssertionError("no free ID")


def make_staff(app, make_client, sector_code, role=models.Role.AGENT, name="وليد عمر الحربي"):
    """A new signed-in staff member of a sector (another agent, or one of another sector)."""
    with app.app_context(), models.db.connection_context():
        national_id = _valid_id("17")
        sector = models.Sector.get(models.Sector.code == sector_code)
        models.User.create(
            national_id=national_id,
            name_ar=name,
            name_en="Waleed Omar Alharbi",
            phone="05" + national_id[-8:],
            password_hash=hash_password(PASSWORD),
            role=role,
            sector=sector,
        )
    client = make_client()
    sign_in(client, national_id)
    return client


def insert_request(
    user_id, service_code, due_date, status=models.RequestStatus.NEW, subject="استفسار", created_at=None
):
    """A request written straight to the database, for lists that need many rows."""
    service = models.Service.get(models.Service.code == service_code)
    number = models.ServiceRequest.select().count() + 1
    fields = {}
    if created_at is not None:
        fields["created_at"] = created_at
    made = models.ServiceRequest.create(
        reference=f"M1448-{900000 + number:06d}",
        user=user_id,
        sector=service.sector_id,
        service=service,
        subject=subject,
        body="نص",
        status=status,
        due_date=due_date,
        **fields,
    )
    # Written around the acts, it is counted as the acts would count it.
    counts.added(counts.REQUEST, service.sector_id, status)
    return made


def request_row(reference):
    return models.ServiceRequest.get(models.ServiceRequest.reference == reference)


def expected_due(service_code):
    return expected_response_date(models.Service.get(models.Service.code == service_code))
