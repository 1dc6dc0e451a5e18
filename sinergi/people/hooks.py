"""What other apps keep in step with a person. They register from their ``AppConfig.ready()``; people calls them
inside the transaction of its own write, and imports none of them."""

from __future__ import annotations

from collections.abc import Callable

_origin_changed: list[Callable] = []


def on_origin_changed(listener: Callable) -> None:
    """``listener(person)`` after the person's origin (village, regency, province) changed."""
    if listener not in _origin_changed:
        _origin_changed.append(listener)


def origin_changed(person) -> None:
    for listener in _origin_changed:
        listener(person)
