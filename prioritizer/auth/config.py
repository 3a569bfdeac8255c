"""The sign-in switch and the OIDC settings check.

``PRIORITIZER_AUTH`` (or ``prioritizer app --auth``): ``local`` (default: accounts in the
audit store, plus OIDC when ``.streamlit/secrets.toml`` has an ``[auth]`` section) or
``none`` (sign-in off, for one person on a laptop and for tests: every page shows a banner
and records name "anonymous (sign-in off)").

OIDC follows Streamlit's ``st.login`` settings: ``[auth]`` needs ``redirect_uri`` and
``cookie_secret``, and either ``client_id``/``client_secret``/``server_metadata_url`` directly
or in one named provider section ``[auth.NAME]``. :func:`oidc_problems` names every missing
key so a misconfiguration is reported at start, not at the first sign-in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

MODES: tuple[str, ...] = ("local", "none")
PROVIDER_KEYS: tuple[str, ...] = ("client_id", "client_secret", "server_metadata_url")
TOP_KEYS: tuple[str, ...] = ("redirect_uri", "cookie_secret")


def auth_mode(env: Mapping[str, str] | None = None) -> str:
    """``local`` or ``none``; anything else is an error naming the allowed values."""
    env = os.environ if env is None else env
    mode = (env.get("PRIORITIZER_AUTH") or "local").strip().lower()
    if mode not in MODES:
        raise ValueError(f"PRIORITIZER_AUTH={mode!r} is not known; use one of {', '.join(MODES)}")
    return mode


def oidc_providers(auth: Mapping[str, Any] | None) -> list[str | None]:
    """Provider names for ``st.login(name)``: ``[None]`` for a flat ``[auth]``, else the sections."""
    if not auth:
        return []
    named = [k for k, v in auth.items() if isinstance(v, Mapping)]
    if named:
        return named
    return [None] if any(k in auth for k in PROVIDER_KEYS) else []


def oidc_problems(auth: Mapping[str, Any] | None) -> list[str]:
    """Missing keys of an ``[auth]`` section as ``auth.KEY`` / ``auth.NAME.KEY`` (empty: fine or absent)."""
    if not auth:
        return []
    missing = [f"auth.{k}" for k in TOP_KEYS if not auth.get(k)]
    providers = oidc_providers(auth)
    if not providers:
        missing += [f"auth.{k}" for k in PROVIDER_KEYS]
    for name in providers:
        sect = auth if name is None else auth[name]
        prefix = "auth." if name is None else f"auth.{name}."
        missing += [prefix + k for k in PROVIDER_KEYS if not sect.get(k)]
    return missing


def secrets_auth(cwd: Path) -> tuple[Path, dict[str, Any]] | None:
    """The ``[auth]`` section of the secrets.toml Streamlit will read (project first, then user)."""
    import tomllib

    for path in (cwd / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        if path.is_file():
            with path.open("rb") as f:
                doc = tomllib.load(f)
            if isinstance(doc.get("auth"), dict):
                return path, doc["auth"]
    return None


def check_start(env: Mapping[str, str], cwd: Path) -> str | None:
    """A start-time problem with the sign-in settings, in words naming the key, or None."""
    try:
        mode = auth_mode(env)
    except ValueError as exc:
        return str(exc)
    if mode == "none":
        return None
    found = secrets_auth(cwd)
    if found is None:
        return None
    path, auth = found
    missing = oidc_problems(auth)
    if missing:
        return f"single sign-on is misconfigured in {path}: missing {', '.join(missing)}"
    return None
