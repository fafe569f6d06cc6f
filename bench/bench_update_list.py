"""update_list over 2,000 generated addons, against a bare scan of the same manifests.

Targets: under 1 s, and within 2x of reading + parsing the manifests alone.
"""
import ast
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import best, line, timer  # noqa: E402

from coquiapps import sql_db  # noqa: E402
from coquiapps.modules import discovery, loading  # noqa: E402
from coquiapps.orm import SUPERUSER_ID, Environment, Registry  # noqa: E402
from coquiapps.service import db  # noqa: E402
from coquiapps.tools import config  # noqa: E402

COUNT = 2000


def generate(root: Path) -> None:
    for index in range(COUNT):
        folder = root / f"bench_mod_{index:04d}"
        folder.mkdir()
        depends = [f"bench_mod_{index - 1:04d}"] if index % 10 else ["base"]
        (folder / "__manifest__.py").write_text(repr({
            "name": f"Bench Module {index}", "version": "1.0", "depends": depends,
            "summary": "generated", "license": "LGPL-3", "application": index % 7 == 0}))
        (folder / "__init__.py").write_text("")


def bare_scan(root: Path) -> int:
    count = 0
    for folder in sorted(root.iterdir()):
        ast.literal_eval((folder / "__manifest__.py").read_text())
        count += 1
    return count


def main() -> None:
    name = "bench_update_list"
    if db.exists(name):
        db.drop_database(name)
    db.create_database(name)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root)
        config.current().values["addons_path"] = str(root)
        discovery.discover([root])
        bare, full, again = [], [], []
        for attempt in range(11):
            with timer(bare):
                bare_scan(root)
            with sql_db.cursor(name) as cr:
                env = Environment(cr, SUPERUSER_ID, {}, registry=Registry.get(name))
                with timer(full if attempt == 0 else again):
                    result = loading.update_list(env)
                if attempt == 0:
                    added = result[1]
    db.drop_database(name)
    line("modules", str(COUNT))
    line("bare scan (read + literal_eval), best of 11", f"{best(bare) * 1000:.0f} ms")
    line("update_list, first run (adds all)", f"{full[0] * 1000:.0f} ms", "target < 1000 ms")
    line("update_list, later runs (nothing new), best", f"{best(again) * 1000:.0f} ms", "target < 1000 ms")
    line("ratio later run / bare scan", f"{best(again) / best(bare):.2f}x", "target <= 2x")
    line("ratio first run / bare scan", f"{full[0] / best(bare):.2f}x")
    line("added", str(added))


if __name__ == "__main__":
    main()
