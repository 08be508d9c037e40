"""The job API: a job's `train.py` gives what is its own (the model, the loss, optionally a
metric, how a batch becomes inputs, how its data is prepared) and calls `main`:

    import training

    def model(width):                   # width: the numbers in one row's features
        from torch import nn
        return nn.Sequential(nn.Linear(width, 64), nn.ReLU(), nn.Linear(64, 10))

    if __name__ == "__main__":
        training.main("mymodel", framework="pytorch", model=model, loss="cross_entropy")

The shared code does the rest, the same on both launchers (horovod, spark) and both
frameworks: each rank trains on its own shard of `--data`'s `train/` split for `--epochs`, at
the learning rate scaled by the number of processes; rank 0 checkpoints every epoch and a
re-run resumes; every epoch is evaluated on `test/`; every rank's result and each epoch's
loss, metric, samples per second and elapsed time go to `<output>/run_summary.json` (and to
MLflow, given a tracking URI), the curves to `<output>/training_curves.png`, and the driver
prints one JSON line: {"job", "epochs", "test_loss", "test_<metric>",
"samples_per_second"}.

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import checkpoints
import dataset
import numpy as np
import tracking

LOSSES = ("cross_entropy", "mse")


def accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    """Right answers in a batch: the class with the highest output against the label."""
    return float((outputs.argmax(axis=1) == labels).sum())


@dataclass(frozen=True)
class Job:
    """What is a job's own; the rest is the shared code's."""

    name: str
    framework: str  # pytorch or tensorflow
    # width -> a torch.nn.Module or a Keras model whose outputs the loss takes
    model: Callable[[int], Any]
    # "cross_entropy" (integer labels, the model's logits) or "mse" (a value per row)
    loss: str = "cross_entropy"
    # (outputs, labels) as numpy -> its sum over the batch's rows; the mean over the test rows
    # is reported under the function's name
    metric: Callable[[np.ndarray, np.ndarray], float] | None = accuracy
    # a Batch -> (inputs, labels) as numpy, for inputs that are not the flat features
    inputs: Callable[[Any], tuple[np.ndarray, np.ndarray]] | None = None
    # (spark, the --data path) -> None: writes the data when it is not there yet
    prepare: Callable[[Any, str], None] | None = None

    @property
    def metric_name(self) -> str | None:
        return self.metric.__name__ if self.metric else None

    def arrays(self, batch) -> tuple[np.ndarray, np.ndarray]:
        return self.inputs(batch) if self.inputs else (batch.features, batch.labels)


@dataclass
class Progress:
    """One rank's bookkeeping: what it trained, each epoch's figures summed over the ranks."""

    job: Job
    rank: int
    size: int
    start_epoch: int
    all_sum: Callable[[list[float]], list[float]]
    # The MLflow run rank 0 logs each epoch to (TrainConfig.tracking).
    tracking: tracking.Run | None = None
    ids_seen: set[int] = field(default_factory=set)
    history: list[dict] = field(default_factory=list)
    trained_samples: int = 0
    first_step_at: float = field(default_factory=time.time)
    _started: float = field(default_factory=time.perf_counter)
    _epoch: list[float] = field(default_factory=lambda: [0.0, 0.0])  # loss sum, rows
    _epoch_started: float = field(default_factory=time.perf_counter)
    # Seconds spent in training steps: this epoch's, and all epochs' (not checkpoints or tests).
    _epoch_seconds: float = 0.0
    _training_seconds: float = 0.0

    def trained(self, batch, mean_loss: float) -> None:
        if batch.ids is not None:
            self.ids_seen.update(batch.ids.tolist())
        self.trained_samples += len(batch)
        self._epoch[0] += mean_loss * len(batch)
        self._epoch[1] += len(batch)

    def epoch_trained(self) -> None:
        """The epoch's steps are done: what follows (checkpoint, test) is not training time."""
        self._epoch_seconds = time.perf_counter() - self._epoch_started
        self._training_seconds += self._epoch_seconds

    def epoch_done(self, epoch: int, epochs: int, tested: tuple[float, float, float]) -> None:
        """`tested`: this rank's test loss sum, metric sum and rows; every rank calls it."""
        elapsed = time.perf_counter() - self._started
        # Times too are summed (then averaged): every rank ends with the same entry.
        loss_sum, rows, test_loss, metric_sum, test_rows, seconds, elapsed = self.all_sum(
            [*self._epoch, *tested, self._epoch_seconds, elapsed]
        )
        seconds, elapsed = seconds / self.size, elapsed / self.size
        entry = {
            "epoch": epoch,
            "loss": loss_sum / rows if rows else None,
            "test_loss": test_loss / test_rows if test_rows else None,
            "samples_per_second": rows / seconds if seconds else 0.0,
            "elapsed_seconds": elapsed,
        }
        if self.job.metric_name:
            entry[self.job.metric_name] = metric_sum / test_rows if test_rows else None
        self.history.append(entry)
        if self.rank == 0:
            shown = ", ".join(
                f"{k} {v:.4g}" for k, v in entry.items() if k != "epoch" and v is not None
            )
            print(f"epoch {epoch}/{epochs}: {shown}", flush=True)
            tracking.log_epoch(self.tracking, entry)
        self._epoch, self._epoch_started = [0.0, 0.0], time.perf_counter()

    def result(self, steps_per_epoch: int, weights_sha256: str) -> dict:
        """What this rank reports to the driver: the same shape for every job."""
        last = self.history[-1] if self.history else {}
        seconds = self._training_seconds
        return {
            "rank": self.rank,
            "size": self.size,
            "start_epoch": self.start_epoch,
            "steps_per_epoch": steps_per_epoch,
            "ids_seen": sorted(self.ids_seen),
            "weights_sha256": weights_sha256,
            "test_loss": last.get("test_loss"),
            **(
                {f"test_{self.job.metric_name}": last.get(self.job.metric_name)}
                if self.job.metric_name
                else {}
            ),
            # All ranks' samples: every rank trains the same number of steps in lockstep.
            "samples_per_second": self.trained_samples * self.size / seconds
            if self.trained_samples and seconds
            else 0.0,
            # Wall clock (time.time()) when training began in this process: launch overhead.
            "first_step_at": self.first_step_at,
            "history": self.history,
        }


def train_epochs(
    job: Job,
    config,
    rank: int,
    size: int,
    all_sum: Callable[[list[float]], list[float]],
    *,
    start_epoch: int,
    step: Callable[[Any], float],
    checkpoint: Callable[[int], bytes],
    evaluate: Callable[[], tuple[float, float, float]],
    weights_sha256: Callable[[], str],
) -> dict:
    """One training process's epochs, the same for both frameworks (torch_loop, tf_loop give
    the framework's part): `step(batch)` trains on a batch and gives its mean loss,
    `checkpoint(epoch)` the checkpoint's bytes (rank 0 writes them), `evaluate()` this rank's
    test loss sum, metric sum and rows. Returns what the driver reports for this rank."""
    steps = config.steps_per_epoch(size)
    progress = Progress(job, rank, size, start_epoch, all_sum, tracking=config.tracking)
    with dataset.open_shard_reader(
        config.train_url, rank, size, config.columns, epochs=None, seed=config.seed + rank,
        reader=config.reader,
    ) as row_groups:  # fmt: skip
        stream = dataset.batches(row_groups, config.batch_size, seed=config.seed + rank)
        for epoch in range(start_epoch, config.epochs + 1):
            for _ in range(steps):
                batch = next(stream)
                progress.trained(batch, step(batch))
            progress.epoch_trained()
            if rank == 0:
                checkpoints.save(config.output_url, epoch, checkpoint(epoch))
            progress.epoch_done(epoch, config.epochs, evaluate())
    if not progress.history:  # resumed at its last epoch: evaluated once all the same
        progress.epoch_done(config.epochs, config.epochs, evaluate())
    return progress.result(steps, weights_sha256())


def main(
    name: str,
    *,
    framework: str,
    model: Callable[[int], Any],
    loss: str = "cross_entropy",
    metric: Callable[[np.ndarray, np.ndarray], float] | None = accuracy,
    inputs: Callable[[Any], tuple[np.ndarray, np.ndarray]] | None = None,
    prepare: Callable[[Any, str], None] | None = None,
    epochs: int = 8,
    learning_rate: float = 0.05,
    argv: list[str] | None = None,
) -> dict:
    """Run the job as its entry script: read the arguments, prepare the data, train on
    `--num-proc` processes with `--launcher`, write the summary; the final JSON line."""
    import launcher

    if framework not in launcher.FRAMEWORKS:
        raise ValueError(f"framework {framework!r} is not one of {launcher.FRAMEWORKS}")
    if loss not in LOSSES:
        raise ValueError(f"loss {loss!r} is not one of {', '.join(LOSSES)}")
    job = Job(name, framework, model, loss, metric, inputs, prepare)
    return launcher.run(job, argv, epochs=epochs, learning_rate=learning_rate)
