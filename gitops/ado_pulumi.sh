#!/usr/bin/env bash
# `pulumi preview` or `pulumi up --yes` with the policy pack, for one stack, in Azure DevOps.
# Runs inside an AzureCLI@2 task on a workload identity federation service connection: the
# task logs the Azure CLI in with a short-lived federated token (kept fresh by
# keepAzSessionActive), so no client secret exists anywhere. azure-native, the azblob state
# backend, the Key Vault secrets provider and azure-identity in the program all use that
# CLI login.
#
#   bash gitops/ado_pulumi.sh preview|up STACK
#
# Pipeline variables (none secret; docs/gitops.md):
#   PULUMI_BACKEND_URL       required: self-managed state, azblob://CONTAINER?storage_account=ACCOUNT
#   PULUMI_SECRETS_PROVIDER  optional: azurekeyvault://VAULT.vault.azure.net/keys/KEY for new stacks
#   POLICY_PACK_CONFIG       optional: a --policy-pack-config JSON file
set -euo pipefail

usage() { echo "usage: bash gitops/ado_pulumi.sh preview|up STACK" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
command="$1"
stack="$2"
case "$command" in preview | up) ;; *) usage ;; esac

if [[ -z "${PULUMI_BACKEND_URL:-}" ]]; then
  echo "ado_pulumi: set the pipeline variable PULUMI_BACKEND_URL" \
    "(e.g. azblob://pulumi-state?storage_account=stpulumistate); see docs/gitops.md" >&2
  exit 2
fi
if ! account="$(az account show --query '[id, tenantId]' --output tsv 2>/dev/null)"; then
  echo "ado_pulumi: the Azure CLI is not logged in: run this in an AzureCLI@2 task" \
    "on a workload identity federation service connection" >&2
  exit 2
fi
# the service connection's subscription and tenant, for azure-native
read -r subscription tenant <<<"$(echo "$account" | tr '\n' ' ')"
export ARM_SUBSCRIPTION_ID="${ARM_SUBSCRIPTION_ID:-$subscription}"
export ARM_TENANT_ID="${ARM_TENANT_ID:-$tenant}"

# azblob:// with storage_account= authenticates through the Azure CLI login of this task.
pulumi login "$PULUMI_BACKEND_URL"
# the first run of a new stack creates it, with its secrets in the configured provider
pulumi stack select "$stack" --create --non-interactive \
  ${PULUMI_SECRETS_PROVIDER:+--secrets-provider "$PULUMI_SECRETS_PROVIDER"}

flags=(--stack "$stack" --policy-pack policies --non-interactive --diff)
if [[ -n "${POLICY_PACK_CONFIG:-}" ]]; then
  flags+=(--policy-pack-config "$POLICY_PACK_CONFIG")
fi
if [[ "$command" == up ]]; then
  pulumi up --yes "${flags[@]}"
else
  pulumi preview "${flags[@]}"
fi
