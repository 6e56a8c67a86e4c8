"""Staff accounts as «الإدارة» runs them: open, re-scope, stop and restart, reset a password.

Every change is audited and guarded by the account's version, so two admins
editing one account get a conflict instead of overwriting each other. The
portal always keeps at least one active administrator.
"""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from domain import accounts, audit, counts
from domain.errors import Conflict, Refused
from domain.notifier import send_sms
from models import Branch, Role, Sector, User, write_transaction

STAFF_ROLES = (Role.AGENT, Role.DESK, Role.OFFICER, Role.ADMIN)

TAKEN_ID = _l("An account with this ID already exists.")
NEEDS_SECTOR = _l("Choose the sector this agent answers for.")
NEEDS_BRANCH = _l("Choose the branch this desk works at.")
LAST_ADMIN = _l("This is the last active administrator. Make another administrator first.")


@dataclass(frozen=True)
class Scope:
    """What a staff account may see: its role, and the sector (agent) or branch (desk) it works for."""

    role: str
    sector: Sector | None = None
    branch: Branch | None = None

    def checked(self) -> "Scope":
        if self.role not in STAFF_ROLES:
            raise Refused(_l("Choose a role."), code="role")
        if self.role == Role.AGENT and self.sector is None:
            raise Refused(NEEDS_SECTOR, code="sector")
        if self.role == Role.DESK and self.branch is None:
            raise Refused(NEEDS_BRANCH, code="branch")
        # Only the field the role uses is kept.
        return Scope(
            self.role,
            self.sector if self.role == Role.AGENT else None,
            self.branch if self.role == Role.DESK else None,
        )

    def describe(self) -> str:
        where = self.sector.code if self.sector else self.branch.code if self.branch else ""
        return f"{self.role}:{where}" if where else self.role


def scope_of(user: User) -> Scope:
    return Scope(user.role, user.sector, user.branch)


def members(role: str | None = None):
    """Staff accounts, admins first, then by name; one role when given."""
    query = User.select().where(User.role.in_(STAFF_ROLES))
    if role in STAFF_ROLES:
        query = query.where(User.role == role)
    return query.order_by(User.active.desc(), User.role, User.name_ar)


def member(user_id: int) -> User | None:
    return User.get_or_none((User.id == user_id) & User.role.in_(STAFF_ROLES))


def _tell_to_set_password(user, link):
    with force_locale("ar"):
        text = str(
            _l("Tawasul: set your staff account's password at %(link)s with the code we will send you.", link=link)
        )
    send_sms(user.phone, text)


def open_account(
    admin: User, national_id: str, name_ar: str, name_en: str, phone: str, email: str, scope: Scope, password_link: str
) -> User:
    """Open a staff account with no usable password; the person sets one by code."""
    scope = scope.checked()
    try:
        with write_transaction():
            user = User.create(
                national_id=national_id,
                name_ar=name_ar,
                name_en=name_en,
                phone=phone,
                email=email,
                role=scope.role,
                sector=scope.sector,
                branch=scope.branch,
                password_hash=accounts.hash_password(accounts.unusable_password()),
            )
            counts.added(counts.ACCOUNT, "", scope.role)
            audit.record(admin, "staff.open", "user", national_id, "", scope.describe())
            _tell_to_set_password(user, password_link)
    except IntegrityError:
        raise Refused(TAKEN_ID, code="national_id") from None
    return user


def _other_active_admins(user: User) -> int:
    return (
        User.select()
        .where((User.role == Role.ADMIN) & (User.active == True) & (User.id != user.id))  # noqa: E712
        .count()
    )


def _guarded(user: User, version, **changes) -> User:
    """Write the changes only if the account is still at the version the admin saw."""
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise Conflict(User.get_by_id(user.id)) from None
    changes["version"] = User.version + 1
    if not User.update(**changes).where((User.id == user.id) & (User.version == version)).execute():
        raise Conflict(User.get_by_id(user.id))
    return User.get_by_id(user.id)


def rescope(admin: User, user: User, version, scope: Scope) -> User:
    """Give the account another role, sector or branch."""
    scope = scope.checked()
    with write_transaction():
        if user.role == Role.ADMIN and scope.role != Role.ADMIN and user.active and not _other_active_admins(user):
            raise Refused(LAST_ADMIN, code="last_admin")
        before = scope_of(user).describe()
        changed = _guarded(user, version, role=scope.role, sector=scope.sector, branch=scope.branch)
        if scope.role != user.role:
            counts.moved(counts.ACCOUNT, "", user.role, scope.role)
        audit.record(admin, "staff.scope", "user", user.national_id, before, scope.describe())
    return changed


def deactivate(admin: User, user: User, version) -> User:
    """Stop the account: it cannot sign in and its sessions end now."""
    with write_transaction():
        if user.role == Role.ADMIN and not _other_active_admins(user):
            raise Refused(LAST_ADMIN, code="last_admin")
        changed = _guarded(user, version, active=False)
        accounts.end_sessions(user)
        audit.record(admin, "staff.deactivate", "user", user.national_id, "active", "inactive")
    return changed


def reactivate(admin: User, user: User, version) -> User:
    with write_transaction():
        changed = _guarded(user, version, active=True)
        audit.record(admin, "staff.reactivate", "user", user.national_id, "inactive", "active")
    return changed


def reset_password(admin: User, user: User, version, password_link: str) -> User:
    """End the account's password and sessions; the person sets a new one with a code to their phone."""
    with write_transaction():
        changed = _guarded(user, version)
        accounts.invalidate_password(user)
        audit.record(admin, "staff.reset_password", "user", user.national_id)
        _tell_to_set_password(user, password_link)
    return changed
