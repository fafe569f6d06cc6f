"""Services around the ORM: PostgreSQL, databases, and (later) HTTP and cron."""
