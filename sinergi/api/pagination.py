"""Keyset (cursor) pagination.

DRF's ``CursorPagination`` positions the cursor on the first ordering field only and walks ties with an
offset; with thousands of cases reported on the same day that offset grows into a scan. Here the cursor holds
the values of every ordering field of the edge row, and the next page is the rows strictly after that tuple,
so each page costs the same at any depth and no COUNT(*) is ever run.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from functools import reduce
from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from django.utils.translation import gettext_lazy as _

INVALID_CURSOR = _("Kursor tidak valid.")


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


class KeysetPagination(CursorPagination):
    """Ordering comes from the view's ``cursor_ordering`` (or ``ordering`` here) and must end in a unique field."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering: tuple[str, ...] = ("-created_at", "-id")

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "cursor_ordering", None) or self.ordering)

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        position = self._parse_position(queryset.model, self.cursor.position) if self.cursor else None
        ordering = [_flip(f) for f in self.ordering] if reverse else list(self.ordering)
        after = self._after(ordering, position) if position is not None else None
        fetch = getattr(view, "fetch_page", None)
        if fetch is not None:  # the view knows a faster way to the same rows
            rows = fetch(tuple(ordering), after, self.page_size + 1)
        else:
            qs = queryset.order_by(*ordering)
            if after is not None:
                qs = qs.filter(after)
            rows = list(qs[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if reverse:
            rows.reverse()
            self.has_next, self.has_previous = position is not None, more
        else:
            self.has_next, self.has_previous = more, position is not None
        self.page = rows
        return rows

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None
        try:
            from base64 import b64decode

            querystring = b64decode(encoded.encode("ascii")).decode("ascii")
            tokens = parse.parse_qs(querystring, keep_blank_values=True)
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
        except (TypeError, ValueError, UnicodeError):
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from None
        if position is None:
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]})
        return Cursor(offset=0, reverse=reverse, position=position)

    def _parse_position(self, model, raw: str) -> list:
        try:
            values = json.loads(raw)
            if not isinstance(values, list) or len(values) != len(self.ordering):
                raise ValueError
            parsed = []
            for field, value in zip(self.ordering, values, strict=True):
                name = field.lstrip("-")
                model_field = model._meta.pk if name in ("id", "pk") else model._meta.get_field(name)
                parsed.append(model_field.to_python(value))
            if any(v is None for v in parsed):
                raise ValueError
            return parsed
        except (ValueError, TypeError, FieldDoesNotExist, DjangoValidationError):
            raise ValidationError({self.cursor_query_param: [INVALID_CURSOR]}) from None

    @staticmethod
    def _after(ordering: list[str], values: list) -> Q:
        """Rows strictly after ``values`` in ``ordering``: (a > x) or (a = x and b > y) or ..."""
        clauses, equal = [], {}
        for field, value in zip(ordering, values, strict=True):
            name = field.lstrip("-")
            op = "lt" if field.startswith("-") else "gt"
            clauses.append(Q(**equal, **{f"{name}__{op}": value}))
            equal[name] = value
        return reduce(operator.or_, clauses)

    def _position_of(self, obj) -> str:
        values = []
        for field in self.ordering:
            value = getattr(obj, field.lstrip("-"))
            values.append(value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value))
        return json.dumps(values, separators=(",", ":"))

    def get_next_link(self):
        if not self.has_next or not self.page:
            return None
        return self.encode_cursor(Cursor(offset=0, reverse=False, position=self._position_of(self.page[-1])))

    def get_previous_link(self):
        if not self.has_previous or not self.page:
            return None
        return self.encode_cursor(Cursor(offset=0, reverse=True, position=self._position_of(self.page[0])))


class DefaultPagination(KeysetPagination):
    """Newest first for tables with ``created_at``; views with other keys set ``cursor_ordering``."""


class CasePagination(KeysetPagination):
    """Cases: newest report first, the id breaking ties (the order of ``cases.selectors.case_list``)."""

    ordering = ("-reported_on", "-id")
