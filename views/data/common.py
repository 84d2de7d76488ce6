"""Small helpers shared by the Data tab's panels."""

from __future__ import annotations

import streamlit as st

from domain import LspError
from importing.safe_text import md


def show_error(exc: LspError) -> None:
    """Show a refused or failed write.

    Messages quote lane names and file text: shown as characters, never Markdown.
    """
    st.error(md(str(exc) or type(exc).__name__))
