"""Tawasul's data: the peewee models and their small queries.

The database is a proxy bound by the application factory, so the same models
serve the embedded SQLite file and PostgreSQL.
"""

import logging
import secrets
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import get_locale
from peewee import (
    JOIN,
    BlobField,
    BooleanField,
    CharField,
    Check,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
    Tuple,
)
from playhouse.db_url import connect

db = DatabaseProxy()
logger = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10000,
    "synchronous": "normal",
}


def bind_database(url, pool_size=None):
    """Bind the proxy to the database named by a URL (sqlite:/// or postgresql://).

    With ``pool_size`` the connections are kept and handed from request to
    request (playhouse.pool) instead of opened and closed for each one: no
    PostgreSQL handshake per request, and SQLite's PRAGMAs run once per
    connection. A request waits up to 10 s for a free connection.
    """
    previous = db.obj
    if previous is not None and hasattr(previous, "close_all"):
        previous.close_all()
    scheme, _, rest = url.partition("://")
    options = {}
    if pool_size:
        url = f"{scheme.split('+')[0]}+pool://{rest}"
        options.update(max_connections=pool_size, stale_timeout=300, timeout=10)
        if scheme.startswith("sqlite"):
            # A kept connection serves whichever thread takes it next, one thread at a time.
            options["check_same_thread"] = False
    if scheme.startswith("sqlite"):
        # The busy timeout is a PRAGMA here; ``timeout`` is the pool's wait (or sqlite3's busy wait unpooled).
        options.setdefault("timeout", 10)
        database = connect(url, pragmas=SQLITE_PRAGMAS, **options)
    else:
        database = connect(url, **options)
    db.initialize(database)
    return database


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


# What to do once the thread's outermost write transaction commits (enqueue a message, a job).
_after_commit = threading.local()


def after_commit(callback):
    """Call ``callback`` once the open write transaction commits, never if it rolls back.

    With no transaction open the row is already committed, so it is called at once.
    """
    if not db.in_transaction():
        _run_safely(callback)
        return
    _after_commit.__dict__.setdefault("callbacks", []).append(callback)


def _run_safely(callback):
    # The change is committed whatever happens here; what was not enqueued the sweep finds later.
    try:
        callback()
    except Exception:
        logger.exception("an after-commit callback failed")


@contextmanager
def write_transaction():
    """Open a transaction that will write after reading.

    SQLite upgrades a deferred read transaction to a write lock too late to
    wait for it (SQLITE_BUSY); taking the lock up front makes writers queue.
    Callbacks registered with ``after_commit`` run once the outermost one commits.
    """
    outermost = not db.in_transaction()
    try:
        if is_sqlite():
            with db.atomic("IMMEDIATE") as txn:
                yield txn
        else:
            with db.atomic() as txn:
                yield txn
    except BaseException:
        if outermost:
            _after_commit.callbacks = []
        raise
    if outermost:
        callbacks, _after_commit.callbacks = getattr(_after_commit, "callbacks", []), []
        for callback in callbacks:
            _run_safely(callback)


class Prepared:
    """A query that every page runs, its SQL generated once per database instead of once per run.

    ``build(*markers)`` makes the query with a marker where each parameter
    goes; ``rows(*values)`` runs its SQL with the values in their place and
    reads the rows as the query would (models, joins included). Peewee spends
    longer writing a join's SQL than SQLite spends running it.
    """

    def __init__(self, build, parameters=1):
        self._build = build
        self._markers = tuple(f"\x00prepared-{n}\x00" for n in range(parameters))
        self._compiled = None

    def _compile(self, database):
        query = self._build(*self._markers)
        sql, params = database.get_sql_context().sql(query).query()
        slots = [self._markers.index(p) if p in self._markers else None for p in params]
        compiled = self._compiled = (database, query, sql, params, slots)
        return compiled

    def rows(self, *values):
        compiled = self._compiled
        if compiled is None or compiled[0] is not db.obj:
            compiled = self._compile(db.obj)
        database, query, sql, params, slots = compiled
        bound = [values[slot] if slot is not None else param for param, slot in zip(params, slots, strict=True)]
        return list(query._get_cursor_wrapper(database.execute_sql(sql, bound)))


def new_check_token():
    """An unguessable token (128 bits) for a page opened without signing in."""
    return secrets.token_urlsafe(16)


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db


class ReadOnlyCopy(TypeError):
    """A record handed out by the catalog cache was asked to write itself."""


class Named(BaseModel):
    """A record with a stable code and a name in Arabic and English.

    Records of the catalog cache (``domain.catalog``) are shared by every
    request of the process: they refuse ``save()`` and ``delete_instance()``;
    read the row afresh to change it.
    """

    code = CharField(max_length=64, unique=True)
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)
    position = IntegerField(default=0)

    @property
    def name(self):
        return self.name_en if str(get_locale()) == "en" else self.name_ar

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.__dict__.get("_shared"):
            raise ReadOnlyCopy(f"{type(self).__name__} {self.code} is the catalog cache's shared copy")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        if self.__dict__.get("_shared"):
            raise ReadOnlyCopy(f"{type(self).__name__} {self.code} is the catalog cache's shared copy")
        return super().delete_instance(*args, **kwargs)


# --- Catalog -------------------------------------------------------------


class Region(Named):
    pass


class City(Named):
    region = ForeignKeyField(Region, backref="cities")


class Sector(Named):
    # A retired sector takes no new request or booking; the records that name it keep it.
    active = BooleanField(default=True)
    # Grows with every change made in «الإدارة», so two admins cannot overwrite each other.
    version = IntegerField(default=1)


class Section(Named):
    sector = ForeignKeyField(Sector, backref="sections")
    active = BooleanField(default=True)
    version = IntegerField(default=1)


class Service(Named):
    section = ForeignKeyField(Section, backref="services")
    sector = ForeignKeyField(Sector, backref="services")
    response_days = IntegerField(default=7)
    # The slot length and seats of a branch day without a plan of its own (``BranchDay``).
    slot_minutes = IntegerField(default=15)
    slot_capacity = IntegerField(default=3)
    requirements_ar = TextField(default="")
    requirements_en = TextField(default="")
    # Whether a visit can be booked for it at a branch, and whether it takes messages and requests.
    bookable = BooleanField(default=True)
    accepts_requests = BooleanField(default=True)
    active = BooleanField(default=True)
    version = IntegerField(default=1)

    @property
    def requirements(self):
        return self.requirements_en if str(get_locale()) == "en" else self.requirements_ar

    @classmethod
    def of_sector(cls, sector):
        """The sector's services with their sections, in catalog order."""
        return (
            cls.select(cls, Section).join(Section).where(cls.sector == sector).order_by(Section.position, cls.position)
        )


class Branch(Named):
    sector = ForeignKeyField(Sector, backref="branches")
    city = ForeignKeyField(City, backref="branches")
    address_ar = CharField(max_length=300, default="")
    address_en = CharField(max_length=300, default="")
    opens = CharField(max_length=5, default="07:30")
    closes = CharField(max_length=5, default="14:30")
    active = BooleanField(default=True)
    version = IntegerField(default=1)

    @property
    def address(self):
        return self.address_en if str(get_locale()) == "en" else self.address_ar


class BranchService(BaseModel):
    branch = ForeignKeyField(Branch, backref="offered", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="offered_at", on_delete="CASCADE")

    class Meta:
        indexes = ((("branch", "service"), True),)


class Holiday(BaseModel):
    """A day off: nationwide when branch is empty, else for that branch only.

    A branch closure may take some hours only: from ``starts`` until ``ends``
    («10:00»–«12:00»); both empty, it takes the whole day.
    """

    date = DateField(index=True)
    branch = ForeignKeyField(Branch, null=True, backref="holidays", on_delete="CASCADE")
    name_ar = CharField(max_length=200, default="")
    name_en = CharField(max_length=200, default="")
    starts = CharField(max_length=5, default="")
    ends = CharField(max_length=5, default="")

    @property
    def name(self):
        return self.name_en if str(get_locale()) == "en" else self.name_ar

    @property
    def whole_day(self):
        return not self.starts


class BranchDay(BaseModel):
    """A branch's plan for one weekday (Monday is 0): open or not, and its hours.

    A weekday without a row keeps the branch's hours and each service's own
    slot length and seats.
    """

    branch = ForeignKeyField(Branch, backref="days", on_delete="CASCADE")
    weekday = IntegerField(constraints=[Check("weekday BETWEEN 0 AND 6")])
    is_open = BooleanField(default=True)
    opens = CharField(max_length=5)
    closes = CharField(max_length=5)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("branch", "weekday"), True),)


class BranchDayService(BaseModel):
    """The slot length and the seats of each slot of one service on a branch's weekday."""

    day = ForeignKeyField(BranchDay, backref="services", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="day_plans", on_delete="CASCADE")
    slot_minutes = IntegerField(constraints=[Check("slot_minutes > 0")])
    seats = IntegerField(constraints=[Check("seats >= 0")])

    class Meta:
        indexes = ((("day", "service"), True),)


class DocumentType(Named):
    sector = ForeignKeyField(Sector, backref="document_types")


class CatalogVersion(BaseModel):
    """One row whose number grows with every change of the catalog (``domain.catalog.invalidate``)."""

    version = IntegerField()

    class Meta:
        table_name = "catalog_version"


CATALOG_MODELS = [
    CatalogVersion,
    Region,
    City,
    Sector,
    Section,
    Service,
    Branch,
    BranchService,
    Holiday,
    DocumentType,
    BranchDay,
    BranchDayService,
]


# --- Accounts ------------------------------------------------------------


class Role:
    BENEFICIARY = "beneficiary"
    AGENT = "agent"
    DESK = "desk"
    OFFICER = "officer"
    ADMIN = "admin"
    # The account Saudi Post's own events are written under; it never signs in.
    CARRIER = "carrier"
    ALL = (BENEFICIARY, AGENT, DESK, OFFICER, ADMIN)
    STAFF = (AGENT, DESK, OFFICER, ADMIN)


class User(BaseModel):
    national_id = CharField(max_length=10, unique=True)
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)
    phone = CharField(max_length=16)
    email = CharField(max_length=254, default="")
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, default=Role.BENEFICIARY, index=True)
    sector = ForeignKeyField(Sector, null=True, backref="staff")
    branch = ForeignKeyField(Branch, null=True, backref="staff")
    created_at = DateTimeField(default=utcnow)
    # A deactivated account cannot sign in and its sessions end at once.
    active = BooleanField(default=True)
    # Grows with every change made in «الإدارة», so two admins cannot overwrite each other.
    version = IntegerField(default=1)

    @property
    def name(self):
        return self.name_en if str(get_locale()) == "en" else self.name_ar

    @property
    def masked_id(self):
        return "*" * 6 + self.national_id[-4:]

    def unread_notifications(self):
        """How many notifications the person has not seen; read with the session when it was loaded."""
        if getattr(self, "unread", None) is None:
            self.unread = Notification.unread_of(self).count()
        return self.unread


class UserSession(BaseModel):
    """A signed-in browser; deleting the row signs it out everywhere.

    It ends on the server when idle too long or too old (``domain.accounts``),
    whatever the cookie says.
    """

    token = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)
    last_seen_at = DateTimeField(default=utcnow)


class LoginChallenge(BaseModel):
    """A one-time code sent after a correct password."""

    token = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="challenges", on_delete="CASCADE")
    code_hash = CharField(max_length=255)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    attempts = IntegerField(default=0)
    used = BooleanField(default=False)
    # "sign_in" after a right password, "new_password" to set a forgotten or reset one.
    purpose = CharField(max_length=16, default="sign_in")


class CivilRecord(BaseModel):
    """A person of the national register, as registration checks them: ID, date of birth, phone.

    The demo's people are seeded by ``flask seed-demo``; a deployment keeps this
    table as its copy of the register. Nobody's account is made from anything else.
    """

    national_id = CharField(max_length=10, unique=True)
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)
    birth_date = DateField()  # Gregorian; a Hijri date typed at registration is converted
    phone = CharField(max_length=16)


class RegistrationChallenge(BaseModel):
    """The one-time code sent to the register's phone of a person opening an account.

    There is no account yet, so it names the ID instead of a user; a right code
    and a good password make the account.
    """

    token = CharField(max_length=64, unique=True)
    national_id = CharField(max_length=10, index=True)
    code_hash = CharField(max_length=255)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    attempts = IntegerField(default=0)
    used = BooleanField(default=False)


class SignInThrottle(BaseModel):
    """Sign-in attempts of one key (an ID, an ID from one address, an address) in the current window.

    ``attempts`` is raised by one atomic statement before a password or code is
    checked, so the limit holds however many attempts arrive at once.
    """

    key = CharField(max_length=80, unique=True)
    attempts = IntegerField(default=0)
    window_started_at = DateTimeField(default=utcnow)
    # No attempt is checked before this moment once the free attempts are spent.
    wait_until = DateTimeField(default=utcnow)
    owner_warned = BooleanField(default=False)


class AuditEntry(BaseModel):
    """One staff action: who, acting as what, from which address, on which record, before and after."""

    actor = ForeignKeyField(User, backref="audit_entries", null=True)
    role = CharField(max_length=16)
    action = CharField(max_length=40)
    subject_kind = CharField(max_length=16)
    subject = CharField(max_length=40)
    before = TextField(default="")
    after = TextField(default="")
    address = CharField(max_length=64, default="")
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("subject_kind", "subject"), False),)


class MessageState:
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(BaseModel):
    """An SMS or e-mail to send, written in the transaction of the change it tells of.

    The worker sends it through an adapter (``domain.outbox``) after that
    transaction commits, and retries until it is sent or has failed too often.
    """

    channel = CharField(max_length=8)
    recipient = CharField(max_length=254)
    subject = CharField(max_length=200, default="")
    body = TextField()
    created_at = DateTimeField(default=utcnow, index=True)
    state = CharField(max_length=8, default=MessageState.PENDING)
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    tried_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)

    class Meta:
        # The sweep's question: what is still pending, oldest first.
        indexes = ((("state", "created_at"), False),)


class Notification(BaseModel):
    """What the portal shows a person in «الإشعارات», kept in both languages."""

    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    text_ar = TextField()
    text_en = TextField()
    link = CharField(max_length=300, default="")
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    @property
    def text(self):
        return self.text_en if str(get_locale()) == "en" else self.text_ar

    @classmethod
    def unread_of(cls, user):
        return cls.select().where((cls.user == user) & cls.read_at.is_null())

    @classmethod
    def latest(cls, user, limit=50):
        """The person's newest notifications first."""
        return cls.select().where(cls.user == user).order_by(cls.created_at.desc(), cls.id.desc()).limit(limit)


class ReferenceCounter(BaseModel):
    """The last number handed out for one kind of reference in one Hijri year."""

    name = CharField(max_length=32)
    year = IntegerField()
    value = IntegerField(default=0)

    class Meta:
        indexes = ((("name", "year"), True),)


ACCOUNT_MODELS = [
    User,
    UserSession,
    LoginChallenge,
    SignInThrottle,
    CivilRecord,
    RegistrationChallenge,
    AuditEntry,
    OutboxMessage,
    Notification,
    ReferenceCounter,
]


# --- Messages and requests -----------------------------------------------


class RequestStatus:
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"
    NEEDS_VISIT = "needs_visit"
    WITHDRAWN = "withdrawn"
    ALL = (NEW, IN_PROGRESS, ANSWERED, CLOSED, NEEDS_VISIT, WITHDRAWN)
    OPEN = (NEW, IN_PROGRESS, ANSWERED, NEEDS_VISIT)


class ServiceRequest(BaseModel):
    """A message or request sent by a beneficiary to a sector."""

    reference = CharField(max_length=20, unique=True)
    user = ForeignKeyField(User, backref="requests")
    sector = ForeignKeyField(Sector, backref="requests")
    service = ForeignKeyField(Service, backref="requests")
    subject = CharField(max_length=100)
    body = TextField()
    status = CharField(max_length=16, default=RequestStatus.NEW, index=True)
    assignee = ForeignKeyField(User, null=True, backref="assigned_requests")
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    due_date = DateField(index=True)
    version = IntegerField(default=1)
    submission_token = CharField(max_length=64, unique=True, null=True)
    # The branch the agent suggested when asking for a visit; the booking link opens there.
    visit_branch = ForeignKeyField(Branch, null=True, backref="visit_requests", on_delete="SET NULL")

    class Meta:
        # The sector's inbox reads (sector, due_date, id) in order: keyset pagination.
        indexes = (
            (("sector", "due_date", "id"), False),
            (("user", "created_at", "id"), False),
        )

    @property
    def is_open(self):
        return self.status in RequestStatus.OPEN

    @classmethod
    def of_user(cls, user, status=None):
        """The columns «طلباتي» shows of the beneficiary's requests, newest first, optionally of one status."""
        query = cls.select(
            cls.id, cls.reference, cls.service, cls.subject, cls.status, cls.created_at, cls.updated_at, cls.due_date
        ).where(cls.user == user)
        if status:
            query = query.where(cls.status == status)
        return query.order_by(cls.created_at.desc(), cls.id.desc())

    @classmethod
    def inbox(cls, sector, statuses=None, service=None, due_before=None, after=None, assigned=None):
        """The columns the inbox shows of a sector's requests, oldest deadline first, with the assignee's name.

        `after` is the last (due_date, id) seen; `assigned` is a user, or False for nobody's.
        """
        assignee = User.alias()
        listed = (cls.id, cls.reference, cls.service, cls.subject, cls.status, cls.due_date, cls.assignee)
        query = (
            cls.select(*listed, assignee.id, assignee.name_ar, assignee.name_en)
            .join(assignee, JOIN.LEFT_OUTER, on=(cls.assignee == assignee.id), attr="assignee")
            .where(cls.sector == sector)
        )
        if statuses:
            query = query.where(cls.status.in_(statuses))
        if service is not None:
            query = query.where(cls.service == service)
        if due_before is not None:
            query = query.where(cls.due_date < due_before)
        if assigned is False:
            query = query.where(cls.assignee.is_null())
        elif assigned is not None:
            query = query.where(cls.assignee == assigned)
        if after is not None:
            # A row-value comparison lets both databases seek in the
            # (sector, due_date, id) index instead of reading every earlier row.
            query = query.where(Tuple(cls.due_date, cls.id) > Tuple(*after))
        return query.order_by(cls.due_date, cls.id)

    def history(self, internal=False):
        """The replies, status changes and visit steps, oldest first, with their authors.

        Staff-only notes are left out unless ``internal`` is asked for.
        """
        query = (
            RequestEvent.select(RequestEvent, User)
            .join(User)
            .where(RequestEvent.request == self)
            .order_by(RequestEvent.created_at, RequestEvent.id)
        )
        return query if internal else query.where(RequestEvent.internal == False)  # noqa: E712


class RequestEvent(BaseModel):
    """One entry of a request's conversation: a reply, a status change, a hand-over."""

    request = ForeignKeyField(ServiceRequest, backref="events", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="request_events")
    # reply, status, assign, withdraw, note (staff only), and the visit's steps:
    # visit_booked, visit_moved, visit_cancelled, visit_attended, visit_missed.
    kind = CharField(max_length=16)
    body = TextField(default="")
    from_status = CharField(max_length=16, default="")
    to_status = CharField(max_length=16, default="")
    created_at = DateTimeField(default=utcnow)
    # A visit's branch (asked for, or booked), and for a booked one its number, day and time then.
    branch = ForeignKeyField(Branch, null=True, backref="request_events", on_delete="SET NULL")
    appointment_number = CharField(max_length=20, default="")
    visit_date = DateField(null=True)
    visit_start = CharField(max_length=5, default="")
    # Seen by staff only: never on the beneficiary's page, print or notifications.
    internal = BooleanField(default=False)


class Attachment(BaseModel):
    """A file sent with a request, stored outside static/ under a random name."""

    request = ForeignKeyField(ServiceRequest, backref="attachments", on_delete="CASCADE")
    event = ForeignKeyField(RequestEvent, null=True, backref="attachments", on_delete="CASCADE")
    original_name = CharField(max_length=255)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=64)
    size = IntegerField()
    created_at = DateTimeField(default=utcnow)


# --- Issued documents ----------------------------------------------------


class DocumentStatus:
    READY = "ready"
    IN_DELIVERY = "in_delivery"
    DELIVERED = "delivered"
    COLLECTED = "collected"


class Document(BaseModel):
    """An issued document waiting at a branch, to be collected or delivered."""

    user = ForeignKeyField(User, backref="documents")
    document_type = ForeignKeyField(DocumentType, backref="documents")
    number = CharField(max_length=32)
    branch = ForeignKeyField(Branch, backref="documents")
    status = CharField(max_length=16, default=DocumentStatus.READY, index=True)
    issued_at = DateField()


# --- Appointments --------------------------------------------------------


class AppointmentStatus:
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    ALL = (CONFIRMED, CANCELLED, ATTENDED, NO_SHOW)


class Slot(BaseModel):
    """The seats of one branch, service, day and start time.

    Rows are made on demand; ``taken`` only moves by guarded UPDATEs, and the
    CHECK constraints keep it between 0 and ``capacity`` whatever the code does.
    """

    branch = ForeignKeyField(Branch, backref="slots", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="slots", on_delete="CASCADE")
    date = DateField()
    start = CharField(max_length=5)
    capacity = IntegerField(constraints=[Check("capacity >= 0")])
    taken = IntegerField(default=0, constraints=[Check("taken >= 0"), Check("taken <= capacity")])

    class Meta:
        indexes = ((("branch", "service", "date", "start"), True),)


class Appointment(BaseModel):
    """A booked branch visit; ``version`` grows whenever its slip would change."""

    number = CharField(max_length=20, unique=True)
    user = ForeignKeyField(User, backref="appointments")
    branch = ForeignKeyField(Branch, backref="appointments")
    service = ForeignKeyField(Service, backref="appointments")
    slot = ForeignKeyField(Slot, backref="appointments")
    date = DateField(index=True)
    start = CharField(max_length=5)
    status = CharField(max_length=16, default=AppointmentStatus.CONFIRMED, index=True)
    request = ForeignKeyField(ServiceRequest, null=True, backref="appointments", on_delete="SET NULL")
    submission_token = CharField(max_length=64, unique=True, null=True)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    # When the reminder of the day before was sent; set once, so nobody is reminded twice.
    reminded_at = DateTimeField(null=True)
    # The slip's QR opens the public check page by this, never by the number or the id.
    check_token = CharField(max_length=32, unique=True, null=True, default=new_check_token)

    @property
    def is_active(self):
        return self.status == AppointmentStatus.CONFIRMED


class AppointmentSlip(BaseModel):
    """A rendered slip kept so that re-printing sends the very same bytes."""

    appointment = ForeignKeyField(Appointment, backref="slips", on_delete="CASCADE")
    lang = CharField(max_length=2)
    version = IntegerField()
    pdf = BlobField()

    class Meta:
        indexes = ((("appointment", "lang"), True),)


class PrintJobState:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class PrintJob(BaseModel):
    """The desk's print of a day's slips, rendered by the worker and kept for download."""

    token = CharField(max_length=32, unique=True)
    branch = ForeignKeyField(Branch, backref="print_jobs", on_delete="CASCADE")
    requested_by = ForeignKeyField(User, backref="print_jobs", on_delete="CASCADE")
    day = DateField()
    lang = CharField(max_length=2)
    state = CharField(max_length=8, default=PrintJobState.QUEUED)
    total = IntegerField(default=0)
    done = IntegerField(default=0)
    error = TextField(default="")
    pdf = BlobField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)
    finished_at = DateTimeField(null=True)

    @property
    def finished(self):
        return self.state in (PrintJobState.DONE, PrintJobState.FAILED)


APPOINTMENT_MODELS = [Slot, Appointment, AppointmentSlip, PrintJob]

# --- Document delivery ---------------------------------------------------


class DeliveryStatus:
    # Waiting for the SADAD bill of the fee to be paid; only then is the request received.
    AWAITING_PAYMENT = "awaiting_payment"
    RECEIVED = "received"
    PREPARING = "preparing"
    HANDED_TO_POST = "handed_to_post"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned_to_branch"
    COLLECTED = "collected_at_branch"
    CANCELLED = "cancelled"
    # The bill was not paid in time; the document is ready for a new request.
    PAYMENT_EXPIRED = "payment_expired"
    ALL = (
        AWAITING_PAYMENT,
        RECEIVED,
        PREPARING,
        HANDED_TO_POST,
        OUT_FOR_DELIVERY,
        DELIVERED,
        FAILED,
        RETURNED,
        COLLECTED,
        CANCELLED,
        PAYMENT_EXPIRED,
    )
    FINISHED = (DELIVERED, COLLECTED, CANCELLED, PAYMENT_EXPIRED)
    ACTIVE = (AWAITING_PAYMENT, RECEIVED, PREPARING, HANDED_TO_POST, OUT_FOR_DELIVERY, FAILED, RETURNED)


class NationalAddress(BaseModel):
    """The columns of a Saudi national address (العنوان الوطني); never a table of its own."""

    short_address = CharField(max_length=8)
    building_number = CharField(max_length=4)
    street = CharField(max_length=100)
    district = CharField(max_length=100)
    city = ForeignKeyField(City)
    postal_code = CharField(max_length=5)
    additional_number = CharField(max_length=4)
    mobile = CharField(max_length=10)


class Delivery(NationalAddress):
    """A document on its way to the beneficiary's national address by Saudi Post."""

    tracking_number = CharField(max_length=13, unique=True)
    document = ForeignKeyField(Document, backref="deliveries")
    user = ForeignKeyField(User, backref="deliveries")
    status = CharField(max_length=24, default=DeliveryStatus.RECEIVED, index=True)
    attempts = IntegerField(default=0)
    fee_sar = IntegerField()
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)
    submission_token = CharField(max_length=64, unique=True, null=True)
    # The document's id while this delivery is in progress, NULL once it ends:
    # the unique index lets a document have one delivery in progress at most.
    active_document = IntegerField(null=True, unique=True)
    # The delivery code of the current attempt (a digest; the beneficiary has it by SMS), and
    # how many wrong entries it has had: each taken by one statement before it is compared.
    handover_code_hash = CharField(max_length=64, default="")
    handover_tries = IntegerField(default=0)
    # The day the beneficiary asked for the next attempt, after a failed one.
    preferred_day = DateField(null=True)

    class Meta:
        # The officer's list reads newest first by status, or by city and status (keyset on the id).
        indexes = (
            (("status", "id"), False),
            (("city", "status", "id"), False),
        )


class DeliveryEvent(BaseModel):
    """One step of a delivery: who moved it, when, from which status to which, and why."""

    delivery = ForeignKeyField(Delivery, backref="events", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="delivery_events")
    kind = CharField(max_length=16, default="status")  # status, address
    from_status = CharField(max_length=24, default="")
    to_status = CharField(max_length=24)
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    # Why an attempt failed, one of domain.delivery.pipeline.FAILURE_REASONS ("" for other steps).
    reason = CharField(max_length=24, default="")
    # How a «تم التسليم» was proven: "code", or "id_digits" (the recipient's ID, with a reason in ``note``).
    proof = CharField(max_length=12, default="")
    # Whether the courier took the old document back, asked at «تم التسليم»; None for other steps.
    old_document_collected = BooleanField(null=True)


class SavedAddress(NationalAddress):
    """A national address the beneficiary kept in the profile to reuse."""

    user = ForeignKeyField(User, backref="saved_addresses", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "short_address"), True),)


class BillStatus:
    UNPAID = "unpaid"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class SadadBill(BaseModel):
    """The SADAD bill of a delivery's fee: issued on confirming, paid through a bank, or expired.

    The amount is kept in halalas (1/100 riyal) as an integer, so it is exact on
    SQLite too, where a decimal column may be stored as a float.
    """

    delivery = ForeignKeyField(Delivery, backref="bills", unique=True, on_delete="CASCADE")
    bill_number = CharField(max_length=20, unique=True)
    amount_halalas = IntegerField(constraints=[Check("amount_halalas > 0")])
    status = CharField(max_length=12, default=BillStatus.UNPAID)
    created_at = DateTimeField(default=utcnow)
    due_at = DateTimeField()
    paid_at = DateTimeField(null=True)
    # The provider's own reference of the payment, as its callback gave it.
    payment_reference = CharField(max_length=64, default="")
    # Set when a paid delivery is cancelled before dispatch: the fee is owed back.
    refund_due_at = DateTimeField(null=True)

    class Meta:
        # The expiry task's question: unpaid bills past their due time.
        indexes = ((("status", "due_at"), False),)

    @property
    def amount(self):
        return Decimal(self.amount_halalas).scaleb(-2)

    @property
    def refund_due(self):
        return self.refund_due_at is not None


class CarrierEvent(BaseModel):
    """An event Saudi Post sent for a tracking number, kept by its id: applied once, or refused and why.

    A repeated event id is answered from here and changes nothing.
    """

    event_id = CharField(max_length=64, unique=True)
    delivery = ForeignKeyField(Delivery, backref="carrier_events", null=True, on_delete="CASCADE")
    tracking_number = CharField(max_length=13)
    event = CharField(max_length=24)
    outcome = CharField(max_length=12)  # applied, refused
    error = CharField(max_length=32, default="")
    message = TextField(default="")
    received_at = DateTimeField(default=utcnow)


DELIVERY_MODELS = [Delivery, DeliveryEvent, SavedAddress, SadadBill, CarrierEvent]


class RequestConfirmation(BaseModel):
    """A request's printed confirmation, kept so that re-printing sends the very same bytes.

    ``version`` is the request's version it shows; ``etag`` is the PDF's
    digest, read without the PDF to answer a conditional request.
    """

    request = ForeignKeyField(ServiceRequest, backref="confirmations", on_delete="CASCADE")
    lang = CharField(max_length=2)
    version = IntegerField()
    etag = CharField(max_length=64)
    pdf = BlobField()

    class Meta:
        indexes = ((("request", "lang"), True),)


# --- Summaries -----------------------------------------------------------


class StatusCount(BaseModel):
    """How many records of a kind (deliveries…) are in one status within one scope (a city…).

    Lists read their tab counts here instead of counting a table that grows
    with the country; ``domain/counts.py`` moves ``n`` in the transaction of
    every act that creates a record or changes its status or its scope.
    """

    kind = CharField(max_length=16)
    scope = CharField(max_length=32)
    status = CharField(max_length=24)
    n = IntegerField(default=0, constraints=[Check("n >= 0")])

    class Meta:
        table_name = "status_count"
        indexes = ((("kind", "scope", "status"), True),)


class DailyTally(BaseModel):
    """How many times something happened on one day within one scope: the rows the reports add up.

    ``domain/reports/tally.py`` adds to ``n`` in the transaction of each act
    (a request received, a visit attended, a delivery made…), so a report over
    a year reads a few thousand rows, not the records themselves.
    """

    kind = CharField(max_length=16)
    scope = CharField(max_length=32)
    day = DateField()
    measure = CharField(max_length=40)
    n = IntegerField(default=0)

    class Meta:
        table_name = "daily_tally"
        indexes = (
            (("kind", "scope", "day", "measure"), True),
            (("kind", "day"), False),
        )


SUMMARY_MODELS = [StatusCount, DailyTally]


# --- The Open311 interface ------------------------------------------------


class ApiKey(BaseModel):
    """A key that lets another system send requests through the Open311 interface (``/open311/v2``).

    Only the SHA-256 digest of the token is kept; the token is shown once, when the key is issued.
    """

    name = CharField(max_length=100)
    owner = CharField(max_length=200)
    token_hash = CharField(max_length=64, unique=True)
    # The token's first characters, to tell keys apart in the list.
    prefix = CharField(max_length=8)
    created_by = ForeignKeyField(User, backref="api_keys")
    created_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)

    @property
    def active(self):
        return self.revoked_at is None


class ApiKeySector(BaseModel):
    """A sector a key may send requests to."""

    key = ForeignKeyField(ApiKey, backref="sector_links", on_delete="CASCADE")
    sector = ForeignKeyField(Sector, on_delete="CASCADE")

    class Meta:
        indexes = ((("key", "sector"), True),)


class ApiReport(BaseModel):
    """What a request sent through the Open311 interface said beyond the form: which key, where, a picture's URL."""

    request = ForeignKeyField(ServiceRequest, unique=True, backref="api_reports", on_delete="CASCADE")
    key = ForeignKeyField(ApiKey, backref="reports")
    address = CharField(max_length=300, default="")
    address_id = CharField(max_length=8, default="")
    lat = DoubleField(null=True)
    long = DoubleField(null=True)
    media_url = CharField(max_length=500, default="")


API_MODELS = [ApiKey, ApiKeySector, ApiReport]


SERVICE_MODELS = [ServiceRequest, RequestEvent, Attachment, Document, RequestConfirmation]

FOUNDATION_MODELS = CATALOG_MODELS + ACCOUNT_MODELS + SERVICE_MODELS
