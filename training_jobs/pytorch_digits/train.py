"""Digits classifier in PyTorch, trained data-parallel on Spark.

Run as a Spark batch job (`spark-submit --py-files <job.yaml pyFiles> train.py --data ...
--output ... --launcher horovod|spark`), the way Synapse runs it. Spark writes the digits to
Parquet and each process reads its own shard. Under the horovod launcher, Petastorm reads and
`hvd.DistributedOptimizer` averages gradients; under the spark launcher (TorchDistributor),
pyarrow reads and DistributedDataParallel averages them. Rank 0 checkpoints every epoch; a
re-run resumes from the last checkpoint unless `--no-resume`.
"""

from __future__ import annotations

import hashlib
import io
import time

import checkpoints
import digits_data
import launcher
import torch_parallel

JOB = "pytorch_digits"


def build_model():
    from torch import nn

    # A small MLP: digits needs no more, and it keeps CPU runs short.
    return nn.Sequential(
        nn.Linear(digits_data.FEATURES, 64),
        nn.ReLU(),
        nn.Linear(64, digits_data.CLASSES),
    )


def weights_sha256(model) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def load_checkpoint(payload: bytes, device) -> dict:
    import torch

    try:
        # Tensors and plain values only: a checkpoint cannot run code when loaded.
        return torch.load(io.BytesIO(payload), map_location=device, weights_only=True)
    except TypeError:
        # torch < 1.13 has no weights_only (the Spark 3.2 GPU runtime ships torch 1.11).
        return torch.load(io.BytesIO(payload), map_location=device)


def train(config: launcher.TrainConfig) -> dict:
    """One training process: train on this rank's shard, return what the driver reports."""
    import torch
    import torch.nn.functional as F

    ranks = torch_parallel.ranks(config.launcher)
    rank, size = ranks.rank, ranks.size
    device = ranks.device()
    if device.type == "cpu":
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)

    model = build_model().to(device)
    # Linear scaling rule: the effective batch grows with the number of processes.
    optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate * size, momentum=0.9)
    start_epoch = 1
    if config.resume_epoch:
        state = load_checkpoint(checkpoints.read(config.output_url, config.resume_epoch), device)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        start_epoch = config.resume_epoch + 1
    trained, optimizer = ranks.parallelize(model, optimizer)

    steps = config.steps_per_epoch(size)
    ids_seen: set[int] = set()
    trained_samples = 0
    with digits_data.open_shard_reader(
        config.train_url, rank, size, epochs=None, seed=config.seed + rank, reader=config.reader
    ) as row_groups:
        stream = digits_data.batches(row_groups, config.batch_size, seed=config.seed + rank)
        first_step_at = time.time()
        started = time.perf_counter()
        for epoch in range(start_epoch, config.epochs + 1):
            trained.train()
            for _ in range(steps):
                batch = next(stream)
                ids_seen.update(batch.ids.tolist())
                features = torch.from_numpy(batch.features).to(device)
                labels = torch.from_numpy(batch.labels).to(device)
                optimizer.zero_grad()
                F.cross_entropy(trained(features), labels).backward()
                optimizer.step()
                trained_samples += len(labels)
            if rank == 0:
                buffer = io.BytesIO()
                torch.save(
                    {
                        "epoch": epoch,
                        "started_after_epoch": start_epoch - 1,
                        "model": model.state_dict(),
                        "optimizer": optimizer.state_dict(),
                    },
                    buffer,
                )
                checkpoints.save(config.output_url, epoch, buffer.getvalue())
    seconds = time.perf_counter() - started

    correct, total = ranks.all_sum(list(evaluate(model, config, rank, size, device)))
    return launcher.rank_result(
        rank=rank,
        size=size,
        start_epoch=start_epoch,
        steps_per_epoch=steps,
        ids_seen=ids_seen,
        weights_sha256=weights_sha256(model),
        correct=correct,
        total=total,
        trained_samples=trained_samples,
        seconds=seconds,
        first_step_at=first_step_at,
    )


def evaluate(model, config: launcher.TrainConfig, rank: int, size: int, device):
    """Correct predictions and rows on this rank's shard of the test set."""
    import torch

    model.eval()
    correct = total = 0
    with (
        torch.no_grad(),
        digits_data.open_shard_reader(
            config.test_url, rank, size, epochs=1, reader=config.reader
        ) as row_groups,
    ):
        for batch in digits_data.batches(row_groups, 256):
            logits = model(torch.from_numpy(batch.features).to(device))
            correct += int((logits.argmax(dim=1).cpu().numpy() == batch.labels).sum())
            total += len(batch.labels)
    return float(correct), float(total)


if __name__ == "__main__":
    launcher.main(JOB, train, framework="pytorch", epochs=8, learning_rate=0.05)
