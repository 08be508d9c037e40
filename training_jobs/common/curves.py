"""The training curves of a run, as a PNG: the training and test loss by epoch, and the
job's metric on the test split, from run_summary.json's `epochs`.
The driver writes it beside the summary (launcher.py).

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

CURVES_FILE = "training_curves.png"
# run_summary.json's per-epoch keys that are not the job's metric.
NOT_METRICS = {"epoch", "loss", "test_loss", "samples_per_second", "elapsed_seconds"}


def metric_names(epochs: Sequence[Mapping]) -> list[str]:
    return sorted({key for entry in epochs for key in entry} - NOT_METRICS)


def png(job: str, epochs: Sequence[Mapping]) -> bytes:
    """The curves of `epochs` (run_summary.json's entries), drawn without a display."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    metrics = metric_names(epochs)
    figure = Figure(figsize=(5 * (1 + len(metrics)), 3.6), layout="constrained")
    axes = figure.subplots(1, 1 + len(metrics), squeeze=False)[0]

    def plot(ax, key: str, label: str) -> None:
        shown = [entry for entry in epochs if entry.get(key) is not None]
        if shown:
            ax.plot([e["epoch"] for e in shown], [e[key] for e in shown], marker="o", label=label)

    plot(axes[0], "loss", "training")
    plot(axes[0], "test_loss", "test")
    axes[0].set_title("loss")
    axes[0].legend()
    for ax, metric in zip(axes[1:], metrics, strict=True):
        plot(ax, metric, "test")
        ax.set_title(f"test {metric}")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        # Epochs are whole numbers.
        ax.xaxis.get_major_locator().set_params(integer=True)
    figure.suptitle(job)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
