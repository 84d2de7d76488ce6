"""Deployment files: Dockerfile, .dockerignore, render.yaml, .env.example, Streamlit config.

No Docker engine is available in CI, so the Dockerfile is checked by parsing it.
"""

from __future__ import annotations

import ast
import json
import os
import re
import socket
import subprocess
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from dotenv import dotenv_values

from services import config

ROOT = config.PROJECT_DIR
CONFIG_FILE = Path(config.__file__).resolve()
HEALTH_PATH = "/_stcore/health"
SECRET_KEYS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "ADMIN_PASSWORD", "DATABASE_URL")


# --- Dockerfile ---------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, comments dropped, continuation lines joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, arguments = line.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "Dockerfile ends inside a continued line"
    return instructions


def _index(instructions, keyword, predicate=lambda args: True) -> int:
    for position, (kw, args) in enumerate(instructions):
        if kw == keyword and predicate(args):
            return position
    raise AssertionError(f"no {keyword} instruction matching the expectation")


def _env(instructions) -> dict[str, str]:
    values: dict[str, str] = {}
    for keyword, args in instructions:
        if keyword == "ENV":
            for pair in args.split():
                name, _, value = pair.partition("=")
                values[name] = value
    return values


def _exec_form(args: str) -> list[str]:
    form = json.loads(args)
    assert isinstance(form, list) and all(isinstance(part, str) for part in form)
    return form


def _command_line(instructions) -> str:
    (cmd,) = [args for keyword, args in instructions if keyword == "CMD"]
    form = _exec_form(cmd)
    assert form[:2] == ["sh", "-c"], "shell needed to expand $PORT"
    return form[2]


def _healthcheck_code(instructions) -> str:
    (check,) = [args for keyword, args in instructions if keyword == "HEALTHCHECK"]
    exec_part = check[check.index("CMD ") + len("CMD ") :]
    form = _exec_form(exec_part)
    assert form[:2] == ["python", "-c"]
    return form[2]


def test_base_image_is_python_311_slim():
    froms = [args for keyword, args in dockerfile_instructions() if keyword == "FROM"]
    assert froms == ["python:3.11-slim"]


def test_runs_as_a_non_root_user_before_the_app_starts():
    instructions = dockerfile_instructions()
    users = [(i, args) for i, (keyword, args) in enumerate(instructions) if keyword == "USER"]
    assert users, "no USER instruction: the app would run as root"
    position, user = users[-1]
    assert user.split(":")[0] not in ("root", "0")
    assert position < _index(instructions, "CMD")


def test_dependencies_are_installed_in_a_cached_layer_before_the_code_is_copied():
    instructions = dockerfile_instructions()
    copy_requirements = _index(instructions, "COPY", lambda a: a.split()[0] == "requirements.txt")
    install = _index(
        instructions,
        "RUN",
        lambda a: "pip install" in a and "-r requirements.txt" in a and "--no-cache-dir" in a,
    )
    copy_code = _index(instructions, "COPY", lambda a: a.split()[-2:] == [".", "."])
    assert copy_requirements < install < copy_code


def test_listens_on_port_with_8501_default():
    instructions = dockerfile_instructions()
    assert "8501" in [args for keyword, args in instructions if keyword == "EXPOSE"]
    assert _env(instructions)["PORT"] == "8501"
    command = _command_line(instructions)
    assert command.startswith("exec streamlit run app.py ")
    assert "--server.port=${PORT:-8501}" in command
    assert "--server.address=0.0.0.0" in command


def test_production_streamlit_settings():
    instructions = dockerfile_instructions()
    flags = dict(
        flag[2:].split("=", 1)
        for flag in _command_line(instructions).split()
        if flag.startswith("--")
    )
    assert flags["client.showErrorDetails"] == "none"
    assert flags["browser.gatherUsageStats"] == "false"
    assert flags["server.headless"] == "true"
    env = _env(instructions)
    assert env["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert env["STREAMLIT_SERVER_HEADLESS"] == "true"


def test_streamlit_flags_and_variables_name_real_options():
    streamlit_config = pytest.importorskip("streamlit.config")
    options = streamlit_config._config_options_template
    env_names = {option.env_var for option in options.values()}
    instructions = dockerfile_instructions()
    for flag in _command_line(instructions).split():
        if flag.startswith("--"):
            assert flag[2:].split("=", 1)[0] in options, flag
    for name in _env(instructions):
        if name.startswith("STREAMLIT_"):
            assert name in env_names, name


def test_no_app_mode_and_no_secrets_baked_into_the_image():
    instructions = dockerfile_instructions()
    declared = set(_env(instructions))
    declared |= {args.split("=")[0] for keyword, args in instructions if keyword == "ARG"}
    assert "APP_MODE" not in declared  # the host decides (render.yaml: public)
    assert not declared & set(SECRET_KEYS)


def test_healthcheck_uses_python_urllib_on_the_streamlit_health_endpoint():
    instructions = dockerfile_instructions()
    (check,) = [args for keyword, args in instructions if keyword == "HEALTHCHECK"]
    assert "curl" not in check and "wget" not in check
    code = _healthcheck_code(instructions)
    assert HEALTH_PATH in code and "urllib.request" in code
    compile(code, "<healthcheck>", "exec")


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - name fixed by http.server
        status = 200 if self.path == HEALTH_PATH else 404
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):  # keep test output quiet
        pass


def _run_healthcheck(code: str, port: int) -> int:
    env = {**os.environ, "PORT": str(port)}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, timeout=30
    ).returncode


def test_healthcheck_command_passes_when_healthy_and_fails_when_down():
    code = _healthcheck_code(dockerfile_instructions())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert _run_healthcheck(code, port) == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert _run_healthcheck(code, port) != 0


def test_dockerignore_keeps_secrets_and_local_data_out():
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".streamlit/secrets.toml", ".git", "data/", "*.sqlite"} <= ignored
    assert "requirements.txt" not in ignored and "app.py" not in ignored


# --- render.yaml --------------------------------------------------------------


@pytest.fixture(scope="module")
def blueprint():
    return yaml.safe_load((ROOT / "render.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def web_service(blueprint):
    webs = [service for service in blueprint["services"] if service["type"] == "web"]
    assert len(webs) == 1
    return webs[0]


def _env_vars(service) -> dict[str, dict]:
    return {entry["key"]: entry for entry in service["envVars"]}


def test_web_service_is_built_from_the_dockerfile(web_service):
    assert web_service["runtime"] == "docker"
    assert (ROOT / web_service.get("dockerfilePath", "./Dockerfile")).is_file()
    assert web_service["healthCheckPath"] == HEALTH_PATH


def test_managed_postgres_reaches_the_app_as_database_url(blueprint, web_service):
    databases = {database["name"]: database for database in blueprint["databases"]}
    source = _env_vars(web_service)["DATABASE_URL"]
    assert "value" not in source
    assert source["fromDatabase"]["property"] == "connectionString"
    database = databases[source["fromDatabase"]["name"]]
    assert database.get("region") == web_service.get("region")  # internal connection string


@pytest.mark.parametrize("key", ["GEMINI_API_KEY", "ADMIN_PASSWORD"])
def test_secrets_are_prompted_never_written(web_service, key):
    entry = _env_vars(web_service)[key]
    assert entry == {"key": key, "sync": False}


def test_hosted_instance_is_public_and_its_values_are_valid(web_service):
    variables = _env_vars(web_service)
    assert variables["APP_MODE"]["value"] == "public"
    assert set(variables) <= set(config.ENV_VARS)
    literal = {key: str(entry["value"]) for key, entry in variables.items() if "value" in entry}
    assert not literal.keys() & set(SECRET_KEYS)
    settings = config.load_settings(
        {**literal, "DATABASE_URL": "postgresql://u:p@dpg-x-a/lsp_twin"}
    )
    assert settings.read_only and settings.uses_postgres


# --- .env.example and the single configuration module ------------------------


def _example_lines() -> list[str]:
    return (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()


def _variables_read_by_config() -> set[str]:
    """Names services/config.py reads: _read("X", ...), environ["X"], "X" in environ."""
    tree = ast.parse(CONFIG_FILE.read_text(encoding="utf-8"))
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_read":
            found.append(node.args[0])
        elif isinstance(node, ast.Subscript) and getattr(node.value, "id", None) == "environ":
            found.append(node.slice)
        elif (
            isinstance(node, ast.Compare) and getattr(node.comparators[0], "id", None) == "environ"
        ):
            found.append(node.left)
    # Loops over ENV_VARS pass a variable; only literal names are collected.
    return {node.value for node in found if isinstance(node, ast.Constant)}


def test_env_vars_tuple_lists_exactly_what_config_reads():
    assert _variables_read_by_config() == set(config.ENV_VARS)


@pytest.mark.parametrize("name", config.ENV_VARS)
def test_env_example_documents_every_variable(name):
    lines = _example_lines()
    pattern = re.compile(rf"^#?\s*{name}=")
    (position,) = [i for i, line in enumerate(lines) if pattern.match(line)]
    comment = lines[position - 1]
    assert comment.startswith("# ") and len(comment) > len("# ") + 10, f"{name} needs a comment"


def test_env_example_names_nothing_unknown_and_holds_no_secret():
    assigned = dotenv_values(ROOT / ".env.example")
    assert set(assigned) <= set(config.ENV_VARS)
    for key in SECRET_KEYS:
        assert not assigned.get(key), f"{key} must be empty in .env.example"


def test_env_example_copied_as_is_gives_valid_settings():
    values = {key: value or "" for key, value in dotenv_values(ROOT / ".env.example").items()}
    settings = config.load_settings(values)
    assert settings.app_mode == "local"


def test_only_config_reads_the_environment():
    # Every source file of the app (tests, benchmarks and docs tooling aside).
    modules = [path for path in ROOT.rglob("*.py")
               if path.relative_to(ROOT).parts[0] not in {"tests", "bench", "docs", "test-artifacts"}]
    readers = [
        str(path.relative_to(ROOT))
        for path in modules
        if path.resolve() != CONFIG_FILE
        and re.search(r"os\.environ|getenv\(|load_dotenv", path.read_text(encoding="utf-8"))
    ]
    assert readers == []


# --- .streamlit/config.toml -----------------------------------------------------


@pytest.fixture(scope="module")
def streamlit_toml():
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_local_streamlit_config_hides_tracebacks_and_usage_stats(streamlit_toml):
    assert streamlit_toml["client"]["showErrorDetails"] == "none"
    assert streamlit_toml["browser"]["gatherUsageStats"] is False
    assert streamlit_toml["server"]["headless"] is True


def test_local_streamlit_config_names_real_options(streamlit_toml):
    streamlit_config = pytest.importorskip("streamlit.config")
    options = streamlit_config._config_options_template
    for section, values in streamlit_toml.items():
        for key in values:
            assert f"{section}.{key}" in options


def test_show_error_details_value_never_shows_a_traceback_in_installed_streamlit(streamlit_toml):
    streamlit_config = pytest.importorskip("streamlit.config")
    value = streamlit_toml["client"]["showErrorDetails"]
    assert value in {option.value for option in streamlit_config.ShowErrorDetailsConfigOptions}
    exception = pytest.importorskip("streamlit.elements.exception")
    visibility_of = getattr(exception, "_error_detail_visibility", None)
    if visibility_of is None:
        pytest.skip("this Streamlit version has no _error_detail_visibility")
    previous = streamlit_config.get_option("client.showErrorDetails")
    streamlit_config.set_option("client.showErrorDetails", value)
    try:
        visibility = visibility_of(True)
    finally:
        streamlit_config.set_option("client.showErrorDetails", previous)
    assert not visibility.show_trace
    assert not visibility.show_message
    assert not visibility.show_type


# --- end to end: a crashing page shows no traceback ---------------------------

_CRASHING_APP = """
import streamlit as st
st.write("page before the error")
def lane_helper_that_fails():
    raise ValueError("internal-detail-4711")
lane_helper_that_fails()
"""


def _chromium() -> str | None:
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if Path(candidate).exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.browser
@pytest.mark.slow
def test_uncaught_error_page_shows_no_traceback_with_the_local_config(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text(
        (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "crash.py").write_text(_CRASHING_APP, encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "crash.py", f"--server.port={port}"],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with sync_api.sync_playwright() as playwright:
            executable = _chromium()
            try:
                browser = playwright.chromium.launch(executable_path=executable)
            except sync_api.Error as error:
                pytest.skip(f"no usable Chromium: {error}")
            try:
                page = browser.new_page()
                for _attempt in range(60):  # wait for the server to come up
                    try:
                        page.goto(f"http://127.0.0.1:{port}", timeout=5000)
                        break
                    except sync_api.Error:
                        page.wait_for_timeout(500)
                page.wait_for_selector("text=page before the error", timeout=30000)
                page.wait_for_selector("text=encountered an error", timeout=30000)
                text = page.inner_text("body")
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    for leaked in (
        "Traceback",
        "ValueError",
        "internal-detail-4711",
        "lane_helper_that_fails",
        "crash.py",
    ):
        assert leaked not in text
