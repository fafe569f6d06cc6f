"""The env fixture works: a transaction on a real database, rolled back after each test."""


def test_env_creates_and_rolls_back_part_1(base_env):
    base_env["res.partner"].create({"name": "Rollback Probe"})
    assert base_env["res.partner"].search_count([("name", "=", "Rollback Probe")]) == 1


def test_env_creates_and_rolls_back_part_2(base_env):
    assert base_env["res.partner"].search_count([("name", "=", "Rollback Probe")]) == 0
