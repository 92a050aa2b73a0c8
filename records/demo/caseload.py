"""The whole synthetic caseload: settings rows and caseload rows in the import file layouts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from records.demo.children import demo_child, transfer_cap_of, transfer_of
from records.demo.families import family_columns
from records.demo.moves import moves_columns
from records.demo.reviews import review_columns
from records.demo.sen2 import sen2_columns
from records.demo.settings import PHASE_WEIGHTS, demo_settings
from records.importing.caseload_rows import CASELOAD_COLUMNS, CASELOAD_OPTIONAL_COLUMNS
from records.importing.csv_file import CsvRows
from records.importing.settings_rows import SETTINGS_COLUMNS, SETTINGS_OPTIONAL_COLUMNS
from records.models import Phase

CASELOAD_HEADER = (*CASELOAD_COLUMNS, *CASELOAD_OPTIONAL_COLUMNS)
SETTINGS_HEADER = (*SETTINGS_COLUMNS, *SETTINGS_OPTIONAL_COLUMNS)


@dataclass(frozen=True, slots=True)
class DemoCaseload:
    """A synthetic caseload as the two import files' rows (header is row 1)."""

    settings: CsvRows
    caseload: CsvRows


def _as_rows(rows: list[dict[str, str]], header: tuple[str, ...]) -> CsvRows:
    return CsvRows(tuple((number, {name: row.get(name, "") for name in header}) for number, row in enumerate(rows, 2)))


def _this_reviews(transfer: dict[str, str], review: dict[str, str]) -> dict[str, str]:
    """The transfer, unless its Reg 18 date passed before this review began: the previous review made it."""
    cap = transfer_cap_of(transfer)
    began = review.get("previous_decision_on") or review["plan_first_issued_on"]
    return transfer if cap is None or cap >= date.fromisoformat(began) else {}


def demo_caseload(plans: int, seed: int, today: date) -> DemoCaseload:
    """Return ``plans`` synthetic cases spread over settings of every phase, as they stand on ``today``."""
    rng = random.Random(seed)
    settings = demo_settings(plans, rng)
    weights = [PHASE_WEIGHTS[Phase(s["phase"])] for s in settings]
    cases = []
    for number, setting in enumerate(rng.choices(settings, weights=weights, k=plans), start=1):
        phase = Phase(setting["phase"])
        child, year, born = demo_child(number, phase, today, rng)
        transfer = transfer_of(phase, year, today, rng)
        review = review_columns(born, today, rng, transfer_cap_of(transfer))
        case = {**child, "setting_urn": setting["urn"], **_this_reviews(transfer, review), **review}
        case |= sen2_columns(case, number, seed, today)
        cases.append(case | moves_columns(case, number, seed, today) | family_columns(born, number, seed, today))
    return DemoCaseload(_as_rows(settings, SETTINGS_HEADER), _as_rows(cases, CASELOAD_HEADER))
