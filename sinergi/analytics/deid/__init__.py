"""De-identification, in one place: small-cell suppression for every published table (``cells``) and the
k-anonymous record-level release in the shape of the CTDC global dataset (``release``). Dashboards, reports,
exports and the API all go through these functions; nothing else decides what is small."""

from .cells import Protected, min_cell, protect_series, protect_table, protect_tree, suppress

__all__ = ["Protected", "min_cell", "protect_series", "protect_table", "protect_tree", "suppress"]
