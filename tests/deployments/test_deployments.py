"""Deployment definitions: every entry point imports as a Prefect flow; schedules are in Europe/London."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml
from prefect import Flow
from prefect.events.schemas.automations import AutomationCore

ROOT = Path(__file__).parents[2]
PREFECT_YAML = yaml.safe_load((ROOT / "deployments" / "prefect.yaml").read_text())


@pytest.mark.parametrize("deployment", PREFECT_YAML["deployments"], ids=lambda d: d["entrypoint"])
def test_every_entrypoint_is_a_flow(deployment: dict) -> None:  # type: ignore[type-arg]
    path, name = deployment["entrypoint"].split(":")
    assert (ROOT / path).exists()
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    assert isinstance(getattr(module, name), Flow)
    assert deployment["work_pool"]["name"] == "ehcp-process"


def test_the_clock_runs_every_15_minutes_in_london() -> None:
    (clock,) = [d for d in PREFECT_YAML["deployments"] if "statutory_clock" in d["entrypoint"]]
    assert clock["schedules"] == [{"cron": "*/15 * * * *", "timezone": "Europe/London", "slug": "statutory-clock"}]


def test_the_served_clock_runs_on_its_cron_unless_it_is_off() -> None:
    from deployments.serve import clock_schedules

    (every_quarter,) = clock_schedules("*/15 * * * *")
    assert (every_quarter.cron, every_quarter.timezone) == ("*/15 * * * *", "Europe/London")
    assert clock_schedules("off") == [] and clock_schedules(" OFF ") == []


def test_example_automation_is_valid() -> None:
    path = ROOT / "deployments" / "automations" / "missed-deadline-webhook.yaml"
    automation = AutomationCore.model_validate(yaml.safe_load(path.read_text()))
    assert "ehcp.deadline.missed" in automation.trigger.expect  # type: ignore[union-attr]
