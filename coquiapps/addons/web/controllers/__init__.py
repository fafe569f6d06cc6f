from . import action, binary, database, dataset, home, preferences, session  # noqa: F401
