"""Persistence: sqlmodel tables, engine and session factories, bulk paths, Alembic migrations."""
