"""The statutory record: SQLAlchemy models, sessions, queries, migrations and the caseload import.

Nothing here connects at import time; callers build ``Settings`` once and pass it in.
"""
