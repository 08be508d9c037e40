"""Data parallelism inside one TensorFlow training process, for either launcher.

A job's model, loss and loop are written once against `ranks(launcher, threads)`:
- horovod: `hvd.DistributedGradientTape` averages gradients across the processes
  `horovod.spark.run` started;
- spark: `tf.distribute.MultiWorkerMirroredStrategy`, one worker per Spark barrier task, from
  the TF_CONFIG the spark launcher set; the strategy all-reduces gradients in
  `apply_gradients` (ring on CPU, NCCL on GPUs).

Losses go through `tf.nn.compute_average_loss`: the mean over the rank's batch under Horovod,
and divided by the global batch under the strategy, whose all-reduce sums; both then apply
the mean gradient over every rank's rows.

Keras 2 everywhere: TF_USE_LEGACY_KERAS=1 makes `tf.keras` tf_keras on TensorFlow >= 2.16
(Horovod's Keras integration fails with Keras 3, horovod issue 4290), and it is Keras 2
anyway on older TensorFlow (2.15 on Spark 3.4, 2.8 on the 3.2 GPU runtime).

Shipped to the cluster in common.zip, the jobs' `../common` pyFiles entry.
"""

from __future__ import annotations

import contextlib
import os


def _import_tensorflow():
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf


def _use_threads(tf, threads: int) -> None:
    # Before anything starts TensorFlow's runtime: the settings cannot change afterwards.
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)


class HorovodRanks:
    def __init__(self, threads: int) -> None:
        self.tf = tf = _import_tensorflow()
        import horovod.tensorflow as hvd

        hvd.init()
        self._hvd = hvd
        self.rank, self.size = hvd.rank(), hvd.size()
        gpus = tf.config.list_physical_devices("GPU")
        if gpus:
            # One GPU per process: the local rank picks it.
            gpu = gpus[hvd.local_rank()]
            tf.config.experimental.set_memory_growth(gpu, True)
            tf.config.set_visible_devices(gpu, "GPU")
        else:
            _use_threads(tf, threads)

    def scope(self):
        return contextlib.nullcontext()

    def synchronize(self, model, optimizer) -> None:
        """Every rank continues from rank 0's weights and optimizer state."""
        self._hvd.broadcast_variables(model.variables + list(optimizer.variables), root_rank=0)

    def train_step(self, model, optimizer, per_example_loss):
        """A compiled step(features, labels): one averaged-gradient update on every rank."""
        tf, hvd = self.tf, self._hvd

        @tf.function
        def step(features, labels):
            with tf.GradientTape() as tape:
                loss = tf.nn.compute_average_loss(per_example_loss(model, features, labels))
            tape = hvd.DistributedGradientTape(tape)
            gradients = tape.gradient(loss, model.trainable_variables)
            # No strict=: AutoGraph converts zip() inside tf.function and its zip takes none.
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # noqa: B905
            return loss

        return step

    def all_sum(self, values: list[float]) -> list[float]:
        tf = self.tf
        summed = self._hvd.allreduce(tf.constant(values, dtype=tf.float64), op=self._hvd.Sum)
        return summed.numpy().tolist()


class SparkRanks:
    def __init__(self, threads: int) -> None:
        import json

        self.tf = tf = _import_tensorflow()
        if not tf.config.list_physical_devices("GPU"):
            _use_threads(tf, threads)
        implementation = (
            tf.distribute.experimental.CommunicationImplementation.NCCL
            if tf.config.list_physical_devices("GPU")
            else tf.distribute.experimental.CommunicationImplementation.RING
        )
        # Reads TF_CONFIG (set per task by spark_launcher) and starts this worker's server.
        self.strategy = tf.distribute.MultiWorkerMirroredStrategy(
            communication_options=tf.distribute.experimental.CommunicationOptions(
                implementation=implementation
            )
        )
        task = json.loads(os.environ["TF_CONFIG"])
        self.rank = int(task["task"]["index"])
        self.size = len(task["cluster"]["worker"])

    def scope(self):
        """Create the model and optimizer inside it: their variables are then mirrored."""
        return self.strategy.scope()

    def synchronize(self, model, optimizer) -> None:
        """Nothing to do: mirrored variables start from worker 0's values, and a resumed run
        loads the same checkpoint on every rank."""

    def train_step(self, model, optimizer, per_example_loss):
        """A compiled step(features, labels): one averaged-gradient update on every rank."""
        tf, strategy = self.tf, self.strategy

        def replica_step(features, labels):
            with tf.GradientTape() as tape:
                loss = tf.nn.compute_average_loss(per_example_loss(model, features, labels))
            gradients = tape.gradient(loss, model.trainable_variables)
            # The strategy sums the gradients of all workers here.
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # noqa: B905
            return loss

        @tf.function
        def step(features, labels):
            # Each worker passes its own batch: one replica per worker.
            return strategy.run(replica_step, args=(features, labels))

        return step

    def all_sum(self, values: list[float]) -> list[float]:
        tf, strategy = self.tf, self.strategy

        @tf.function
        def across_workers(local):
            per_worker = strategy.run(tf.identity, args=(local,))
            return strategy.reduce(tf.distribute.ReduceOp.SUM, per_worker, axis=None)

        return across_workers(tf.constant(values, dtype=tf.float64)).numpy().tolist()


def ranks(launcher: str, threads: int) -> HorovodRanks | SparkRanks:
    if launcher == "horovod":
        return HorovodRanks(threads)
    if launcher == "spark":
        return SparkRanks(threads)
    raise ValueError(f"launcher {launcher!r} is not horovod or spark")
