from . import action, binary, company_logo, database, dataset, home, notices, preferences, session  # noqa: F401
