"""The demo accounts and their issued documents (``flask seed-demo``)."""

from datetime import timedelta

from domain import counts
from domain.accounts import hash_password
from domain.catalog import seed_catalog
from domain.dates import today
from models import Branch, Document, DocumentType, Role, Sector, User, db

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


def seed_demo(with_catalog: bool = True) -> None:
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
