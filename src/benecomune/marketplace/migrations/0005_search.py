"""Full-text search of the catalogue on PostgreSQL (docs/marketplace.md, "Public pages and
search").

`Service.search_vector` is kept by a BEFORE INSERT OR UPDATE trigger: the title (weight A), the
description and the provider's name (B) and the Italian labels of the two category levels (C),
with the 'italian' configuration (snowball stemmer: "educativo" finds "educativa"). A trigger
rather than a GeneratedField because the provider's name lives in another table; a trigger on
core_organization refreshes the provider's services when its name changes. The vector is
stored, with a GIN index, so a search reads the index instead of stemming 10,000 descriptions
per request. On SQLite the column stays empty (services/search.py uses a simpler fallback).

The labels are frozen here, as migrations are: a renamed label needs a new migration.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations

USER_AREAS = {
    "family_minors": "Famiglia e minori",
    "disability": "Disabilità",
    "elderly": "Anziani",
    "poverty": "Povertà, disagio adulti e senza dimora",
    "immigrants": "Immigrati, Rom, Sinti e Caminanti",
    "addictions": "Dipendenze",
    "multi_user": "Multiutenza",
}
SERVICE_TYPES = {
    "educational": "Servizi educativi",
    "psychological": "Supporto psicologico",
    "home_care": "Assistenza domiciliare",
    "nursing": "Assistenza infermieristica",
    "tutoring": "Doposcuola e tutoraggio",
    "camps": "Centri estivi e invernali",
    "labs": "Laboratori",
    "transport": "Trasporto e accompagnamento",
    "leisure": "Tempo libero e socializzazione",
    "goods": "Prodotti dei negozi",
}


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _case(column: str, labels: dict) -> str:
    whens = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in labels.items())
    return f"(CASE NEW.{column} {whens} ELSE '' END)"


FORWARD = f"""
CREATE OR REPLACE FUNCTION marketplace_service_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('italian'::regconfig, coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('italian'::regconfig, coalesce(NEW.description, '')), 'B')
        || setweight(to_tsvector('italian'::regconfig, coalesce(
            (SELECT o.name FROM core_organization o WHERE o.id = NEW.provider_id), '')), 'B')
        || setweight(to_tsvector('italian'::regconfig,
            {_case("user_area", USER_AREAS)} || ' ' || {_case("service_type", SERVICE_TYPES)}),
            'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER marketplace_service_search_vector
BEFORE INSERT OR UPDATE ON marketplace_service
FOR EACH ROW EXECUTE FUNCTION marketplace_service_search_vector();

CREATE OR REPLACE FUNCTION marketplace_provider_renamed() RETURNS trigger AS $$
BEGIN
    -- Touching the rows makes the trigger above recompute their vectors.
    UPDATE marketplace_service SET search_vector = NULL WHERE provider_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER marketplace_provider_renamed
AFTER UPDATE OF name ON core_organization
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION marketplace_provider_renamed();

CREATE INDEX marketplace_service_search_gin ON marketplace_service USING gin (search_vector);

UPDATE marketplace_service SET search_vector = NULL;
"""

BACKWARD = """
DROP INDEX IF EXISTS marketplace_service_search_gin;
DROP TRIGGER IF EXISTS marketplace_provider_renamed ON core_organization;
DROP FUNCTION IF EXISTS marketplace_provider_renamed();
DROP TRIGGER IF EXISTS marketplace_service_search_vector ON marketplace_service;
DROP FUNCTION IF EXISTS marketplace_service_search_vector();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0004_threads"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
