"""System names: the one place that says how a family and a country's registry are named."""

from __future__ import annotations

import pytest

from caas_core.systems import (
    ADDRESSABLE,
    ADMIN_SYSTEMS,
    COUNTRIES,
    SYSTEMS,
    admin_system,
    country_of,
    family,
    members,
)


def test_each_country_has_its_registry_named_after_it():
    assert admin_system("ES") == admin_system("es") == "admin-es"
    assert ADMIN_SYSTEMS == ("admin-es", "admin-fr", "admin-de", "admin-it", "admin-pt")
    assert [country_of(s) for s in ADMIN_SYSTEMS] == list(COUNTRIES)


def test_a_registry_belongs_to_the_admin_family_and_others_to_their_own():
    assert [family(s) for s in ADDRESSABLE] == ["factory", "vss", "iot", "payment", *["admin"] * 5]
    assert set(map(family, ADDRESSABLE)) == set(SYSTEMS)


def test_admin_stands_for_every_registry_and_other_names_for_themselves():
    assert members("admin") == ADMIN_SYSTEMS
    assert members("admin-fr") == ("admin-fr",)
    assert members("iot") == ("iot",)


def test_only_a_registry_has_a_country():
    with pytest.raises(ValueError, match=r"^'vss' is not a country's registry$"):
        country_of("vss")
