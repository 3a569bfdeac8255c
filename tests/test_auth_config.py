"""The sign-in switch and the start-time OIDC settings check (names the missing key)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from prioritizer.auth.config import auth_mode, check_start, oidc_problems, oidc_providers
from prioritizer.cli import app

GOOD = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "prioritizer",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}


def test_auth_mode_defaults_to_local_and_rejects_unknown_values():
    assert auth_mode({}) == "local"
    assert auth_mode({"PRIORITIZER_AUTH": "NONE"}) == "none"
    with pytest.raises(ValueError, match="local, none"):
        auth_mode({"PRIORITIZER_AUTH": "off"})


def test_oidc_problems_name_every_missing_key():
    assert oidc_problems(None) == []
    assert oidc_problems(GOOD) == []
    assert oidc_providers(GOOD) == [None]
    bad = {k: v for k, v in GOOD.items() if k not in ("cookie_secret", "client_secret")}
    assert oidc_problems(bad) == ["auth.cookie_secret", "auth.client_secret"]
    named = {"redirect_uri": GOOD["redirect_uri"], "cookie_secret": "c", "ministry": {"client_id": "a"}}
    assert oidc_providers(named) == ["ministry"]
    assert oidc_problems(named) == ["auth.ministry.client_secret", "auth.ministry.server_metadata_url"]


def test_prioritizer_app_refuses_to_start_on_a_misconfigured_secrets_file(tmp_path, monkeypatch):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\nclient_id = "a"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert "auth.cookie_secret" in check_start({}, tmp_path)
    r = CliRunner().invoke(app, ["app", "--case", str(tmp_path)])
    assert r.exit_code == 2
    assert "auth.cookie_secret" in r.output and "auth.server_metadata_url" in r.output
    assert check_start({"PRIORITIZER_AUTH": "none"}, tmp_path) is None


def test_the_app_keeps_streamlits_xsrf_protection_on(monkeypatch):
    from pathlib import Path

    import streamlit.config as cfg

    import prioritizer.cli.serve as serve

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    cfg.get_config_options(force_reparse=True)
    assert cfg.get_option("server.enableXsrfProtection") is True
    assert "enableXsrfProtection" not in Path(serve.__file__).read_text(encoding="utf-8")
