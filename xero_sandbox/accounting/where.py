"""A small evaluator for Xero's ``where`` filter and ``order`` parameter, applied to
serialised records.

Covers what clients use: ``Status=="ACTIVE" AND Type=="BANK"``, ``Name.Contains("x")``,
``Name.StartsWith("x")``, ``Reference=="INV-1"``, ``Contact.ContactID==Guid("…")``,
``Date>=DateTime(2024,01,31)``, ``IsSupplier==true``, with AND/OR/&&/|| and brackets.
String comparisons ignore case, as Xero's do. An unparseable filter raises
``WhereSyntaxError``, which the API answers with 400 as Xero does.
"""

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from . import wire

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|>=|<=|>|<|&&|\|\||\(|\)|,)
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)


class WhereSyntaxError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise WhereSyntaxError(f"Cannot parse the where clause near {text[position:position + 20]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self, value: str | None = None):
        token = self.peek()
        if token[0] is None or (value is not None and token[1].upper() != value.upper()):
            raise WhereSyntaxError(f"Expected {value or 'more'} in the where clause")
        self.index += 1
        return token

    def parse(self) -> Callable[[dict], bool]:
        predicate = self.expression()
        if self.index != len(self.tokens):
            raise WhereSyntaxError("Unexpected text at the end of the where clause")
        return predicate

    def expression(self):
        left = self.conjunction()
        while self.peek()[1] and self.peek()[1].upper() in ("OR", "||"):
            self.take()
            right = self.conjunction()
            left = (lambda a, b: lambda record: a(record) or b(record))(left, right)
        return left

    def conjunction(self):
        left = self.unary()
        while self.peek()[1] and self.peek()[1].upper() in ("AND", "&&"):
            self.take()
            right = self.unary()
            left = (lambda a, b: lambda record: a(record) and b(record))(left, right)
        return left

    def unary(self):
        kind, value = self.peek()
        if kind == "word" and value.upper() == "NOT":
            self.take()
            inner = self.unary()
            return lambda record: not inner(record)
        if value == "(":
            self.take("(")
            inner = self.expression()
            self.take(")")
            return inner
        return self.comparison()

    def literal(self):
        kind, value = self.take()
        if kind == "string":
            return value[1:-1].replace('\\"', '"')
        if kind == "number":
            return Decimal(value)
        if kind == "word":
            upper = value.upper()
            if upper in ("TRUE", "FALSE"):
                return upper == "TRUE"
            if upper == "NULL":
                return None
            if upper in ("GUID", "DATETIME", "DATE"):
                self.take("(")
                parts = [self.literal()]
                while self.peek()[1] == ",":
                    self.take(",")
                    parts.append(self.literal())
                self.take(")")
                if upper == "GUID":
                    return str(parts[0]).lower()
                numbers = [int(part) for part in parts]
                return dt.date(*numbers[:3])
        raise WhereSyntaxError(f"Unexpected {value!r} in the where clause")

    def comparison(self):
        kind, path = self.take()
        if kind != "word":
            raise WhereSyntaxError(f"Expected a field name, got {path!r}")
        for method in ("Contains", "StartsWith", "EndsWith"):
            suffix = "." + method
            if path.endswith(suffix):
                field = path[: -len(suffix)]
                self.take("(")
                needle = str(self.literal()).lower()
                self.take(")")
                test = {
                    "Contains": lambda haystack, n: n in haystack,
                    "StartsWith": lambda haystack, n: haystack.startswith(n),
                    "EndsWith": lambda haystack, n: haystack.endswith(n),
                }[method]
                return lambda record, f=field, n=needle, t=test: t(str(_lookup(record, f) or "").lower(), n)
        kind, op = self.peek()
        if op not in ("==", "!=", ">=", "<=", ">", "<"):
            # A bare boolean field: ``IsSupplier``.
            return lambda record, f=path: _lookup(record, f) is True
        self.take()
        expected = self.literal()
        return lambda record, f=path, o=op, e=expected: _compare(_lookup(record, f), o, e)


def _lookup(record: dict, path: str):
    value = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        # Field names match case-insensitively.
        lowered = {key.lower(): key for key in value}
        key = lowered.get(part.lower())
        value = value.get(key) if key is not None else None
    return value


def _normalise(actual, expected):
    if isinstance(expected, dt.date):
        try:
            return wire.parse_date(actual), expected
        except (TypeError, ValueError):
            return None, expected
    if isinstance(expected, Decimal):
        try:
            return wire.parse_decimal(actual), expected
        except ValueError:
            return None, expected
    if isinstance(expected, str):
        return (None if actual is None else str(actual).lower()), expected.lower()
    return actual, expected


def _compare(actual, op: str, expected) -> bool:
    actual, expected = _normalise(actual, expected)
    if op == "==":
        return actual == expected
    if op == "!=":
        return actual != expected
    if actual is None or expected is None:
        return False
    try:
        return {">": actual > expected, "<": actual < expected, ">=": actual >= expected, "<=": actual <= expected}[op]
    except TypeError:
        return False


def compile_where(text: str | None) -> Callable[[dict], bool] | None:
    """A predicate over a serialised record, or None for no filter."""
    if not text or not text.strip():
        return None
    return _Parser(text).parse()


_ORDER_TERM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(ASC|DESC)?\s*$", re.I)


def _sort_value(value):
    """A comparable form of a serialised value: MS-JSON dates by time, numbers as numbers,
    strings case-insensitively."""
    if isinstance(value, str):
        match = re.match(r"^/Date\((-?\d+)", value)
        if match:
            return (1, int(match.group(1)))
        return (2, value.lower())
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float | Decimal):
        return (0, Decimal(str(value)))
    return (3, "")


def order_records(records: list[dict], order: str | None) -> list[dict]:
    """``order`` as Xero takes it on every list endpoint: ``Field [ASC|DESC]``, several
    separated by commas (https://developer.xero.com/documentation/api/accounting/requests-and-responses,
    "Ordering"). Records without the field go last. Raises ``WhereSyntaxError``."""
    if not order or not order.strip():
        return records
    terms = []
    for part in order.split(","):
        match = _ORDER_TERM.match(part)
        if not match:
            raise WhereSyntaxError(f"Cannot parse the order clause near {part.strip()[:20]!r}")
        terms.append((match.group(1), (match.group(2) or "ASC").upper() == "DESC"))
    ordered = list(records)
    # Stable sorts from the last key to the first give a multi-key order.
    for field, descending in reversed(terms):
        present = [r for r in ordered if _lookup(r, field) is not None]
        missing = [r for r in ordered if _lookup(r, field) is None]
        present.sort(key=lambda r, f=field: _sort_value(_lookup(r, f)), reverse=descending)
        ordered = present + missing
    return ordered
