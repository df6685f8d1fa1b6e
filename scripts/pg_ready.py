"""Exit 0 when a PostgreSQL server answers at the given URL (used by `make test`)."""

import sys
from urllib.parse import urlsplit

import psycopg


def main(url: str) -> int:
    parts = urlsplit(url)
    try:
        psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
