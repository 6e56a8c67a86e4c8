"""Synthetic data at scale (``flask seed-scale``): beneficiaries, requests, appointments, deliveries.

The rows look like a portal that has run for two years: old requests mostly
closed and recent ones open, past appointments attended or missed and the
coming ones confirmed, most deliveries delivered. Everything the app checks
holds on them, so the app keeps working on top:

- every national ID passes the check digit and every account has the password
  ``SCALE_PASSWORD`` (hashed once, the hash shared);
- references are numbered per Hijri year of their creation, and each
  ``ReferenceCounter`` is left at the last number used, so the next request,
  appointment or delivery gets the next free number;
- a slot's ``taken`` is the number of its appointments that hold a seat, never
  over its capacity, and a person has one confirmed appointment per service at most;
- a delivery in progress holds its document (``active_document``), and each
  delivery has its events.

Rows are written in batches inside transactions: a prepared ``executemany``
on SQLite, ``COPY`` on PostgreSQL. Ids are given explicitly
so that rows can point at each other without reading them back; PostgreSQL's
sequences are moved past them at the end.
"""

import io
import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import islice

from domain import counts, search
from domain.accounts import hash_password
from domain.appointments.slots import open_days, slot_starts
from domain.catalog import national_holidays
from domain.dates import WEEKEND, hijri_year, riyadh_date, today
from domain.delivery.tracking import tracking_number
from domain.identity import check_sum
from domain.reports.rebuild import rebuild_all
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    BranchService,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Document,
    DocumentStatus,
    DocumentType,
    ReferenceCounter,
    RequestStatus,
    Role,
    Sector,
    Service,
    ServiceRequest,
    Slot,
    User,
    db,
    is_sqlite,
    new_check_token,
    utcnow,
)

SCALE_PASSWORD = "scale1234"
# National IDs of the synthetic people: 1 (or 2 for residents) + 8 digits + the check digit.
BENEFICIARY_BASE = 50_000_000
AGENT_BASE = 90_000_000
AGENTS_PER_SECTOR = 5
CHUNK = 20_000  # rows per transaction

REQUEST_WEIGHTS_OLD = {"closed": 84, "answered": 8, "withdrawn": 3, "new": 1, "in_progress": 2, "needs_visit": 2}
REQUEST_WEIGHTS_RECENT = {"new": 35, "in_progress": 30, "answered": 20, "needs_visit": 5, "closed": 8, "withdrawn": 2}
DELIVERY_WEIGHTS = {
    "received": 10,
    "preparing": 8,
    "handed_to_post": 7,
    "out_for_delivery": 5,
    "failed": 2,
    "returned_to_branch": 2,
    "delivered": 60,
    "collected_at_branch": 3,
    "cancelled": 3,
}
DOCUMENT_STATUS = {
    DeliveryStatus.DELIVERED: DocumentStatus.DELIVERED,
    DeliveryStatus.COLLECTED: DocumentStatus.COLLECTED,
    DeliveryStatus.CANCELLED: DocumentStatus.READY,
}
SUBJECTS = ["استفسار عن حالة الطلب", "تأخر إصدار الجواز", "تحديث بيانات", "طلب موعد", "ملاحظة على الخدمة"]
BODY = "السلام عليكم، أرجو التكرم بالإفادة عن طلبي المذكور وشكرًا لكم. " * 3
PASSPORTS_SHARE = 0.7  # of the requests; the rest go to the other sectors


class AlreadySeeded(Exception):
    """The synthetic people are already in this database."""


def check_digit(first_nine: str) -> int:
    """The digit that makes ``first_nine`` + digit a valid national ID (see domain.identity)."""
    return (10 - check_sum(first_nine) % 10) % 10


def national_id(number: int, resident: bool = False) -> str:
    """A valid national ID (1…) or iqama number (2…) from a number below 10**8."""
    body = ("2" if resident else "1") + f"{number:08d}"
    return body + str(check_digit(body))


def beneficiary_id(index: int) -> str:
    """The national ID of the index-th synthetic beneficiary; every fifth is a resident."""
    return national_id(BENEFICIARY_BASE + index, resident=index % 5 == 4)


def beneficiary_count(requests: int, appointments: int, deliveries: int) -> int:
    """How many beneficiaries the rows are spread over: about fifty requests each, and enough to book in bursts."""
    return max(500, requests // 50, deliveries // 50, appointments // 15)


def seed_scale(requests: int, appointments: int, deliveries: int, seed: int = 1448, echo=None) -> dict[str, int]:
    """Add the synthetic people and rows to a database that has the catalog; return the counts."""
    echo = echo or (lambda text: None)
    rng = random.Random(seed)
    if User.select().where(User.national_id == beneficiary_id(0)).exists():
        raise AlreadySeeded(beneficiary_id(0))
    people = beneficiary_count(requests, appointments, deliveries)
    users, agents = _people(people)
    echo(f"{len(users)} beneficiaries, {sum(len(a) for a in agents.values())} agents")
    _requests(rng, requests, users, agents)
    echo(f"{requests} requests")
    _appointments(rng, appointments, users)
    echo(f"{appointments} appointments")
    _deliveries(rng, deliveries, users)
    echo(f"{deliveries} deliveries")
    _advance_sequences()
    # Loaded around the acts: the lists' summary rows are counted once, as an upgrade does.
    for kind in (counts.DELIVERY, counts.REQUEST, counts.ACCOUNT):
        counts.recount(kind)
    rebuild_all()
    search.rebuild()
    db.execute_sql("ANALYZE")
    return {"beneficiaries": len(users), "requests": requests, "appointments": appointments, "deliveries": deliveries}


# --- Writing ---------------------------------------------------------------


def _copy_text(value) -> str:
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _sqlite_value(value):
    """A value as peewee stores it in SQLite: dates and times as ISO text."""
    if isinstance(value, date):  # datetimes too
        return str(value)
    return value


def bulk_insert(model, fields: list, rows: Iterable[tuple]) -> int:
    """Write rows (tuples in the order of ``fields``) in transactions of CHUNK rows; return how many.

    One prepared INSERT run with ``executemany`` on SQLite: building a
    multi-row ``insert_many`` statement costs peewee more than ten times what
    SQLite then spends executing it. ``COPY`` on PostgreSQL. Columns left out
    get their model defaults, as ``insert_many`` would give them.
    """
    written = 0
    given = {field.name for field in fields}
    defaulted = [f for f in model._meta.sorted_fields if f.name not in given and f.default is not None]
    defaults = tuple(f.default() if callable(f.default) else f.default for f in defaulted)
    fields = list(fields) + defaulted
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    table = model._meta.table_name
    insert = f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
    rows = iter(rows)
    while chunk := [row + defaults for row in islice(rows, CHUNK)]:
        with db.atomic():
            cursor = db.cursor()
            if is_sqlite():
                cursor.executemany(insert, [tuple(map(_sqlite_value, row)) for row in chunk])
            else:
                text = io.StringIO("".join("\t".join(map(_copy_text, row)) + "\n" for row in chunk))
                cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', text)
        written += len(chunk)
    return written


def _next_id(model) -> int:
    return (model.select(model.id).order_by(model.id.desc()).limit(1).scalar() or 0) + 1


def _advance_sequences():
    """Move PostgreSQL's id sequences past the ids given explicitly."""
    if is_sqlite():
        return  # an INTEGER PRIMARY KEY goes on from the largest id by itself
    for model in (User, Slot, Appointment, Document, Delivery):
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
        )


class References:
    """Numbers of one kind per Hijri year, going on from the counters, which are set at the end."""

    def __init__(self, kind: str):
        self.kind = kind
        self.used = {row.year: row.value for row in ReferenceCounter.select().where(ReferenceCounter.name == kind)}
        self._years = {}

    def year_of(self, day: date) -> int:
        if day not in self._years:
            self._years[day] = hijri_year(day)
        return self._years[day]

    def take(self, day: date) -> tuple[int, int]:
        """(Hijri year, sequence) of the next number for a record made on ``day``."""
        year = self.year_of(day)
        self.used[year] = self.used.get(year, 0) + 1
        return year, self.used[year]

    def save(self):
        for year, value in self.used.items():
            ReferenceCounter.insert(name=self.kind, year=year, value=value).on_conflict(
                conflict_target=[ReferenceCounter.name, ReferenceCounter.year],
                update={ReferenceCounter.value: value},
            ).execute()


def _spread(index: int, total: int, days: int, rng: random.Random, now: datetime) -> datetime:
    """The creation time of the index-th of ``total`` rows spread over the last ``days`` days, oldest first."""
    return now - timedelta(days=days * (1 - index / max(total, 1)), minutes=rng.randrange(600))


def _weighted(rng, weights):
    return rng.choices(list(weights), list(weights.values()))[0]


# --- People ----------------------------------------------------------------


def _people(count: int) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
    """The beneficiaries [(id, phone)] and the agents {sector id: [ids]}, all with SCALE_PASSWORD."""
    hashed = hash_password(SCALE_PASSWORD)
    first = _next_id(User)
    now = utcnow()
    fields = [
        User.id,
        User.national_id,
        User.name_ar,
        User.name_en,
        User.phone,
        User.password_hash,
        User.role,
        User.sector,
        User.created_at,
    ]
    users = [(first + i, f"05{10_000_000 + i:08d}") for i in range(count)]
    bulk_insert(
        User,
        fields,
        (
            (uid, beneficiary_id(i), f"مستفيد {i}", f"Beneficiary {i}", phone, hashed, Role.BENEFICIARY, None, now)
            for i, (uid, phone) in enumerate(users)
        ),
    )
    agents, rows, next_id = {}, [], first + count
    for s, sector in enumerate(Sector.select().order_by(Sector.id)):
        for a in range(AGENTS_PER_SECTOR):
            n = s * AGENTS_PER_SECTOR + a
            rows.append(
                (
                    next_id,
                    national_id(AGENT_BASE + n),
                    f"موظف {n}",
                    f"Agent {n}",
                    f"058{n:07d}",
                    hashed,
                    Role.AGENT,
                    sector.id,
                    now,
                )
            )
            agents.setdefault(sector.id, []).append(next_id)
            next_id += 1
    bulk_insert(User, fields, rows)
    return users, agents


# --- Requests --------------------------------------------------------------


def _requests(rng, count, users, agents):
    passports = Sector.get(Sector.code == "passports")
    services = {}
    for service in Service.select():
        services.setdefault(service.sector_id, []).append(service)
    others = [sector_id for sector_id in services if sector_id != passports.id]
    references = References("request")
    now, day = utcnow(), today()
    fields = [
        ServiceRequest.reference,
        ServiceRequest.user,
        ServiceRequest.sector,
        ServiceRequest.service,
        ServiceRequest.subject,
        ServiceRequest.body,
        ServiceRequest.status,
        ServiceRequest.assignee,
        ServiceRequest.created_at,
        ServiceRequest.updated_at,
        ServiceRequest.due_date,
    ]

    def rows():
        for i in range(count):
            created = _spread(i, count, 730, rng, now)
            sector_id = passports.id if not others or rng.random() < PASSPORTS_SHARE else rng.choice(others)
            service = rng.choice(services[sector_id])
            due = created.date() + timedelta(days=service.response_days + rng.randrange(6))
            weights = REQUEST_WEIGHTS_OLD if due < day - timedelta(days=30) else REQUEST_WEIGHTS_RECENT
            status = _weighted(rng, weights)
            assignee = None if status in (RequestStatus.NEW, RequestStatus.WITHDRAWN) else rng.choice(agents[sector_id])
            year, sequence = references.take(riyadh_date(created))
            user_id = users[i % len(users)][0]
            yield (
                f"M{year}-{sequence:06d}",
                user_id,
                sector_id,
                service.id,
                rng.choice(SUBJECTS),
                BODY,
                status,
                assignee,
                created,
                created + timedelta(days=rng.randrange(10)),
                due,
            )

    bulk_insert(ServiceRequest, fields, rows())
    references.save()


# --- Appointments ----------------------------------------------------------


def _past_days(first: date, holidays: set[date]) -> Iterator[date]:
    """Working days of the year before ``first``, newest first."""
    day = first
    for _ in range(365):
        day -= timedelta(days=1)
        if day.weekday() not in WEEKEND and day not in holidays:
            yield day


def _appointments(rng, count, users):
    """``count`` appointments: nine in ten in the past (attended, missed or cancelled), the rest to come."""
    if not count:
        return
    pairs = []
    for offer in BranchService.select(BranchService, Branch, Service).join(Branch).switch(BranchService).join(Service):
        pairs.append((offer.branch, offer.service, slot_starts(offer.branch, offer.service)))
    coming = {branch.id: open_days(branch) for branch, _, _ in pairs}
    holidays = national_holidays()
    references = References("appointment")
    confirmed_per_service = {}
    slot_id, appointment_id = _next_id(Slot), _next_id(Appointment)
    slots, appointments = [], []
    future_goal = count // 10
    made = 0

    def fill(day, branch, service, start, statuses):
        nonlocal slot_id, appointment_id, made
        taken = sum(status != AppointmentStatus.CANCELLED for status in statuses)
        slots.append((slot_id, branch.id, service.id, day, start, service.slot_capacity, taken))
        for status in statuses:
            user_id = users[rng.randrange(len(users))][0]
            if status == AppointmentStatus.CONFIRMED:
                # One confirmed appointment per person and service: take the people in turn.
                turn = confirmed_per_service.get(service.id, 0)
                confirmed_per_service[service.id] = turn + 1
                user_id = users[turn % len(users)][0]
                if turn >= len(users):
                    raise ValueError("more confirmed appointments of one service than beneficiaries")
            booked = datetime.combine(day, datetime.min.time()) - timedelta(days=rng.randrange(1, 20), hours=3)
            year, sequence = references.take(riyadh_date(booked))
            appointments.append(
                (
                    appointment_id,
                    f"A{year}-{sequence:06d}",
                    user_id,
                    branch.id,
                    service.id,
                    slot_id,
                    day,
                    start,
                    status,
                    booked,
                    booked,
                    new_check_token(),
                )
            )
            appointment_id += 1
            made += 1
        slot_id += 1

    def seats(capacity, past):
        """The statuses of one slot's appointments: some seats taken, now and then a cancelled one."""
        taken = rng.randint(1, capacity) if past else rng.randint(0, capacity)
        if past:
            statuses = [AppointmentStatus.ATTENDED if rng.random() < 0.85 else AppointmentStatus.NO_SHOW] * taken
        else:
            statuses = [AppointmentStatus.CONFIRMED] * taken
        if rng.random() < 0.15:
            statuses.append(AppointmentStatus.CANCELLED)
        return statuses

    # Slots drawn at random over every branch and service: the coming days of the window get
    # a tenth of the appointments, the past year the rest; a slot is drawn once at most.
    past = list(_past_days(today(), holidays))
    drawn = set()
    for goal, is_past in ((future_goal, False), (count, True)):
        while made < goal:
            index = rng.randrange(len(pairs))
            branch, service, starts = pairs[index]
            days = past if is_past else coming[branch.id]
            day, start = rng.choice(days), rng.choice(starts)
            if (index, day, start) in drawn:
                continue
            drawn.add((index, day, start))
            fill(day, branch, service, start, seats(service.slot_capacity, past=is_past)[: goal - made])
    bulk_insert(Slot, [Slot.id, Slot.branch, Slot.service, Slot.date, Slot.start, Slot.capacity, Slot.taken], slots)
    fields = [
        Appointment.id,
        Appointment.number,
        Appointment.user,
        Appointment.branch,
        Appointment.service,
        Appointment.slot,
        Appointment.date,
        Appointment.start,
        Appointment.status,
        Appointment.created_at,
        Appointment.updated_at,
        Appointment.check_token,
    ]
    bulk_insert(Appointment, fields, appointments)
    references.save()


# --- Deliveries ------------------------------------------------------------


def _deliveries(rng, count, users):
    """``count`` issued documents, each with a delivery and its events, spread over two years."""
    if not count:
        return
    kinds = []
    for document_type in DocumentType.select():
        branches = list(Branch.select(Branch.id, Branch.city).where(Branch.sector == document_type.sector_id))
        if branches:
            kinds.append((document_type.id, [(b.id, b.city_id) for b in branches]))
    officer = User.select(User.id).where(User.role == Role.OFFICER).first()
    references = References("delivery")
    now = utcnow()
    first_document, first_delivery = _next_id(Document), _next_id(Delivery)
    plan = []  # (document id, delivery id, owner, phone, status, created, branch, city, type)
    for i in range(count):
        user_id, phone = users[i % len(users)]
        type_id, branches = kinds[i % len(kinds)]
        branch_id, city_id = rng.choice(branches)
        created = _spread(i, count, 730, rng, now)
        status = _weighted(rng, DELIVERY_WEIGHTS)
        plan.append(
            (first_document + i, first_delivery + i, user_id, phone, status, created, branch_id, city_id, type_id)
        )

    documents = (
        (
            document_id,
            user_id,
            type_id,
            f"S{document_id:09d}",
            branch_id,
            DOCUMENT_STATUS.get(status, DocumentStatus.IN_DELIVERY),
            created.date() - timedelta(days=3),
        )
        for document_id, _, user_id, _, status, created, branch_id, _, type_id in plan
    )
    bulk_insert(
        Document,
        [
            Document.id,
            Document.user,
            Document.document_type,
            Document.number,
            Document.branch,
            Document.status,
            Document.issued_at,
        ],
        documents,
    )

    def delivery_rows():
        for document_id, delivery_id, user_id, phone, status, created, _, city_id, _ in plan:
            year, sequence = references.take(riyadh_date(created))
            if sequence > 999_999:
                raise ValueError(f"more than 999999 deliveries in Hijri year {year}: S10 serials have six digits")
            moved = created + timedelta(days=rng.randrange(1, 8))
            yield (
                delivery_id,
                tracking_number(f"{year % 100:02d}{sequence:06d}"),
                document_id,
                user_id,
                status,
                None if status in DeliveryStatus.FINISHED else document_id,
                35,
                created,
                created if status == DeliveryStatus.RECEIVED else moved,
                0 if status in (DeliveryStatus.RECEIVED, DeliveryStatus.PREPARING) else rng.randrange(1, 4),
                f"RAAA{delivery_id % 10000:04d}",
                f"{delivery_id % 9000 + 1000}",
                "طريق الملك فهد",
                "العليا",
                city_id,
                "12345",
                "2345",
                phone,
            )

    bulk_insert(
        Delivery,
        [
            Delivery.id,
            Delivery.tracking_number,
            Delivery.document,
            Delivery.user,
            Delivery.status,
            Delivery.active_document,
            Delivery.fee_sar,
            Delivery.created_at,
            Delivery.updated_at,
            Delivery.attempts,
            Delivery.short_address,
            Delivery.building_number,
            Delivery.street,
            Delivery.district,
            Delivery.city,
            Delivery.postal_code,
            Delivery.additional_number,
            Delivery.mobile,
        ],
        delivery_rows(),
    )
    references.save()

    def event_rows():
        author = officer.id if officer else None
        for _, delivery_id, user_id, _, status, created, _, _, _ in plan:
            yield (delivery_id, user_id, "status", "", DeliveryStatus.RECEIVED, "", created)
            if status != DeliveryStatus.RECEIVED:
                note = "لم يُعثر على المستلم" if status == DeliveryStatus.FAILED else ""
                yield (
                    delivery_id,
                    author or user_id,
                    "status",
                    DeliveryStatus.RECEIVED,
                    status,
                    note,
                    created + timedelta(days=1),
                )

    bulk_insert(
        DeliveryEvent,
        [
            DeliveryEvent.delivery,
            DeliveryEvent.author,
            DeliveryEvent.kind,
            DeliveryEvent.from_status,
            DeliveryEvent.to_status,
            DeliveryEvent.note,
            DeliveryEvent.created_at,
        ],
        event_rows(),
    )
