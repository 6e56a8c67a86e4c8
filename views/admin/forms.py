"""The forms of «الإدارة»."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from domain.catalog_admin import BAD_CODE, CODE_PATTERN
from domain.identity import normalize_digits
from views.forms import Form, national_id_field
from views.messages.forms import clean_text


class ScopeForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Choose a role."))])
    sector = SelectField(_l("Sector (agents)"), validate_choice=False)
    branch = SelectField(_l("Branch (desks)"), validate_choice=False)
    version = HiddenField()


class StaffForm(ScopeForm):
    national_id = national_id_field()
    name_ar = StringField(
        _l("Name in Arabic"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter the name in Arabic.")), Length(max=200)],
    )
    name_en = StringField(
        _l("Name in English"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter the name in English.")), Length(max=200)],
    )
    phone = StringField(
        _l("Mobile number"),
        filters=[normalize_digits],
        validators=[Regexp(r"^05\d{8}$", message=_l("Enter a Saudi mobile number of 10 digits starting with 05."))],
    )
    email = EmailField(
        _l("E-mail (optional)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address like name@example.sa.")),
        ],
    )


# --- The catalog ---------------------------------------------------------


def _name_ar():
    return StringField(
        _l("Name in Arabic"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the name in Arabic.")),
            Length(max=200, message=_l("Up to 200 characters.")),
        ],
    )


def _name_en():
    return StringField(
        _l("Name in English"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the name in English.")),
            Length(max=200, message=_l("Up to 200 characters.")),
        ],
    )


def _number(label, low, high, message, default=None):
    return IntegerField(label, validators=[InputRequired(message), NumberRange(low, high, message)], default=default)


def _code():
    return StringField(
        _l("Code"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter a code, e.g. passport_renew.")),
            Regexp(f"^{CODE_PATTERN.pattern}$", message=BAD_CODE),
        ],
        description=_l("Small English letters, digits and underscores. It never changes once saved."),
    )


class SectorForm(Form):
    code = _code()
    name_ar = _name_ar()
    name_en = _name_en()
    position = _number(_l("Order in lists"), 0, 9999, _l("Enter a whole number from 0 to 9999."), default=0)
    active = BooleanField(_l("Active (unticked: retired, kept on existing records)"), default=True)
    version = HiddenField()


class SectionForm(SectorForm):
    pass


class ServiceForm(SectorForm):
    section = SelectField(_l("Section"), validate_choice=False, validators=[DataRequired(_l("Choose the section."))])
    response_days = _number(
        _l("Response time in working days"), 1, 90, _l("Enter a number of working days from 1 to 90.")
    )
    requirements_ar = TextAreaField(
        _l("What to bring to a visit, in Arabic"),
        filters=[clean_text],
        validators=[Length(max=2000, message=_l("Up to 2000 characters."))],
    )
    requirements_en = TextAreaField(
        _l("What to bring to a visit, in English"),
        filters=[clean_text],
        validators=[Length(max=2000, message=_l("Up to 2000 characters."))],
    )
    bookable = BooleanField(_l("A visit can be booked at a branch"), default=True)
    accepts_requests = BooleanField(_l("Takes messages and requests"), default=True)
    slot_minutes = _number(_l("Usual slot length in minutes"), 5, 240, _l("Enter a slot length from 5 to 240 minutes."))
    slot_capacity = _number(_l("Usual seats per slot"), 0, 200, _l("Enter a number of seats from 0 to 200."))


# --- Branches ------------------------------------------------------------


def _time(label):
    return StringField(
        label,
        filters=[normalize_digits, clean_text],
        validators=[Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Enter a time of day like 07:30."))],
    )


class BranchEditForm(Form):
    name_ar = _name_ar()
    name_en = _name_en()
    city = SelectField(_l("City"), validate_choice=False, validators=[DataRequired(_l("Choose the city."))])
    address_ar = StringField(
        _l("Address in Arabic"),
        filters=[clean_text],
        validators=[Length(max=300, message=_l("Up to 300 characters."))],
    )
    address_en = StringField(
        _l("Address in English"),
        filters=[clean_text],
        validators=[Length(max=300, message=_l("Up to 300 characters."))],
    )
    opens = _time(_l("Usual opening time"))
    closes = _time(_l("Usual closing time"))
    services = SelectMultipleField(_l("Services the branch gives"), validate_choice=False, coerce=str)
    active = BooleanField(_l("Active (unticked: retired, kept on existing records)"), default=True)
    version = HiddenField()


class BranchForm(BranchEditForm):
    code = _code()
    sector = SelectField(_l("Sector"), validate_choice=False, validators=[DataRequired(_l("Choose the sector."))])


class WeekdayForm(Form):
    is_open = BooleanField(_l("The branch opens on this weekday"), default=True)
    opens = StringField(_l("Opening time"), filters=[normalize_digits, clean_text])
    closes = StringField(_l("Closing time"), filters=[normalize_digits, clean_text])
    version = HiddenField()


# --- Holidays and closures -----------------------------------------------


class ClosureForm(Form):
    day = StringField(
        _l("Day"),
        filters=[normalize_digits, clean_text],
        validators=[DataRequired(_l("Enter the day as YYYY-MM-DD, e.g. 2027-02-22."))],
        description=_l("As YYYY-MM-DD, e.g. 2027-02-22."),
    )
    branch = SelectField(_l("Where"), validate_choice=False)
    starts = StringField(_l("From (some hours only)"), filters=[normalize_digits, clean_text])
    ends = StringField(_l("Until"), filters=[normalize_digits, clean_text])
    name_ar = _name_ar()
    name_en = _name_en()
    seen = HiddenField()


# --- API keys -------------------------------------------------------------


class ApiKeyForm(Form):
    name = StringField(
        _l("Name of the key"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the key's name.")),
            Length(max=100, message=_l("The name must be 100 characters or fewer.")),
        ],
    )
    owner = StringField(
        _l("Owner (the system or body that uses it)"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter who the key is for.")),
            Length(max=200, message=_l("The owner must be 200 characters or fewer.")),
        ],
    )
    sectors = SelectMultipleField(
        _l("Sectors it may send requests to"),
        validate_choice=False,
        validators=[DataRequired(_l("Choose at least one sector the key may send requests to."))],
    )
