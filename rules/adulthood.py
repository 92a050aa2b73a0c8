"""Preparing for adulthood: the four areas a review considers from Year 9 (Reg 20(6); the Code of Practice 8.9).

Pure module: data only, no I/O, no clock."""

from __future__ import annotations

from typing import Final

__all__ = ["ADULTHOOD_AREAS", "PFA_FROM_YEAR"]

PFA_FROM_YEAR: Final = 9
"""From Year 9, every review considers what provision helps the child or young person prepare for adulthood."""

ADULTHOOD_AREAS: Final = (
    ("employment", "Employment, further or higher education"),
    ("independent_living", "Independent living"),
    ("community", "Participating in society: friends, relationships and the community"),
    ("health", "Being as healthy as possible in adult life"),
)
"""The four outcomes of preparing for adulthood, as (key, label)."""
