"""Digits classifier in TensorFlow, trained data-parallel with Horovod on Spark.

The same shape as pytorch_digits: run as a Spark batch job, Spark writes the digits to
Parquet, each Horovod process reads its own shard through Petastorm. A custom training loop
averages gradients with `hvd.DistributedGradientTape`; the model and optimizer come from
tf_keras (Keras 2), because Horovod's Keras integration fails with Keras 3 (horovod issue
4290). Rank 0 checkpoints every epoch; a re-run resumes unless `--no-resume`.
"""

from __future__ import annotations

import hashlib
import io
import os
import time

import checkpoints
import digits_data
import launcher

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

    arrays = {"epoch": np.int64(epoch), "started_after_epoch": np.int64(started_after_epoch)}
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
    """One Horovod process: train on this rank's shard, return what the driver reports."""
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    import horovod.tensorflow as hvd
    import tensorflow as tf
    import tf_keras as keras

    hvd.init()
    rank, size = hvd.rank(), hvd.size()
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        # One GPU per process: the local rank picks it.
        gpu = gpus[hvd.local_rank()]
        tf.config.experimental.set_memory_growth(gpu, True)
        tf.config.set_visible_devices(gpu, "GPU")
    else:
        tf.config.threading.set_intra_op_parallelism_threads(
            launcher.threads_per_process(hvd.local_size())
        )
        tf.config.threading.set_inter_op_parallelism_threads(1)
    keras.utils.set_random_seed(config.seed)

    model = build_model(keras)
    # Linear scaling rule: the effective batch grows with the number of processes.
    optimizer = keras.optimizers.SGD(learning_rate=config.learning_rate * size, momentum=0.9)
    optimizer.build(model.trainable_variables)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    start_epoch = 1
    if rank == 0 and config.resume and (found := checkpoints.latest(config.output_url)):
        start_epoch = restore(found.payload, model, optimizer) + 1
    start_epoch = hvd.broadcast_object(start_epoch, root_rank=0, name="start_epoch")
    # Every rank starts from rank 0's weights and optimizer state (fresh or resumed).
    hvd.broadcast_variables(model.variables + list(optimizer.variables), root_rank=0)

    @tf.function
    def step(features, labels):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(features, training=True))
        tape = hvd.DistributedGradientTape(tape)
        gradients = tape.gradient(loss, model.trainable_variables)
        # No strict=: AutoGraph converts zip() inside tf.function and its zip takes none.
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # noqa: B905
        return loss

    steps = config.steps_per_epoch(size)
    ids_seen: set[int] = set()
    trained_samples = 0
    started = time.perf_counter()
    with digits_data.open_shard_reader(
        config.train_url, rank, size, epochs=None, seed=config.seed + rank
    ) as reader:
        stream = digits_data.batches(reader, config.batch_size, seed=config.seed + rank)
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
    with digits_data.open_shard_reader(config.test_url, rank, size, epochs=1) as reader:
        for batch in digits_data.batches(reader, 256):
            predicted = tf.argmax(model(batch.features, training=False), axis=1).numpy()
            correct += int((predicted == batch.labels).sum())
            total += len(batch.labels)
    counts = hvd.allreduce(tf.constant([correct, total], dtype=tf.float64), op=hvd.Sum)
    return launcher.rank_result(
        rank=rank,
        size=size,
        start_epoch=start_epoch,
        steps_per_epoch=steps,
        ids_seen=ids_seen,
        weights_sha256=weights_sha256(model),
        correct=float(counts[0]),
        total=float(counts[1]),
        trained_samples=trained_samples,
        seconds=seconds,
    )


if __name__ == "__main__":
    launcher.main(JOB, train, epochs=8, learning_rate=0.05)
