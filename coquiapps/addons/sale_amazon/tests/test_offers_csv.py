"""SKU links as CSV: export, import (all or nothing, wrong rows listed by line), wizard."""
import base64

import pytest

from coquiapps.exceptions import UserError

from . import common

# fixtures shared through common (no conftest.py in addons)
account, marketplace_us, mug = common.account, common.marketplace_us, common.mug



@pytest.fixture
def other_account(env, marketplace_us):
    return env["amazon.account"].create({"name": "Amazon SP", "base_marketplace_id": marketplace_us.id})


@pytest.fixture
def cap(env):
    return env["product.product"].create({"name": "Cap", "default_code": "CAP-INT"})


def test_round_trip(env, account, other_account, cap):
    env["amazon.offer"].create({"account_id": account.id, "sku": "SKU-CAP", "product_id": cap.id})
    text = account.export_offers_csv()
    assert text.splitlines() == ["sku,marketplace,default_code", "SKU-CAP,,CAP-INT",
                                 "SKU-MUG,ATVPDKIKX0DER,MUG-INT"]
    result = other_account.import_offers_csv(text)
    assert result == {"created": 2, "updated": 0, "errors": []}
    assert other_account.export_offers_csv() == text
    assert other_account.import_offers_csv(text) == {"created": 0, "updated": 0, "errors": []}
    changed = text.replace("SKU-CAP,,CAP-INT", "SKU-CAP,A2EUQ1WTGCTBG2,MUG-INT")
    assert other_account.import_offers_csv(changed) == {"created": 0, "updated": 1, "errors": []}
    offer = other_account.offer_ids.filtered(lambda o: o.sku == "SKU-CAP")
    assert offer.product_id.default_code == "MUG-INT" and offer.marketplace_id.code == "CA"


def test_bad_rows_reported_by_line_and_nothing_imported(env, other_account, cap):
    text = "\n".join([
        "sku,marketplace,default_code",     # 1
        "GOOD-1,ATVPDKIKX0DER,CAP-INT",     # 2 fine
        "BAD-PRODUCT,,NO-SUCH-REF",         # 3
        "BAD-MKT,XXXXXXXX,CAP-INT",         # 4
        ",ATVPDKIKX0DER,CAP-INT",           # 5
        "",                                 # 6 blank: ignored
        "GOOD-1,,CAP-INT",                  # 7 duplicate of line 2
        "NO-REF,,",                         # 8
    ])
    result = other_account.import_offers_csv(text)
    assert result["created"] == 0 and result["updated"] == 0
    assert [line for line, _ in result["errors"]] == [3, 4, 5, 7, 8]
    reasons = dict(result["errors"])
    assert "NO-SUCH-REF" in reasons[3] and "XXXXXXXX" in reasons[4] and "line 2" in reasons[7]
    assert not other_account.offer_ids


def test_missing_column_and_empty_file(env, other_account):
    assert other_account.import_offers_csv("sku,marketplace\nA,B\n")["errors"][0][0] == 1
    assert other_account.import_offers_csv("")["errors"][0][0] == 1


def test_header_aliases_and_quoted_lines(env, other_account, cap):
    text = 'Seller_SKU,api_ref,Product\n"MULTI\nLINE",,CAP-INT\nOK-2,,CAP-INT\nBAD,,NOPE\n'
    result = other_account.import_offers_csv(text)
    assert result["errors"] and result["errors"][0][0] == 5  # the quoted SKU spans lines 2-3


def test_wizard(env, account, other_account):
    wizard = env["amazon.offer.csv.wizard"].create({"account_id": account.id})
    wizard.action_export()
    exported = wizard.attachment_id
    assert (exported.res_model, exported.res_id, exported.mimetype) == ("amazon.account", account.id, "text/csv")
    assert base64.b64decode(exported.read(["datas"])[0]["datas"]).startswith(b"sku,marketplace")
    assert "1 SKU link(s) exported" in wizard.result and exported.name in wizard.result
    importer = env["amazon.offer.csv.wizard"].create({"account_id": other_account.id,
                                                      "csv_file": exported.datas})
    importer.action_import()
    assert "1 SKU link(s) created" in importer.result
    bad = env["amazon.offer.csv.wizard"].create({"account_id": other_account.id,
                                                 "csv_file": b"sku,marketplace,default_code\nX,,NOPE\n"})
    with pytest.raises(UserError, match="line 2: no product"):
        bad.action_import()
