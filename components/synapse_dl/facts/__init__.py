"""What this package knows of Azure and Synapse: runtimes, node sizes, regions, naming rules."""
