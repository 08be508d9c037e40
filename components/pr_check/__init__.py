"""The pull-request check: `synapse-dl pr-check` plans every stack, classifies each outcome
and writes the Markdown summary the pipelines post."""
