"""The synapse-dl component provider, as `pulumi package add` starts it:
`python provider <engine address>` (see PulumiPlugin.yaml)."""

from synapse_dl.engine.component_provider import main

if __name__ == "__main__":
    main()
