"""monthly-budget: the pack validates its settings; the plan judges it (tests/plan/
test_plan_cost.py), as the pack has no prices and reports nothing itself."""

import json

import pytest

from synapse_dl.engine.analyzer import PolicyConfigError
from tests.policies.policy_resources import cpu_pool, of_policy, stack


def _configure(pack, tmp_path, entry) -> None:
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps({"monthly-budget": entry}))
    pack.configure_from_file(str(path))


def test_the_budget_settings_are_taken_with_usd_by_default(pack, tmp_path):
    _configure(pack, tmp_path, {"enforcementLevel": "mandatory", "monthlyCeiling": 1500})
    config = pack.config["monthly-budget"]
    assert (config.enforcement_level, config.properties) == (
        "mandatory", {"monthlyCeiling": 1500, "currency": "USD"}
    )  # fmt: skip
    # Nothing to judge without prices: the pack itself reports nothing.
    assert of_policy(pack.analyze_stack([stack(), cpu_pool()]), "monthly-budget") == []


@pytest.mark.parametrize(
    "entry", [{"monthlyCeiling": 0}, {"monthlyCeiling": "1000"}, {"currency": "usd"},
              {"currency": "EUR\n"}, {"ceiling": 5}],
)  # fmt: skip
def test_a_bad_budget_setting_is_refused_naming_the_key(pack, tmp_path, entry):
    with pytest.raises(PolicyConfigError, match="""policy ['"]monthly-budget['"]"""):
        _configure(pack, tmp_path, entry)
