"""Exit 0 when a PostgreSQL server answers at the URL given, else 1."""

import sys

import psycopg2

try:
    psycopg2.connect(sys.argv[1], connect_timeout=3).close()
except psycopg2.OperationalError:
    sys.exit(1)
