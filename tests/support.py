"""Helpers for table-driven tests: dates written with their weekday, checked when parsed."""

from __future__ import annotations

from datetime import date


def d(labelled: str) -> date:
    """Return the date of "Tue 2026-02-10", failing if the weekday label is wrong."""
    weekday, iso = labelled.split()
    day = date.fromisoformat(iso)
    assert f"{day:%a}" == weekday, f"{iso} is a {day:%a}, not a {weekday}"
    return day
