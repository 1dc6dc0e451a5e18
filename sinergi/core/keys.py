"""The keys that protect data at rest: where they come from, how they are created and rotated.

Each purpose has its own keyring, an ordered list of ``(key id, 32 secret bytes)``; the last key is the active
one (it encrypts, signs and keys new data), the older ones stay to read what they protected until that is
re-encrypted. The database never holds a key.

    field       AES-256-GCM for personal fields (phones, e-mails, addresses, identity-document numbers)
    index       HMAC-SHA256 for the keyed digests that let those fields be looked up without decrypting
    audit       HMAC-SHA256 keying the audit chain
    checkpoint  Ed25519 seed signing the audit checkpoints kept outside the database
    exchange    AES-256-GCM for this instance's private exchange keys

A keyring comes from, first match: ``SINERGI_<PURPOSE>_KEY`` (the keyring itself, ``kid:base64url`` entries
separated by commas or white space), ``SINERGI_<PURPOSE>_KEY_FILE`` (a file with one ``kid:base64url`` per
line, ``#`` comments allowed), or ``<SINERGI_KEY_DIR>/<purpose>.key`` (default ``SINERGI_DATA_DIR/keys``).
When none exists and ``SINERGI_KEYS_AUTOCREATE`` is on (the demo and the tests: no ``SINERGI_SECRET_KEY``)
the key file is created; otherwise using the purpose raises ``ImproperlyConfigured`` and ``sinergi serve``
and ``sinergi worker`` refuse to start (``keys_missing``). ``sinergi keys`` manages them.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PURPOSES = ("field", "index", "audit", "checkpoint", "exchange")
KEY_BYTES = 32
_KID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_lock = threading.Lock()
_cache: dict[str, "Keyring"] = {}


class KeyringError(ImproperlyConfigured):
    """A keyring that is missing, malformed, or lacks a key that data refers to."""


@dataclass(frozen=True)
class Keyring:
    purpose: str
    keys: tuple[tuple[str, bytes], ...]
    source: str  # "env SINERGI_FIELD_KEY", "file /path" (for `sinergi keys status`)
    path: Path | None = None  # the file, when the keyring comes from one (rotation writes there)

    @property
    def active(self) -> tuple[str, bytes]:
        return self.keys[-1]

    @property
    def active_kid(self) -> str:
        return self.keys[-1][0]

    def get(self, kid: str) -> bytes:
        for k, secret in self.keys:
            if k == kid:
                return secret
        # Another process may have rotated the keyring since we loaded it (a new key appended to the file):
        # look at the source again before giving up.
        fresh = _reload(self.purpose)
        for k, secret in fresh.keys if fresh is not None else ():
            if k == kid:
                return secret
        raise KeyringError(f"the {self.purpose} keyring ({self.source}) has no key {kid!r}: data written under that "
                           "key cannot be read; restore the key (see `sinergi keys status`)")

    def kids(self) -> list[str]:
        return [k for k, _ in self.keys]


def _env_name(purpose: str, suffix: str = "") -> str:
    return f"SINERGI_{purpose.upper()}_KEY{suffix}"


def key_dir() -> Path:
    return Path(getattr(settings, "SINERGI_KEY_DIR", Path(settings.DATA_DIR) / "keys"))


def _default_path(purpose: str) -> Path:
    return key_dir() / f"{purpose}.key"


def _parse(text: str, purpose: str, source: str) -> tuple[tuple[str, bytes], ...]:
    entries = []
    for raw in re.split(r"[\s,]+", "\n".join(line.split("#", 1)[0] for line in text.splitlines())):
        if not raw:
            continue
        kid, sep, b64 = raw.partition(":")
        if not sep or not _KID.match(kid):
            raise KeyringError(f"{purpose} keyring ({source}): an entry is not 'kid:base64url' (kid: letters, digits, "
                            "- or _, at most 16)")
        try:
            secret = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        except ValueError:
            raise KeyringError(f"{purpose} keyring ({source}): key {kid!r} is not base64url") from None
        if len(secret) != KEY_BYTES:
            raise KeyringError(f"{purpose} keyring ({source}): key {kid!r} must be {KEY_BYTES} bytes")
        if any(k == kid for k, _ in entries):
            raise KeyringError(f"{purpose} keyring ({source}): key id {kid!r} appears twice")
        entries.append((kid, secret))
    if not entries:
        raise KeyringError(f"{purpose} keyring ({source}) holds no key")
    return tuple(entries)


def _locate(purpose: str) -> tuple[str | None, Path | None, str]:
    """(inline text or None, file path or None, description of the source)."""
    inline = os.environ.get(_env_name(purpose))
    if inline:
        return inline, None, f"environment {_env_name(purpose)}"
    named = os.environ.get(_env_name(purpose, "_FILE"))
    if named:
        return None, Path(named), f"file {named} ({_env_name(purpose, '_FILE')})"
    path = _default_path(purpose)
    return None, path, f"file {path}"


def new_entry() -> tuple[str, str]:
    """A fresh (key id, base64url secret)."""
    return secrets.token_hex(4), base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode().rstrip("=")


def _create_file(path: Path, purpose: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    kid, secret = new_entry()
    text = (f"# Sinergi {purpose} keyring: one 'kid:base64url' per line, the last one active. Keep a copy\n"
            f"# elsewhere: data protected by these keys cannot be read without them.\n{kid}:{secret}\n")
    # Written whole under a private name, then published with a hard link, which fails if the name exists: a
    # process starting beside this one (a second worker, a parallel test run) never reads a half-written file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
    finally:
        temporary.unlink(missing_ok=True)


def keyring(purpose: str) -> Keyring:
    """The keyring for ``purpose``, loaded once per process (``reset`` after changing it)."""
    ring = _cache.get(purpose)
    if ring is not None:
        return ring
    if purpose not in PURPOSES:
        raise ValueError(f"unknown key purpose {purpose!r}")
    with _lock:
        ring = _cache.get(purpose)
        if ring is None:
            ring = _cache[purpose] = _load(purpose)
    return ring


def _load(purpose: str) -> Keyring:
    inline, path, source = _locate(purpose)
    if inline is not None:
        return Keyring(purpose, _parse(inline, purpose, source), source)
    if not path.exists():
        if not getattr(settings, "SINERGI_KEYS_AUTOCREATE", False):
            raise KeyringError(
                f"no {purpose} key: set {_env_name(purpose)} or {_env_name(purpose, '_FILE')}, or create the key "
                f"files in SINERGI_KEY_DIR with `sinergi keys init` (looked for {path})")
        _create_file(path, purpose)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeError) as exc:
        raise KeyringError(f"{purpose} keyring ({source}) cannot be read: {exc}") from None
    return Keyring(purpose, _parse(text, purpose, source), source, path)


_last_reload: dict[str, float] = {}


def _reload(purpose: str) -> Keyring | None:
    """Load the purpose's keyring again (at most once a second), replacing the cached one if it changed."""
    import time

    now = time.monotonic()
    if now - _last_reload.get(purpose, 0.0) < 1.0:
        return None
    _last_reload[purpose] = now
    try:
        fresh = _load(purpose)
    except KeyringError:
        return None
    with _lock:
        old = _cache.get(purpose)
        if old is None or old.keys != fresh.keys:
            _cache[purpose] = fresh
    return fresh


def reset() -> None:
    """Forget loaded keyrings (after a rotation, or in tests that change the environment)."""
    with _lock:
        _cache.clear()
    for fn in _reset_hooks:
        fn()


_reset_hooks: list[Callable[[], None]] = []


def on_reset(fn: Callable[[], None]) -> Callable[[], None]:
    """Register a cache that depends on the keys (derived ciphers, signing keys)."""
    _reset_hooks.append(fn)
    return fn


def keys_missing() -> list[str]:
    """Purposes whose keyring is not configured or not readable, each with the reason (nothing is created)."""
    problems = []
    for purpose in PURPOSES:
        inline, path, source = _locate(purpose)
        try:
            if inline is not None:
                _parse(inline, purpose, source)
            elif not path.exists():
                problems.append(f"{purpose}: no key ({_env_name(purpose)}, {_env_name(purpose, '_FILE')} or {path})")
            else:
                _parse(path.read_text(encoding="ascii"), purpose, source)
        except (KeyringError, OSError, UnicodeError) as exc:
            problems.append(f"{purpose}: {exc}")
    return problems


def keys_init() -> list[str]:
    """Create the key files that do not exist yet (in SINERGI_KEY_DIR or the ``*_KEY_FILE`` path); returns
    the purposes created. A purpose given inline in the environment is left alone."""
    created = []
    for purpose in PURPOSES:
        inline, path, _ = _locate(purpose)
        if inline is None and not path.exists():
            _create_file(path, purpose)
            created.append(purpose)
    reset()
    return created


def key_add(purpose: str) -> str:
    """Append a new key to the purpose's key file and make it the active one; returns its id.

    A keyring given inline in the environment cannot be written: ``KeyringError`` names the entry to add there."""
    ring = keyring(purpose)
    kid, secret = new_entry()
    if ring.path is None:
        raise KeyringError(f"the {purpose} keyring comes from {ring.source}: append '{kid}:{secret}' there (last = "
                           f"active), restart, then run `sinergi keys reencrypt {purpose}`")
    with ring.path.open("a", encoding="ascii") as fh:
        fh.write(f"{kid}:{secret}\n")
    reset()
    return kid


def key_remove(purpose: str, kid: str) -> None:
    """Remove a retired key from the purpose's key file (the caller checks that nothing still uses it)."""
    ring = keyring(purpose)
    if kid == ring.active_kid:
        raise KeyringError(f"{kid!r} is the active {purpose} key")
    ring.get(kid)
    if ring.path is None:
        raise KeyringError(f"the {purpose} keyring comes from {ring.source}: remove {kid!r} there")
    kept = [line for line in ring.path.read_text(encoding="ascii").splitlines(keepends=True)
            if line.split("#", 1)[0].strip().partition(":")[0] != kid]
    tmp = ring.path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.writelines(kept)
    os.replace(tmp, ring.path)
    reset()


# What uses each purpose's keys: apps register, from their AppConfig.ready(), a function counting the values
# per key id and one re-protecting every value under the active key (``sinergi keys status`` and ``rotate``).
@dataclass(frozen=True)
class Usage:
    name: str
    count: Callable[[], dict[str, int]]  # key id -> values protected by it
    reencrypt: Callable[[Callable[[int], None] | None], int] | None  # returns values rewritten


USAGES: dict[str, list[Usage]] = {p: [] for p in PURPOSES}


def register_usage(purpose: str, usage: Usage) -> None:
    if not any(u.name == usage.name for u in USAGES[purpose]):
        USAGES[purpose].append(usage)


# What an operator must be told after a purpose's key was rotated (e.g. the new public key for verifiers).
AFTER_ROTATION: dict[str, Callable[[], str]] = {}
