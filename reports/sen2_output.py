"""The SEN2 items as the council's return team takes them: CSV, and the XML fragment of those items.

The CSV has one row per plan in force during the collection year up to the census: the identifier
columns, ``plan_ceased_on`` (the first day a plan that ceased before the census was no longer in force;
blank for a plan in force at the census), then the items under their DfE names, dates ``YYYY-MM-DD``,
blank where none. Cells go through ``reports.csv_safety``. The XML nests each plan's items as
the return does (Person, Requests, ActivePlans); the identifier and wrapper element names are the
engine's own (README "Reports": DfE's schema was not at hand), the item elements are DfE's names, and
an item with no value is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Final
from xml.etree import ElementTree

from reports.csv_safety import csv_text
from reports.sen2_items import ITEM_NAMES, Sen2Item

IDENTIFIER_COLUMNS: Final = ("la_person_id", "la_request_id", "child_ref")
ITEM_COLUMNS: Final = (*IDENTIFIER_COLUMNS, "plan_ceased_on", *ITEM_NAMES)


def _text(value: date | str | None) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return value or ""


def item_row(item: Sen2Item) -> tuple[str, ...]:
    """Return one plan's CSV cells in ``ITEM_COLUMNS`` order."""
    ids = (item.la_person_id or "", item.la_request_id or "", item.child_ref, _text(item.ceased_on))
    return (*ids, *(_text(value) for value in item.values()))


def items_csv(items: Sequence[Sen2Item]) -> str:
    """Return the items as CSV: a header row, then one row per plan (no names, no dates of birth)."""
    return csv_text(ITEM_COLUMNS, (item_row(item) for item in items))


def _child(parent: ElementTree.Element, name: str, value: date | str | None) -> None:
    text = _text(value)
    if text:
        ElementTree.SubElement(parent, name).text = text


def _plan(root: ElementTree.Element, item: Sen2Item) -> None:
    person = ElementTree.SubElement(root, "Person")
    _child(person, "LAPersonID", item.la_person_id)
    _child(person, "ChildRef", item.child_ref)
    requests = ElementTree.SubElement(person, "Requests")
    _child(requests, "LARequestID", item.la_request_id)
    _child(requests, "PlanCeasedOn", item.ceased_on)
    active = ElementTree.SubElement(requests, "ActivePlans")
    for name, value in zip(ITEM_NAMES, item.values(), strict=True):
        _child(active, name, value)


def items_xml(items: Sequence[Sen2Item], census_on: date) -> str:
    """Return the items as an XML fragment, one Person/Requests/ActivePlans branch per plan."""
    root = ElementTree.Element("SEN2AnnualReviewItems", {"ReferenceDate": census_on.isoformat()})
    root.append(ElementTree.Comment(
        " Annual-review items of the Active plans module for merging into the council's SEN2 return. "
        "LAPersonID, LARequestID, ChildRef and PlanCeasedOn (a plan that ceased during the collection year) are the "
        "council's and the engine's own, not DfE elements. "
    ))
    for item in items:
        _plan(root, item)
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
