"""PostgreSQL functions kept as versioned files: `<app>/sql/<function>.sql`, one per function.

Each file holds the function's whole current definition (as `pg_get_functiondef` prints it),
a `CREATE OR REPLACE FUNCTION`, and the file is named after the function. A change is made in
the file and shipped by a new migration running `ApplySqlFiles` again, so the file is always
what the database has (a test compares them). The app's initial migration creates them from the
files (`creates=True`: reversing it drops them); the inline SQL of the migrations it replaced is
in the repository's history (docs/architecture.md, "Migrations").

`enable_seqscan = off` is part of each file (`SET enable_seqscan TO 'off'`): PL/pgSQL keeps a
statement's plan for the life of the connection, and a plan made while `ledger_balancedelta`
was nearly empty (a new database, or just after the pending credits were folded) reads the
whole table, which then grows with every payment until autovacuum's next ANALYZE: measured in
bench/redeem, PostgreSQL's time per payment doubled within a minute. Every statement of these
functions looks rows up by key, so they are told to use the indexes whatever the statistics
say. CREATE OR REPLACE without the setting would drop it, so the operation refuses a file that
lacks it unless told `index_plans=False`.
"""

from pathlib import Path

from django.apps import apps as global_apps
from django.db import migrations, router

INDEX_PLANS = "SET enable_seqscan TO 'off'"


def sql_path(app_label: str, name: str) -> Path:
    return Path(global_apps.get_app_config(app_label).path) / "sql" / name


def read_sql(app_label: str, name: str) -> str:
    return sql_path(app_label, name).read_text(encoding="utf-8")


class ApplySqlFiles(migrations.operations.base.Operation):
    """Run `<app_label>/sql/<file>` for each file, in order, on PostgreSQL only (a no-op on
    other databases). Reversing it drops the functions when this operation `creates` them (the
    app's initial migration); otherwise it is a no-op and the previous definition stays until
    the function is replaced again."""

    reversible = True
    reduces_to_sql = False

    def __init__(
        self, app_label: str, files: list[str], index_plans: bool = True, creates: bool = False
    ):
        self.app_label = app_label
        self.files = list(files)
        self.index_plans = index_plans
        self.creates = creates

    def deconstruct(self):
        kwargs = {"app_label": self.app_label, "files": self.files}
        if not self.index_plans:
            kwargs["index_plans"] = False
        if self.creates:
            kwargs["creates"] = True
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        pass  # functions are not part of Django's model state

    def statements(self) -> list[str]:
        statements = []
        for name in self.files:
            text = read_sql(self.app_label, name)
            if self.index_plans and INDEX_PLANS not in text:
                raise ValueError(f"{self.app_label}/sql/{name} lacks {INDEX_PLANS!r}")
            statements.append(text)
        return statements

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        if not router.allow_migrate(schema_editor.connection.alias, app_label):
            return
        for text in self.statements():
            schema_editor.execute(text, params=None)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self.creates or schema_editor.connection.vendor != "postgresql":
            return
        if not router.allow_migrate(schema_editor.connection.alias, app_label):
            return
        for name in reversed(self.files):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {Path(name).stem}", params=None)

    def describe(self):
        return f"Apply SQL files of {self.app_label}: {', '.join(self.files)}"

    @property
    def migration_name_fragment(self):
        return "sql_files"
