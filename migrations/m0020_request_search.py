"""The words of every request, kept for the agents' search.

On SQLite an FTS5 table (rowid = the request's id, a ``sector`` token and the
normalized ``words``); on PostgreSQL a table with a ``tsvector`` and a GIN
index. Requests already there are indexed here.

Frozen: the tables and the normalization as this migration made them.
"""

import re

from playhouse.migrate import SqliteMigrator

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
TASHKEEL = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})


ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
WORD = re.compile(r"\w+", re.UNICODE)


def _bare(word):
    for article in ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


def _normalize(text):
    text = (text or "").translate(DIGITS).strip()
    text = TASHKEEL.sub("", text).replace("\u0640", "").translate(LETTERS).lower()
    bare = [_bare(word) for word in WORD.findall(text)]
    return " ".join([text, *(word for word in bare if word not in text.split())])


def upgrade(database, migrator):
    sqlite = isinstance(migrator, SqliteMigrator)
    if sqlite:
        database.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS request_search USING fts5(sector, words, tokenize = 'unicode61')"
        )
    else:
        database.execute_sql(
            "CREATE TABLE IF NOT EXISTS request_search ("
            " request_id INTEGER PRIMARY KEY REFERENCES servicerequest (id) ON DELETE CASCADE,"
            " sector_id INTEGER NOT NULL, words TSVECTOR NOT NULL)"
        )
        database.execute_sql("CREATE INDEX IF NOT EXISTS request_search_words ON request_search USING GIN (words)")
        database.execute_sql(
            "CREATE INDEX IF NOT EXISTS request_search_sector ON request_search (sector_id, request_id)"
        )
    database.execute_sql("DELETE FROM request_search")
    rows = database.execute_sql("SELECT id, sector_id, subject, body FROM servicerequest").fetchall()
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        if sqlite:
            database.execute_sql(
                "INSERT INTO request_search (rowid, sector, words) VALUES " + ", ".join(["(?, ?, ?)"] * len(batch)),
                [
                    v
                    for i, sector, subject, body in batch
                    for v in (i, f"sector{sector}", _normalize(f"{subject} {body}"))
                ],
            )
        else:
            database.execute_sql(
                "INSERT INTO request_search (request_id, sector_id, words) VALUES "
                + ", ".join(["(%s, %s, to_tsvector('simple', %s))"] * len(batch)),
                [v for i, sector, subject, body in batch for v in (i, sector, _normalize(f"{subject} {body}"))],
            )
