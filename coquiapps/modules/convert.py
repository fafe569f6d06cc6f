"""Loading data files: XML records, CSV rows and SQL scripts, with external ids.

Every error is raised as :class:`DataFileError` naming the module, the file
and the line, so an install that fails says where to look.
"""
from __future__ import annotations

import csv
import datetime
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta
from lxml import etree

from coquiapps.orm.commands import Command
from coquiapps.tools.safe_eval import SafeEvalError, safe_eval

ROOT_TAGS = ("coquiapps", "odoo", "openerp")


class DataFileError(Exception):
    """A data file could not be loaded; ``str()`` names module, file and line."""

    def __init__(self, module: str, filename: str, line: int | None, reason: str):
        where = f"{filename}, line {line}" if line else filename
        super().__init__(f"module {module}, file {where}: {reason}")
        self.module, self.filename, self.line, self.reason = module, filename, line, reason


class DataLoader:
    """Loads one module's data files into ``env`` (superuser), recording external ids."""

    def __init__(self, env, module: str, mode: str = "init"):
        self.env = env
        self.module = module
        self.mode = mode  # "init" (install) or "update" (upgrade: noupdate records kept)
        self.loaded_xmlids: set[str] = set()

    # -- entry points -----------------------------------------------------------
    def load_file(self, folder: Path, filename: str) -> None:
        path = Path(folder) / filename
        if not path.is_file():
            raise DataFileError(self.module, filename, None, "file does not exist")
        suffix = path.suffix.lower()
        if suffix == ".xml":
            self.load_xml(path, filename)
        elif suffix == ".csv":
            self.load_csv(path, filename)
        elif suffix == ".sql":
            self.load_sql(path, filename)
        else:
            raise DataFileError(self.module, filename, None, f"unsupported data file type {suffix!r}")

    def load_sql(self, path: Path, filename: str) -> None:
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(path.read_text())
        except Exception as exc:
            raise DataFileError(self.module, filename, None, f"SQL error: {str(exc).strip()}") from exc

    # -- CSV -------------------------------------------------------------------
    def load_csv(self, path: Path, filename: str) -> None:
        model_name = path.stem
        if model_name not in self.env:
            raise DataFileError(self.module, filename, None,
                                f"the file name must be a model name; model {model_name!r} does not exist")
        model = self.env[model_name]
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        if not rows:
            return
        header = [h.strip() for h in rows[0]]
        if "id" not in header:
            raise DataFileError(self.module, filename, 1, "the header needs an 'id' column")
        for number, row in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise DataFileError(self.module, filename, number,
                                    f"{len(row)} values for {len(header)} columns")
            values, xmlid = {}, None
            try:
                for column, cell in zip(header, row, strict=True):
                    cell = cell.strip()
                    if column == "id":
                        xmlid = cell
                        continue
                    name, _, suffix = column.partition(":")
                    if name.endswith("/id"):
                        name, suffix = name[:-3], "id"
                    field = model._fields.get(name)
                    if field is None:
                        raise ValueError(f"model {model_name} has no field {name!r}")
                    values[name] = self._csv_value(field, cell, suffix)
                if not xmlid:
                    raise ValueError("empty id")
                self.load_record(model_name, xmlid, values, noupdate=False)
            except DataFileError:
                raise
            except Exception as exc:
                raise DataFileError(self.module, filename, number, _reason(exc)) from exc

    def _csv_value(self, field, cell: str, suffix: str):
        if suffix == "id":
            if not cell:
                return False
            if field.type == "many2many":
                return [Command.set([self.ref(x.strip()) for x in cell.split(",") if x.strip()])]
            return self.ref(cell)
        if field.type == "boolean":
            return cell.lower() in ("1", "true", "yes")
        if field.type in ("integer", "float", "monetary"):
            return cell or 0
        return cell or False

    # -- XML ---------------------------------------------------------------------
    def load_xml(self, path: Path, filename: str) -> None:
        try:
            tree = etree.parse(str(path), parser=etree.XMLParser(remove_comments=True))
        except etree.XMLSyntaxError as exc:
            raise DataFileError(self.module, filename, exc.lineno, f"invalid XML: {exc.msg}") from exc
        root = tree.getroot()
        if root.tag not in ROOT_TAGS:
            raise DataFileError(self.module, filename, root.sourceline,
                                f"root element must be <coquiapps> or <odoo>, not <{root.tag}>")
        self._load_children(root, filename, _noupdate(root, False))

    def _load_children(self, parent, filename: str, noupdate: bool) -> None:
        for node in parent:
            if not isinstance(node.tag, str):
                continue
            try:
                if node.tag == "data":
                    self._load_children(node, filename, _noupdate(node, noupdate))
                elif node.tag == "record":
                    self._tag_record(node, noupdate)
                elif node.tag == "menuitem":
                    self._tag_menuitem(node, noupdate)
                elif node.tag == "function":
                    self._tag_function(node)
                elif node.tag == "delete":
                    self._tag_delete(node)
                else:
                    raise ValueError(f"unknown element <{node.tag}>")
            except DataFileError:
                raise
            except Exception as exc:
                raise DataFileError(self.module, filename, node.sourceline, _reason(exc)) from exc

    def full_xmlid(self, xmlid: str) -> str:
        return xmlid if "." in xmlid else f"{self.module}.{xmlid}"

    def ref(self, xmlid: str) -> int:
        res_id = self.env["ir.model.data"]._xmlid_to_res_id(self.full_xmlid(xmlid), raise_if_not_found=False)
        if not res_id:
            raise ValueError(f"external id {self.full_xmlid(xmlid)!r} not found")
        return res_id

    def eval_context(self) -> dict:
        return {"ref": self.ref, "time": time, "datetime": datetime, "timedelta": datetime.timedelta,
                "relativedelta": relativedelta, "Command": Command, "True": True, "False": False,
                "None": None, "DateTime": datetime.datetime}

    def _tag_record(self, node, noupdate: bool) -> None:
        model_name = node.get("model")
        if model_name not in self.env:
            raise ValueError(f"model {model_name!r} does not exist")
        model = self.env[model_name]
        values = {}
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field":
                raise ValueError(f"unexpected <{child.tag}> inside <record>")
            name = child.get("name")
            field = model._fields.get(name)
            if field is None:
                raise ValueError(f"model {model_name} has no field {name!r}")
            values[name] = self._field_value(child, field)
        xmlid = node.get("id")
        forcecreate = node.get("forcecreate", "1") not in ("0", "False", "false")
        self.load_record(model_name, xmlid, values, noupdate=_noupdate(node, noupdate), forcecreate=forcecreate)

    def _field_value(self, node, field):
        if node.get("ref"):
            ref = self.ref(node.get("ref"))
            if field.type == "many2many":
                return [Command.set([ref])]
            if field.type == "char" and field.name == "action":
                return ref
            return ref
        if node.get("search"):
            domain = safe_eval(node.get("search"), self.eval_context())
            found = self.env[field.comodel_name].search(domain)
            return [Command.set(found.ids)] if field.type == "many2many" else (found[:1].id or False)
        if node.get("eval") is not None:
            return safe_eval(node.get("eval"), self.eval_context())
        if node.get("type") in ("xml", "html") or field.name == "arch":
            inner = (node.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in node)
            return inner.strip()
        text = node.text or ""
        if field.type in ("integer",):
            return int(text.strip() or 0)
        if field.type in ("float", "monetary"):
            return float(text.strip() or 0)
        if field.type == "boolean":
            return text.strip().lower() in ("1", "true")
        if field.type == "many2one":
            return self.ref(text.strip()) if text.strip() else False
        return text

    def load_record(self, model_name: str, xmlid: str | None, values: dict, noupdate=False, forcecreate=True):
        """Create or update the record behind ``xmlid``; returns the record."""
        model = self.env[model_name]
        data = self.env["ir.model.data"]
        if xmlid:
            full = self.full_xmlid(xmlid)
            self.loaded_xmlids.add(full)
            found = data._lookup(full)
            if found:
                record = self.env[found[0]].browse(found[1]).exists()
                if record:
                    if self.mode == "update" and found[2]:
                        return record  # noupdate: the user's changes win
                    record.write(values)
                    return record
            elif not forcecreate and self.mode == "update":
                return model.browse()
            record = model.create(values)
            data._set_xmlid(full, record, noupdate)
            return record
        return model.create(values)

    def _tag_menuitem(self, node, noupdate: bool) -> None:
        values = {}
        if node.get("name") is not None:
            values["name"] = node.get("name")
        if node.get("parent"):
            values["parent_id"] = self.ref(node.get("parent"))
        if node.get("sequence"):
            values["sequence"] = int(node.get("sequence"))
        if node.get("web_icon"):
            values["web_icon"] = node.get("web_icon")
        if node.get("action"):
            action_id = self.full_xmlid(node.get("action"))
            found = self.env["ir.model.data"]._lookup(action_id)
            if not found:
                raise ValueError(f"action {action_id!r} not found")
            values["action"] = f"{found[0]},{found[1]}"
            if "name" not in values:
                values["name"] = self.env[found[0]].browse(found[1]).name
        if node.get("groups"):
            values["groups_id"] = [Command.set([self.ref(g.strip()) for g in node.get("groups").split(",")
                                                if g.strip() and not g.strip().startswith("-")])]
        if "name" not in values and not self.env["ir.model.data"]._lookup(self.full_xmlid(node.get("id"))):
            raise ValueError(f"menuitem {node.get('id')!r} needs a name or an action")
        self.load_record("ir.ui.menu", node.get("id"), values, noupdate)
        for child in node:
            if isinstance(child.tag, str) and child.tag == "menuitem":
                child.set("parent", node.get("id"))
                self._tag_menuitem(child, noupdate)

    def _tag_function(self, node) -> None:
        model = self.env[node.get("model")]
        method = node.get("name")
        if method.startswith("__"):
            raise ValueError(f"method {method!r} cannot be called from data")
        args = []
        if node.get("eval"):
            args = safe_eval(node.get("eval"), self.eval_context())
            args = list(args) if isinstance(args, (list, tuple)) else [args]
        for child in node:
            if isinstance(child.tag, str) and child.tag == "value":
                args.append(safe_eval(child.get("eval"), self.eval_context()) if child.get("eval")
                            else child.text)
        getattr(model, method)(*args)

    def _tag_delete(self, node) -> None:
        model = self.env[node.get("model")]
        if node.get("id"):
            found = self.env["ir.model.data"]._lookup(self.full_xmlid(node.get("id")))
            if found:
                model.browse(found[1]).exists().unlink()
        elif node.get("search"):
            model.search(safe_eval(node.get("search"), self.eval_context())).unlink()


def _noupdate(node, default: bool) -> bool:
    value = node.get("noupdate")
    if value is None:
        return default
    return value.strip().lower() in ("1", "true")


def _reason(exc: Exception) -> str:
    if isinstance(exc, SafeEvalError):
        return str(exc)
    if getattr(exc, "message", None):
        return exc.message
    if type(exc) in (ValueError, KeyError) and str(exc):
        return str(exc).strip("'\"")
    return f"{type(exc).__name__}: {exc}"


