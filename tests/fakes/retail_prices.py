"""The Azure Retail Prices API as its documentation describes it (docs
`rest/api/cost-management/retail-prices/azure-retail-prices`): `GET /api/retail/prices` with an
OData `$filter` of `field eq 'value'` terms (case-sensitive since 2023-01-01-preview), 100 items
a page, `NextPageLink` to the next page (`$skip`), null on the last.

The prices it serves are test data made up for the tests, not Azure's.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from tests.fakes.https_server import Answer, error_body

PATH = "/api/retail/prices"
PAGE_SIZE = 100
_TERM = re.compile(r"(\w+) eq '((?:[^']|'')*)'")
MEMORY_OPTIMIZED = "Azure Synapse Analytics Serverless Apache Spark Pool - Memory Optimized"


def item(**fields: Any) -> dict[str, Any]:
    """One price item with every field the docs list; `fields` override."""
    base = {
        "currencyCode": "USD", "tierMinimumUnits": 0.0, "retailPrice": 0.5, "unitPrice": 0.5,
        "armRegionName": "westeurope", "location": "EU West",
        "effectiveStartDate": "2024-01-01T00:00:00Z", "meterId": "m-1", "meterName": "vCore",
        "productId": "DZH318Z0BQ4P", "skuId": "DZH318Z0BQ4P/0001", "productName": MEMORY_OPTIMIZED,
        "skuName": "vCore", "serviceName": "Azure Synapse Analytics", "serviceId": "DZH318Z0BQ4P",
        "serviceFamily": "Analytics", "unitOfMeasure": "1 Hour", "type": "Consumption",
        "isPrimaryMeterRegion": True, "armSkuName": "",
    }  # fmt: skip
    return {**base, **fields}


class FakeRetailPrices:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.requests: list[dict[str, str]] = []

    def handle(self, method: str, path: str, query: dict, body: Any, authorization, *, headers):
        self.requests.append(dict(query))
        if method != "GET" or path != PATH:
            return 404, {}, error_body("NotFound", f"{method} {path}")
        filter_ = query.get("$filter", "")
        terms = _TERM.findall(filter_)
        if filter_ and " and ".join(f"{k} eq '{v}'" for k, v in terms) != filter_:
            return 400, {}, error_body("InvalidFilter", f"cannot read {filter_!r}")
        wanted = {field: value.replace("''", "'") for field, value in terms}
        found = [i for i in self.items if all(i.get(k) == v for k, v in wanted.items())]
        skip = int(query.get("$skip", 0))
        page = found[skip : skip + PAGE_SIZE]
        rest = {k: v for k, v in query.items() if k != "$skip"}
        next_link = (
            f"{self.base_url}{PATH}?{urlencode({**rest, '$skip': skip + PAGE_SIZE})}"
            if skip + PAGE_SIZE < len(found)
            else None
        )
        answer: Answer = (200, {}, {
            "BillingCurrency": "USD", "CustomerEntityId": "Default",
            "CustomerEntityType": "Retail", "Items": page, "NextPageLink": next_link,
            "Count": len(page),
        })  # fmt: skip
        return answer
