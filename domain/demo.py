"""The demo accounts and their issued documents (``flask seed-demo``).

With ``visits`` (the command's default) it also opens a second branch desk and
books today's visits at the demo desk's branch, some already past and some to
come whatever the hour, so the desk can be tried at once.
"""

from datetime import datetime, timedelta

from domain import counts
from domain.accounts import hash_password
from domain.catalog import seed_catalog
from domain.dates import GREGORIAN, HIJRI, RIYADH, day_in_calendar, now_riyadh, today
from domain.references import next_reference
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    BranchService,
    CivilRecord,
    Document,
    DocumentType,
    Role,
    Sector,
    Service,
    Slot,
    User,
    db,
    write_transaction,
)

DEMO_PASSWORD = "demo1234"

DEMO_ACCOUNTS = [
    # national_id, role, name_ar, name_en, phone, email
    (
        "1000000008",
        Role.BENEFICIARY,
        "عبدالله محمد العتيبي",
        "Abdullah Mohammed Alotaibi",
        "0500000008",
        "citizen@example.sa",
    ),
    ("2000000006", Role.BENEFICIARY, "أحمد حسن المصري", "Ahmed Hassan Elmasry", "0500000006", "resident@example.sa"),
    ("1000000016", Role.AGENT, "نورة سعد القحطاني", "Noura Saad Alqahtani", "0500000016", ""),
    ("1000000024", Role.DESK, "فهد علي الشمري", "Fahad Ali Alshammari", "0500000024", ""),
    ("1099999995", Role.OFFICER, "سارة خالد الدوسري", "Sara Khalid Aldosari", "0599999995", ""),
    ("1100000007", Role.ADMIN, "مدير النظام", "System Administrator", "0500000007", ""),
]

# The register of people that registration checks: every demo account, and a few people with no
# account yet who can open one (`/register`). national_id: (calendar, year, month, day) of birth.
DEMO_BIRTHS = {
    "1000000008": (HIJRI, 1408, 7, 14),
    "2000000006": (GREGORIAN, 1985, 11, 2),
    "1000000016": (HIJRI, 1412, 2, 20),
    "1000000024": (HIJRI, 1405, 10, 5),
    "1099999995": (HIJRI, 1410, 1, 9),
    "1100000007": (HIJRI, 1400, 6, 1),
}

# national_id, name_ar, name_en, phone, (calendar, year, month, day) of birth
DEMO_UNREGISTERED = [
    ("1080000001", "ريم عبدالعزيز الحربي", "Reem Abdulaziz Alharbi", "0500000101", (HIJRI, 1415, 3, 12)),
    ("1080000019", "تركي ناصر السبيعي", "Turki Nasser Alsubaie", "0500000102", (HIJRI, 1420, 9, 1)),
    ("2080000009", "محمد إقبال خان", "Mohammed Iqbal Khan", "0500000103", (GREGORIAN, 1988, 3, 21)),
]

# Each beneficiary gets documents that are ready: (document type, number, days ago).
DEMO_DOCUMENTS = {
    "1000000008": [("passport", "Y1234567", 3), ("national_id", "1000000008", 5)],
    "2000000006": [("iqama", "2000000006", 2), ("driving_license", "2000000006", 6)],
}

_hash_cache = {}


def _demo_hash():
    # One argon2 hash for every demo account: hashing is slow on purpose.
    if DEMO_PASSWORD not in _hash_cache:
        _hash_cache[DEMO_PASSWORD] = hash_password(DEMO_PASSWORD)
    return _hash_cache[DEMO_PASSWORD]


def demo_branch() -> Branch:
    """The Riyadh passports branch the demo desk works at."""
    passports = Sector.get(Sector.code == "passports")
    return Branch.select().where(Branch.sector == passports).order_by(Branch.position).first()


# The desk of the second branch, and the people with a visit today at the first one.
SECOND_DESK = ("1000000032", Role.DESK, "خالد ناصر الحربي", "Khalid Nasser Alharbi", "0500000032", "")
VISITORS = [
    ("1000010106", "منيرة عبدالرحمن السبيعي", "Munira Abdulrahman Alsubaie", "0500010106"),
    ("1000010114", "تركي فيصل المطيري", "Turki Faisal Almutairi", "0500010114"),
    ("1000010122", "هيا سليمان الزهراني", "Haya Sulaiman Alzahrani", "0500010122"),
    ("1000010130", "ماجد عمر الغامدي", "Majed Omar Alghamdi", "0500010130"),
    ("1000010148", "ريم يوسف العنزي", "Reem Yousef Alanazi", "0500010148"),
    ("1000010155", "بندر حمد الشهري", "Bandar Hamad Alshehri", "0500010155"),
]
# Which quarter hours the visits take, counted from now: the nearest, the fourth and the eighth on each side.
VISIT_STEPS = (0, 3, 7)


def second_branch() -> Branch:
    """The passports branch after the demo desk's: the second desk works there."""
    passports = Sector.get(Sector.code == "passports")
    return Branch.select().where(Branch.sector == passports).order_by(Branch.position).offset(1).first()


def seed_demo(with_catalog: bool = True, visits: bool = True) -> None:
    """Create the catalog (on a fresh database), the demo accounts and their documents; safe to re-run."""
    if with_catalog:
        seed_catalog()
    passports = Sector.get(Sector.code == "passports")
    desk_branch = demo_branch()
    with db.atomic():
        for national_id, role, name_ar, name_en, phone, email in DEMO_ACCOUNTS:
            user = User.get_or_none(User.national_id == national_id)
            if user is None:
                user = User(national_id=national_id, password_hash=_demo_hash())
            was = user.role if user.id else None
            user.role = role
            user.name_ar, user.name_en = name_ar, name_en
            user.phone, user.email = phone, email
            user.sector = passports if role == Role.AGENT else None
            user.branch = desk_branch if role == Role.DESK else None
            user.save()
            if was is None:
                counts.added(counts.ACCOUNT, "", role)
            elif was != role:
                counts.moved(counts.ACCOUNT, "", was, role)
            for type_code, number, days_ago in DEMO_DOCUMENTS.get(national_id, []):
                _ensure_document(user, type_code, number, days_ago)
        people = [(nid, ar, en, phone, DEMO_BIRTHS[nid]) for nid, _role, ar, en, phone, _email in DEMO_ACCOUNTS]
        for national_id, name_ar, name_en, phone, born in people + DEMO_UNREGISTERED:
            _ensure_civil_record(national_id, name_ar, name_en, phone, day_in_calendar(*born))
    if visits:
        _ensure_account(SECOND_DESK, branch=second_branch())
        _book_todays_visits(desk_branch)


def _ensure_civil_record(national_id, name_ar, name_en, phone, birth_date):
    record = CivilRecord.get_or_none(CivilRecord.national_id == national_id) or CivilRecord(national_id=national_id)
    record.name_ar, record.name_en, record.phone, record.birth_date = name_ar, name_en, phone, birth_date
    record.save()


def unregistered_people() -> list[dict]:
    """The demo's people with no account yet, with what registration asks of them (the demo hint shows them)."""
    ids = [person[0] for person in DEMO_UNREGISTERED]
    registered = {user.national_id for user in User.select(User.national_id).where(User.national_id.in_(ids))}
    return [
        {
            "national_id": national_id,
            "name_ar": name_ar,
            "name_en": name_en,
            "phone": phone,
            "calendar": born[0],
            "birth_date": day_in_calendar(*born),
        }
        for national_id, name_ar, name_en, phone, born in DEMO_UNREGISTERED
        if national_id not in registered
    ]


def _ensure_account(entry, branch=None):
    national_id, role, name_ar, name_en, phone, email = entry
    user = User.get_or_none(User.national_id == national_id)
    if user is None:
        user = User.create(
            national_id=national_id,
            password_hash=_demo_hash(),
            role=role,
            name_ar=name_ar,
            name_en=name_en,
            phone=phone,
            email=email,
            branch=branch,
        )
        counts.added(counts.ACCOUNT, "", role)
    return user


def _spread(candidates: list[int]) -> list[int]:
    """Up to three of the quarter hours, nearest first, spread out where the day leaves room."""
    chosen = [candidates[step] for step in VISIT_STEPS if step < len(candidates)]
    for minute in candidates:
        if len(chosen) >= len(VISIT_STEPS):
            break
        if minute not in chosen:
            chosen.append(minute)
    return chosen


def _visit_times(now: datetime) -> list[str]:
    """Today's times of the visits, on the quarter hour: up to three gone by and three to come."""
    minute_now = now.hour * 60 + now.minute
    quarters = range(0, 24 * 60, 15)
    past = _spread([m for m in reversed(quarters) if m < minute_now])
    later = _spread([m for m in quarters if m > minute_now])
    return [f"{m // 60:02d}:{m % 60:02d}" for m in sorted(past + later)]


def _book_todays_visits(branch: Branch) -> None:
    """Book today's visits at the branch, once: re-running adds none."""
    service = (
        Service.select()
        .join(BranchService)
        .where(BranchService.branch == branch)
        .order_by(Service.position, Service.id)
        .first()
    )
    day = today()
    times = _visit_times(now_riyadh().astimezone(RIYADH))
    for (national_id, name_ar, name_en, phone), start in zip(VISITORS, times, strict=False):
        person = _ensure_account((national_id, Role.BENEFICIARY, name_ar, name_en, phone, ""))
        booked = Appointment.select().where(
            (Appointment.user == person) & (Appointment.date == day) & (Appointment.branch == branch)
        )
        if (
            booked.exists()
            or Appointment.select()
            .where(
                (Appointment.user == person)
                & (Appointment.service == service)
                & (Appointment.status == AppointmentStatus.CONFIRMED)
            )
            .exists()
        ):
            continue
        with write_transaction():
            # Whatever the branch's hours today, the demo visit gets its seat.
            Slot.insert(
                branch=branch, service=service, date=day, start=start, capacity=max(service.slot_capacity, 1)
            ).on_conflict_ignore().execute()
            slot = Slot.get(
                (Slot.branch == branch) & (Slot.service == service) & (Slot.date == day) & (Slot.start == start)
            )
            if (
                not Slot.update(taken=Slot.taken + 1)
                .where((Slot.id == slot.id) & (Slot.taken < Slot.capacity))
                .execute()
            ):
                continue
            Appointment.create(
                number=next_reference("appointment", "A"),
                user=person,
                branch=branch,
                service=service,
                slot=slot,
                date=day,
                start=start,
            )


def _ensure_document(user, type_code, number, days_ago):
    document_type = DocumentType.get(DocumentType.code == type_code)
    exists = Document.select().where((Document.user == user) & (Document.document_type == document_type)).exists()
    if not exists:
        branch = Branch.select().where(Branch.sector == document_type.sector).order_by(Branch.position).first()
        Document.create(
            user=user,
            document_type=document_type,
            number=number,
            branch=branch,
            issued_at=today() - timedelta(days=days_ago),
        )
