"""What each planned pool costs while it runs, from real prices or none.

Quantities come from the plan: vCores (and GPUs) a node from the node-size table
(facts/runtimes.py), the minimum and maximum nodes, auto-pause. Prices come from the Azure
Retail Prices API (clients/retail_prices.py) for the pool's region, through a cache of a day,
or from a saved answer (`--prices FILE`); when neither gives one, the price is unknown and the
plan says why. A month is an assumed number of active hours (`--active-hours`): a pool that
auto-pauses costs nothing while paused, so the hours it runs are the user's to state.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from synapse_dl.cli.user_cache import cache_dir, read_fresh, save
from synapse_dl.clients.retail_prices import (
    RETAIL_PRICES_ENDPOINT,
    PricesUnavailableError,
    RetailPricesClient,
    odata_filter,
)
from synapse_dl.facts.prices import PRICE_TYPE, PRODUCT_BY_FAMILY, SERVICE_NAME, SKU_NAME
from synapse_dl.facts.runtimes import NODE_SPECS

BIG_DATA_POOL = "azure-native:synapse:BigDataPool"
# 22 working days of 8 hours: an assumption, stated wherever a monthly figure is.
DEFAULT_ACTIVE_HOURS = 176.0
# Where the API is asked (`none`: not at all, as where no network is); set for a mirror, an
# air-gapped pipeline, or in tests. Its answers are kept a day (cli/user_cache.py).
ENDPOINT_VARIABLE = "SYNAPSE_DL_PRICES_URL"
_HOURS = re.compile(r"([0-9]+(?:\.[0-9]+)?)? ?Hours?")


@dataclass(frozen=True)
class Range:
    low: float
    high: float

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    def __sub__(self, other: Range) -> Range:
        return Range(self.low - other.low, self.high - other.high)

    def times(self, factor: float) -> Range:
        return Range(self.low * factor, self.high * factor)

    def to_json(self) -> dict[str, float]:
        return {"min": round(self.low, 2), "max": round(self.high, 2)}


@dataclass(frozen=True)
class PoolCost:
    name: str
    region: str
    family: str
    size: str
    vcores_per_node: int | None
    gpus_per_node: int
    nodes: Range
    auto_pause_minutes: float | None
    # per vCore-hour, in `currency`; None with `unknown_because` saying why
    price: float | None = None
    currency: str | None = None
    unknown_because: str | None = None

    @property
    def vcores(self) -> Range | None:
        return None if self.vcores_per_node is None else self.nodes.times(self.vcores_per_node)

    def per_hour(self) -> Range | None:
        vcores = self.vcores
        return None if vcores is None or self.price is None else vcores.times(self.price)

    def to_json(self, hours: float) -> dict[str, Any]:
        per_hour = self.per_hour()
        vcores = self.vcores
        return {
            "name": self.name,
            "region": self.region,
            "nodeSizeFamily": self.family,
            "nodeSize": self.size,
            "vcoresPerNode": self.vcores_per_node,
            "gpusPerNode": self.gpus_per_node,
            "nodes": {"min": self.nodes.low, "max": self.nodes.high},
            "vcores": None if vcores is None else {"min": vcores.low, "max": vcores.high},
            "autoPauseMinutes": self.auto_pause_minutes,
            "pricePerVcoreHour": self.price,
            "currency": self.currency,
            "perActiveHour": per_hour.to_json() if per_hour else None,
            "monthly": per_hour.times(hours).to_json() if per_hour else None,
            "unknownBecause": self.unknown_because,
        }


@dataclass(frozen=True)
class Prices:
    """Price items of the Retail Prices API, and where they came from."""

    items: list[Mapping[str, Any]]
    source: str
    # why a region has no items (the API did not answer), by region
    missing: dict[str, str] = field(default_factory=dict)

    def per_vcore_hour(self, region: str, family: str) -> tuple[float, str] | str:
        """(price, currency), or why there is none."""
        if region in self.missing:
            return f"prices unknown: {self.missing[region]}"
        product = PRODUCT_BY_FAMILY.get(family)
        if product is None:
            return f"no known meter prices {family} pools (none is named by a source)"
        found = []
        for item in self.items:
            hours = _hours_in(str(item.get("unitOfMeasure", "")))
            if (
                item.get("armRegionName") == region
                and item.get("productName") == product
                and item.get("skuName") == SKU_NAME
                and item.get("type") == PRICE_TYPE
                and not item.get("tierMinimumUnits")
                and hours
                and isinstance(item.get("retailPrice"), int | float)
            ):
                found.append(item)
        if not found:
            return f"{self.source} lists no {PRICE_TYPE} price of '{product}' in {region}"
        latest = max(found, key=lambda item: str(item.get("effectiveStartDate", "")))
        hours = _hours_in(str(latest["unitOfMeasure"])) or 1.0
        return float(latest["retailPrice"]) / hours, str(latest.get("currencyCode", "USD"))


def _hours_in(unit: str) -> float | None:
    """`1 Hour` -> 1, `100 Hours` -> 100; None for any other unit."""
    found = _HOURS.fullmatch(unit.strip())
    return float(found.group(1) or 1) if found else None


def _number(value: Any, default: float) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


def pool_quantities(resources: Iterable[Mapping[str, Any]]) -> list[PoolCost]:
    """Each planned pool's size: nodes from its autoscale (or its fixed count)."""
    pools = []
    for resource in resources:
        if resource["type"] != BIG_DATA_POOL:
            continue
        inputs = resource.get("inputs") or {}
        family, size = str(inputs.get("nodeSizeFamily")), str(inputs.get("nodeSize"))
        spec = NODE_SPECS.get((family, size))
        scale = inputs.get("autoScale") or {}
        fixed = _number(inputs.get("nodeCount"), 0)
        if scale.get("enabled"):
            nodes = Range(
                _number(scale.get("minNodeCount"), fixed), _number(scale.get("maxNodeCount"), fixed)
            )
        else:
            nodes = Range(fixed, fixed)
        pause = inputs.get("autoPause") or {}
        pools.append(
            PoolCost(
                name=str(inputs.get("bigDataPoolName", resource.get("name"))),
                region=str(inputs.get("location", "")).replace(" ", "").lower(),
                family=family,
                size=size,
                vcores_per_node=spec.vcores if spec else None,
                gpus_per_node=spec.gpus if spec else 0,
                nodes=nodes,
                auto_pause_minutes=_number(pause.get("delayInMinutes"), 0)
                if pause.get("enabled")
                else None,
            )
        )
    return pools


def priced(pools: Sequence[PoolCost], prices: Prices | None, why_none: str) -> list[PoolCost]:
    """The pools with their price per vCore-hour, or why it is unknown."""
    out = []
    for pool in pools:
        found = prices.per_vcore_hour(pool.region, pool.family) if prices else why_none
        if isinstance(found, str):
            out.append(_with(pool, unknown_because=found))
        else:
            out.append(_with(pool, price=found[0], currency=found[1]))
    return out


def _with(pool: PoolCost, **changes: Any) -> PoolCost:
    return replace(pool, **changes)


def monthly_total(pools: Sequence[PoolCost], hours: float) -> Range | None:
    """The stack's pools a month; None when a pool's price is unknown."""
    total = Range(0, 0)
    for pool in pools:
        per_hour = pool.per_hour()
        if per_hour is None:
            return None
        total = total + per_hour.times(hours)
    return total


def assumption(hours: float) -> str:
    return f"{hours:g} active hours a month" + (
        " (the default: 22 working days of 8 hours)" if hours == DEFAULT_ACTIVE_HOURS else ""
    )


def stack_cost(
    resources: Sequence[Mapping[str, Any]],
    prices: Prices | None,
    why_none: str,
    hours: float,
    base: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The plan JSON's "cost": each pool, the month's total and, against a baseline, the
    change (both priced alike; null where a price is unknown)."""
    pools = priced(pool_quantities(resources), prices, why_none)
    total = monthly_total(pools, hours)
    currencies = sorted({p.currency for p in pools if p.currency})
    document: dict[str, Any] = {
        "currency": currencies[0] if len(currencies) == 1 else None,
        "activeHoursPerMonth": hours,
        "assumption": assumption(hours),
        "source": prices.source if prices else why_none,
        "pools": [p.to_json(hours) for p in pools],
        "monthly": total.to_json() if total else None,
    }
    if base is not None:
        before = monthly_total(priced(pool_quantities(base), prices, why_none), hours)
        document["baseMonthly"] = before.to_json() if before else None
        document["delta"] = (total - before).to_json() if total and before else None
    return document


# --- where the prices come from -------------------------------------------------------------


def read_prices_file(path: Path) -> Prices:
    """A saved answer: one page of the API (`{"Items": [...]}`), a list of pages, or a list
    of items. ValueError naming the file when it is none of them."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path}: not a Retail Prices answer ({error})") from None
    pages = document if isinstance(document, list) else [document]
    items: list[Mapping[str, Any]] = []
    for page in pages:
        if isinstance(page, dict) and isinstance(page.get("Items"), list):
            items += [i for i in page["Items"] if isinstance(i, dict)]
        elif isinstance(page, dict) and "retailPrice" in page:
            items.append(page)
        else:
            raise ValueError(
                f'{path}: not a Retail Prices answer (a page {{"Items": [...]}}, a list of '
                "pages, or a list of items)"
            )
    return Prices(items, f"{path.name} (a saved answer of the Azure Retail Prices API)")


def prices_for(
    resources: Iterable[Mapping[str, Any]], saved: Prices | None
) -> tuple[Prices | None, str]:
    """The prices for the planned pools' regions: the saved answer, else the cache or the API;
    with no prices, why."""
    if saved is not None:
        return saved, ""
    if os.environ.get(ENDPOINT_VARIABLE) == "none":
        return None, f"prices unknown: not asked ({ENDPOINT_VARIABLE}=none)"
    regions = {pool.region for pool in pool_quantities(resources)}
    return (fetch_prices(regions), "") if regions else (None, "no pools")


def fetch_prices(regions: Iterable[str], now: dt.datetime | None = None) -> Prices:
    """Synapse's prices in each region: from the cache when it is less than a day old, else
    from the API (and cached). A region the API does not answer for is `missing`."""
    endpoint = os.environ.get(ENDPOINT_VARIABLE) or RETAIL_PRICES_ENDPOINT
    client = RetailPricesClient(endpoint)
    items: list[Mapping[str, Any]] = []
    missing: dict[str, str] = {}
    dates = set()
    for region in sorted(set(regions)):
        path = cache_dir() / "retail-prices" / f"{region}.json"
        cached = read_fresh(path, endpoint, now)
        if cached is None:
            try:
                found = client.items(odata_filter(serviceName=SERVICE_NAME, armRegionName=region))
            except PricesUnavailableError as error:
                missing[region] = f"the Azure Retail Prices API did not answer ({error})"
                continue
            stamp = now or dt.datetime.now(dt.UTC)
            save(path, endpoint, found, stamp)
            cached = (found, stamp.isoformat())
        items += cached[0]
        dates.add(cached[1][:10])
    when = f", fetched {', '.join(sorted(dates))}" if dates else ""
    return Prices(items, f"the Azure Retail Prices API{when}", missing)


# --- a budget, from the policy config -------------------------------------------------------

BUDGET_POLICY = "monthly-budget"


def money(amount: float, currency: str | None) -> str:
    return f"{currency or ''} {amount:,.2f}".strip()


def money_span(low: float, high: float, currency: str | None, *, signed: bool = False) -> str:
    """`USD 1.00 to USD 2.00`, one amount when both ends are alike; `signed` for a change."""

    def one(amount: float) -> str:
        if not signed:
            return money(amount, currency)
        return ("+" if amount >= 0 else "-") + money(abs(amount), currency)

    first, last = one(low), one(high)
    return first if first == last else f"{first} to {last}"


def judge_budget(
    level: str, settings: Mapping[str, Any], cost: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """(a violation's message, or a warning's when the budget cannot be judged); the policy
    config's `monthly-budget` sets `monthlyCeiling` (and `currency`, USD by default)."""
    ceiling = settings.get("monthlyCeiling")
    if level == "disabled" or ceiling is None:
        return None, None
    currency = str(settings.get("currency", "USD"))
    monthly = cost.get("monthly")
    if monthly is None:
        return None, f"{BUDGET_POLICY} not judged: a pool's price is unknown"
    if cost.get("currency") not in (currency, None):
        return None, (
            f"{BUDGET_POLICY} not judged: its ceiling is in {currency}, the prices in "
            f"{cost.get('currency')}"
        )
    if monthly["max"] <= ceiling:
        return None, None
    return (
        f"the pools may cost up to {money(monthly['max'], currency)} a month "
        f"({cost['assumption']}, every pool at its maximum nodes), over the budget of "
        f"{money(ceiling, currency)} ({BUDGET_POLICY}.monthlyCeiling in the policy config)"
    ), None
