"""Tawasul's data: the peewee models and their small queries.

The database is a proxy bound by the application factory, so the same models
serve the embedded SQLite file and PostgreSQL.
"""

from contextlib import contextmanager
from datetime import UTC, datetime

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
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
    Tuple,
)
from playhouse.db_url import connect

db = DatabaseProxy()

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


@contextmanager
def write_transaction():
    """Open a transaction that will write after reading.

    SQLite upgrades a deferred read transaction to a write lock too late to
    wait for it (SQLITE_BUSY); taking the lock up front makes writers queue.
    """
    if is_sqlite():
        with db.atomic("IMMEDIATE") as txn:
            yield txn
    else:
        with db.atomic() as txn:
            yield txn


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db


class Named(BaseModel):
    """A record with a stable code and a name in Arabic and English."""

    code = CharField(max_length=64, unique=True)
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)
    position = IntegerField(default=0)

    @property
    def name(self):
        return self.name_en if str(get_locale()) == "en" else self.name_ar

    def __str__(self):
        return self.name


# --- Catalog -------------------------------------------------------------


class Region(Named):
    pass


class City(Named):
    region = ForeignKeyField(Region, backref="cities")


class Sector(Named):
    pass


class Section(Named):
    sector = ForeignKeyField(Sector, backref="sections")


class Service(Named):
    section = ForeignKeyField(Section, backref="services")
    sector = ForeignKeyField(Sector, backref="services")
    response_days = IntegerField(default=7)
    slot_minutes = IntegerField(default=15)
    slot_capacity = IntegerField(default=3)
    requirements_ar = TextField(default="")
    requirements_en = TextField(default="")

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

    @property
    def address(self):
        return self.address_en if str(get_locale()) == "en" else self.address_ar


class BranchService(BaseModel):
    branch = ForeignKeyField(Branch, backref="offered", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="offered_at", on_delete="CASCADE")

    class Meta:
        indexes = ((("branch", "service"), True),)


class Holiday(BaseModel):
    """A day off: nationwide when branch is empty, else for that branch only."""

    date = DateField(index=True)
    branch = ForeignKeyField(Branch, null=True, backref="holidays", on_delete="CASCADE")
    name_ar = CharField(max_length=200, default="")
    name_en = CharField(max_length=200, default="")


class DocumentType(Named):
    sector = ForeignKeyField(Sector, backref="document_types")


CATALOG_MODELS = [
    Region,
    City,
    Sector,
    Section,
    Service,
    Branch,
    BranchService,
    Holiday,
    DocumentType,
]


# --- Accounts ------------------------------------------------------------


class Role:
    BENEFICIARY = "beneficiary"
    AGENT = "agent"
    DESK = "desk"
    OFFICER = "officer"
    ADMIN = "admin"
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
    """A signed-in browser; deleting the row signs it out everywhere."""

    token = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)


class LoginChallenge(BaseModel):
    """A one-time code sent after a correct password."""

    token = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, backref="challenges", on_delete="CASCADE")
    code_hash = CharField(max_length=255)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    attempts = IntegerField(default=0)
    used = BooleanField(default=False)


class LoginFailure(BaseModel):
    """A wrong password or code, counted to throttle guessing."""

    key = CharField(max_length=64, index=True)
    created_at = DateTimeField(default=utcnow, index=True)


class OutboxMessage(BaseModel):
    """An SMS or e-mail as the default notifier transport keeps it."""

    channel = CharField(max_length=8)
    recipient = CharField(max_length=254)
    subject = CharField(max_length=200, default="")
    body = TextField()
    created_at = DateTimeField(default=utcnow, index=True)


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
    LoginFailure,
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
        """The beneficiary's requests, newest first, optionally of one status."""
        query = cls.select(cls, Service).join(Service).where(cls.user == user)
        if status:
            query = query.where(cls.status == status)
        return query.order_by(cls.created_at.desc(), cls.id.desc())

    @classmethod
    def inbox(cls, sector, statuses=None, service=None, due_before=None, after=None):
        """A sector's requests, oldest deadline first; `after` is the last (due_date, id) seen."""
        assignee = User.alias()
        query = (
            cls.select(cls, Service, assignee)
            .join(Service)
            .switch(cls)
            .join(assignee, JOIN.LEFT_OUTER, on=(cls.assignee == assignee.id), attr="assignee")
            .where(cls.sector == sector)
        )
        if statuses:
            query = query.where(cls.status.in_(statuses))
        if service is not None:
            query = query.where(cls.service == service)
        if due_before is not None:
            query = query.where(cls.due_date < due_before)
        if after is not None:
            # A row-value comparison lets both databases seek in the
            # (sector, due_date, id) index instead of reading every earlier row.
            query = query.where(Tuple(cls.due_date, cls.id) > Tuple(*after))
        return query.order_by(cls.due_date, cls.id)

    def history(self):
        """The replies and status changes, oldest first, with their authors."""
        return (
            RequestEvent.select(RequestEvent, User)
            .join(User)
            .where(RequestEvent.request == self)
            .order_by(RequestEvent.created_at, RequestEvent.id)
        )


class RequestEvent(BaseModel):
    """One entry of a request's conversation: a reply, a status change, a hand-over."""

    request = ForeignKeyField(ServiceRequest, backref="events", on_delete="CASCADE")
    author = ForeignKeyField(User, backref="request_events")
    kind = CharField(max_length=16)  # reply, status, assign, withdraw
    body = TextField(default="")
    from_status = CharField(max_length=16, default="")
    to_status = CharField(max_length=16, default="")
    created_at = DateTimeField(default=utcnow)


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


APPOINTMENT_MODELS = [Slot, Appointment, AppointmentSlip]

# --- Document delivery ---------------------------------------------------


class DeliveryStatus:
    RECEIVED = "received"
    PREPARING = "preparing"
    HANDED_TO_POST = "handed_to_post"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned_to_branch"
    COLLECTED = "collected_at_branch"
    CANCELLED = "cancelled"
    ALL = (RECEIVED, PREPARING, HANDED_TO_POST, OUT_FOR_DELIVERY, DELIVERED, FAILED, RETURNED, COLLECTED, CANCELLED)
    FINISHED = (DELIVERED, COLLECTED, CANCELLED)
    ACTIVE = (RECEIVED, PREPARING, HANDED_TO_POST, OUT_FOR_DELIVERY, FAILED, RETURNED)


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


class SavedAddress(NationalAddress):
    """A national address the beneficiary kept in the profile to reuse."""

    user = ForeignKeyField(User, backref="saved_addresses", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "short_address"), True),)


DELIVERY_MODELS = [Delivery, DeliveryEvent, SavedAddress]


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


SUMMARY_MODELS = [StatusCount]


SERVICE_MODELS = [ServiceRequest, RequestEvent, Attachment, Document]

FOUNDATION_MODELS = CATALOG_MODELS + ACCOUNT_MODELS + SERVICE_MODELS
