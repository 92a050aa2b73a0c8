"""Who a family letter goes to (STATUTORY.md s9; CFA 2014 s83(2); SEND Regs 2014 reg 64)."""

from __future__ import annotations

from rules.addressees import (
    Addressee,
    ContactRole,
    FamilyMember,
    FamilyOnRecord,
    PreferredChannel,
    addressees,
    channels_of,
)

MUM = FamilyMember(1, ContactRole.PARENT, PreferredChannel.EMAIL)
CARER = FamilyMember(2, ContactRole.CARER, PreferredChannel.POST)
SAM = FamilyMember(3, ContactRole.YOUNG_PERSON, PreferredChannel.BOTH)
DEPUTY = FamilyMember(4, ContactRole.REPRESENTATIVE, PreferredChannel.POST)
EVERYONE = (MUM, CARER, SAM, DEPUTY)


def test_a_childs_letters_go_to_each_parent_or_carer_by_their_channel() -> None:
    found = addressees(FamilyOnRecord(EVERYONE), young_person=False)
    assert found.addressees == (Addressee(1, ("email",)), Addressee(2, ("post",)))
    assert found.missing is None and not found.young_person


def test_a_young_persons_letters_are_their_own() -> None:
    found = addressees(FamilyOnRecord(EVERYONE), young_person=True)
    assert found.addressees == (Addressee(3, ("email", "post")),) and found.missing is None


def test_parents_are_copied_only_when_the_young_person_agreed() -> None:
    found = addressees(FamilyOnRecord(EVERYONE, parents_copied=True), young_person=True)
    assert found.addressees == (
        Addressee(3, ("email", "post")),
        Addressee(1, ("email",), copied=True),
        Addressee(2, ("post",), copied=True),
    )


def test_a_representative_receives_the_letters_of_a_young_person_who_lacks_capacity() -> None:
    found = addressees(FamilyOnRecord(EVERYONE, representative_acts=True), young_person=True)
    assert found.addressees == (Addressee(4, ("post",)),)


def test_a_missing_lawful_addressee_is_named_never_replaced_by_a_parent() -> None:
    young = addressees(FamilyOnRecord((MUM, CARER)), young_person=True)
    assert young.addressees == () and young.missing is not None and "young person" in young.missing
    acting = addressees(FamilyOnRecord((MUM, SAM), representative_acts=True), young_person=True)
    assert acting.addressees == () and acting.missing is not None and "representative" in acting.missing
    child = addressees(FamilyOnRecord((SAM,)), young_person=False)
    assert child.addressees == () and child.missing == "no parent or carer of the child is on record"


def test_channels_of_both_is_an_email_and_a_letter() -> None:
    assert channels_of(PreferredChannel.BOTH) == ("email", "post")
    assert channels_of(PreferredChannel.POST) == ("post",)
