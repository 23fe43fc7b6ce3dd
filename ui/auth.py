"""Optional team sign-in: when an [auth] section is configured in secrets.toml, the page asks for an OIDC login."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from present.i18n import t


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError, KeyError):
        return False


def require_login(lang: str) -> None:
    """Stop the page for visitors who have not signed in; a no-op when sign-in is not configured."""
    if not auth_configured() or st.user.is_logged_in:
        return
    st.info(t("login_needed", lang))
    st.button(t("login", lang), on_click=st.login, type="primary")
    st.stop()


def logout_button(lang: str) -> None:
    if auth_configured() and st.user.is_logged_in:
        st.sidebar.button(t("logout", lang), on_click=st.logout)
