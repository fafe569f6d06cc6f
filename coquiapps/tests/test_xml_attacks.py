"""XML bombs and external entities in view architectures: refused, never expanded or read.

A system administrator can write ``ir.ui.view`` records, and modules ship
views; neither an entity-expansion bomb nor an external entity may cost the
server its memory or leak a file into a page.
"""
from __future__ import annotations

import pytest

from coquiapps.orm.exceptions import UserError, ValidationError
from coquiapps.tools.view_inheritance import ViewInheritanceError, combine

#: ten levels of ten references each: 10**10 characters if expanded
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE form [<!ENTITY a "aaaaaaaaaa">'
          + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9))
          + ']><form string="&j;"><field name="name"/></form>')
XXE = ('<?xml version="1.0"?><!DOCTYPE form [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<form string="&x;"><field name="name"/></form>')


@pytest.mark.parametrize("arch", [LAUGHS, XXE], ids=["entity-bomb", "external-entity"])
def test_combining_a_hostile_view_fails_cleanly(arch):
    with pytest.raises(ViewInheritanceError, match="invalid XML"):
        combine(arch, [])


@pytest.mark.parametrize("arch", [LAUGHS, XXE], ids=["entity-bomb", "external-entity"])
def test_a_hostile_view_record_is_refused_or_inert(env, arch):
    try:
        view = env["ir.ui.view"].create({"name": "hostile", "model": "res.partner", "arch": arch})
    except (UserError, ValidationError):
        return
    # if stored at all, rendering it must fail without expanding anything
    with pytest.raises(ViewInheritanceError, match="invalid XML"):
        view.get_combined_arch()
    assert "root:" not in view.arch
