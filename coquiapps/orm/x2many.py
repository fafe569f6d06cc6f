"""The x2many command interpreter: Odoo's (0, 0, vals), (6, 0, ids) ... applied to records."""
from __future__ import annotations

from psycopg2 import sql

from coquiapps.orm.commands import Command


def _is_create_command(command) -> bool:
    return isinstance(command, list | tuple) and len(command) == 3 and command[0] == Command.CREATE


class X2many:
    """Applying one2many and many2many commands to records."""

    def _create_one2many_lines(self, deferred) -> set[str]:
        """Create the lines of one2many fields given only as creations, for all new records in one
        ``create`` per field (a thousand modules' dependencies are one INSERT, not a thousand);
        returns the names of the fields done."""
        lines: dict[str, list] = {}
        for name in {name for _rid, x2many, _inverse, _names in deferred for name in x2many}:
            field = self._fields[name]
            if field.type != "one2many" or not all(
                    _is_create_command(c) for _rid, x2many, _i, _n in deferred for c in x2many.get(name) or ()):
                continue
            lines[name] = [{**(command[2] or {}), field.inverse_name: rid}
                           for rid, x2many, _inverse, _names in deferred for command in x2many.get(name) or ()]
        for name, values in sorted(lines.items()):
            if values:
                self.env[self._fields[name].comodel_name].create(values)
                self.env.cr.cache.clear()
        return set(lines)


    def _write_x2many(self, field, commands):
        """Apply Odoo's x2many commands to a single record."""
        comodel = self.env[field.comodel_name]
        if isinstance(commands, X2many):  # a recordset (BaseModel composes this mixin)
            commands = [Command.set(commands.ids)]
        elif commands and all(isinstance(c, int) for c in commands):
            commands = [Command.set(commands)]
        for command in commands or []:
            code = command[0]
            if code == Command.CREATE:
                values = dict(command[2] or {})
                if field.type == "one2many":
                    values[field.inverse_name] = self.id
                    comodel.create(values)
                else:
                    self._m2m_link(field, [comodel.create(values).id])
            elif code == Command.UPDATE:
                comodel.browse(command[1]).write(command[2])
            elif code == Command.DELETE:
                comodel.browse(command[1]).unlink()
            elif code == Command.UNLINK:
                if field.type == "one2many":
                    line = comodel.browse(command[1])
                    if comodel._fields[field.inverse_name].required:
                        line.unlink()
                    else:
                        line.write({field.inverse_name: False})
                else:
                    self._m2m_unlink(field, [command[1]])
            elif code == Command.LINK:
                if field.type == "one2many":
                    comodel.browse(command[1]).write({field.inverse_name: self.id})
                else:
                    self._m2m_link(field, [command[1]])
            elif code in (Command.CLEAR, Command.SET):
                target = list(command[2]) if code == Command.SET else []
                if field.type == "one2many":
                    current = self.with_context(active_test=False)[field.name]
                    stale = current - current.browse(target)
                    if stale:
                        if comodel._fields[field.inverse_name].required:
                            stale.unlink()
                        else:
                            stale.write({field.inverse_name: False})
                    if target:
                        comodel.browse(target).write({field.inverse_name: self.id})
                else:
                    self.env.cr.execute(
                        sql.SQL("DELETE FROM {} WHERE {} = %s").format(
                            sql.Identifier(field.relation), sql.Identifier(field.column1)),
                        (self.id,),
                    )
                    self._m2m_link(field, target)
            else:
                raise ValueError(f"unknown x2many command {command!r} for {field}")
            self.env.cr.cache.clear()

    def _m2m_link(self, field, ids):
        if not ids:
            return
        self.env.cr.execute_values(
            sql.SQL("INSERT INTO {} ({}, {}) VALUES %s ON CONFLICT DO NOTHING").format(
                sql.Identifier(field.relation), sql.Identifier(field.column1), sql.Identifier(field.column2),
            ).as_string(self.env.cr.connection),
            [(self.id, i) for i in ids],
        )

    def _m2m_unlink(self, field, ids):
        self.env.cr.execute(
            sql.SQL("DELETE FROM {} WHERE {} = %s AND {} IN %s").format(
                sql.Identifier(field.relation), sql.Identifier(field.column1), sql.Identifier(field.column2)),
            (self.id, tuple(ids)),
        )
