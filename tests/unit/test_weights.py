"""Weight scenarios: validation against a release, clear errors, and the JSON file format."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fixtures.scoring import synth
from league_atlas.errors import InputError
from league_atlas.io import releases
from league_atlas.scoring import preparation
from league_atlas.scoring.weights import Weights, WeightsError, check_vector, vector_is_official

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "scoring"


@pytest.fixture(scope="module")
def prepared() -> preparation.Prepared:
    metrics = releases.read_release(synth.FIXTURE).table
    return preparation.prepare(metrics, "acute", "Q1 2025/26")


def test_official_weights_are_all_ones(prepared):
    w = Weights.official(prepared)
    assert set(w.domains) == set(prepared.domains)
    assert set(w.metrics) == set(prepared.item_keys)
    assert w.is_official and w.is_official_for(prepared)
    assert Weights().is_official and Weights().is_official_for(prepared)
    np.testing.assert_array_equal(w.item_vector(prepared), np.ones(len(prepared.item_keys)))


def test_scaled_weights_count_as_official_but_unequal_do_not(prepared):
    scaled = Weights(domains={d: 2.5 for d in prepared.domains})
    assert not scaled.is_official
    assert scaled.is_official_for(prepared)
    assert not Weights(metrics={"OF1080": 2}).is_official_for(prepared)


def test_effective_weight_is_domain_times_item(prepared):
    w = Weights(domains={"Patient safety": 2}, metrics={"infections": 3, "OF1003": 0})
    vec = dict(zip(prepared.item_keys, w.item_vector(prepared), strict=True))
    assert vec["infections"] == 6
    assert vec["OF1061"] == 2
    assert vec["OF1003"] == 0
    assert vec["OF1085"] == 1


def test_domain_synonyms_are_accepted_and_canonicalised(prepared):
    w = Weights(domains={"Finance & Productivity": 2, "workforce": 0.5}).validate(prepared)
    assert w.domains == {"Finance and productivity": 2.0, "People and workforce": 0.5}


def test_unknown_names_list_the_valid_ones(prepared):
    with pytest.raises(
        WeightsError, match=r"unknown domain 'Money'.*valid domains: Access to services"
    ):
        Weights(domains={"Money": 1}).validate(prepared)
    with pytest.raises(WeightsError, match=r"unknown item 'OF9999'.*valid items: .*infections"):
        Weights(metrics={"OF9999": 1}).validate(prepared)


@pytest.mark.parametrize("mid", ["OF1079", "OF1081", "of1079"])
def test_finance_parts_say_finance_counts_through_of1080(prepared, mid):
    with pytest.raises(WeightsError, match=r"finance counts once, through OF1080"):
        Weights(metrics={mid: 2}).validate(prepared)


def test_infection_members_point_to_the_merged_item(prepared):
    with pytest.raises(WeightsError, match=r"OF1048 is averaged into the item 'infections'"):
        Weights(metrics={"OF1048": 2}).validate(prepared)


def test_item_names_ignore_case(prepared):
    w = Weights(metrics={"of1003": 2, "Infections": 3}).validate(prepared)
    assert w.metrics == {"OF1003": 2.0, "infections": 3.0}
    with pytest.raises(WeightsError, match="given twice"):
        Weights(metrics={"of1003": 2, "OF1003": 3}).validate(prepared)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "negative"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ("2", "expected a number"),
        (True, "expected a number"),
        (None, "expected a number"),
    ],
)
def test_invalid_weight_values_are_refused(value, message):
    with pytest.raises(WeightsError, match=message):
        Weights(metrics={"OF1003": value})
    with pytest.raises(WeightsError, match=message):
        Weights(domains={"Patient safety": value})


def test_all_zero_weights_are_refused(prepared):
    with pytest.raises(WeightsError, match="every item weight is zero"):
        Weights(domains={d: 0 for d in prepared.domains}).validate(prepared)
    with pytest.raises(WeightsError, match="every item weight is zero"):
        Weights(metrics={k: 0 for k in prepared.item_keys}).validate(prepared)
    # One domain at zero is fine.
    Weights(domains={"Patient safety": 0}).validate(prepared)


def test_raw_vectors_are_checked(prepared):
    keys = prepared.item_keys
    good = np.ones(len(keys))
    assert check_vector(good, keys) is not None
    with pytest.raises(WeightsError, match="expected 8 item weights"):
        check_vector(np.ones(3), keys)
    for bad, msg in ((np.nan, "not finite"), (-1.0, "negative")):
        v = good.copy()
        v[2] = bad
        with pytest.raises(WeightsError, match=msg):
            check_vector(v, keys)
    with pytest.raises(WeightsError, match="zero"):
        check_vector(np.zeros(len(keys)), keys)
    assert vector_is_official(np.full(4, 0.25)) and not vector_is_official(np.array([1.0, 2.0]))
    assert not vector_is_official(np.zeros(3))


def test_json_round_trip(tmp_path):
    w = Weights(domains={"Patient safety": 2}, metrics={"OF1080": 0.5, "infections": 3})
    path = tmp_path / "scenario.json"
    text = w.to_json(path)
    assert json.loads(path.read_text()) == json.loads(text) == w.to_dict()
    back = Weights.from_json(path)
    assert back == w and hash(back) == hash(w)


def test_the_fixture_scenario_file_reads(prepared):
    w = Weights.from_json(FIXTURES / "weights_safety_x2.json")
    v = w.validate(prepared)
    assert v.domains == {"Patient safety": 2.0}
    assert v.metrics == {"OF1080": 0.5}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "top level is list"),
        ('{"domains": {}, "weights": {}}', r"unknown key\(s\) \['weights'\]"),
        ('{"metrics": [1]}', "'metrics' is list"),
        ('{"metrics": {"OF1003": -2}}', "negative"),
        ('{"domains": {"Patient safety": "high"}}', "expected a number"),
    ],
)
def test_bad_scenario_files_name_the_file(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        Weights.from_json(path)
    assert str(path) in str(err.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="cannot read the weights file"):
        Weights.from_json(tmp_path / "nope.json")


def test_empty_sections_mean_official():
    w = Weights.loads('{"domains": null, "metrics": {}}')
    assert w.is_official and w == Weights() and hash(w) == hash(Weights())
