"""Training jobs: each job's `job.yaml` definition and the jobs a stack deploys."""
