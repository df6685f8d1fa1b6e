"""What every benchmark needs: a fresh PostgreSQL database and Django set up on a URL."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def with_db(url: str, name: str) -> str:
    """The same server URL, pointing at database `name`."""
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def recreate_database(url: str, name: str) -> None:
    """Drop (disconnecting its clients) and create database `name` on `url`'s server."""
    import psycopg

    with psycopg.connect(with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, **env_defaults: str) -> None:
    """Django on `url`, from this checkout's sources; `env_defaults` for other settings."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benecomune.settings")
    for key, value in env_defaults.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()
