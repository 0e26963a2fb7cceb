"""The masking of people's names, phones and e-mail addresses on public pages."""

from __future__ import annotations

import pytest

from schools.russian import NAME_MASK, mask_names
from tests.schools.masking_corpus import CONTACTS, FROM_SEEDS, NOT_PEOPLE, PEOPLE


@pytest.mark.parametrize("text, masked", FROM_SEEDS)
def test_it_masks_the_people_and_contacts_of_the_seed_roadmaps(text, masked):
    assert mask_names(text) == masked


@pytest.mark.parametrize("text, masked", PEOPLE)
def test_it_masks_a_name_in_every_form_roadmaps_write_it(text, masked):
    assert mask_names(text) == masked


@pytest.mark.parametrize("text, masked", CONTACTS)
def test_it_masks_phones_and_e_mail_addresses(text, masked):
    assert mask_names(text) == masked


@pytest.mark.parametrize("text", NOT_PEOPLE)
def test_it_keeps_what_names_nobody(text):
    assert mask_names(text) == text


def test_it_masks_the_given_names_as_written():
    assert mask_names("Отвечает Баркалова Елена", known=["Баркалова Елена"]) == f"Отвечает {NAME_MASK}"
