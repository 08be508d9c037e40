"""Digits classifier in TensorFlow, trained data-parallel on Spark.

The same shape as pytorch_digits: run as a Spark batch job, Spark writes the digits to
Parquet, each process reads its own shard. One custom training loop for both launchers
(tf_parallel): under horovod, `hvd.DistributedGradientTape` averages gradients; under spark,
`MultiWorkerMirroredStrategy` across barrier tasks does. The model and optimizer are Keras 2
(tf_keras on TensorFlow >= 2.16). Rank 0 checkpoints every epoch; a re-run resumes unless
`--no-resume`.
"""

from __future__ import annotations

import hashlib
import io
import time

import checkpoints
import digits_data
import launcher
import tf_parallel

JOB = "tensorflow_digits"


def build_model(keras):
    # A small MLP: digits needs no more, and it keeps CPU runs short.
    return keras.Sequential(
        [
            keras.layers.Input(shape=(digits_data.FEATURES,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(digits_data.CLASSES),
        ]
    )


def weights_sha256(model) -> str:
    digest = hashlib.sha256()
    for array in model.get_weights():
        digest.update(array.tobytes())
    return digest.hexdigest()


def checkpoint_payload(epoch: int, started_after_epoch: int, model, optimizer) -> bytes:
    import numpy as np

    arrays = {
        "epoch": np.int64(epoch),
        "started_after_epoch": np.int64(started_after_epoch),
        # Recorded, not restored: the rate comes from the job's arguments and world size.
        "learning_rate": np.float64(float(optimizer.learning_rate.numpy())),
    }
    arrays.update({f"model_{i}": w for i, w in enumerate(model.get_weights())})
    arrays.update({f"optimizer_{i}": v.numpy() for i, v in enumerate(optimizer.variables)})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def restore(payload: bytes, model, optimizer) -> int:
    """Load a checkpoint into the model and the (built) optimizer; returns its epoch."""
    import numpy as np

    with np.load(io.BytesIO(payload), allow_pickle=False) as saved:
        model.set_weights([saved[f"model_{i}"] for i in range(len(model.get_weights()))])
        for i, variable in enumerate(optimizer.variables):
            variable.assign(saved[f"optimizer_{i}"])
        return int(saved["epoch"])


def train(config: launcher.TrainConfig) -> dict:
    """One training process: train on this rank's shard, return what the driver reports."""
    ranks = tf_parallel.ranks(config.launcher, config.threads)
    tf, rank, size = ranks.tf, ranks.rank, ranks.size
    keras = tf.keras
    keras.utils.set_random_seed(config.seed)

    with ranks.scope():
        model = build_model(keras)
        # Linear scaling rule: the effective batch grows with the number of processes.
        optimizer = keras.optimizers.SGD(learning_rate=config.learning_rate * size, momentum=0.9)
        optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=keras.losses.Reduction.NONE
    )

    start_epoch = 1
    if config.resume_epoch:
        payload = checkpoints.read(config.output_url, config.resume_epoch)
        start_epoch = restore(payload, model, optimizer) + 1
    ranks.synchronize(model, optimizer)
    step = ranks.train_step(model, optimizer, lambda m, x, y: loss_fn(y, m(x, training=True)))

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
            for _ in range(steps):
                batch = next(stream)
                ids_seen.update(batch.ids.tolist())
                step(tf.constant(batch.features), tf.constant(batch.labels))
                trained_samples += len(batch.labels)
            if rank == 0:
                payload = checkpoint_payload(epoch, start_epoch - 1, model, optimizer)
                checkpoints.save(config.output_url, epoch, payload)
    seconds = time.perf_counter() - started

    correct = total = 0
    with digits_data.open_shard_reader(
        config.test_url, rank, size, epochs=1, reader=config.reader
    ) as row_groups:
        for batch in digits_data.batches(row_groups, 256):
            predicted = tf.argmax(model(batch.features, training=False), axis=1).numpy()
            correct += int((predicted == batch.labels).sum())
            total += len(batch.labels)
    correct_all, total_all = ranks.all_sum([float(correct), float(total)])
    return launcher.rank_result(
        rank=rank,
        size=size,
        start_epoch=start_epoch,
        steps_per_epoch=steps,
        ids_seen=ids_seen,
        weights_sha256=weights_sha256(model),
        correct=correct_all,
        total=total_all,
        trained_samples=trained_samples,
        seconds=seconds,
        first_step_at=first_step_at,
    )


if __name__ == "__main__":
    launcher.main(JOB, train, framework="tensorflow", epochs=8, learning_rate=0.05)
