"""The operators' automations: every file is a valid Prefect automation, and each alert reaches the operators' block."""

from __future__ import annotations

import json

import jinja2
from prefect.events.actions import CallWebhook
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture

from deployments.operator_alerts import PLACEHOLDER_BLOCK, automation_specs

BLOCK = "11111111-2222-3333-4444-555555555555"


def automations() -> dict[str, AutomationCore]:
    return {spec["name"]: AutomationCore.model_validate(spec) for spec in automation_specs(BLOCK)}


def test_every_alert_posts_to_the_operators_block_once_filled_in() -> None:
    found = automations()
    webhooks = [a for automation in found.values() for a in automation.actions if isinstance(a, CallWebhook)]
    assert len(webhooks) == 5
    assert {str(action.block_document_id) for action in webhooks} == {BLOCK}
    assert all(PLACEHOLDER_BLOCK not in str(spec) for spec in automation_specs(BLOCK))


def test_the_promised_breakages_each_have_an_automation() -> None:
    found = automations()
    review, clock = found["ehcp review run failed or crashed"], found["ehcp statutory clock run failed"]
    for automation, flow in ((review, "annual-review"), (clock, "statutory-clock")):
        trigger = automation.trigger
        assert isinstance(trigger, EventTrigger)
        assert trigger.expect == {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"}
        related = json.loads(trigger.model_dump_json())["match_related"]
        assert related == {"prefect.resource.role": "flow", "prefect.resource.name": flow}
    late = found["ehcp statutory clock late"].trigger
    assert isinstance(late, EventTrigger) and late.posture is Posture.Proactive and late.within.total_seconds() == 2700
    failed = found["ehcp notification failed for good"].trigger
    assert isinstance(failed, EventTrigger) and failed.expect == {"ehcp.notification.failed"}
    assert "ehcp run heartbeat lost" not in found  # it crashed suspended runs; the liveness flow reads heartbeats


def test_run_failed_payload_renders_to_json_naming_the_review_only() -> None:
    (action,) = automations()["ehcp review run failed or crashed"].actions
    assert isinstance(action, CallWebhook)
    environment = jinja2.Environment()
    flow_run = {"name": "AR-2026-00123", "state": {"name": "Crashed", "message": 'said "no"'}}
    text = environment.from_string(str(action.payload)).render(flow_run=flow_run)
    assert json.loads(text)["text"].startswith("EHCP: review run AR-2026-00123 ended Crashed.")
