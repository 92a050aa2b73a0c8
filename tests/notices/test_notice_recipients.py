"""Who receives what: the setting's contacts, the roles file and the family."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

from notices.recipients import (
    Addressee,
    LaDirectory,
    Recipient,
    SettingContacts,
    la_directory_from,
    load_la_directory,
    recipients_for,
)
from rules.deadlines import Owner
from rules.ladder import DEFAULT_LADDER, Role

SETTING = SettingContacts("senco@school.example.org", "head@school.example.org")


def test_example_roles_file_names_every_la_role_on_the_default_ladder(la_directory: LaDirectory) -> None:
    la_roles = {role for step in DEFAULT_LADDER for role in (*step.setting_audience, *step.la_audience)}
    la_roles -= {Role.SENCO, Role.HEAD_TEACHER, Role.FAMILY}
    assert la_roles <= set(la_directory.roles)
    assert all(la_directory.roles[role].email for role in la_roles)
    assert la_directory.authority.name == "Norfolk County Council (demo)"


def test_load_la_directory_json_matches_toml(tmp_path: Path, la_directory: LaDirectory) -> None:
    data = tomllib.loads((ROOT / "examples" / "la_roles.toml").read_text(encoding="utf-8"))
    path = tmp_path / "la_roles.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_la_directory(path) == la_directory


def test_recipients_for_missed_setting_deadline_copies_the_caseworker(la_directory: LaDirectory) -> None:
    audience = (Role.SENCO, Role.HEAD_TEACHER, Role.CASEWORKER)
    assert recipients_for(audience, Owner.SETTING, setting=SETTING, la=la_directory) == (
        Addressee(Recipient(Role.SENCO, "senco@school.example.org")),
        Addressee(Recipient(Role.HEAD_TEACHER, "head@school.example.org")),
        Addressee(Recipient(Role.CASEWORKER, "ehc-coordinators@example.org", "EHC coordinators"), copied=True),
    )


def test_recipients_for_la_deadline_uses_assigned_caseworker_and_roles_file(la_directory: LaDirectory) -> None:
    mine = Recipient(Role.CASEWORKER, "a.coordinator@example.org", "A Coordinator")
    found = recipients_for(
        (Role.CASEWORKER, Role.SEN_TEAM_MANAGER), Owner.LA, setting=SETTING, la=la_directory, caseworker=mine
    )
    assert [a.recipient.email for a in found] == ["a.coordinator@example.org", "sen-team-manager@example.org"]
    assert not any(a.copied for a in found)


def test_recipients_for_unknown_address_is_kept_visible(la_directory: LaDirectory) -> None:
    found = recipients_for((Role.SENCO,), Owner.LA, setting=SettingContacts(None, None), la=la_directory)
    assert [a.recipient for a in found] == [Recipient(Role.SENCO)]


def test_family_letter_goes_to_the_post_room_without_a_family_address(la_directory: LaDirectory) -> None:
    (found,) = recipients_for((Role.FAMILY,), Owner.LA, setting=SettingContacts(None, None), la=la_directory)
    assert found.recipient.email == "post-room@example.org"
    family = Recipient(Role.FAMILY, "parent@example.invalid")
    (own,) = recipients_for((Role.FAMILY,), Owner.LA, setting=SettingContacts(None, None), la=la_directory,
                            family=family)
    assert own.recipient == family


def test_la_directory_from_names_what_is_wrong(la_directory: LaDirectory) -> None:
    with pytest.raises(ValueError, match="missing"):
        la_directory_from({"authority": {"name": "x"}})
    authority = {
        "name": "x",
        "team_name": "t",
        "team_email": "e",
        "team_phone": "p",
        "sendiass_name": "s",
        "sendiass_contact": "c",
        "mediation_service_name": "m",
        "mediation_contact": "mc",
        "disagreement_resolution_contact": "d",
        "local_offer": "lo",
    }
    with pytest.raises(ValueError, match="roles.janitor: not a role"):
        la_directory_from({"authority": authority, "roles": {"janitor": {}}})
    with pytest.raises(ValueError, match="unknown keys"):
        la_directory_from({"authority": authority, "roles": {"director": {"phone": "1"}}})


def test_load_la_directory_refuses_other_formats(tmp_path: Path) -> None:
    path = tmp_path / "roles.ini"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=".toml or .json"):
        load_la_directory(path)
