"""The survivors' name keys of the cases with their lead agency (``CaseNameKey``), kept by triggers on both
databases and filled from the cases there are; the indexes follow in 0008, once the rows are in.

On SQLite a table rebuilt by a later migration (an altered column of ``cases_case`` or ``people_namekey``)
loses its triggers: such a migration must create them again (``TRIGGERS_SQLITE``);
``test_case_name_keys`` fails otherwise."""

from django.db import migrations, models

COLUMNS = "INSERT INTO cases_casenamekey (case_id, lead_agency_id, key, form) "
FROM_KEY = COLUMNS + "SELECT c.id, c.lead_agency_id, NEW.key, NEW.form FROM cases_case c WHERE c.survivor_id = NEW.person_id;"
FROM_CASE = COLUMNS + "SELECT NEW.id, NEW.lead_agency_id, n.key, n.form FROM people_namekey n WHERE n.person_id = NEW.survivor_id;"
DROP_KEY = ("DELETE FROM cases_casenamekey WHERE form = OLD.form AND key = OLD.key "
            "AND case_id IN (SELECT c.id FROM cases_case c WHERE c.survivor_id = OLD.person_id);")
DROP_CASE = "DELETE FROM cases_casenamekey WHERE case_id = OLD.id;"
MOVE_CASE = "UPDATE cases_casenamekey SET lead_agency_id = NEW.lead_agency_id WHERE case_id = NEW.id;"

TRIGGERS_POSTGRES = [f"""
CREATE FUNCTION cases_casenamekey_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN {DROP_KEY} END IF;
    IF TG_OP <> 'DELETE' THEN {FROM_KEY} END IF;
    RETURN NULL;
END $$""", f"""
CREATE FUNCTION cases_casenamekey_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.survivor_id = NEW.survivor_id THEN {MOVE_CASE} RETURN NULL; END IF;
    IF TG_OP <> 'INSERT' THEN {DROP_CASE} END IF;
    IF TG_OP <> 'DELETE' THEN {FROM_CASE} END IF;
    RETURN NULL;
END $$""", """
CREATE TRIGGER cases_casenamekey_key AFTER INSERT OR DELETE ON people_namekey
    FOR EACH ROW EXECUTE FUNCTION cases_casenamekey_key()""", """
CREATE TRIGGER cases_casenamekey_key_update AFTER UPDATE OF person_id, key, form ON people_namekey
    FOR EACH ROW WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id OR OLD.key IS DISTINCT FROM NEW.key
                       OR OLD.form IS DISTINCT FROM NEW.form)
    EXECUTE FUNCTION cases_casenamekey_key()""", """
CREATE TRIGGER cases_casenamekey_case AFTER INSERT OR DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION cases_casenamekey_case()""", """
CREATE TRIGGER cases_casenamekey_case_update AFTER UPDATE OF survivor_id, lead_agency_id ON cases_case
    FOR EACH ROW WHEN (OLD.survivor_id IS DISTINCT FROM NEW.survivor_id
                       OR OLD.lead_agency_id IS DISTINCT FROM NEW.lead_agency_id)
    EXECUTE FUNCTION cases_casenamekey_case()"""]
UNDO_POSTGRES = """
DROP TRIGGER IF EXISTS cases_casenamekey_key ON people_namekey;
DROP TRIGGER IF EXISTS cases_casenamekey_key_update ON people_namekey;
DROP TRIGGER IF EXISTS cases_casenamekey_case ON cases_case;
DROP TRIGGER IF EXISTS cases_casenamekey_case_update ON cases_case;
DROP FUNCTION IF EXISTS cases_casenamekey_key();
DROP FUNCTION IF EXISTS cases_casenamekey_case();
"""

TRIGGERS_SQLITE = [
    f"CREATE TRIGGER cases_casenamekey_key_insert AFTER INSERT ON people_namekey BEGIN {FROM_KEY} END",
    f"CREATE TRIGGER cases_casenamekey_key_delete AFTER DELETE ON people_namekey BEGIN {DROP_KEY} END",
    f"CREATE TRIGGER cases_casenamekey_key_update AFTER UPDATE OF person_id, key, form ON people_namekey "
    f"WHEN OLD.person_id IS NOT NEW.person_id OR OLD.key IS NOT NEW.key OR OLD.form IS NOT NEW.form "
    f"BEGIN {DROP_KEY} {FROM_KEY} END",
    f"CREATE TRIGGER cases_casenamekey_case_insert AFTER INSERT ON cases_case BEGIN {FROM_CASE} END",
    f"CREATE TRIGGER cases_casenamekey_case_delete AFTER DELETE ON cases_case BEGIN {DROP_CASE} END",
    f"CREATE TRIGGER cases_casenamekey_case_survivor AFTER UPDATE OF survivor_id ON cases_case "
    f"WHEN OLD.survivor_id IS NOT NEW.survivor_id BEGIN {DROP_CASE} {FROM_CASE} END",
    f"CREATE TRIGGER cases_casenamekey_case_agency AFTER UPDATE OF lead_agency_id ON cases_case "
    f"WHEN OLD.lead_agency_id IS NOT NEW.lead_agency_id AND OLD.survivor_id IS NEW.survivor_id "
    f"BEGIN {MOVE_CASE} END",
]
SQLITE_NAMES = ["key_insert", "key_delete", "key_update", "case_insert", "case_delete", "case_survivor", "case_agency"]

FILL = COLUMNS + "SELECT c.id, c.lead_agency_id, n.key, n.form FROM cases_case c JOIN people_namekey n ON n.person_id = c.survivor_id"


def triggers(apps, schema_editor):
    for sql in TRIGGERS_POSTGRES if schema_editor.connection.vendor == "postgresql" else TRIGGERS_SQLITE:
        schema_editor.execute(sql)
    schema_editor.execute(FILL)


def untriggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in UNDO_POSTGRES.strip().splitlines():
            schema_editor.execute(sql)
    else:
        for name in SQLITE_NAMES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS cases_casenamekey_{name}")


class Migration(migrations.Migration):

    dependencies = [
        ("agencies", "0004_agency_mfa_required"),
        ("cases", "0006_referral_additions"),
        ("people", "0006_consent_agency_types"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseNameKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40)),
                ("form", models.CharField(default="", max_length=40)),
                ("case", models.ForeignKey(db_constraint=False, db_index=False,
                                           on_delete=models.deletion.DO_NOTHING, related_name="+", to="cases.case")),
                ("lead_agency", models.ForeignKey(db_constraint=False, db_index=False,
                                                  on_delete=models.deletion.DO_NOTHING, related_name="+",
                                                  to="agencies.agency")),
            ],
        ),
        migrations.RunPython(triggers, untriggers, elidable=False),
    ]
