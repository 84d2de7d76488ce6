"""Configuration: the one module that reads the environment.

Values come from process environment variables, a local ``.env`` file
(python-dotenv, never overriding real environment variables) and, when the
app runs under Streamlit with a ``secrets.toml``, ``st.secrets`` (real
environment variables win over secrets).  Every variable is listed in
``ENV_VARS`` and documented in ``.env.example``.

Settings are validated once at start-up; every problem found is reported in
one :class:`ConfigError` whose message names the variable and says how to fix
it.  Secret values never appear in messages, ``repr`` or ``str``.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dotenv import load_dotenv

from domain import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent  # services/ lives in the project root
DEFAULT_SQLITE_PATH = PROJECT_DIR / "data" / "lsp_twin.sqlite"
DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"
DEFAULT_GEMINI_TIMEOUT_S = 30.0
# An assistant answer that takes longer than this is useless to a planner
# waiting in front of the dashboard; it also bounds a hung connection.
MAX_GEMINI_TIMEOUT_S = 30.0  # issue: every assistant call is bounded by <= 30 s
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_LOG_LEVEL = "INFO"
# One format for every line: time, level, logger, then key=value pairs in the message.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
APP_MODES = ("local", "public")
DEFAULT_APP_MODE = "local"

# Every environment variable the app reads (also the keys taken from st.secrets).
ENV_VARS = (
    "DATABASE_URL",
    "LSP_SQLITE_PATH",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GEMINI_MODEL",
    "GEMINI_TIMEOUT_S",
    "APP_MODE",
    "ADMIN_PASSWORD",
    "SEED_DEMO_IF_EMPTY",
    "LOG_LEVEL",
    "DASK_SCHEDULER_ADDRESS",
)
# Variables whose values must never be shown (DATABASE_URL embeds the DB password).
SECRET_ENV_VARS = ("DATABASE_URL", "GEMINI_API_KEY", "GOOGLE_API_KEY", "ADMIN_PASSWORD")

# Scheme as written in DATABASE_URL -> scheme handed to SQLAlchemy.  Render and
# Heroku hand out ``postgres://``, which SQLAlchemy 2 no longer accepts.
DATABASE_SCHEMES = {
    "postgres": "postgresql",
    "postgresql": "postgresql",
    "postgresql+psycopg2": "postgresql+psycopg2",
    "sqlite": "sqlite",
}
_SQLITE_MEMORY_PATHS = ("", ":memory:")
_GEMINI_MODEL_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/\-]*")
_REDACTED = "***"



@dataclass(frozen=True)
class Settings:
    """Validated settings.  ``repr``/``str`` never show secrets.

    Attributes
    ----------
    database_url : str | None
        SQLAlchemy URL of the database (``postgres://`` normalised to
        ``postgresql://``); ``None`` means the embedded SQLite file.
    sqlite_path : pathlib.Path
        Absolute path of the embedded SQLite file (used when ``database_url``
        is ``None``).
    gemini_api_key : str | None
        Google Gemini API key; ``None`` disables the assistant.
    gemini_model : str
        Gemini model name.
    app_mode : str
        ``"local"`` (single user, writes allowed) or ``"public"`` (read-only).
    admin_password : str | None
        When set, writes need this password (see :mod:`access`).
    gemini_timeout_s : float
        Time limit of one assistant request [s].
    dask_scheduler_address : str | None
        ``tcp://host:8786`` of a Dask scheduler for planning runs; ``None`` = in-process.
    """

    database_url: str | None = field(repr=False)
    sqlite_path: Path
    gemini_api_key: str | None = field(repr=False)
    gemini_model: str
    app_mode: str
    admin_password: str | None = field(repr=False)
    gemini_timeout_s: float = DEFAULT_GEMINI_TIMEOUT_S
    seed_demo_if_empty: bool = False  # load the demo network at start-up into an empty database
    log_level: str = DEFAULT_LOG_LEVEL
    dask_scheduler_address: str | None = None

    @property
    def read_only(self) -> bool:
        """True in the public, read-only mode."""
        return self.app_mode == "public"

    @property
    def admin_protected(self) -> bool:
        """True when writes need the admin password."""
        return self.admin_password is not None

    @property
    def engine_url(self) -> str:
        """The database to open: ``DATABASE_URL``, else the embedded SQLite file.

        The composition root passes it to ``db.get_engine``; storage never reads settings.

        >>> load_settings({"LSP_SQLITE_PATH": "/tmp/x.sqlite"}).engine_url
        'sqlite:////tmp/x.sqlite'
        """
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    @property
    def uses_postgres(self) -> bool:
        """True when ``database_url`` points at PostgreSQL."""
        return self.database_url is not None and self.database_url.startswith("postgresql")

    @property
    def assistant_enabled(self) -> bool:
        """True when a Gemini API key is configured."""
        return self.gemini_api_key is not None

    def secret_values(self) -> tuple[str, ...]:
        """Every secret string held here (for scrubbing text before it leaves the app)."""
        values = [self.gemini_api_key, self.admin_password]
        if self.database_url is not None:
            values.append(self.database_url)
            password = urlsplit(self.database_url).password
            if password:
                values.extend((password, unquote(password)))
        return tuple(sorted({v for v in values if v}, key=len, reverse=True))

    def redact(self, text: str) -> str:
        """Return ``text`` with every secret value replaced by ``***``.

        >>> s = load_settings({"ADMIN_PASSWORD": "hunter22"})
        >>> s.redact("password is hunter22")
        'password is ***'
        """
        for value in self.secret_values():
            text = text.replace(value, _REDACTED)
        return text

    def __repr__(self) -> str:  # secrets must never reach logs or the page
        database = "DATABASE_URL" if self.database_url else str(self.sqlite_path)
        return (
            f"Settings(database={database!r}, "
            f"gemini_key={'set' if self.gemini_api_key else 'unset'}, "
            f"gemini_model={self.gemini_model!r}, gemini_timeout_s={self.gemini_timeout_s:g}, "
            f"app_mode={self.app_mode!r}, "
            f"admin_password={'set' if self.admin_password else 'unset'})"
        )

    __str__ = __repr__


def _read(name: str, environ: Mapping[str, str]) -> str | None:
    value = environ.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _streamlit_secrets() -> dict[str, object]:
    """Entries of ``st.secrets`` named in ``ENV_VARS``; empty outside a Streamlit app.

    Streamlit is never imported here: a plain script or the test suite must not
    pay for (or depend on) it.  When the app runs, ``streamlit`` is already loaded.
    """
    st = sys.modules.get("streamlit")
    if st is None:
        return {}
    try:
        secrets = st.secrets
        load = getattr(secrets, "load_if_toml_exists", None)
        if load is not None and not load():
            return {}
        return {name: secrets[name] for name in ENV_VARS if name in secrets}
    except Exception:  # noqa: BLE001 - secrets.toml is optional; Streamlit logs its own parse errors
        return {}


def _merge_secrets(environ: Mapping[str, str], secrets: Mapping[str, object]) -> dict[str, str]:
    """Environment wins; secrets fill the variables the environment leaves unset."""
    merged = dict(environ)
    for name in ENV_VARS:
        if name not in secrets or _read(name, environ) is not None:
            continue
        value = secrets[name]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ConfigError(
                f"{name} in .streamlit/secrets.toml must be a plain string at the top level, "
                f"not a {type(value).__name__}."
            )
        merged[name] = str(value)
    return merged


def _writable_location_problem(path: Path, variable: str) -> str | None:
    """Why a SQLite file cannot be created or written at ``path`` (None when it can)."""
    try:
        if path.is_dir():
            return f"{variable} points to a directory ({path}); give a file path such as {path / 'lsp_twin.sqlite'}."
        if path.exists():
            if not os.access(path, os.R_OK | os.W_OK):
                return f"{variable}: the file {path} exists but is not readable and writable by this user."
            return None
        ancestor = path.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            return (
                f"{variable}: cannot create {path} because {ancestor} is a file, not a directory."
            )
        if not os.access(ancestor, os.W_OK | os.X_OK):
            return f"{variable}: cannot create {path}: this user may not write to {ancestor}."
    except OSError as error:
        return f"{variable}: cannot use {path} ({error.strerror or error})."
    return None


def _resolve_sqlite_path(raw: str | None) -> Path:
    if raw is None:
        return DEFAULT_SQLITE_PATH
    path = Path(raw).expanduser()
    # Relative paths are anchored at the project, not the shell's working directory,
    # so `streamlit run` from anywhere uses the same file.
    return path if path.is_absolute() else PROJECT_DIR / path


def _check_database_url(url: str, problems: list[str]) -> str:
    """Validate ``url`` (appending problems) and return it normalised for SQLAlchemy.

    The value is never echoed: it carries the database password.
    """
    example = (
        "DATABASE_URL must look like postgresql://user:password@host:5432/dbname "
        "(or sqlite:///path/to/file.sqlite); leave it unset to use the embedded SQLite file"
    )
    scheme, separator, rest = url.partition("://")
    if not separator:
        problems.append(f"{example} (the value has no '://').")
        return url
    normalised_scheme = DATABASE_SCHEMES.get(scheme.lower())
    if normalised_scheme is None:
        shown = scheme if len(scheme) <= 30 else scheme[:30] + "..."
        problems.append(
            f"DATABASE_URL scheme {shown!r} is not supported; use one of "
            f"{', '.join(DATABASE_SCHEMES)}."
        )
        return url
    normalised = f"{normalised_scheme}://{_encode_raw_at(rest)}"
    parts = urlsplit(normalised)
    if normalised_scheme == "sqlite":
        if parts.netloc:
            problems.append(
                "DATABASE_URL: a sqlite URL has no host; write sqlite:///relative/path.sqlite "
                "or sqlite:////absolute/path.sqlite."
            )
            return normalised
        file_part = parts.path[1:] if parts.path.startswith("/") else parts.path
        if file_part not in _SQLITE_MEMORY_PATHS:
            problem = _writable_location_problem(Path(file_part).expanduser(), "DATABASE_URL")
            if problem:
                problems.append(problem)
        return normalised
    try:
        port = parts.port
    except ValueError:
        problems.append(
            f"{example} (the port is not a number between 0 and 65535; if the password "
            "contains / ? # or %, percent-encode them: / as %2F, ? as %3F, # as %23, % as %25)."
        )
        return normalised
    del port  # only validated
    if not parts.hostname:
        problems.append(f"{example} (the host name is missing).")
    if not parts.path.strip("/"):
        problems.append(f"{example} (the database name after the host is missing).")
    return normalised


def _encode_raw_at(rest: str) -> str:
    """Percent-encode raw ``@`` in the user/password part of ``user:p@ss@host/db``.

    Hosting dashboards hand out passwords with reserved characters; URL
    parsers disagree on a raw ``@`` (SQLAlchemy would take ``ss@host`` as the
    host and show part of the password in its error).  The host is whatever
    follows the LAST ``@`` of the authority, as RFC 3986 intends.

    >>> _encode_raw_at("u:p@ss@db.example.com:5432/app")
    'u:p%40ss@db.example.com:5432/app'
    >>> _encode_raw_at("u:p%40ss@db/app")
    'u:p%40ss@db/app'
    """
    authority_end = len(rest)
    for mark in "/?#":
        position = rest.find(mark, rest.rfind("@") + 1)
        if position != -1:
            authority_end = min(authority_end, position)
    authority, tail = rest[:authority_end], rest[authority_end:]
    userinfo, at, host = authority.rpartition("@")
    if not at or "@" not in userinfo:
        return rest
    return userinfo.replace("@", "%40") + "@" + host + tail


def _check_gemini_model(environ: Mapping[str, str], problems: list[str]) -> str:
    if "GEMINI_MODEL" not in environ:
        return DEFAULT_GEMINI_MODEL
    model = environ["GEMINI_MODEL"].strip()
    if not model:
        problems.append(
            f"GEMINI_MODEL is set but empty; unset it to use {DEFAULT_GEMINI_MODEL!r} "
            "or name a model such as gemini-2.5-flash."
        )
    elif not _GEMINI_MODEL_PATTERN.fullmatch(model):
        problems.append(
            f"GEMINI_MODEL {model!r} is not a model name (letters, digits, '.', '-', '_', '/' only)."
        )
    return model or DEFAULT_GEMINI_MODEL


def _check_timeout(raw: str | None, problems: list[str]) -> float:
    if raw is None:
        return DEFAULT_GEMINI_TIMEOUT_S
    try:
        timeout = float(raw)
    except ValueError:
        timeout = math.nan
    if not (0.0 < timeout <= MAX_GEMINI_TIMEOUT_S):
        problems.append(
            f"GEMINI_TIMEOUT_S must be a number of seconds in (0, {MAX_GEMINI_TIMEOUT_S:g}]; "
            f"got {raw!r}."
        )
        return DEFAULT_GEMINI_TIMEOUT_S
    return timeout


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _check_flag(name: str, raw: str | None, problems: list[str]) -> bool:
    """An on/off variable: 1/true/yes/on or 0/false/no/off (unset = off)."""
    if raw is None:
        return False
    if raw.lower() in _TRUE:
        return True
    if raw.lower() not in _FALSE:
        problems.append(f"{name} must be 1 or 0 (also true/false, yes/no, on/off); got {raw!r}.")
    return False


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    secrets: Mapping[str, object] | None = None,
) -> Settings:
    """Read and validate settings.

    Parameters
    ----------
    environ : Mapping[str, str] | None
        Variables to read; ``None`` means ``os.environ`` after loading ``.env``.
    secrets : Mapping[str, object] | None
        Extra values (``st.secrets`` layout: top-level keys named like the
        variables) that fill variables ``environ`` leaves unset.  ``None``
        means ``st.secrets`` when ``environ`` is ``None`` and the app runs
        under Streamlit, else nothing.

    Raises
    ------
    ConfigError
        Listing every problem, each naming the variable and how to fix it.

    Examples
    --------
    >>> load_settings({}).app_mode
    'local'
    >>> load_settings({"GOOGLE_API_KEY": "k", "APP_MODE": "PUBLIC"}).read_only
    True
    >>> load_settings({"APP_MODE": "demo"})
    Traceback (most recent call last):
    ...
    domain.errors.ConfigError: APP_MODE must be one of local, public; got 'demo'.
    """
    if environ is None:
        load_dotenv(PROJECT_DIR / ".env", override=False)
        environ = dict(os.environ)
        if secrets is None:
            secrets = _streamlit_secrets()
    if secrets:
        environ = _merge_secrets(environ, secrets)

    problems: list[str] = []
    database_url = _read("DATABASE_URL", environ)
    if database_url is not None:
        database_url = _check_database_url(database_url, problems)
    sqlite_path = _resolve_sqlite_path(_read("LSP_SQLITE_PATH", environ))
    if database_url is None:  # the file is only used without DATABASE_URL
        problem = _writable_location_problem(sqlite_path, "LSP_SQLITE_PATH")
        if problem:
            problems.append(problem)
    app_mode = (_read("APP_MODE", environ) or DEFAULT_APP_MODE).lower()
    if app_mode not in APP_MODES:
        problems.append(f"APP_MODE must be one of {', '.join(APP_MODES)}; got {app_mode!r}.")
    gemini_model = _check_gemini_model(environ, problems)
    gemini_timeout_s = _check_timeout(_read("GEMINI_TIMEOUT_S", environ), problems)
    seed_demo = _check_flag("SEED_DEMO_IF_EMPTY", _read("SEED_DEMO_IF_EMPTY", environ), problems)
    log_level = (_read("LOG_LEVEL", environ) or DEFAULT_LOG_LEVEL).upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}; got {log_level!r}.")
        log_level = DEFAULT_LOG_LEVEL
    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(
        database_url=database_url,
        sqlite_path=sqlite_path,
        gemini_api_key=_read("GEMINI_API_KEY", environ) or _read("GOOGLE_API_KEY", environ),
        gemini_model=gemini_model,
        app_mode=app_mode,
        admin_password=_read("ADMIN_PASSWORD", environ),
        gemini_timeout_s=gemini_timeout_s,
        seed_demo_if_empty=seed_demo,
        log_level=log_level,
        dask_scheduler_address=_read("DASK_SCHEDULER_ADDRESS", environ),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process, read once (and logged once, without secrets)."""
    settings = load_settings()
    configure_logging(settings.log_level)
    logging.getLogger(LOGGER_NAME).info("start-up config %s", settings)
    return settings


LOGGER_NAME = "lsp"


def configure_logging(level: str = DEFAULT_LOG_LEVEL) -> logging.Logger:
    """The app's logger ``lsp`` (children ``lsp.db``, ``lsp.access``...): one format, stderr.

    Its own handler, so Streamlit's root configuration neither drops nor
    duplicates our lines; idempotent (safe on every Streamlit rerun).
    """
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    if not any(getattr(h, "_lsp_handler", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler._lsp_handler = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    return logger
