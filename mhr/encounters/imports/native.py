"""Native files: one row per encounter, columns chosen on the mapping step.

Each cell goes through `schema.coerce` and each row through `schema.check_record`, so a file
says exactly what the entry form and the API would say. Speed comes from memoising coerce per
distinct cell value (codes, yes/no and counts repeat endlessly) and a fast path for ISO date-times
that falls back to coerce for anything else, so messages stay the schema's.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from mhr.campaigns.imports.errors import IssueList
from mhr.encounters import schema

CACHE_LIMIT = 20_000
UTC = datetime.UTC


class Bad:
    """A cell that cannot be read, with the message to show (returned, not raised: it is fast)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def field_message(name: str, message: str) -> str:
    label = schema.BY_NAME[name].label
    return f"{label} {message}" if message.startswith("is ") else f"{label}: {message}"


def cell_converter(name: str, tz: ZoneInfo) -> Callable[[Any], Any]:
    """A function from a cell to the field's value or a Bad, equivalent to schema.coerce."""
    spec = schema.BY_NAME[name]

    def slow(raw: Any) -> Any:
        try:
            return schema.coerce(name, raw, tz=tz)
        except ValueError as exc:
            return Bad(field_message(name, str(exc)))

    if spec.kind == schema.TEXT and spec.name in ("incident_number", "person_key"):
        limit = spec.max_length

        def text(raw: Any) -> Any:
            if raw.__class__ is str:
                value = raw.strip()
                if len(value) <= limit:
                    return value
            return slow(raw)

        return text
    if spec.kind == schema.DATETIME:
        fromiso = datetime.datetime.fromisoformat

        def moment(raw: Any) -> Any:
            # "2025-03-14 14:05" or "2025-03-14T14:05:00" without offset: the common case.
            if raw.__class__ is str and len(raw) in (16, 19) and raw[10] in " T" and raw[4] == "-":
                try:
                    return fromiso(raw).replace(tzinfo=tz).astimezone(UTC)
                except (ValueError, OverflowError):
                    pass
            return slow(raw)

        return moment
    # Codes, yes/no, counts and call types repeat: remember each distinct cell's result.
    cache: dict[Any, Any] = {}

    def memo(raw: Any) -> Any:
        try:
            return cache[raw]
        except KeyError:
            pass
        except TypeError:
            return slow(raw)
        value = slow(raw)
        if len(cache) < CACHE_LIMIT:
            cache[raw] = value
        return value

    return memo


def is_blank(cells: Sequence[Any]) -> bool:
    return not "".join(str(cell) for cell in cells).strip()


class NativeConverter:
    format = "native"

    def __init__(self, headers: Sequence[str], mapping: dict[str, str], tz: ZoneInfo) -> None:
        index = {header: position for position, header in reversed(list(enumerate(headers)))}
        self.mapping = dict(mapping)
        self.provided = tuple(mapping)
        self.columns = [
            (name, index[header], cell_converter(name, tz)) for name, header in mapping.items()
        ]

    def column(self, name: str) -> str:
        return self.mapping.get(name, schema.BY_NAME[name].label if name in schema.BY_NAME else "")

    def records(
        self,
        rows: Iterator[tuple[int, list[Any]]],
        errors: IssueList,
        warnings: IssueList,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        columns = self.columns
        check = schema.check_record
        header = self.mapping
        # The common row (every mapped cell present, none unreadable) is converted with C-level
        # loops: map calls each column's converter, zip and dict name the values.
        names = tuple(name for name, _position, _convert in columns)
        converters = tuple(convert for _name, _position, convert in columns)
        needed = max((position for _name, position, _convert in columns), default=-1) + 1
        positions = [position for _name, position, _convert in columns]
        pick: Callable[[list[Any]], Any] = (
            operator.itemgetter(*positions)
            if len(positions) > 1
            else lambda cells: tuple(cells[p] for p in positions)  # one column: no tuple
        )
        call = operator.call
        for number, cells in rows:
            if len(cells) >= needed:
                converted = list(map(call, converters, pick(cells)))
                if Bad not in set(map(type, converted)):
                    values = dict(zip(names, converted, strict=True))
                    if not values.get("incident_number") and is_blank(cells):
                        continue
                    problems = check(values, complete=True)
                    for name, message in problems:
                        errors.add(message, row=number, column=self.column(name))
                    if not problems:
                        yield number, values
                    continue
            width = len(cells)
            values = {}
            bad: list[str] = []
            for name, position, convert in columns:
                value = convert(cells[position] if position < width else "")
                if value.__class__ is Bad:
                    errors.add(value.message, row=number, column=header[name])
                    bad.append(name)
                else:
                    values[name] = value
            if not bad and not values.get("incident_number") and is_blank(cells):
                continue
            problems = check(values, complete=True)
            for name, message in problems:
                if name not in bad:
                    errors.add(message, row=number, column=self.column(name))
            if not bad and not problems:
                yield number, values
