"""Appointments: slots with their seats, appointments and their printed slips.

Frozen: the tables as this migration created them.
"""

from peewee import (
    BlobField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
)

ONE_ACTIVE_PER_SERVICE = (
    "CREATE UNIQUE INDEX IF NOT EXISTS appointment_one_active_per_service "
    "ON appointment (user_id, service_id) WHERE status = 'confirmed'"
)


class _Frozen(Model):
    class Meta:
        # Index names from the table name, whatever the class is called.
        legacy_table_names = False


# Tables of earlier migrations, only as targets of foreign keys.


class _User(_Frozen):
    class Meta:
        table_name = "user"


class _Branch(_Frozen):
    class Meta:
        table_name = "branch"


class _Service(_Frozen):
    class Meta:
        table_name = "service"


class _ServiceRequest(_Frozen):
    class Meta:
        table_name = "servicerequest"


# The tables of this migration.


class _Slot(_Frozen):
    branch = ForeignKeyField(_Branch, backref="+", on_delete="CASCADE")
    service = ForeignKeyField(_Service, backref="+", on_delete="CASCADE")
    date = DateField()
    start = CharField(max_length=5)
    capacity = IntegerField(constraints=[Check("capacity >= 0")])
    taken = IntegerField(constraints=[Check("taken >= 0"), Check("taken <= capacity")])

    class Meta:
        table_name = "slot"
        indexes = ((("branch", "service", "date", "start"), True),)


class _Appointment(_Frozen):
    number = CharField(max_length=20, unique=True)
    user = ForeignKeyField(_User, backref="+")
    branch = ForeignKeyField(_Branch, backref="+")
    service = ForeignKeyField(_Service, backref="+")
    slot = ForeignKeyField(_Slot, backref="+")
    date = DateField(index=True)
    start = CharField(max_length=5)
    status = CharField(max_length=16, index=True)
    request = ForeignKeyField(_ServiceRequest, backref="+", null=True, on_delete="SET NULL")
    submission_token = CharField(max_length=64, unique=True, null=True)
    version = IntegerField()
    created_at = DateTimeField()
    updated_at = DateTimeField()

    class Meta:
        table_name = "appointment"


class _AppointmentSlip(_Frozen):
    appointment = ForeignKeyField(_Appointment, backref="+", on_delete="CASCADE")
    lang = CharField(max_length=2)
    version = IntegerField()
    pdf = BlobField()

    class Meta:
        table_name = "appointmentslip"
        indexes = ((("appointment", "lang"), True),)


_REFERENCED = [_User, _Branch, _Service, _ServiceRequest]
_TABLES = [_Slot, _Appointment, _AppointmentSlip]


def upgrade(database, migrator):
    with database.bind_ctx(_REFERENCED + _TABLES, bind_refs=False, bind_backrefs=False):
        database.create_tables(_TABLES, safe=True)
    # One confirmed appointment per person and service, held by the database.
    database.execute_sql(ONE_ACTIVE_PER_SERVICE)
