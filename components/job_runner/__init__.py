"""Run the bundled training jobs deployed in a workspace: `synapse-dl run-job`."""
