"""Accounts opened by their owners: the register of people that registration checks,
and the one-time codes sent to a registering person's phone.

Frozen: the tables as this migration created them.
"""

from peewee import BooleanField, CharField, DateField, DateTimeField, IntegerField, Model


class _Frozen(Model):
    class Meta:
        legacy_table_names = False


class _CivilRecord(_Frozen):
    national_id = CharField(max_length=10, unique=True)
    name_ar = CharField(max_length=200)
    name_en = CharField(max_length=200)
    birth_date = DateField()
    phone = CharField(max_length=16)

    class Meta:
        table_name = "civilrecord"


class _RegistrationChallenge(_Frozen):
    token = CharField(max_length=64, unique=True)
    national_id = CharField(max_length=10, index=True)
    code_hash = CharField(max_length=255)
    created_at = DateTimeField()
    expires_at = DateTimeField()
    attempts = IntegerField(default=0)
    used = BooleanField(default=False)

    class Meta:
        table_name = "registrationchallenge"


_TABLES = [_CivilRecord, _RegistrationChallenge]


def upgrade(database, migrator):
    with database.bind_ctx(_TABLES):
        database.create_tables(_TABLES, safe=True)
