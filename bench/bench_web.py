"""Web client server times: the Apps page with 2,000 modules listed, and a record's form view.

Targets: Apps page under 150 ms, form view under 50 ms (server time: the WSGI
application called in-process, no network).
"""
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import line  # noqa: E402
from bench_update_list import generate  # noqa: E402

from coquiapps import sql_db  # noqa: E402
from coquiapps.addons.web.tests.common import WebClient  # noqa: E402
from coquiapps.modules import discovery, loading  # noqa: E402
from coquiapps.orm import SUPERUSER_ID, Environment, Registry  # noqa: E402
from coquiapps.service import db  # noqa: E402
from coquiapps.tools import config  # noqa: E402

NAME = "bench_web"


def timed(client, url, rounds=15):
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), min(samples)


def main() -> None:
    if db.exists(NAME):
        db.drop_database(NAME)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root)
        config.current().values["addons_path"] = str(root)
        discovery.discover([root])
        db.create_database(NAME)
        with sql_db.cursor(NAME) as cr:
            env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(NAME))
            loading.update_list(env)
            partner = env["res.partner"].create({"name": "Bench Partner", "email": "b@example.com"}).id
        client = WebClient()
        client.login(NAME)
        apps_default = timed(client, "/web/action/base.open_module_tree")
        apps_all = timed(client, "/web/action/base.open_module_tree?filters=")
        apps_list = timed(client, "/web/action/base.open_module_tree?filters=&view_type=list")
        form = timed(client, f"/web/action/model:res.partner/{partner}")
    db.drop_database(NAME)
    line("Apps, default filter (median / best)", f"{apps_default[0] * 1000:.0f} / {apps_default[1] * 1000:.0f} ms",
         "target < 150 ms")
    line("Apps, filter removed, 2,000+ modules", f"{apps_all[0] * 1000:.0f} / {apps_all[1] * 1000:.0f} ms",
         "target < 150 ms")
    line("Apps, filter removed, list view", f"{apps_list[0] * 1000:.0f} / {apps_list[1] * 1000:.0f} ms",
         "target < 150 ms")
    line("form view of a partner", f"{form[0] * 1000:.0f} / {form[1] * 1000:.0f} ms", "target < 50 ms")


if __name__ == "__main__":
    main()
