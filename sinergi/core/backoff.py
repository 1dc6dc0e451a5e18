"""Waiting between retries: doubling from a base up to a cap, for any number of failures.

``timedelta(seconds=2 ** n)`` overflows once n passes about 46 (a peer down for an afternoon), and an
exception there turns an expected condition into a failing job every round; this never computes past the cap.
"""

from __future__ import annotations

import datetime as dt


def exponential(failures: int, *, base: dt.timedelta, cap: dt.timedelta) -> dt.timedelta:
    """``base`` after the first failure, doubling after each further one, never more than ``cap``."""
    wait = min(base, cap)
    for _ in range(max(0, failures - 1)):
        if wait >= cap:
            break
        wait = min(wait * 2, cap)
    return wait
