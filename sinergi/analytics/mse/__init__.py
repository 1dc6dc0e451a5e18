"""Multiple systems estimation (MSE) of hidden victims: how many people no list has recorded.

The Python API, for the command and the analytics page:

- ``read_csv(data) -> CaptureTable``: a capture-history table from CSV bytes (one 0/1 column per list and
  ``count``), checked; ``CaptureTable.from_rows(lists, [(pattern, count), ...])`` builds one in code.
- ``estimate(table, method="stepwise"|"bic", threshold=0.02, replicates=1000, resampling="multinomial"|
  "parametric", seed=1234, level=0.95, jobs=1) -> Estimate``: the model chosen as SparseMSE does (or by BIC),
  the total and the number never seen, the BCa bootstrap interval with the model choice repeated in every
  replicate, and the profile-likelihood interval given the chosen model. ``Estimate.as_dict()`` is the JSON
  document of ``sinergi estimate``; ``render(estimate)`` the readable table.
- ``link(records, pairs, clusters) -> Linked`` and ``estimate_with_linkage(linked, draws=100, ...) ->
  LinkageEstimate``: the estimate with linkage uncertainty carried in (see ``linkage``'s docstring).
- ``caveats()``: the plain-language caveats for the page, in the active language.
- Errors: ``CaptureTableError`` (the table cannot be used) and ``NoEstimate`` (no finite estimate), both
  Django ``ValidationError``s with codes and parameters.
"""

from .caveats import CAVEATS, caveats
from .errors import CaptureTableError, NoEstimate, messages_of
from .estimate import Estimate, Interval, estimate
from .linkage import LinkageEstimate, Linked, estimate_with_linkage, link
from .report import render
from .table import CaptureTable, Note, read_csv, validate

__all__ = [
    "CAVEATS",
    "CaptureTable",
    "CaptureTableError",
    "Estimate",
    "Interval",
    "LinkageEstimate",
    "Linked",
    "NoEstimate",
    "Note",
    "caveats",
    "estimate",
    "estimate_with_linkage",
    "link",
    "messages_of",
    "read_csv",
    "render",
    "validate",
]
