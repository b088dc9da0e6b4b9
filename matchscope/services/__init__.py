"""Use cases: ingest, evaluate, read models. Domain errors live in `errors`."""
