"""Azure's own rules for what the stack config names: tags, resource names, regions, firewall
ranges; and the shapes of ARM IDs and lake URLs. Checked before anything is registered, so a
value Azure would refuse fails the plan with its rule instead of failing `pulumi up` halfway.
Each limit cites its documentation.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable, Mapping

# --- tags: docs "Use tags to organize your Azure resources" (azure-resource-manager/
# management/tag-resources), "Limitations" -------------------------------------------------
MAX_TAGS = 50  # "Each resource, resource group, and subscription can have a maximum of 50"
MAX_TAG_KEY = 512  # "The tag name has a limit of 512 characters"
MAX_TAG_KEY_STORAGE = 128  # "For storage accounts, the tag name has a limit of 128 characters"
MAX_TAG_VALUE = 256  # "the tag value has a limit of 256 characters"
TAG_KEY_FORBIDDEN = "<>%&\\?/"  # "Tag names can't contain these characters: <, >, %, &, \, ?, /"


def tag_problems(key: str, tags: Mapping[str, str], max_key: int = MAX_TAG_KEY) -> list[str]:
    """Problems with the tags at config key `key`, each naming the tag."""
    problems = []
    if len(tags) > MAX_TAGS:
        problems.append(f"{key} has {len(tags)} tags: Azure allows at most {MAX_TAGS}")
    for name, value in tags.items():
        if not name:
            problems.append(f"{key} has a tag with an empty name")
        if len(name) > max_key:
            problems.append(
                f"{key}[{name[:20]!r}...] tag name has {len(name)} characters: at most {max_key}"
                + (" (storage accounts take the group's tags)" if max_key < MAX_TAG_KEY else "")
            )
        if bad := sorted({c for c in name if c in TAG_KEY_FORBIDDEN}):
            problems.append(
                f"{key}[{name!r}] tag name holds {''.join(bad)!r}: Azure refuses "
                f"{' '.join(TAG_KEY_FORBIDDEN)} in tag names"
            )
        if len(value) > MAX_TAG_VALUE:
            problems.append(
                f"{key}[{name!r}] = {value[:20]!r}...: {len(value)} characters, at most "
                f"{MAX_TAG_VALUE}"
            )
    return problems


# --- names: docs "Naming rules and restrictions for Azure resources" (azure-resource-manager/
# management/resource-name-rules) ----------------------------------------------------------
# Microsoft.Resources/resourcegroups: 1-90 characters; "Underscores, hyphens, periods,
# parentheses, and letters or digits. Can't end with period." (letters and digits include
# Unicode ones).
RESOURCE_GROUP_NAME = re.compile(r"[\w\-.()]{0,89}[\w\-()]")
# Microsoft.Synapse/workspaces: 1-50; "Lowercase letters, hyphens, and numbers. Start and end
# with letter or number. Can't contain -ondemand".
WORKSPACE_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?")
WORKSPACE_NAME_FORBIDDEN = "-ondemand"


# --- regions: the public cloud's region names, as ARM's Subscriptions - List Locations returns
# them (`name`) and docs "Azure regions list" (reliability/regions-list) lists them. A region
# Azure opens later is added here. ------------------------------------------------------------
AZURE_REGIONS = frozenset(
    {
        # Americas
        "eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus",
        "westus", "westus2", "westus3", "canadacentral", "canadaeast", "brazilsouth",
        "brazilsoutheast", "mexicocentral", "chilecentral",
        # Europe
        "northeurope", "westeurope", "uksouth", "ukwest", "francecentral", "francesouth",
        "germanywestcentral", "germanynorth", "switzerlandnorth", "switzerlandwest",
        "norwayeast", "norwaywest", "swedencentral", "swedensouth", "polandcentral",
        "italynorth", "spaincentral", "austriaeast", "belgiumcentral", "denmarkeast",
        # Asia Pacific
        "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral", "koreasouth",
        "australiaeast", "australiasoutheast", "australiacentral", "australiacentral2",
        "centralindia", "southindia", "westindia", "jioindiawest", "jioindiacentral",
        "newzealandnorth", "indonesiacentral", "malaysiawest", "taiwannorth",
        "taiwannorthwest",
        # Middle East and Africa
        "uaenorth", "uaecentral", "southafricanorth", "southafricawest", "qatarcentral",
        "israelcentral",
    }
)  # fmt: skip


def region_problem(key: str, location: str, normalized: str) -> str | None:
    """None for a known region; else the problem, with the nearest region when one is close."""
    if normalized in AZURE_REGIONS:
        return None
    nearest = difflib.get_close_matches(normalized, sorted(AZURE_REGIONS), n=1, cutoff=0.75)
    hint = f"; did you mean {nearest[0]!r}?" if nearest else " (write a region such as westeurope)"
    return f"{key} = {location!r}: not an Azure region{hint}"


# --- firewall -------------------------------------------------------------------------------
# The rule "allow Azure services" stands for: Azure's own name for it and its range (docs
# "Azure Synapse Analytics IP firewall rules": "Allow Azure services and resources to access
# this workspace"; ARM firewallRules/AllowAllWindowsAzureIps, 0.0.0.0-0.0.0.0).
AZURE_SERVICES_RULE = "AllowAllWindowsAzureIps"
# A rule wider than a /8 cannot be one organization's network: the largest allocation one
# holder gets (IANA IPv4 address space registry, whole /8s). This project treats such a range
# as opening the workspace to the internet; the policy pack's synapse_facts.py has the number.
INTERNET_WIDE_ADDRESSES = 2**24


def addresses_in(start: str, end: str) -> int:
    return int(ipaddress.IPv4Address(end)) - int(ipaddress.IPv4Address(start)) + 1


def is_internet_wide(start: str, end: str) -> bool:
    return addresses_in(start, end) > INTERNET_WIDE_ADDRESSES


def addresses_in_all(ranges: Iterable[tuple[str, str]]) -> int:
    """How many addresses the ranges admit together: overlaps and repeats counted once (a
    workspace admits the union of its rules)."""
    total, reach = 0, -1
    spans = ((int(ipaddress.IPv4Address(s)), int(ipaddress.IPv4Address(e))) for s, e in ranges)
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach + 1) + 1
            reach = end
    return total


# --- resource IDs and lake URLs -------------------------------------------------------------
def subscription_of(resource_id: str) -> str:
    """The subscription ID in an ARM resource ID (/subscriptions/<id>/...)."""
    return resource_id.split("/")[2]


# Storage account names: 3-24 lowercase letters and digits. Filesystem (container) names:
# 3-63 lowercase letters, digits and single hyphens, a letter or digit at each end (docs
# "resource-name-rules", Microsoft.Storage; "Naming and referencing containers").
STORAGE_ACCOUNT_NAME = r"[a-z0-9]{3,24}"
FILESYSTEM_NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
FILESYSTEM_NAME_LENGTH = range(3, 64)
# A path on a lake as this package writes one: segments of letters, digits, '.', '_' and '-'
# ('.' and '..' are not names), so no character a URL, Hadoop's Path or a comma-separated
# Spark list would read differently.
LAKE_PATH = re.compile(r"(?!\.\.?(?:/|\Z))[A-Za-z0-9._-]+(?:/(?!\.\.?(?:/|\Z))[A-Za-z0-9._-]+)*")
LAKE_URL = re.compile(
    rf"abfss://(?P<filesystem>{FILESYSTEM_NAME})@{STORAGE_ACCOUNT_NAME}\.dfs\.core\.windows\.net/"
    rf"(?P<path>.*)",
    re.DOTALL,
)


def data_lake_url(filesystem: str, account: str) -> str:
    """The root URL of an ADLS Gen2 filesystem, as Spark reads it (abfss://, ending in '/')."""
    return f"abfss://{filesystem}@{account}.dfs.core.windows.net/"


# A Key Vault's ARM id, and the URL of one of its keys in Azure's public cloud.
KEY_VAULT_ID = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.KeyVault/vaults/"
    r"(?P<vault>[^/]+)"
)
# Microsoft.KeyVault/vaults: 3-24; "Alphanumerics and hyphens. Start with letter. End with
# letter or digit. Can't contain consecutive hyphens." (docs "resource-name-rules").
KEY_VAULT_NAME = re.compile(r"[A-Za-z](?:-?[A-Za-z0-9])+")
KEY_VAULT_NAME_LENGTH = range(3, 25)
# A Key Vault key: 1-127 alphanumerics and hyphens (docs "about-keys-secrets-certificates").
KEY_NAME = r"^[A-Za-z0-9-]{1,127}$"
# Built-in role: wrap and unwrap with a vault's keys (what a workspace's CMK needs).
KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"


def key_url(key_vault_id: str, key_name: str) -> str:
    vault = key_vault_id.rsplit("/", 1)[-1]
    return f"https://{vault}.vault.azure.net/keys/{key_name}"


# An Entra object id or tenant id.
GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
