"""The package's one version: pyproject.toml reads it from here, the clients send it to Azure."""

VERSION = "0.1.0"
# The distribution, the Pulumi package (`synapse-dl:index:<Component>`) and the config namespace.
PACKAGE = "synapse-dl"
# How the ARM and Synapse clients name themselves in Azure's request logs: the first word of
# every User-Agent they send.
USER_AGENT = f"{PACKAGE}/{VERSION}"
