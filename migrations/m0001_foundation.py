"""Catalog, accounts, notifications, requests and issued documents.

Frozen: the tables as this migration first created them. The composite
indexes of ``servicerequest`` came later, with 0002 and 0005.
"""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class _Frozen(Model):
    class Meta:
        # Index names from the table name, whatever the class is called.
        legacy_table_names = False


# --- Catalog -------------------------------------------------------------


class _Named(_Frozen):
    code = CharField(max_length=64, unique=True)
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)
    position = IntegerField()


class _Region(_Named):
    class Meta:
        table_name = "region"


class _City(_Named):
    region = ForeignKeyField(_Region, backref="+")

    class Meta:
        table_name = "city"


class _Sector(_Named):
    class Meta:
        table_name = "sector"


class _Section(_Named):
    sector = ForeignKeyField(_Sector, backref="+")

    class Meta:
        table_name = "section"


class _Service(_Named):
    section = ForeignKeyField(_Section, backref="+")
    sector = ForeignKeyField(_Sector, backref="+")
    response_days = IntegerField()
    slot_minutes = IntegerField()
    slot_capacity = IntegerField()
    requirements_ar = TextField()
    requirements_en = TextField()

    class Meta:
        table_name = "service"


class _Branch(_Named):
    sector = ForeignKeyField(_Sector, backref="+")
    city = ForeignKeyField(_City, backref="+")
    address_ar = CharField(max_length=300)
    address_en = CharField(max_length=300)
    opens = CharField(max_length=5)
    closes = CharField(max_length=5)

    class Meta:
        table_name = "branch"


class _BranchService(_Frozen):
    branch = ForeignKeyField(_Branch, backref="+", on_delete="CASCADE")
    service = ForeignKeyField(_Service, backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "branchservice"
        indexes = ((("branch", "service"), True),)


class _Holiday(_Frozen):
    date = DateField(index=True)
    branch = ForeignKeyField(_Branch, backref="+", null=True, on_delete="CASCADE")
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)

    class Meta:
        table_name = "holiday"


class _DocumentType(_Named):
    sector = ForeignKeyField(_Sector, backref="+")

    class Meta:
        table_name = "documenttype"


# --- Accounts ------------------------------------------------------------


class _User(_Frozen):
    national_id = CharField(max_length=10, unique=True)
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)
    phone = CharField(max_length=16)
    email = CharField(max_length=254)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, index=True)
    sector = ForeignKeyField(_Sector, backref="+", null=True)
    branch = ForeignKeyField(_Branch, backref="+", null=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "user"


class _UserSession(_Frozen):
    token = CharField(max_length=64, unique=True)
    user = ForeignKeyField(_User, backref="+", on_delete="CASCADE")
    created_at = DateTimeField()

    class Meta:
        table_name = "usersession"


class _LoginChallenge(_Frozen):
    token = CharField(max_length=64, unique=True)
    user = ForeignKeyField(_User, backref="+", on_delete="CASCADE")
    code_hash = CharField(max_length=255)
    created_at = DateTimeField()
    expires_at = DateTimeField()
    attempts = IntegerField()
    used = BooleanField()

    class Meta:
        table_name = "loginchallenge"


class _LoginFailure(_Frozen):
    key = CharField(max_length=64, index=True)
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "loginfailure"


class _OutboxMessage(_Frozen):
    channel = CharField(max_length=8)
    recipient = CharField(max_length=254)
    subject = CharField(max_length=200)
    body = TextField()
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "outboxmessage"


class _Notification(_Frozen):
    user = ForeignKeyField(_User, backref="+", on_delete="CASCADE")
    text_ar = TextField()
    text_en = TextField()
    link = CharField(max_length=300)
    created_at = DateTimeField()
    read_at = DateTimeField(null=True)

    class Meta:
        table_name = "notification"


class _ReferenceCounter(_Frozen):
    name = CharField(max_length=32)
    year = IntegerField()
    value = IntegerField()

    class Meta:
        table_name = "referencecounter"
        indexes = ((("name", "year"), True),)


# --- Messages and requests -----------------------------------------------


class _ServiceRequest(_Frozen):
    reference = CharField(max_length=20, unique=True)
    user = ForeignKeyField(_User, backref="+")
    sector = ForeignKeyField(_Sector, backref="+")
    service = ForeignKeyField(_Service, backref="+")
    subject = CharField(max_length=100)
    body = TextField()
    status = CharField(max_length=16, index=True)
    assignee = ForeignKeyField(_User, backref="+", null=True)
    created_at = DateTimeField(index=True)
    updated_at = DateTimeField()
    due_date = DateField(index=True)
    version = IntegerField()
    submission_token = CharField(max_length=64, unique=True, null=True)

    class Meta:
        table_name = "servicerequest"


class _RequestEvent(_Frozen):
    request = ForeignKeyField(_ServiceRequest, backref="+", on_delete="CASCADE")
    author = ForeignKeyField(_User, backref="+")
    kind = CharField(max_length=16)
    body = TextField()
    from_status = CharField(max_length=16)
    to_status = CharField(max_length=16)
    created_at = DateTimeField()

    class Meta:
        table_name = "requestevent"


class _Attachment(_Frozen):
    request = ForeignKeyField(_ServiceRequest, backref="+", on_delete="CASCADE")
    event = ForeignKeyField(_RequestEvent, backref="+", null=True, on_delete="CASCADE")
    original_name = CharField(max_length=255)
    stored_name = CharField(max_length=64, unique=True)
    content_type = CharField(max_length=64)
    size = IntegerField()
    created_at = DateTimeField()

    class Meta:
        table_name = "attachment"


# --- Issued documents ----------------------------------------------------


class _Document(_Frozen):
    user = ForeignKeyField(_User, backref="+")
    document_type = ForeignKeyField(_DocumentType, backref="+")
    number = CharField(max_length=32)
    branch = ForeignKeyField(_Branch, backref="+")
    status = CharField(max_length=16, index=True)
    issued_at = DateField()

    class Meta:
        table_name = "document"


_TABLES = [
    _Region,
    _City,
    _Sector,
    _Section,
    _Service,
    _Branch,
    _BranchService,
    _Holiday,
    _DocumentType,
    _User,
    _UserSession,
    _LoginChallenge,
    _LoginFailure,
    _OutboxMessage,
    _Notification,
    _ReferenceCounter,
    _ServiceRequest,
    _RequestEvent,
    _Attachment,
    _Document,
]


def upgrade(database, migrator):
    with database.bind_ctx(_TABLES, bind_refs=False, bind_backrefs=False):
        database.create_tables(_TABLES, safe=True)
