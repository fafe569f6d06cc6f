from . import action, binary, database, dataset, home, notices, preferences, session  # noqa: F401
