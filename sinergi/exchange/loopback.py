"""Real instances on loopback, each in its own processes with its own SQLite database and keys: for the
two-instance tests and the exchange benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, code: str, tmp: Path):
        self.code = code
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ, "SINERGI_DATA_DIR": str(tmp / code), "SINERGI_INSTANCE": code,
            "SINERGI_BASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "sinergi.config.settings",
            "SINERGI_TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        }
        self.env.pop("DATABASE_URL", None)  # each instance has its own SQLite database
        self.server = None

    def manage(self, *args, check=True) -> str:
        r = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=self.env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
        if check and r.returncode != 0:
            raise AssertionError(f"{args} failed:\n{r.stdout}\n{r.stderr}")
        return r.stdout

    def py(self, code: str) -> str:
        """Run code in the instance's process; returns what it printed last."""
        out = self.manage("shell", "--no-imports", "-c", code).strip().splitlines()
        return out[-1] if out else ""

    def start(self, workers: int = 2):
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "sinergi.config.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--log-level", "warning"], env=self.env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/.well-known/jwks.json", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"instance {self.code} did not start")

    def stop(self):
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=10)
            self.server = None


