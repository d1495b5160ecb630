"""Exit 0 when the PostgreSQL server in the given URL accepts connections."""

import sys
from urllib.parse import urlparse

import psycopg


def main() -> int:
    url = urlparse(sys.argv[1])
    try:
        psycopg.connect(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
