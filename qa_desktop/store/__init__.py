"""Local storage: typed SQLAlchemy models on SQLite, migrations, and the single write path."""
