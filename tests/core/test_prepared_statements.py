"""On PostgreSQL the web workers bind parameters on the server, so psycopg prepares the
statements a connection repeats (settings: DATABASE_PREPARED_STATEMENTS, docs/operations.md)."""

import pytest
from django.db import connection

from benecomune.core.models import Organization

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@needs_postgresql
def test_a_repeated_orm_query_is_prepared_once_for_the_connection():
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
    marker = "prepared-statement-probe"
    for _run in range(6):
        list(Organization.objects.filter(name=marker).values_list("pk", flat=True))
    probes = [sql for sql in _prepared_statements() if '"core_organization"."name" = $1' in sql]
    # The parameter travels apart ($1), so one plan serves every value.
    assert probes, _prepared_statements()
    assert all(marker not in sql for sql in probes)
