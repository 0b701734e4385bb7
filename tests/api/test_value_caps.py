"""A filter takes at most 20 values in the API too, where the HTML list leaves the rest out."""

import pytest

pytestmark = pytest.mark.django_db


def test_more_values_than_a_filter_takes_is_a_400_naming_it(client):
    years = "&".join(f"year={y}" for y in range(1990, 2021))  # 31 values

    response = client.get(f"/api/v1/releases/?{years}")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["parameter"] == "year"
    assert "at most 20" in error["message"]


def test_a_repeated_value_counts_once(client):
    response = client.get("/api/v1/releases/?" + "&".join(["year=2014"] * 40))

    assert response.status_code == 200
