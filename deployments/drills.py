"""``make drills``: pull the plug on each part of the production profile and check that nothing was lost or doubled.

A throwaway installation of the production profile (its own folder ``data/drills/``, Prefect on port
4410, its own PostgreSQL databases ``ehcp_drills`` and ``ehcp_drills_prefect``, recreated each time),
loopback only, bounded in time. Each drill breaks one thing, lets the installation settle, then counts
clock events, outbox rows, mails received and review stages against the records (``drill_ledger``)
and prints one line: "held", or what broke. Exit status 1 on any duplicate, loss or stuck run.

The shared PostgreSQL cluster is never stopped: "PostgreSQL restarts" are simulated by terminating
every backend of the drills' records database (``pg_terminate_backend``), that database only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import httpx
import psycopg

from deployments.drill_ledger import BUSY, Ledger, count_runs, scan_for_personal_data, take_ledger
from deployments.embedded import say
from deployments.production_stack import BIN, PG_ADMIN_URL, ROOT, ProductionStack, Profile
from notices.stage_letters import LETTER_RECIPIENTS

TODAY: Final = date.today()  # the drills' business date is the machine's date (the composition root)
SETTLE_SECONDS: Final = 240
BASELINE_SECONDS: Final = 900  # every open review's first run brought to its first wait (one process per run)
RETRY_DELAYS: Final = "[2, 4, 6]"  # the per-message retry window (12 s) the mail outage must outlast
DRILL_PROFILE: Final = Profile(
    home=ROOT / "data" / "drills",
    prefect_port=4410,
    mail_port=2636,
    webhook_port=2637,
    prefect_database="ehcp_drills_prefect",
    records_database="ehcp_drills",
    heartbeat_seconds=30,
    extra_env={"EHCP_DELIVERY_RETRY_DELAYS_SECONDS": RETRY_DELAYS, "EHCP_ACTOR": "drills", "EHCP_PORTAL_PORT": "8411"},
)
PORTAL: Final = "http://127.0.0.1:8411"
RECORDED_WITHIN_S: Final = 180  # a person's input is recorded within 3 minutes, nobody running start or the clock
REPLACED_WITHIN_S: Final = 300  # a run whose worker was killed is replaced (and its input recorded) within 5


def fresh_databases(profile: Profile) -> None:
    """Drop and recreate the drills' own two databases (never any other)."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as db:
        for name in (profile.records_database, profile.prefect_database):
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')


def terminate_records_backends(profile: Profile) -> int:
    """Cut every connection to the drills' records database, as a PostgreSQL restart would."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as db:
        rows = db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (profile.records_database,),
        ).fetchall()
    return len(rows)


def _last_error(result: subprocess.CompletedProcess[str]) -> str:
    """The last line of a failed command's output that names an error (for the drill's one line)."""
    output = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    lines = [line for line in output if "Error" in line or "error" in line] or output
    return (lines or ["(no output)"])[-1].strip()[:200]


class Drills:
    """The drills, run in order on one installation; each returns the problems it found."""

    def __init__(self, stack: ProductionStack) -> None:
        self.stack = stack
        self.as_of = TODAY  # the latest business date a drill's clock ran for (the clock never goes back)

    # -- helpers ---------------------------------------------------------------------------------------------
    def ehcp(self, *args: str, timeout_s: float = 600) -> subprocess.CompletedProcess[str]:
        return self.stack.run("ehcp", *args, check=False, timeout_s=timeout_s)

    def ehcp_async(self, *args: str) -> subprocess.Popen[str]:
        command = [str(BIN / "ehcp"), *args]
        return subprocess.Popen(
            command, cwd=ROOT, env=self.stack.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def settle(self, timeout_s: float = SETTLE_SECONDS) -> bool:
        """Wait until every review run is at a wait or has ended (none scheduled, pending or running).

        Runs a starter created sit Scheduled until a worker takes them, so Scheduled counts as not
        settled: a drill that drove a review before its run first waited would drive nothing."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if count_runs(self.stack, BUSY) == 0:
                return True
            time.sleep(2)
        say(f"  ! {count_runs(self.stack, BUSY)} review runs still not at a wait after {timeout_s:.0f} s")
        return False

    def sweep(self) -> subprocess.CompletedProcess[str]:
        """A clock pass for the latest date the drills used: what the 15-minute schedule would do next.

        It delivers the outbox (stage letters are queued, never sent by a stage) and hands over waiting inputs."""
        result = self.ehcp("clock", "--as-of", self.as_of.isoformat())
        self.settle()
        return result

    def paused_at(self, stage: int) -> list[tuple[str, str]]:
        """(reference, run id) of reviews whose record says ``stage`` and whose run waits there."""
        with psycopg.connect(self.stack.profile.records_url.replace("+psycopg", "")) as db:
            rows = db.execute(
                "SELECT reference, flow_run_id FROM reviews WHERE stage = %s AND flow_run_id IS NOT NULL", (stage,)
            ).fetchall()
        body = {"flow_runs": {"id": {"any_": [r for _, r in rows]}, "state": {"type": {"any_": ["PAUSED"]}}}}
        paused = {run["id"] for run in self.stack.api("POST", "/flow_runs/filter", json=body).json()}
        return [(ref, run_id) for ref, run_id in rows if run_id in paused]

    def record_stage(self, reference: str) -> int | None:
        with psycopg.connect(self.stack.profile.records_url.replace("+psycopg", "")) as db:
            row = db.execute("SELECT stage FROM reviews WHERE reference = %s", (reference,)).fetchone()
        return None if row is None else row[0]

    def preparation_args(self, reference: str) -> list[str]:
        return [
            "submit", "preparation", reference,
            "--meeting-planned-on", (TODAY + timedelta(days=14)).isoformat(),
            "--invitations-sent-on", (TODAY - timedelta(days=6)).isoformat(),
            "--advice-circulated-on", (TODAY - timedelta(days=5)).isoformat(),
            "--by", "drills-caseworker",
        ]  # fmt: skip

    def run_state(self, run_id: str) -> dict[str, object]:
        return dict(self.stack.api("GET", f"/flow_runs/{run_id}").json())

    # -- the drills ------------------------------------------------------------------------------------------
    def kill_worker_mid_stage(self) -> list[str]:
        """kill -9 the worker executing a stage; the liveness flow replaces the run and the input is recorded."""
        waiting = self.paused_at(1)
        if not waiting:
            return ["no review waiting at stage 1 to drive"]
        reference, run_id = waiting[0]
        submitted = self.ehcp(*self.preparation_args(reference), "--timeout", "0")  # send, do not wait
        if submitted.returncode not in (0, 3):  # 3: sent, not yet recorded (the kill is meant to land now)
            return [f"submit refused (exit {submitted.returncode}): {_last_error(submitted)}"]
        running = self._worker_running(run_id)
        if running is None:
            return ["the stage finished before a worker could be killed (no RUNNING state seen)"]
        victim, pid = running
        self.stack.kill_worker(victim)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # the flow-run process dies with its machine
        killed_at = time.monotonic()
        say(f"  killed {victim} and its flow-run process {pid} (kill -9) while {reference} was RUNNING")
        self.stack.start_worker(victim)
        say("  nobody acts: the liveness flow must notice the silent run, replace it and record the input")
        recorded = self._wait_for(lambda: self.record_stage(reference) == 2, REPLACED_WITHIN_S)
        took = time.monotonic() - killed_at
        state = self.run_state(run_id)
        say(f"  the killed run is now {state['state_type']}/{state['state_name']}; {reference} at stage "
            f"{self.record_stage(reference)} {took:.0f} s after the kill")  # fmt: skip
        problems = [] if state["state_type"] != "RUNNING" else [f"{reference}'s killed run is still RUNNING"]
        if not recorded:
            stage = self.record_stage(reference)
            problems.append(
                f"{reference}: the input given before the kill was not recorded within {REPLACED_WITHIN_S} s "
                f"of the kill (record at stage {stage})"
            )
        self.settle()
        return problems

    # -- the front door's API ----------------------------------------------------------------------------------
    def api_token(self) -> str:
        """An API token for a caseworker account of the drills (made once)."""
        email = "caseworker@drills.invalid"
        self.ehcp("users", "add", email, "--role", "caseworker")
        made = self.ehcp("users", "token", email, "--label", "drills")
        if made.returncode != 0:
            raise RuntimeError(f"no API token: {_last_error(made)}")
        return made.stdout.strip().splitlines()[-1]

    def decide_through_api(self, token: str, reference: str) -> int:
        """POST a maintain decision for the review through the front door's API; return the HTTP status."""
        body = {"outcome": "maintain", "notified_on": TODAY.isoformat()}
        headers = {"Authorization": f"Bearer {token}"}
        answer = httpx.post(f"{PORTAL}/api/reviews/{reference}/decision", json=body, headers=headers, timeout=30)
        return answer.status_code

    def early_and_ordinary_reviews_at_decision(self) -> tuple[str | None, str | None]:
        """(early, ordinary): reviews at stage 4, one whose preparation window has not opened, one whose has."""
        query = (
            "SELECT r.reference, d.due_on > %s FROM reviews r JOIN deadlines d ON d.review_id = r.id"
            " AND d.key = 'preparation_opens' WHERE r.stage = 4 ORDER BY r.id"
        )
        with psycopg.connect(self.stack.profile.records_url.replace("+psycopg", "")) as db:
            rows = db.execute(query, (TODAY,)).fetchall()
        early = next((ref for ref, is_early in rows if is_early), None)
        ordinary = next((ref for ref, is_early in rows if not is_early), None)
        return early, ordinary

    def decisions_through_the_api(self) -> list[str]:
        """Decisions through the API for an early review, an ordinary one and one sent while Prefect was down:
        each recorded within 3 minutes with nobody running ``ehcp start`` or the clock."""
        if not self._wait_for(self._portal_up, 60):
            return ["the front door did not start (see data/drills/logs/portal.log)"]
        token = self.api_token()
        early, ordinary = self.early_and_ordinary_reviews_at_decision()
        problems = [] if early else ["the demo caseload has no early review at stage 4 to drive"]
        cases = [(label, ref) for label, ref in (("early", early), ("ordinary", ordinary)) if ref]
        for label, reference in cases:
            problems += self._decided_in_time(token, label, reference)
        down = self.paused_at(4)
        if down:
            self.stack.stop_server()
            try:
                status = self.decide_through_api(token, down[0][0])
            finally:
                self.stack.start_server()
            say(f"  {down[0][0]}: decision sent while Prefect was down: HTTP {status}")
            problems += self._recorded_in_time(down[0][0], "sent while Prefect was down", status)
        self.sweep()  # the clock's outbox sweep delivers the decision letters the stages queued
        return problems

    def _portal_up(self) -> bool:
        try:
            return httpx.get(f"{PORTAL}/login", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def _decided_in_time(self, token: str, label: str, reference: str) -> list[str]:
        status = self.decide_through_api(token, reference)
        return self._recorded_in_time(reference, label, status)

    def _recorded_in_time(self, reference: str, label: str, status: int) -> list[str]:
        if status != 200:
            return [f"{reference} ({label}): the API answered {status}"]
        sent = time.monotonic()
        recorded = self._wait_for(lambda: self.record_stage(reference) != 4, RECORDED_WITHIN_S)
        took = time.monotonic() - sent
        say(f"  {reference} ({label}): recorded {took:.0f} s after the API call" if recorded else
            f"  {reference} ({label}): still at stage 4 after {took:.0f} s")  # fmt: skip
        return [] if recorded else [f"{reference} ({label}): not recorded within {RECORDED_WITHIN_S} s"]

    def _worker_running(self, run_id: str) -> tuple[str, int] | None:
        """Wait until the run is RUNNING; return the worker that started its process, and the process id."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run = self.run_state(run_id)
            pid_field = str(run.get("infrastructure_pid") or "")
            if run["state_type"] == "RUNNING" and pid_field:
                pid = int(pid_field.rsplit(":", 1)[-1])
                return self._owner_of(pid), pid
            time.sleep(0.1)
        return None

    def _owner_of(self, pid: int) -> str:
        """The worker that started the flow-run process: the nearest ancestor that is a worker the stack started (the
        ``deployments.worker`` launcher is the Prefect worker's parent), or, failing that, the first worker."""
        by_pid = {process.pid: name for name, process in self.stack.workers.items()}
        for _ in range(4):
            try:
                pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                break
            if pid in by_pid:
                return by_pid[pid]
        return next(iter(self.stack.workers))

    def _wait_for(self, condition: Callable[[], bool], timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(2)
        return False

    def restart_server(self) -> list[str]:
        """Stop and start the Prefect server with reviews suspended; every wait survives and still resumes."""
        before = count_runs(self.stack, ("PAUSED",))
        self.stack.stop_server()
        time.sleep(5)
        self.stack.start_server()
        after = count_runs(self.stack, ("PAUSED",))
        problems = [] if after == before else [f"suspended runs {before} before the restart, {after} after"]
        waiting = self.paused_at(1)
        if waiting:
            reference = waiting[0][0]
            result = self.ehcp(*self.preparation_args(reference))
            self.settle()
            if self.record_stage(reference) != 2:
                problems.append(
                    f"{reference} resumed after the restart but its record is not at stage 2: {result.stdout[-160:]}"
                )
        return problems

    def records_connections_cut_during_clock(self) -> list[str]:
        """Terminate the records database's backends three times while a clock run works; a rerun catches up."""
        self.as_of = TODAY + timedelta(days=7)
        as_of = self.as_of.isoformat()
        clock = self.ehcp_async("clock", "--as-of", as_of)
        cut, cuts = 0, 0
        while clock.poll() is None and cuts < 3:  # three cuts while the clock holds connections
            time.sleep(1.5)
            terminated = terminate_records_backends(self.stack.profile)
            cut, cuts = cut + terminated, cuts + (terminated > 0)
        output, _ = clock.communicate(timeout=600)
        say(f"  cut {cut} records connections; clock rc={clock.returncode}: {output.strip().splitlines()[-1:]} ")
        rerun = self.ehcp("clock", "--as-of", as_of)
        say(f"  rerun rc={rerun.returncode}: {rerun.stdout.strip().splitlines()[-1:]}")
        self.settle()
        return [] if rerun.returncode == 0 else [f"the clock rerun after the cut failed: {_last_error(rerun)}"]

    def mail_outage(self) -> list[str]:
        """Stop the mail server for longer than the retry window; after it returns every message goes once."""
        self.stack.stop_mail()
        self.as_of = TODAY + timedelta(days=21)
        as_of = self.as_of.isoformat()
        result = self.ehcp("clock", "--as-of", as_of)
        time.sleep(20)  # longer than the 2 + 4 + 6 s retry window
        self.stack.start_mail()
        sweep = self.ehcp("clock", "--as-of", as_of)
        say(f"  clock during the outage rc={result.returncode}, after rc={sweep.returncode}")
        self.settle(120)
        runs = [("during", result), ("after", sweep)]
        return [f"the clock {when} the outage failed: {_last_error(r)}" for when, r in runs if r.returncode != 0]

    def two_clocks(self) -> list[str]:
        """Two clock runs for the same date at once: one records, the other skips; neither crashes."""
        self.as_of = TODAY + timedelta(days=14)
        as_of = self.as_of.isoformat()
        first, second = self.ehcp_async("clock", "--as-of", as_of), self.ehcp_async("clock", "--as-of", as_of)
        outputs = [process.communicate(timeout=600)[0] for process in (first, second)]
        codes = [first.returncode, second.returncode]
        say(f"  clock exit statuses {codes}: {[o.strip().splitlines()[-1:] for o in outputs]}")
        self.settle()
        errors = [next((line for line in reversed(o.splitlines()) if "rror" in line), "")[:160] for o in outputs]
        return [f"a clock run crashed (exit {c}): {e}" for c, e in zip(codes, errors, strict=True) if c != 0]

    def same_decision_twice(self) -> list[str]:
        """The same stage-4 decision submitted twice at once: recorded once, one decision letter."""
        waiting = self.paused_at(4)
        if not waiting:
            return ["no review waiting at stage 4 to drive"]
        reference = waiting[0][0]
        args = ["decide", reference, "--outcome", "maintain", "--notified-on", TODAY.isoformat(), "--by", "drills-la"]
        first, second = self.ehcp_async(*args), self.ehcp_async(*args)
        outputs = [process.communicate(timeout=300)[0].strip() for process in (first, second)]
        last_lines = [o.splitlines()[-1:] for o in outputs]
        say(f"  {reference}: exit statuses {[first.returncode, second.returncode]}: {last_lines}")
        self.settle()
        self.sweep()  # delivers the decision letters the stage queued
        with psycopg.connect(self.stack.profile.records_url.replace("+psycopg", "")) as db:
            accepted = db.execute(
                "SELECT count(*) FROM audit_log a JOIN reviews r ON r.id = a.review_id"
                " WHERE r.reference = %s AND a.action = 'review.input_accepted' AND a.idempotency_key LIKE %s",
                (reference, f"{reference}/stage-4-%"),
            ).fetchone()[0]  # type: ignore[index]
            letters = db.execute(
                "SELECT idempotency_key, status FROM notifications WHERE idempotency_key LIKE %s",
                (f"{reference}/letter/decision-%",),
            ).fetchall()
        statuses = {status for _key, status in letters}
        # One letter per recipient and channel: a parent who asked for post and email gets both (the key says which).
        reached = sorted({key.split("/")[3] for key, _status in letters})
        say(f"  {reference}: decision accepted {accepted} time(s); decision letters {sorted(k for k, _ in letters)}")
        problems = [] if accepted == 1 else [f"{reference}: decision recorded {accepted} times"]
        if self.record_stage(reference) == 4:
            problems.append(f"{reference}: decision submitted twice but the record is still at stage 4")
        expected = sorted(str(role) for role in LETTER_RECIPIENTS)
        if reached != expected or statuses != {"sent"}:
            problems.append(f"{reference}: decision letters to {reached} ({statuses}), expected {expected} all sent")
        return problems


DRILLS: Final = [
    ("kill -9 a worker during a stage", Drills.kill_worker_mid_stage),
    ("restart the Prefect server with runs suspended", Drills.restart_server),
    ("the same decision submitted twice at once", Drills.same_decision_twice),
    ("decisions through the API: an early review, an ordinary one, one while Prefect was down",
     Drills.decisions_through_the_api),
    ("cut the records' PostgreSQL connections during a clock run", Drills.records_connections_cut_during_clock),
    ("two clocks at once", Drills.two_clocks),
    ("mail server down longer than the retry window", Drills.mail_outage),
]


def run_drill(drills: Drills, name: str, drill: Callable[[Drills], list[str]]) -> bool:
    """Run one drill, then count; print its line (what it broke, apart from what earlier drills left); return held."""
    say(f"drill: {name}")
    earlier = set(take_ledger(drills.stack).problems())
    began = time.monotonic()
    try:
        problems = drill(drills)
    except Exception as exc:  # a drill that cannot finish is a finding, not a reason to skip the others
        problems = [f"the drill could not finish: {type(exc).__name__}: {exc}"]
    ledger: Ledger = take_ledger(drills.stack)
    problems += [problem for problem in ledger.problems() if problem not in earlier]
    verdict = "held" if not problems else "BROKE: " + "; ".join(problems)
    left = f"; still there from earlier drills: {len(earlier)} kinds of problem" if earlier else ""
    print(f"DRILL {name}: {verdict} ({time.monotonic() - began:.0f} s; {ledger.summary()}{left})", flush=True)  # noqa: T201
    return not problems


def main() -> None:
    profile = DRILL_PROFILE
    shutil.rmtree(profile.home, ignore_errors=True)
    fresh_databases(profile)
    stack = ProductionStack(profile)
    held = []
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a time limit's SIGTERM still stops every process
    try:
        say("drills: bringing up a throwaway production profile (data/drills/, Prefect on port 4410)")
        stack.start(demo_plans=int(sys.argv[1]) if len(sys.argv) > 1 else 100)
        stack.start_portal()
        drills = Drills(stack)
        drills.settle(BASELINE_SECONDS)
        print(f"DRILL baseline: {take_ledger(stack).summary()}; problems: {take_ledger(stack).problems() or 'none'}")  # noqa: T201
        held = [run_drill(drills, name, drill) for name, drill in DRILLS]
        hits = scan_for_personal_data(stack, profile.prefect_database, profile.results)
        detail = "held (no child's name or date of birth found)" if not hits else f"BROKE: {dict(hits)}"
        print(f"DRILL personal data in Prefect's database and result storage: {detail}", flush=True)  # noqa: T201
        held.append(not hits)
    finally:
        stack.stop()
    raise SystemExit(0 if held and all(held) else 1)


if __name__ == "__main__":
    main()
