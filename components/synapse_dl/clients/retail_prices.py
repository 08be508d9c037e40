"""The Azure Retail Prices API: public prices, no credentials (Microsoft docs
`rest/api/cost-management/retail-prices/azure-retail-prices`).

`GET {endpoint}?$filter=...` answers `{"BillingCurrency", "Items": [...], "NextPageLink",
"Count"}`, 100 items a page; the next page is at `NextPageLink` (null on the last). Retries
(429, 5xx, a dropped connection) are azure-core's RetryPolicy, kept short: a plan that cannot
reach the API says its prices are unknown rather than waiting.
"""

from __future__ import annotations

from typing import Any

from azure.core import PipelineClient
from azure.core.exceptions import AzureError
from azure.core.pipeline.policies import RetryPolicy, UserAgentPolicy
from azure.core.rest import HttpRequest

from synapse_dl.version import USER_AGENT

RETAIL_PRICES_ENDPOINT = "https://prices.azure.com/api/retail/prices"
# Since this version filter values are case-sensitive (the same docs).
API_VERSION = "2023-01-01-preview"
# A plan never pages through more than this: Synapse's prices in one region fit in a few pages.
MAX_PAGES = 50


class PricesUnavailableError(Exception):
    """The API did not answer, or answered something that is not a price list."""


def _quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"  # OData's escape for a quote in a string


def odata_filter(**equal: str) -> str:
    """`a eq 'x' and b eq 'y'` for the fields given."""
    return " and ".join(f"{name} eq {_quoted(value)}" for name, value in equal.items())


class RetailPricesClient:
    def __init__(
        self,
        endpoint: str = RETAIL_PRICES_ENDPOINT,
        *,
        retry_total: int = 2,
        timeout_s: float = 10,
    ):
        self._endpoint = endpoint
        self._timeout_s = timeout_s
        self._client: PipelineClient = PipelineClient(
            base_url=endpoint,
            policies=[
                UserAgentPolicy(base_user_agent=USER_AGENT),
                RetryPolicy(retry_total=retry_total, retry_backoff_factor=0.5),
            ],
        )

    def items(self, filter_: str) -> list[dict[str, Any]]:
        """Every item the filter selects, following NextPageLink."""
        url: str | None = self._endpoint
        params: dict[str, str] | None = {"api-version": API_VERSION, "$filter": filter_}
        found: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            if url is None:
                return found
            page = self._page(url, params)
            found += page["Items"]
            url, params = page.get("NextPageLink"), None  # the link carries the query
        raise PricesUnavailableError(f"more than {MAX_PAGES} pages for {filter_}")

    def _page(self, url: str, params: dict[str, str] | None) -> dict[str, Any]:
        request = HttpRequest("GET", url, params=params)
        try:
            response = self._client.send_request(
                request, connection_timeout=self._timeout_s, read_timeout=self._timeout_s
            )
            response.raise_for_status()
            page = response.json()
        except (AzureError, ValueError) as error:
            raise PricesUnavailableError(f"{self._endpoint}: {error}") from None
        if not isinstance(page, dict) or not isinstance(page.get("Items"), list):
            raise PricesUnavailableError(f"{url}: the answer holds no Items list")
        link = page.get("NextPageLink")
        if link is not None and not isinstance(link, str):
            raise PricesUnavailableError(f"{url}: NextPageLink is not a link")
        return page
