"""The environment every settings module reads: the repository folder, `.env` if present, the service's name."""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

SERVICE_NAME = env("SERVICE_NAME", default="Prevent referrals and Channel")
