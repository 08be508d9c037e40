"""Run the bundled training jobs deployed in a workspace: `python -m job_runner`."""
