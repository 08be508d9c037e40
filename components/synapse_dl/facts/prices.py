"""Where a pool's price is in the Azure Retail Prices API (docs
`rest/api/cost-management/retail-prices/azure-retail-prices`): never a price itself.

A Spark pool is billed per vCore-hour while it runs: vCores a node x nodes x hours
(infracost/infracost internal/providers/terraform/azure/synapse_spark_pool.go reads the same
meter). Only the memory-optimized meter is known by name; no source names the meter GPU pools
used (they were retired in 2024), so their price is unknown, never guessed.
"""

from __future__ import annotations

from typing import Final

SERVICE_NAME: Final = "Azure Synapse Analytics"
# The meter's product per node size family; the unit is one vCore for one hour.
PRODUCT_BY_FAMILY: Final = {
    "MemoryOptimized": "Azure Synapse Analytics Serverless Apache Spark Pool - Memory Optimized",
}
SKU_NAME: Final = "vCore"
# Pay-as-you-go prices; the API also lists Reservation and DevTestConsumption.
PRICE_TYPE: Final = "Consumption"
