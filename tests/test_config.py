"""Settings: defaults, validation messages, aliases, st.secrets merge, secrecy."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain import LspError
from services import config
from services.config import (
    DEFAULT_GEMINI_MODEL,
    DEFAULT_GEMINI_TIMEOUT_S,
    DEFAULT_SQLITE_PATH,
    ENV_VARS,
    PROJECT_DIR,
    ConfigError,
    Settings,
    get_settings,
    load_settings,
)

DB_PASSWORD = "pg-Pa55word-9"


def test_defaults_give_a_local_sqlite_run_without_assistant():
    settings = load_settings({})
    assert settings.database_url is None
    assert settings.sqlite_path == DEFAULT_SQLITE_PATH
    assert settings.gemini_api_key is None
    assert settings.gemini_model == DEFAULT_GEMINI_MODEL
    assert settings.gemini_timeout_s == DEFAULT_GEMINI_TIMEOUT_S
    assert settings.app_mode == "local"
    assert settings.admin_password is None
    assert not settings.read_only
    assert not settings.admin_protected
    assert not settings.uses_postgres
    assert not settings.assistant_enabled


def test_blank_values_mean_unset():
    blank = {name: "   " for name in ENV_VARS if name != "GEMINI_MODEL"}
    assert load_settings(blank) == load_settings({})


def test_google_api_key_is_an_alias_of_gemini_api_key():
    assert load_settings({"GOOGLE_API_KEY": "g-key"}).gemini_api_key == "g-key"
    both = load_settings({"GEMINI_API_KEY": "gem-key", "GOOGLE_API_KEY": "g-key"})
    assert both.gemini_api_key == "gem-key"
    assert both.assistant_enabled


def test_config_error_is_an_lsp_error():
    assert issubclass(ConfigError, LspError)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"postgresql://lsp:{DB_PASSWORD}@db.example.com:5432/lsp_twin", None),
        (f"postgresql+psycopg2://lsp:{DB_PASSWORD}@localhost/lsp_twin", None),
        # Render's internal connection string: short host name, no port.
        ("postgresql://lsp_twin:pw@dpg-abc123-a/lsp_twin", None),
        ("postgres://lsp:pw@host:5432/db", "postgresql://lsp:pw@host:5432/db"),
        ("POSTGRES://lsp:pw@host/db", "postgresql://lsp:pw@host/db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
    ],
)
def test_supported_database_urls_are_accepted(url, expected):
    settings = load_settings({"DATABASE_URL": url})
    assert settings.database_url == (expected or url)


def test_sqlite_database_url_with_a_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'twin.sqlite'}"
    settings = load_settings({"DATABASE_URL": url})
    assert settings.database_url == url
    assert not settings.uses_postgres


def test_postgres_url_is_flagged():
    assert load_settings({"DATABASE_URL": "postgres://u:p@h/db"}).uses_postgres


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        (f"lsp:{DB_PASSWORD}@host/db", "no '://'"),
        (f"mysql://lsp:{DB_PASSWORD}@host/db", "scheme 'mysql' is not supported"),
        (f"postgresql+asyncpg://lsp:{DB_PASSWORD}@host/db", "not supported"),
        (f"postgresql://lsp:{DB_PASSWORD}@host:port/db", "port is not a number"),
        (f"postgresql://lsp:{DB_PASSWORD}@host:99999/db", "port is not a number"),
        (f"postgresql://lsp:{DB_PASSWORD}@/db", "host name is missing"),
        (f"postgresql://lsp:{DB_PASSWORD}@host:5432/", "database name"),
        (f"postgresql://lsp:{DB_PASSWORD}@host", "database name"),
        ("sqlite://somehost/file.sqlite", "has no host"),
    ],
)
def test_malformed_database_url_names_the_problem_without_leaking_the_password(url, fragment):
    with pytest.raises(ConfigError, match="DATABASE_URL") as caught:
        load_settings({"DATABASE_URL": url})
    message = str(caught.value)
    assert fragment in message
    assert DB_PASSWORD not in message


def test_sqlite_url_into_a_file_as_folder_is_refused(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match="DATABASE_URL: cannot create"):
        load_settings({"DATABASE_URL": f"sqlite:///{blocker / 'twin.sqlite'}"})


@pytest.mark.parametrize("mode", ["public", "PUBLIC", " Public ", "local"])
def test_app_mode_is_case_insensitive(mode):
    assert load_settings({"APP_MODE": mode}).app_mode == mode.strip().lower()


@pytest.mark.parametrize("mode", ["demo", "readonly", "prod"])
def test_invalid_app_mode_lists_the_valid_ones(mode):
    with pytest.raises(ConfigError, match=r"APP_MODE must be one of local, public"):
        load_settings({"APP_MODE": mode})


def test_public_mode_is_read_only():
    assert load_settings({"APP_MODE": "public"}).read_only


@pytest.mark.parametrize("model", ["", "   "])
def test_empty_gemini_model_is_refused(model):
    with pytest.raises(ConfigError, match="GEMINI_MODEL is set but empty"):
        load_settings({"GEMINI_MODEL": model})


def test_gemini_model_with_spaces_is_refused():
    with pytest.raises(ConfigError, match="GEMINI_MODEL 'gemini 2.5' is not a model name"):
        load_settings({"GEMINI_MODEL": "gemini 2.5"})


@pytest.mark.parametrize("model", ["gemini-2.5-pro", "models/gemini-2.0-flash-001"])
def test_gemini_model_names_are_accepted(model):
    assert load_settings({"GEMINI_MODEL": f" {model} "}).gemini_model == model


def test_gemini_timeout_is_parsed():
    assert load_settings({"GEMINI_TIMEOUT_S": "12.5"}).gemini_timeout_s == pytest.approx(12.5)


@pytest.mark.parametrize("raw", ["0", "-3", "abc", "nan", "inf", "31"])
def test_invalid_gemini_timeout_is_refused(raw):
    with pytest.raises(
        ConfigError, match=r"GEMINI_TIMEOUT_S must be a number of seconds in \(0, 30\]"
    ):
        load_settings({"GEMINI_TIMEOUT_S": raw})


def test_sqlite_path_in_a_creatable_folder(tmp_path):
    path = tmp_path / "new" / "deeper" / "twin.sqlite"
    assert load_settings({"LSP_SQLITE_PATH": str(path)}).sqlite_path == path
    assert not path.parent.exists()  # validation creates nothing


def test_relative_sqlite_path_is_anchored_at_the_project():
    settings = load_settings({"LSP_SQLITE_PATH": "data/other.sqlite"})
    assert settings.sqlite_path == PROJECT_DIR / "data" / "other.sqlite"


def test_sqlite_path_below_a_file_is_refused(tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match=r"LSP_SQLITE_PATH: cannot create .* is a file"):
        load_settings({"LSP_SQLITE_PATH": str(blocker / "sub" / "twin.sqlite")})


def test_sqlite_path_that_is_a_directory_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="LSP_SQLITE_PATH points to a directory"):
        load_settings({"LSP_SQLITE_PATH": str(tmp_path)})


def test_sqlite_path_is_not_checked_when_a_database_url_is_used(tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    settings = load_settings(
        {"LSP_SQLITE_PATH": str(blocker / "twin.sqlite"), "DATABASE_URL": "postgresql://u:p@h/db"}
    )
    assert settings.uses_postgres


def test_every_problem_is_reported_at_once():
    with pytest.raises(ConfigError) as caught:
        load_settings({"APP_MODE": "demo", "GEMINI_MODEL": "", "DATABASE_URL": "oracle://x/y"})
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert [line.split()[0] for line in lines] == ["DATABASE_URL", "APP_MODE", "GEMINI_MODEL"]


# --- st.secrets merge -------------------------------------------------------


def test_secrets_fill_unset_variables():
    settings = load_settings({}, secrets={"GEMINI_API_KEY": "from-secrets", "APP_MODE": "public"})
    assert settings.gemini_api_key == "from-secrets"
    assert settings.read_only


def test_environment_wins_over_secrets():
    settings = load_settings({"APP_MODE": "local"}, secrets={"APP_MODE": "public"})
    assert settings.app_mode == "local"


def test_blank_environment_value_lets_the_secret_through():
    settings = load_settings({"ADMIN_PASSWORD": ""}, secrets={"ADMIN_PASSWORD": "s3cret-pw"})
    assert settings.admin_password == "s3cret-pw"


def test_numeric_secret_is_read_as_text_and_unknown_keys_are_ignored():
    settings = load_settings({}, secrets={"GEMINI_TIMEOUT_S": 25, "unrelated": {"a": 1}})
    assert settings.gemini_timeout_s == 25.0


def test_secrets_are_validated_like_the_environment():
    with pytest.raises(ConfigError, match="APP_MODE must be one of"):
        load_settings({}, secrets={"APP_MODE": "demo"})


def test_a_secrets_table_under_a_variable_name_is_refused():
    with pytest.raises(
        ConfigError, match="DATABASE_URL in .streamlit/secrets.toml must be a plain string"
    ):
        load_settings({}, secrets={"DATABASE_URL": {"host": "db"}})


def test_no_streamlit_loaded_means_no_secrets(monkeypatch):
    monkeypatch.delitem(sys.modules, "streamlit", raising=False)
    assert config._streamlit_secrets() == {}
    assert "streamlit" not in sys.modules  # config never imports it


def test_streamlit_secrets_are_read_when_streamlit_is_loaded(monkeypatch):
    # A stand-in module carrying a plain dict as `secrets`: only the known keys are taken.
    fake = types.SimpleNamespace(secrets={"ADMIN_PASSWORD": "pw-from-toml", "OTHER": "x"})
    monkeypatch.setitem(sys.modules, "streamlit", fake)
    assert config._streamlit_secrets() == {"ADMIN_PASSWORD": "pw-from-toml"}


def test_real_streamlit_without_secrets_toml_gives_nothing(monkeypatch, tmp_path):
    streamlit = pytest.importorskip("streamlit")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setitem(sys.modules, "streamlit", streamlit)
    assert config._streamlit_secrets() == {}


def test_process_environment_is_read_when_no_mapping_is_given(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_MODE", "public")
    monkeypatch.setenv("GOOGLE_API_KEY", "env-key")
    settings = load_settings(secrets={"ADMIN_PASSWORD": "pw-from-secrets"})
    assert settings.read_only
    assert settings.gemini_api_key == "env-key"
    assert settings.admin_password == "pw-from-secrets"


def test_get_settings_reads_once(monkeypatch):
    get_settings.cache_clear()
    monkeypatch.setenv("APP_MODE", "public")
    try:
        first = get_settings()
        monkeypatch.setenv("APP_MODE", "local")
        assert get_settings() is first
        assert first.read_only
    finally:
        get_settings.cache_clear()


# --- secrets never shown ----------------------------------------------------


def _secret_settings(password: str) -> Settings:
    return load_settings(
        {
            "DATABASE_URL": f"postgresql://lsp:{password}@db.internal:5432/lsp_twin",
            "GEMINI_API_KEY": f"AIza-{password}",
            "ADMIN_PASSWORD": f"admin-{password}",
        }
    )


def test_repr_and_str_hide_every_secret():
    settings = _secret_settings(DB_PASSWORD)
    for shown in (
        repr(settings),
        str(settings),
        f"{settings}",
        repr([settings]),
        format(settings, ""),
    ):
        assert DB_PASSWORD not in shown
        assert "db.internal" not in shown
        assert "gemini_key='set'" not in shown and "gemini_key=set" in shown
        assert "admin_password=set" in shown


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=8)
)
def test_no_secret_ever_appears_in_repr(password):
    # a password that is a word of the repr itself (e.g. "password", "settings") proves nothing
    assume(password not in repr(_secret_settings("Qz7" * 4)))
    settings = _secret_settings(password)
    shown = repr(settings)
    for secret in settings.secret_values():
        assert secret not in shown


def test_redact_scrubs_secrets_from_text():
    settings = _secret_settings(DB_PASSWORD)
    text = f"key AIza-{DB_PASSWORD}, db {settings.database_url}, admin admin-{DB_PASSWORD}"
    scrubbed = settings.redact(text)
    assert DB_PASSWORD not in scrubbed
    assert scrubbed.count("***") == 3


def test_redact_without_secrets_changes_nothing():
    assert load_settings({}).redact("capacity 150 units/day") == "capacity 150 units/day"


def test_default_sqlite_path_lives_in_the_project_data_folder():
    expected = Path(config.__file__).resolve().parent.parent / "data" / "lsp_twin.sqlite"
    assert expected == DEFAULT_SQLITE_PATH


# --- issue 12: reserved characters in the DATABASE_URL password ----------------


def test_raw_at_in_password_is_encoded_and_host_is_right() -> None:
    from sqlalchemy.engine import make_url

    import db

    settings = load_settings({"DATABASE_URL": "postgres://lsp:Se@cr@t:9@db.example.com:5432/app"})
    url = make_url(db.normalise_url(settings.database_url))
    assert (url.host, url.port, url.database) == ("db.example.com", 5432, "app")
    assert url.password == "Se@cr@t:9"
    assert db.label_for_url(url) == "PostgreSQL at db.example.com:5432/app"
    assert "Se@cr@t" not in repr(settings)


@pytest.mark.parametrize("password", ["qqx/zzk#www", "qqx?zzk", "qqx/zzk@kkw#vvv"])
def test_unparseable_password_is_refused_without_showing_it(password: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"DATABASE_URL": f"postgresql://lsp:{password}@db.example.com:5432/app"})
    message = str(caught.value)
    for piece in {part for part in re.split(r"[/#?@]", password) if len(part) >= 3}:
        assert piece not in message
