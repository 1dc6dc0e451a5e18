from rest_framework.pagination import CursorPagination


class DefaultPagination(CursorPagination):
    """Cursor pagination: constant time per page at any depth, no COUNT(*) over a million rows."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-created_at"
