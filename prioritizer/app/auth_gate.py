"""The sign-in gate: nothing that shows data runs before it lets a session through.

Modes (``PRIORITIZER_AUTH`` / ``prioritizer app --auth``):

* ``local`` (default) — a sign-in form checks the account against the audit store
  (:func:`prioritizer.auth.accounts.authenticate`: argon2id, lockout, failures recorded).
  With no account at all, the first start creates ``admin`` with a one-time password and
  prints it once on the console (as Jupyter prints its token), so ``./run-app.sh`` works.
  When ``.streamlit/secrets.toml`` has an ``[auth]`` section, a single-sign-on button
  (Streamlit's ``st.login``, OIDC through Authlib) is offered too; a misconfigured section
  is reported at start naming the missing keys.
* ``none`` — no sign-in; a banner on every page says so and records name
  "anonymous (sign-in off)".

Sessions expire (:mod:`prioritizer.auth.sessions`). Streamlit's own XSRF protection is
left on (``server.enableXsrfProtection`` is never changed).
"""

from __future__ import annotations

import sys
from typing import Any

import streamlit as st

from prioritizer.app import state
from prioritizer.auth import accounts
from prioritizer.auth.config import auth_mode, oidc_problems, oidc_providers
from prioritizer.auth.errors import AuthError
from prioritizer.auth.identity import Identity, anonymous
from prioritizer.auth.sessions import Session
from prioritizer.text import t, vocab

_KEY = "auth_session"
#: the session's secret token (the store keeps only its SHA-256)
_TOKEN = "auth_token"


def _start(identity: Identity, must_reset: bool = False) -> Session:
    """A new session, recorded in the store so that revoking the account ends it."""
    from prioritizer.auth.sessions import open_session

    st.session_state[_TOKEN] = open_session(_store(), identity, "app")
    return Session.start(identity, must_reset)


def _has_accounts(db: str | None) -> bool:
    from prioritizer import door

    return door.has_accounts(door.store_for(db, create=False))


def _store() -> Any:
    from prioritizer import door

    return door.store_for(st.session_state.get("db"), create=True)


@st.cache_resource(show_spinner=False)
def _first_start(db: str | None) -> bool:
    """Once per server process: create the first admin if the store has no account."""
    from prioritizer import door

    secret = accounts.bootstrap_admin(door.store_for(db, create=True))
    if secret:
        # The console is the operator's; the one-time password is shown nowhere else.
        print(
            "\n  prioritizer: no account existed, so one was created for the first sign-in.\n"
            f"      account:  {accounts.FIRST_ADMIN}\n"
            f"      password: {secret}\n"
            "  It works once: choose your own password after signing in. Add users with\n"
            "  `prioritizer users add USER --role planner --password-stdin`.\n",
            file=sys.stderr,
            flush=True,
        )
    return bool(secret)


def _auth_secrets() -> dict[str, Any] | None:
    try:
        auth = st.secrets.get("auth")
    except Exception:  # no secrets.toml at all
        return None
    return dict(auth) if auth else None


@st.cache_resource(show_spinner=False)
def _oidc_check() -> tuple[str, ...]:
    missing = tuple(oidc_problems(_auth_secrets()))
    if missing:
        print(
            "prioritizer: single sign-on is misconfigured in .streamlit/secrets.toml; missing: "
            + ", ".join(missing),
            file=sys.stderr,
            flush=True,
        )
    return missing


def _oidc_identity() -> Identity | None:
    user = getattr(st, "user", None)
    if user is None or not user.get("is_logged_in"):
        return None
    uid = str(user.get("email") or user.get("sub") or "")
    if not uid:
        return None
    return accounts.oidc_identity(_store(), uid, str(user.get("name") or uid), user.get("iss"))


def require() -> Identity:
    """The identity of this session; draws the sign-in page and stops the script until there is one."""
    try:
        mode = auth_mode()
    except ValueError as exc:
        st.error(str(exc))
        st.stop()
    if mode == "none":
        # Sign-in off is for a store without accounts (one person); with accounts it would be
        # a way around the door, so the app refuses to serve.
        if _has_accounts(st.session_state.get("db")):
            st.error(state.tr("auth.off_refused"))
            st.stop()
        st.warning(state.tr("auth.off_banner"), icon="⚠️")
        return anonymous()
    ss = st.session_state
    sess: Session | None = ss.get(_KEY)
    if sess is not None:
        # The store decides at every rerun: an account disabled or reset, or a session ended
        # elsewhere, ends this one at once; role and clearance are the account's current ones.
        from prioritizer.auth.sessions import check_session

        got = check_session(_store(), ss.get(_TOKEN, ""), "app", method=sess.identity.method)
        if got.identity is None and sess.identity.method == "oidc" and got.status == "inactive":
            # an identity-provider user without a local account (a public viewer): the provider
            # revokes it; nothing in the store to check
            got = (
                type(got)(sess.identity, "ok")
                if accounts.get_user(_store(), sess.identity.user) is None
                else got
            )
        if got.identity is None:
            ss.pop(_KEY, None)
            ss.pop(_TOKEN, None)
            ss["auth_expired"] = True
            if sess.identity.method == "oidc" and hasattr(st, "logout"):
                st.logout()
            sess = None
        elif sess.identity.method != "oidc":
            sess = Session(got.identity, sess.started, sess.last_seen, sess.must_reset)
    if sess is None:
        oidc = _oidc_identity() if _auth_secrets() and not _oidc_check() else None
        if oidc is not None:
            sess = _start(oidc)
    if sess is None:
        _sign_in_page()
        st.stop()
    if sess.must_reset:
        _choose_password(sess)
        st.stop()
    ss[_KEY] = sess.touch()
    _sidebar(sess.identity)
    return sess.identity


def _sign_in_page() -> None:
    _first_start(st.session_state.get("db"))
    st.subheader(state.tr("auth.title"))
    if st.session_state.pop("auth_expired", False):
        st.info(state.tr("auth.expired"))
    missing = _oidc_check()
    if missing:
        st.error(state.tr("auth.oidc_bad", keys=", ".join(missing)))
    st.caption(state.tr("auth.intro"))
    with st.form("sign-in", clear_on_submit=True):
        user = st.text_input(state.tr("auth.user"), key="signin_user")
        password = st.text_input(state.tr("auth.password"), type="password", key="signin_password")
        go = st.form_submit_button(state.tr("auth.submit"))
    if go:
        try:
            got = accounts.authenticate(_store(), user, password)
        except AuthError:
            # One message for every failure: it must not tell which accounts exist.
            st.error(state.tr("auth.failed"))
        else:
            st.session_state[_KEY] = _start(got.identity, got.must_reset)
            st.rerun()
    auth = _auth_secrets()
    if auth and not missing:
        for name in oidc_providers(auth):
            label = state.tr("auth.oidc") + (f" ({name})" if name else "")
            if st.button(label, key=f"oidc-{name or 'default'}"):
                st.login(name) if name else st.login()


def _choose_password(sess: Session) -> None:
    st.subheader(state.tr("auth.title"))
    st.info(state.tr("auth.must_reset"))
    with st.form("choose-password", clear_on_submit=True):
        a = st.text_input(state.tr("auth.new_password"), type="password")
        b = st.text_input(state.tr("auth.new_password_again"), type="password")
        go = st.form_submit_button(state.tr("auth.set_password"))
    if go:
        if a != b:
            st.error(state.tr("auth.mismatch"))
            return
        try:
            accounts.reset_password(_store(), sess.identity.user, a, by=sess.identity)
        except Exception as exc:  # an InputError naming the rule the password broke
            state.show_error(exc)
            return
        # Changing the password ended every session of the account, this one included.
        st.session_state[_KEY] = _start(sess.identity)
        st.rerun()


def _sidebar(ident: Identity) -> None:
    lang = state.lang()
    with st.sidebar:
        st.caption(
            t(
                "auth.signed_in",
                lang,
                name=ident.display_name,
                role=vocab("role", ident.role, lang),
                method=vocab("auth_method", ident.method, lang),
            )
        )
        if st.button(state.tr("auth.sign_out"), key="sign-out"):
            from prioritizer.auth.sessions import end_session

            token = st.session_state.pop(_TOKEN, None)
            if token:
                end_session(_store(), token, "logout")
            st.session_state.pop(_KEY, None)
            if ident.method == "oidc" and hasattr(st, "logout"):
                st.logout()
            st.rerun()


def caller() -> Any:
    """The door's caller for this page: the signed-in identity and the store."""
    from prioritizer import door

    return door.app_caller(identity(), _store())


def identity() -> Identity:
    """The identity established by :func:`require` this run (anonymous with sign-in off)."""
    sess: Session | None = st.session_state.get(_KEY)
    if sess is not None:
        return sess.identity
    if auth_mode() == "none":
        return anonymous()
    raise RuntimeError("no signed-in identity: require() must run first")


def tier_banner() -> None:
    """A banner naming the highest tier of what this page may show (「機密性2」…)."""
    from prioritizer import door
    from prioritizer.errors import PrioritizerError

    try:
        tier, hidden = door.tier_facts(caller(), state.full_case())
    except PrioritizerError:
        return
    lang = state.lang()
    if tier != "public":
        st.info(t("auth.tier_banner", lang, tier=vocab("tier", tier, lang)), icon="🔒")
    if hidden:
        st.caption(t("auth.hidden_rows", lang, n=hidden))


def refused(exc: Exception) -> None:
    """Show a role / tier refusal in the reader's language."""
    from prioritizer.auth.errors import Forbidden
    from prioritizer.text import render

    if isinstance(exc, Forbidden):
        st.error(render(exc.msg, state.lang()))
    else:
        state.show_error(exc)
