"""What the GitHub and Azure DevOps pipelines run before anything is installed, with the
runner's own Python: `python3 -m gitops.stacks` lists the stacks for a matrix,
`python3 -m gitops.cloud_preview` decides whether a real `pulumi preview` can run. The
pull-request check itself is `synapse-dl pr-check` (synapse_dl/cli/pr_check.py), through
gitops/pr_check.sh.
"""
