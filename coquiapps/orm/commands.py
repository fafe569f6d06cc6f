"""x2many write commands, the tuples Odoo uses: ``Command.create(vals)`` = ``(0, 0, vals)`` ..."""
from enum import IntEnum


class Command(IntEnum):
    CREATE = 0
    UPDATE = 1
    DELETE = 2
    UNLINK = 3
    LINK = 4
    CLEAR = 5
    SET = 6

    @classmethod
    def create(cls, values: dict):
        return (cls.CREATE, 0, values)

    @classmethod
    def update(cls, id: int, values: dict):
        return (cls.UPDATE, id, values)

    @classmethod
    def delete(cls, id: int):
        return (cls.DELETE, id, 0)

    @classmethod
    def unlink(cls, id: int):
        return (cls.UNLINK, id, 0)

    @classmethod
    def link(cls, id: int):
        return (cls.LINK, id, 0)

    @classmethod
    def clear(cls):
        return (cls.CLEAR, 0, 0)

    @classmethod
    def set(cls, ids):
        return (cls.SET, 0, list(ids))
