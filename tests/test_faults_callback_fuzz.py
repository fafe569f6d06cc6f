"""10,000 mutated consent callbacks: none accepted, no server error, no credential changed."""
import random
import string
import time
from urllib.parse import urlencode

import pytest

from amazon_sandbox.testing import running
from coquiapps.addons.web.tests.common import WebClient

from .spapi_world import confirm_on_amazon, new_world, page_outcome

CASES = 10_000
GENUINE_EVERY = 40  # how often a fresh, genuine state is spent on a mutated code or seller id
ALPHABET = string.ascii_letters + string.digits + "-_.~|=+/%&?#\x00é€😀 "


@pytest.fixture
def world(full_db):
    with running(seed=35) as h:
        yield new_world(h, full_db)


def mutate(rng: random.Random, value: str, others: list[str]) -> str:
    kind = rng.randrange(12)
    if not value or kind == 0:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 80)))
    i = rng.randrange(len(value))
    if kind == 1:
        return value[:i] + rng.choice(ALPHABET.replace(value[i], "")) + value[i + 1:]
    if kind == 2:
        return value[:i] + value[i + 1:]
    if kind == 3:
        return value[:i] + rng.choice(ALPHABET) + value[i:]
    if kind == 4:
        return value[:i]
    if kind == 5:
        return value + value[i:]
    if kind == 6 and others:
        return rng.choice(others)
    if kind == 7:
        return value.swapcase()
    if kind == 8:
        return value * rng.randrange(2, 60)
    if kind == 9:
        return value[::-1]
    if kind == 10:
        parts = value.split(".")
        rng.shuffle(parts)
        return ".".join(parts)
    return value + rng.choice(["%00", "'; DROP TABLE amazon_account; --", "<script>", "\n", "\\", "..%2f"])


def credentials(world):
    with world.env() as env:
        env.cr.execute("SELECT id, sp_state, sp_selling_partner_id, sp_refresh_token, sp_authorized_on "
                       "FROM amazon_account ORDER BY id")
        accounts = env.cr.fetchall()
        env.cr.execute("SELECT account_id, access_token FROM amazon_spapi_token ORDER BY account_id")
        return accounts, env.cr.fetchall()


@pytest.mark.slow
def test_mutated_callbacks_are_all_refused(world):
    h = world.h
    rng = random.Random(4242)
    with world.env() as env:
        app = world.make_app(env)
        # accounts that know their seller (as MWS-era ones do): a seller id swapped in the URL shows
        seller_key = h.seller("NA")["selling_partner_id"]
        ids = [world.make_account(env, app, name=f"Fuzz {i}", seller_key=seller_key).id for i in range(6)]

    def genuine(account_id):
        with world.env() as env:
            url = env["amazon.account"].browse(account_id)._sp_consent_url()
        return confirm_on_amazon(h, url)

    pool = [genuine(account_id) for account_id in ids]
    spent = [dict(query) for query in pool]  # states that will be used up below
    client = WebClient()
    client.login(world.db)
    before = credentials(world)
    outcomes, statuses = {}, {}
    began = time.monotonic()
    for n in range(CASES):
        if n % GENUINE_EVERY == 0:
            # a genuine state with a mutated code or seller id: refused, and the state is spent
            query = genuine(rng.choice(ids))
            field = rng.choice(["spapi_oauth_code", "selling_partner_id"])
            original = query[field]
            # never another genuine, unspent code: that would be a real authorization
            query[field] = mutate(rng, original, [])
            if query[field] == original or field == "selling_partner_id" and query[field] == seller_key:
                continue
        else:
            origin = rng.choice(pool + spent)
            base = dict(origin)
            for field in rng.sample(["state", "spapi_oauth_code", "selling_partner_id"], rng.randrange(1, 4)):
                # no swapping in other genuine values: a genuine unspent state with a genuine
                # unexchanged code is a real authorization, not a forgery
                base[field] = mutate(rng, base.get(field, ""), [])
            if rng.random() < 0.05:
                base.pop(rng.choice(list(base)))
            if all(base.get(k) == origin.get(k) for k in ("state", "spapi_oauth_code")) \
                    and base.get("selling_partner_id") == seller_key:
                continue  # nothing that matters was mutated: that is a genuine callback
            query = base
        response = client.get("/amazon_spapi/callback?" + urlencode(query))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        outcome = page_outcome(response)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert response.status_code < 500, (query, response.get_data(as_text=True)[:500])
        assert outcome != "connected", query
    elapsed = time.monotonic() - began
    print(f"{CASES} callbacks in {elapsed:.1f}s: {statuses} {outcomes}")
    assert outcomes.get("connected", 0) == 0
    assert credentials(world) == before
    # a genuine callback still works: the fuzzing broke nothing
    response = client.get("/amazon_spapi/callback?" + urlencode(genuine(ids[0])))
    assert page_outcome(response) == "connected"
