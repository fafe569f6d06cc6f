"""Small, database-free helpers of the CoquiAPPs runtime (safe_eval, view inheritance, ...)."""
