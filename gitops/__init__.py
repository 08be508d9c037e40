"""Pull-request checks and deployment helpers shared by the GitHub and Azure DevOps pipelines.

`python -m gitops.pr_check` plans every stack offline and renders the summary;
`python -m gitops.stacks` lists the stacks for a pipeline matrix;
`python -m gitops.cloud_mode` decides whether a real `pulumi preview` can run.
"""
