"""The offline plan: `synapse-dl plan` runs a project's program under Pulumi's mocks and judges
it with the policy pack."""
