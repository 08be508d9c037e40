"""Training jobs that run on the Synapse Spark pools, and their definitions (job.yaml)."""
