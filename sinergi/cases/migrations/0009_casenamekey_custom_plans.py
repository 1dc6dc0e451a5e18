"""The name-key triggers of 0007 plan their statements for each row on PostgreSQL.

A PL/pgSQL function keeps the plan of each statement for the session; after five calls it may keep a generic one,
chosen for the tables as they were then. A session whose first writes met empty tables (a new instance, an import
after the tables were emptied) kept a sequential scan of ``cases_case`` for "the cases of this survivor" and read
the whole table for every name key written: an import of 100,000 rows ran for more than ten minutes instead of
about two. Planned for each row, the lookup takes the survivor index once the table has grown (SQLite plans
trigger statements on each run already)."""

from django.db import migrations

FUNCTIONS = ("cases_casenamekey_key()", "cases_casenamekey_case()")


def custom_plans(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for function in FUNCTIONS:
            schema_editor.execute(f"ALTER FUNCTION {function} SET plan_cache_mode = force_custom_plan")


def default_plans(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for function in FUNCTIONS:
            schema_editor.execute(f"ALTER FUNCTION {function} RESET plan_cache_mode")


class Migration(migrations.Migration):

    dependencies = [("cases", "0008_casenamekey_indexes")]

    operations = [migrations.RunPython(custom_plans, default_plans, elidable=False)]
