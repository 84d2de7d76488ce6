"""Structured log: one format, level from LOG_LEVEL, imports/resets/start-up logged, no secret."""

from __future__ import annotations

import logging

import pytest
from app_support import clear_app_caches, demand_csv, use_database, write_context

from services import config
from services.config import load_settings


@pytest.fixture
def lsp_log(caplog: pytest.LogCaptureFixture):
    logger = config.configure_logging("INFO")
    logger.propagate = True  # let caplog see our lines
    with caplog.at_level(logging.INFO, logger="lsp"):
        yield caplog
    logger.propagate = False


def test_import_and_reset_are_logged(tmp_path, monkeypatch, lsp_log) -> None:
    import services

    use_database(monkeypatch, tmp_path / "log.sqlite")
    try:
        ctx = write_context()
        services.import_demand(ctx, demand_csv(("AAA-BBB",), 5), "plan.csv")
        services.factory_reset(ctx, "RESET")
    finally:
        clear_app_caches()
    lines = [r.getMessage() for r in lsp_log.records if r.name.startswith("lsp")]
    imported = next(line for line in lines if "action='import data'" in line)
    assert "rows=5" in imported and "inserted=5" in imported and "duration_s=" in imported
    assert any("action='factory reset'" in line for line in lines)


def test_start_up_config_is_logged_without_secrets(monkeypatch, lsp_log) -> None:
    monkeypatch.setenv("ADMIN_PASSWORD", "Sehr-Geheim-99")
    monkeypatch.setenv("GEMINI_API_KEY", "AIza-secret-key")
    monkeypatch.setenv("LOG_LEVEL", "info")
    config.get_settings.cache_clear()
    try:
        settings = config.get_settings()
    finally:
        config.get_settings.cache_clear()
    assert settings.log_level == "INFO"
    text = "\n".join(r.getMessage() for r in lsp_log.records)
    assert "start-up config" in text and "admin_password=set" in text
    assert "Sehr-Geheim-99" not in text and "AIza-secret-key" not in text


def test_bad_log_level_is_a_config_error() -> None:
    with pytest.raises(config.ConfigError, match="LOG_LEVEL"):
        load_settings({"LOG_LEVEL": "chatty"})


def test_one_format() -> None:
    logger = config.configure_logging("WARNING")
    handlers = [h for h in logger.handlers if getattr(h, "_lsp_handler", False)]
    assert len(handlers) == 1 and handlers[0].formatter._fmt == config.LOG_FORMAT
    config.configure_logging("INFO")
    assert len([h for h in logger.handlers if getattr(h, "_lsp_handler", False)]) == 1
