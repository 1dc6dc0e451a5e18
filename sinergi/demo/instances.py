"""The demo's instances: Indonesia's (the default) and the Cambodian partner's, each with its own database, keys,
agencies, users and interface language, peered with each other on loopback.

The instance is chosen before Django starts (``sinergi demo --instance kh`` sets the environment the settings
read: ``demo_environment``), so nothing here may import Django models.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class InstanceProfile:
    code: str  # SINERGI_INSTANCE: how peers address this instance
    name: str
    port: int  # the demo's default port; the other instance expects it there unless told with --peer-url
    language: str  # the interface's default language; the other one stays available
    peer: str  # the other demo instance's code


DEFAULT_INSTANCE = "id"
INSTANCES: dict[str, InstanceProfile] = {
    "id": InstanceProfile("id", "Sinergi Indonesia", 8000, "id", peer="kh"),
    "kh": InstanceProfile("kh", "Sinergi Cambodia", 8001, "en", peer="id"),
}


def loopback_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def data_dir_for(code: str, environ) -> Path:
    """The default instance keeps its data where it always did (``SINERGI_DATA_DIR``, else ./var); another
    instance in a folder named after it inside, so the two never share a database, keys or attachments."""
    base = Path(environ.get("SINERGI_DATA_DIR") or Path.cwd() / "var")
    return base if code == DEFAULT_INSTANCE else base / code


def demo_environment(argv: list[str], environ=None) -> None:
    """Set the environment for ``sinergi demo [--instance CODE] [--port N]`` before the settings load: the
    instance code, name and language, its data folder and its own address. Unknown codes are left for the
    command to refuse; values already in the environment (except the data folder) win."""
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--instance")
    parser.add_argument("--port", type=int)
    try:
        args, _ = parser.parse_known_args(argv)
    except SystemExit:  # a malformed value: the command itself reports it
        return
    code = args.instance or environ.get("SINERGI_INSTANCE") or DEFAULT_INSTANCE
    profile = INSTANCES.get(code)
    if profile is None:
        return
    environ["SINERGI_INSTANCE"] = code
    environ.setdefault("SINERGI_INSTANCE_NAME", profile.name)
    environ.setdefault("SINERGI_LANGUAGE_CODE", profile.language)
    environ.setdefault("SINERGI_BASE_URL", loopback_url(args.port or profile.port))
    # The printed demo logins sign in with the password alone; a real deployment asks for a second factor.
    environ.setdefault("SINERGI_MFA_REQUIRED", "0")
    if code != DEFAULT_INSTANCE and "DATABASE_URL" not in environ:
        environ["SINERGI_DATA_DIR"] = str(data_dir_for(code, environ))
