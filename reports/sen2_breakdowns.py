"""DfE's annual-review measures broken down as DfE publishes them: by age, years the plan has been in place, setting.

Pure: items at the census, with each plan's date of birth and setting phase, in; one row of measures per group out.
DfE's data set "Number of annual reviews of EHC plans" (explore-education-statistics, 49159ef4-a116-47d7-9e16-
61feb9981089) breaks its measures down by "Characteristics of EHC plan for which annual review is expected": the
child's age at 31 August of the year, the years the plan has been in place, and placement type, among others. Here:

* ``age``: "Aged N", whole years at 31 August of the measures' year (from the date of birth);
* ``years_in_place``: the census year minus the year the plan started, "Less than a year" for 0 (DfE's published
  bands "Less than a year" and "1" are exactly the plans not expected a review: those started in January before
  the census and those started in the year; inferred, DfE's definition was not found);
* ``setting_phase``: the phase of the setting the plan names now; DfE's placement types (mainstream, special,
  independent ...) are not held, so this is the engine's own grouping, not DfE's.

Each row carries DfE's measures for the group (``reports.sen2_measures``), over the plans in force at the census.
Sex and ethnicity, also published, are not held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from reports.csv_safety import csv_text
from reports.sen2_items import Sen2Item
from reports.sen2_measures import MEASURE_NAMES, NOT_DFE, measures_for

__all__ = ["BREAKDOWN_MEASURES", "PHASE_NAMES", "TOPICS", "BreakdownRow", "Person", "age_at_31_august", "breakdown_csv",
           "breakdowns", "years_in_place"]

TOPICS: Final = ("age", "years_in_place", "setting_phase")
PHASE_NAMES: Final = {
    "early_years": "Early years", "infant": "Infant", "junior": "Junior", "primary": "Primary", "middle": "Middle",
    "secondary": "Secondary", "all_through": "All-through", "special": "Special", "post16": "Post-16",
    "alternative_provision": "Alternative provision", "none": "",
}
"""The engine's setting phases as words (``records.models.Phase``); ``none``: no school or college (Reg 21)."""
BREAKDOWN_MEASURES: Final = tuple(name for name in MEASURE_NAMES
                                  if not name.startswith("phase_transfer") and name not in NOT_DFE)


@dataclass(frozen=True, slots=True)
class Person:
    """What a breakdown needs of a plan beyond its items: the child's date of birth and the setting's phase."""

    date_of_birth: date
    setting_phase: str


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One group's measures: the topic, the group's label and DfE's measures for its plans."""

    topic: str
    label: str
    counts: dict[str, int]

    def cells(self) -> tuple[object, ...]:
        return (self.topic, self.label, *(self.counts[name] for name in BREAKDOWN_MEASURES))


def age_at_31_august(date_of_birth: date, year: int) -> int:
    """Return the whole years of age on 31 August of ``year``."""
    day = date(year, 8, 31)
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def years_in_place(start_on: date, census_on: date) -> int:
    """Return the census year minus the year the plan started (0: started in January before the census)."""
    return census_on.year - start_on.year


def _label(topic: str, item: Sen2Item, person: Person, year: int, census_on: date) -> tuple[int, str]:
    """The group's sort key and label."""
    if topic == "age":
        age = age_at_31_august(person.date_of_birth, year)
        return age, f"Aged {age}"
    if topic == "years_in_place":
        years = years_in_place(item.start_on, census_on)
        return years, "Less than a year" if years == 0 else str(years)
    return 0, PHASE_NAMES.get(person.setting_phase, person.setting_phase) or "No school or college"


def breakdowns(
    items: Sequence[Sen2Item], people: Mapping[str, Person], year: int, census_on: date, topic: str
) -> list[BreakdownRow]:
    """Return one row per group of ``topic`` (and a total), each with DfE's measures over its plans at the census."""
    groups: dict[tuple[int, str], list[Sen2Item]] = defaultdict(list)
    for item in items:
        if item.in_force_at_census:
            groups[_label(topic, item, people[item.child_ref], year, census_on)].append(item)
    rows = [BreakdownRow(topic, label, measures_for(group, year, census_on).counts)
            for (_, label), group in sorted(groups.items())]
    return [*rows, BreakdownRow(topic, "Total", measures_for(items, year, census_on).counts)]


def breakdown_csv(rows: Sequence[BreakdownRow]) -> str:
    """Return the rows as CSV: ``breakdown_topic``, ``breakdown`` and DfE's measures (cells escaped)."""
    return csv_text(("breakdown_topic", "breakdown", *BREAKDOWN_MEASURES), (row.cells() for row in rows))
