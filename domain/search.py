"""Finding a sector's requests by reference, ID number or the words of their subject and message.

Words are matched as people type them, whatever the spelling of a letter
that Arabic writes several ways: the forms of alef with hamza, taa marbuta
and haa, alef maqsura and yaa, and with tashkeel and tatweel left out
(``normalize``). Each request's subject and message are kept normalized in
``request_search``, written in the request's own transaction: on SQLite an
FTS5 table, on PostgreSQL a ``tsvector`` column with a GIN index. A search
reads only the index and the rows it shows, newest first.
"""

import re

from domain import catalog
from domain.identity import normalize_digits
from models import ServiceRequest, User, db, is_sqlite

# How many matches a search shows, newest first; a longer list asks for more words.
LIMIT = 50
MIN_WORD = 2
MAX_WORDS = 8

TASHKEEL = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
TATWEEL = "\u0640"
LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
    }
)
WORD = re.compile(r"\w+", re.UNICODE)
REFERENCE = re.compile(r"^[A-Za-z]\d{4}-\d{1,6}$")
NATIONAL_ID = re.compile(r"^\d{10}$")


def normalize(text: str) -> str:
    """Text as the index keeps it: one spelling of each letter, no tashkeel or tatweel, ASCII digits, lower case."""
    text = normalize_digits(text or "")
    text = TASHKEEL.sub("", text).replace(TATWEEL, "")
    return text.translate(LETTERS).lower()


# The article and the letters joined before it: «الأسرة», «للأسرة» and «والأسرة» are all found by «أسرة».
ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")


def without_article(word: str) -> str:
    for article in ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= MIN_WORD:
            return word[len(article) :]
    return word


def words(text: str) -> list[str]:
    """The normalized words of a search without their article, at most MAX_WORDS, each of MIN_WORD letters or more."""
    found = [without_article(word) for word in WORD.findall(normalize(text)) if len(word) >= MIN_WORD]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def indexed_text(text: str) -> str:
    """The normalized text, and after it each word that had an article, without it."""
    normalized = normalize(text)
    bare = [without_article(word) for word in WORD.findall(normalized)]
    return " ".join([normalized, *(word for word in bare if word not in normalized.split())])


def document(service_request: ServiceRequest) -> str:
    return indexed_text(f"{service_request.subject} {service_request.body}")


def index(service_request: ServiceRequest) -> None:
    """Keep a request's words in the index; call inside the transaction that writes the request."""
    text = document(service_request)
    if is_sqlite():
        db.execute_sql(
            "INSERT INTO request_search (rowid, sector, words) VALUES (?, ?, ?)",
            (service_request.id, f"sector{service_request.sector_id}", text),
        )
    else:
        db.execute_sql(
            "INSERT INTO request_search (request_id, sector_id, words) VALUES (%s, %s, to_tsvector('simple', %s))",
            (service_request.id, service_request.sector_id, text),
        )


def moved(service_request: ServiceRequest, sector_id: int) -> None:
    """Keep the index's sector when a request moves to another sector."""
    if is_sqlite():
        db.execute_sql(
            "UPDATE request_search SET sector = ? WHERE rowid = ?", (f"sector{sector_id}", service_request.id)
        )
    else:
        db.execute_sql(
            "UPDATE request_search SET sector_id = %s WHERE request_id = %s", (sector_id, service_request.id)
        )


def _matching_ids(sector_id: int, terms: list[str], limit: int) -> list[int]:
    if is_sqlite():
        # Each word as a quoted prefix; the sector's token narrows the match inside the index.
        match = " AND ".join([f"sector:sector{sector_id}", *(f'words:"{term}"*' for term in terms)])
        cursor = db.execute_sql(
            "SELECT rowid FROM request_search WHERE request_search MATCH ? ORDER BY rowid DESC LIMIT ?",
            (match, limit),
        )
    else:
        query = " & ".join(f"{term}:*" for term in terms)
        cursor = db.execute_sql(
            "SELECT request_id FROM request_search WHERE sector_id = %s AND words @@ to_tsquery('simple', %s) "
            "ORDER BY request_id DESC LIMIT %s",
            (sector_id, query, limit),
        )
    return [row[0] for row in cursor.fetchall()]


def search(sector, text: str, limit: int = LIMIT) -> tuple[list[ServiceRequest], bool]:
    """The sector's requests a search names, newest first, and whether there are more than ``limit``.

    A reference («M1448-000042») finds that request, a national ID or iqama
    number the person's requests, anything else the requests whose subject or
    message has every word (as a word or its beginning).
    """
    typed = normalize_digits(text or "").strip()
    listed = ServiceRequest.inbox(sector).order_by()
    if REFERENCE.match(typed):
        return catalog.with_services(listed.where(ServiceRequest.reference == typed.upper())), False
    if NATIONAL_ID.match(typed):
        person = User.get_or_none(User.national_id == typed)
        if person is None:
            return [], False
        rows = catalog.with_services(
            listed.where(ServiceRequest.user == person)
            .order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
            .limit(limit + 1)
        )
        return rows[:limit], len(rows) > limit
    terms = words(typed)
    if not terms:
        return [], False
    ids = _matching_ids(sector.id, terms, limit + 1)
    if not ids:
        return [], False
    found = {row.id: row for row in catalog.with_services(listed.where(ServiceRequest.id.in_(ids)))}
    rows = [found[request_id] for request_id in ids if request_id in found]
    return rows[:limit], len(ids) > limit


def rebuild() -> int:
    """Index every request afresh (after a bulk load); return how many."""
    rows = ServiceRequest.select(
        ServiceRequest.id, ServiceRequest.sector, ServiceRequest.subject, ServiceRequest.body
    ).tuples()
    with db.atomic():
        db.execute_sql("DELETE FROM request_search")
        batch, count = [], 0
        for request_id, sector_id, subject, body in rows.iterator():
            batch.append((request_id, sector_id, indexed_text(f"{subject} {body}")))
            if len(batch) == 1000:
                count += _insert(batch)
                batch = []
        count += _insert(batch)
    return count


def _insert(batch) -> int:
    if not batch:
        return 0
    if is_sqlite():
        db.execute_sql(
            "INSERT INTO request_search (rowid, sector, words) VALUES " + ", ".join(["(?, ?, ?)"] * len(batch)),
            [value for request_id, sector_id, text in batch for value in (request_id, f"sector{sector_id}", text)],
        )
    else:
        db.execute_sql(
            "INSERT INTO request_search (request_id, sector_id, words) VALUES "
            + ", ".join(["(%s, %s, to_tsvector('simple', %s))"] * len(batch)),
            [value for row in batch for value in row],
        )
    return len(batch)
