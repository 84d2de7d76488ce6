"""Forecasting internals; the public entry points live in the ``forecast`` module (facade)."""
