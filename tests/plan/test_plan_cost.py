"""What the planned pools cost: quantities from the plan, prices from the Azure Retail Prices
API (a local server answering as its docs describe, with paging), a saved answer or none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synapse_dl.cli.plan_cost import pool_quantities
from synapse_dl.clients.retail_prices import RetailPricesClient, odata_filter
from tests.cli_runs import run_plan
from tests.fakes.https_server import ServedFake
from tests.fakes.retail_prices import PATH, FakeRetailPrices, item

# Test data, not Azure's prices: the memory-optimized vCore-hour in westeurope at 0.5 USD.
PRICE = 0.5
ITEMS = [
    item(retailPrice=PRICE),
    # what must not be read as the pool's price
    item(retailPrice=0.4, effectiveStartDate="2020-01-01T00:00:00Z"),  # an older price
    item(retailPrice=0.1, type="Reservation"),
    item(retailPrice=0.2, type="DevTestConsumption"),
    item(retailPrice=9.0, armRegionName="eastus"),
    item(retailPrice=7.0, productName="Azure Synapse Analytics Data Flow - Basic"),
    # enough of Synapse's other meters in the region to take three pages
    *(item(retailPrice=1.0, productName=f"Azure Synapse Analytics Other {n}") for n in range(220)),
]


@pytest.fixture
def prices_api(trusted_ca, monkeypatch):
    with ServedFake(FakeRetailPrices(list(ITEMS)), trusted_ca) as fake:
        monkeypatch.setenv("SYNAPSE_DL_PRICES_URL", fake.base_url + PATH)
        yield fake


def _cost(tmp_path: Path, *argv: str, code: int = 0) -> tuple[dict, str]:
    out = tmp_path / "plan.json"
    status, stdout, err = run_plan("--stack", "cpu", "--json", str(out), *argv)
    assert status == code, stdout + err
    return json.loads(out.read_text())["cost"], stdout


def test_the_client_pages_through_next_page_link(prices_api):
    filter_ = odata_filter(serviceName="Azure Synapse Analytics", armRegionName="westeurope")
    found = RetailPricesClient(prices_api.base_url + PATH).items(filter_)
    assert len(found) == len(ITEMS) - 1  # all but eastus's
    assert [r.get("$skip") for r in prices_api.requests] == [None, "100", "200"]
    assert prices_api.requests[0]["$filter"] == (
        "serviceName eq 'Azure Synapse Analytics' and armRegionName eq 'westeurope'"
    )


def test_a_pool_is_priced_per_vcore_hour_at_its_minimum_and_maximum(tmp_path, prices_api):
    cost, text = _cost(tmp_path)

    [pool] = cost["pools"]
    assert (pool["name"], pool["region"], pool["vcoresPerNode"]) == ("cpumedium", "westeurope", 8)
    assert (pool["nodes"], pool["vcores"]) == ({"min": 3, "max": 6}, {"min": 24, "max": 48})
    assert (pool["pricePerVcoreHour"], pool["currency"]) == (PRICE, "USD")
    assert pool["perActiveHour"] == {"min": 24 * PRICE, "max": 48 * PRICE}
    hours = cost["activeHoursPerMonth"]
    assert hours == 176
    assert cost["monthly"] == pool["monthly"] == {"min": 24 * PRICE * hours,
                                                   "max": 48 * PRICE * hours}  # fmt: skip
    assert "USD 12.00 to USD 24.00 an active hour; USD 2,112.00 to USD 4,224.00 a month" in text


def test_prices_are_cached_for_a_day(tmp_path, prices_api):
    _cost(tmp_path)
    asked = len(prices_api.requests)
    cost, _ = _cost(tmp_path, "--active-hours", "100")
    assert len(prices_api.requests) == asked  # the second plan read the cache
    assert cost["monthly"] == {"min": 24 * PRICE * 100, "max": 48 * PRICE * 100}
    assert "fetched" in cost["source"]


def test_without_an_answer_the_prices_are_unknown_never_made_up(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNAPSE_DL_PRICES_URL", "http://127.0.0.1:9/api/retail/prices")
    cost, text = _cost(tmp_path)
    [pool] = cost["pools"]
    assert pool["vcores"] == {"min": 24, "max": 48}  # the quantities still
    assert pool["pricePerVcoreHour"] is None and cost["monthly"] is None
    assert pool["unknownBecause"].startswith("prices unknown: the Azure Retail Prices API did ")
    assert "  total: unknown a month" in text


def test_a_saved_answer_prices_without_the_network(tmp_path, monkeypatch):
    saved = tmp_path / "prices.json"
    saved.write_text(json.dumps({"Items": ITEMS, "NextPageLink": None}))
    monkeypatch.setenv("SYNAPSE_DL_PRICES_URL", "http://127.0.0.1:9/never-asked")
    cost, _ = _cost(tmp_path, "--prices", str(saved))
    assert cost["pools"][0]["pricePerVcoreHour"] == PRICE
    assert cost["source"].startswith("prices.json (a saved answer")


def test_a_saved_answer_that_is_none_is_a_usage_error(tmp_path):
    saved = tmp_path / "prices.json"
    saved.write_text(json.dumps({"items": []}))
    code, _, err = run_plan("--stack", "cpu", "--prices", str(saved))
    assert code == 2 and "argument --prices" in err and err.count("\n") == 1


def test_a_gpu_pool_has_no_known_meter_so_no_price(tmp_path, prices_api):
    out = tmp_path / "plan.json"
    code, _, err = run_plan("--stack", "dev", "--json", str(out))
    assert code == 0, err
    pools = {p["name"]: p for p in json.loads(out.read_text())["cost"]["pools"]}
    gpu = pools["gpularge"]
    assert (gpu["gpusPerNode"], gpu["pricePerVcoreHour"]) == (1, None)
    assert "no known meter prices HardwareAcceleratedGPU pools" in gpu["unknownBecause"]


def _budget(tmp_path: Path, level: str, ceiling: float) -> str:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"monthly-budget": {"enforcementLevel": level,
                                                      "monthlyCeiling": ceiling}}))  # fmt: skip
    return str(config)


def test_a_budget_under_the_maximum_is_a_violation_at_its_level(tmp_path, prices_api):
    out = tmp_path / "plan.json"
    code, text, _ = run_plan("--stack", "cpu", "--json", str(out),
                          "--policy-config", _budget(tmp_path, "mandatory", 4000))  # fmt: skip
    assert code == 3
    [violation] = [v for v in json.loads(out.read_text())["policy"]["violations"]
                   if v["policy"] == "monthly-budget"]  # fmt: skip
    assert violation["level"] == "mandatory"
    assert "up to USD 4,224.00 a month" in violation["message"]
    assert "over the budget of USD 4,000.00" in violation["message"]

    code, _, _ = run_plan("--stack", "cpu", "--policy-config", _budget(tmp_path, "mandatory", 4300))
    assert code == 0


def test_a_budget_that_cannot_be_judged_says_so_and_blocks_nothing(tmp_path):
    out = tmp_path / "plan.json"
    code, _, _ = run_plan("--stack", "cpu", "--json", str(out),
                       "--policy-config", _budget(tmp_path, "mandatory", 1))  # fmt: skip
    assert code == 0
    assert (
        "monthly-budget not judged: a pool's price is unknown"
        in (json.loads(out.read_text())["warnings"])
    )


def test_against_a_baseline_the_cost_change_is_shown(tmp_path, prices_api):
    base = tmp_path / "base.json"
    assert run_plan("--stack", "cpu", "--json", str(base))[0] == 0
    stack = tmp_path / "Pulumi.cpu.yaml"
    cpu = (Path(__file__).parents[2] / "Pulumi.cpu.yaml").read_text()
    assert "maxNodeCount: 6" in cpu
    stack.write_text(cpu.replace("maxNodeCount: 6", "maxNodeCount: 8", 1))
    out = tmp_path / "plan.json"

    code, text, err = run_plan("--stack-file", str(stack), "--against", str(base),
                            "--json", str(out))  # fmt: skip

    assert code == 0, text + err
    cost = json.loads(out.read_text())["cost"]
    assert cost["delta"] == {"min": 0, "max": 2 * 8 * PRICE * 176}
    assert "change against the baseline: +USD 0.00 to +USD 1,408.00 a month" in text


def test_quantities_follow_autoscale_or_the_fixed_count():
    def pool(**inputs):
        return {"type": "azure-native:synapse:BigDataPool", "name": "p",
                "inputs": {"nodeSizeFamily": "MemoryOptimized", "nodeSize": "Small",
                           "location": "East US", **inputs}}  # fmt: skip

    fixed, scaled = pool_quantities([
        pool(nodeCount=5.0, autoScale={"enabled": False, "minNodeCount": 3, "maxNodeCount": 9}),
        pool(nodeCount=5.0, autoScale={"enabled": True, "minNodeCount": 3, "maxNodeCount": 9}),
    ])  # fmt: skip
    assert (fixed.nodes.low, fixed.nodes.high, fixed.region) == (5, 5, "eastus")
    assert (scaled.nodes.low, scaled.nodes.high, scaled.vcores_per_node) == (3, 9, 4)


def test_a_price_is_per_hour_whatever_the_unit_counts():
    from synapse_dl.cli.plan_cost import Prices

    hundred = Prices([item(retailPrice=50.0, unitOfMeasure="100 Hours")], "test")
    assert hundred.per_vcore_hour("westeurope", "MemoryOptimized") == (0.5, "USD")
    other_unit = Prices([item(retailPrice=0.5, unitOfMeasure="1 GB/Month")], "test")
    assert "lists no Consumption price" in str(
        other_unit.per_vcore_hour("westeurope", "MemoryOptimized")
    )
