"""Streamlit views: the imperative shell.  ``app.py`` composes them."""
