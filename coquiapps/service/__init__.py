"""Services around the ORM: databases, RPC, cron, serving, credentials, backups."""
