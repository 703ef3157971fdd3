"""Train the course CNN on several devices and on several worker processes with ``tf.distribute``.

TensorFlow's own distribution engine does the work; this module only gathers the few steps a lesson
needs more than once:

- :func:`strategy_for` makes a ``MirroredStrategy`` over N GPUs, or over N logical devices cut from the CPU;
- :func:`local_tf_configs` writes the ``TF_CONFIG`` of each worker of a small cluster on this computer;
- :func:`local_workers` starts the worker processes and always stops them, even when the code around it fails;
- ``python -m mnist_course.distributed worker ...`` is one worker: it trains with
  ``MultiWorkerMirroredStrategy`` and a custom training step (:func:`make_train_step`), saves a checkpoint
  after every epoch, and starts again from the last checkpoint when it is restarted.

``mnist-course train --strategy mirrored|multiworker`` uses these parts; its command code is in
``mnist_course/commands/train.py``.

Why a custom training step and not ``model.fit``: with Keras 3.15 and TensorFlow 2.21, ``fit`` under
``MultiWorkerMirroredStrategy`` with two or more workers stops before its first step with
"Attempt to convert a value (PerReplica...)" (keras-team/keras#20585). ``tests/test_distributed.py`` checks
that this is still so; when that test fails, ``fit`` works and the lesson can use it.

Introduced in notebooks/A1_distributed_training.ipynb.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

#: The file each worker writes into the run folder after every epoch (``{index}``: the worker's task index).
REPORT_FILE = "worker-{index}.json"
#: The worker's own output (and anything TensorFlow prints) goes to this file in the run folder.
LOG_FILE = "worker-{index}.log"
#: Indices of the training images a worker trained on in its last epoch (proof of the data sharding).
EXAMPLES_FILE = "worker-{index}-examples.npy"
#: The chief (worker 0) saves the trained model here, in the run folder.
MODEL_FILE = "model.keras"
#: Checkpoints (one per epoch, the last one kept) go here, in the run folder, unless told otherwise.
CHECKPOINT_FOLDER = "checkpoints"
#: Every line a worker prints itself starts with this word, so it can be told from TensorFlow's lines.
LINE_PREFIX = "worker"
#: The error ``model.fit`` raises under MultiWorkerMirroredStrategy (keras-team/keras#20585).
FIT_ERROR = "Attempt to convert a value (PerReplica"


# ---------------------------------------------------------------------------
# One process, several devices: MirroredStrategy
# ---------------------------------------------------------------------------


def split_cpu(devices: int) -> list:
    """Cut the CPU into ``devices`` logical devices, so that a ``MirroredStrategy`` has several to use.

    TensorFlow sets its devices up once, the first time it runs anything. So this must run before
    that: right after the imports, before any model, tensor or dataset is made.

    Returns:
        The logical CPU devices (``tf.config.list_logical_devices("CPU")``).

    Raises:
        RuntimeError: TensorFlow has already set its devices up in another way; the message says what to do.

    Used by :func:`strategy_for`.
    """
    import tensorflow as tf

    if devices < 1:
        raise ValueError(f"devices must be at least 1, got {devices}")
    cpu = tf.config.list_physical_devices("CPU")[0]
    wanted = [tf.config.LogicalDeviceConfiguration() for _ in range(devices)]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == devices:
        return tf.config.list_logical_devices("CPU")  # already cut this way (a cell run twice)
    try:
        tf.config.set_logical_device_configuration(cpu, wanted)
    except RuntimeError:
        have = len(tf.config.list_logical_devices("CPU"))
        raise RuntimeError(
            f"TensorFlow has already set up its devices ({have} CPU device{'s' * (have != 1)}), so the CPU "
            f"cannot be cut into {devices} any more. Call strategy_for(devices={devices}) before anything "
            "else uses TensorFlow: restart the kernel (or the program) and call it right after the imports."
        ) from None
    return tf.config.list_logical_devices("CPU")


def strategy_for(devices: int | None = None):
    """A ``tf.distribute`` strategy that trains one model on ``devices`` devices of this computer at once.

    - With at least ``devices`` GPUs: a ``MirroredStrategy`` over the first ``devices`` GPUs
      (``devices=None``: all of them, which is what ``tf.distribute.MirroredStrategy()`` does by itself).
    - Without GPUs: the CPU is cut into ``devices`` logical devices (:func:`split_cpu`) and the
      ``MirroredStrategy`` uses those. They share the same cores, so this shows how mirroring works,
      but it does not make training faster.
    - ``devices=1``: TensorFlow's default strategy (no distribution), for a one-device run to compare with.

    Call it before anything else uses TensorFlow (it may have to cut the CPU); build the model inside
    ``strategy.scope()``.

    Raises:
        ValueError: ``devices`` is below 1, or there are some GPUs but fewer than ``devices``.
        RuntimeError: the CPU must be cut but TensorFlow has already set up its devices.

    Introduced in notebooks/A1_distributed_training.ipynb.
    """
    import tensorflow as tf

    if devices is not None and devices < 1:
        raise ValueError(f"devices must be at least 1, got {devices}")
    if devices == 1:
        return tf.distribute.get_strategy()
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        if devices is None:
            return tf.distribute.MirroredStrategy()
        if len(gpus) < devices:
            raise ValueError(f"asked for {devices} devices but this computer has {len(gpus)} GPU(s)")
        return tf.distribute.MirroredStrategy([f"/gpu:{number}" for number in range(devices)])
    logical = split_cpu(devices or 2)
    return tf.distribute.MirroredStrategy([device.name for device in logical])


# ---------------------------------------------------------------------------
# The training step that model.fit runs for us, written out
# ---------------------------------------------------------------------------


def make_train_step(strategy, model, optimizer, loss_function, global_batch_size: int):
    """One synchronous training step on every replica of ``strategy``: what ``model.fit`` does for each batch.

    Each replica (device or worker) computes the loss on its own part of the batch, divided by the size
    of the whole (global) batch (``tf.nn.compute_average_loss``), and its gradients. The optimizer adds
    the gradients of all replicas together (an all-reduce), so every replica makes the same update and
    the copies of the model stay equal.

    Args:
        strategy: a ``tf.distribute`` strategy; ``model`` and ``optimizer`` were made in its scope.
        model: a Keras model that outputs probabilities.
        optimizer: a Keras optimizer.
        loss_function: a Keras loss with ``reduction=None`` (one loss per image).
        global_batch_size: images per step over all replicas together.

    The optimizer's own variables are made here, in the strategy's scope, if they are not there yet: with
    Keras 3.15 and two devices in one program, making them inside the first step fails.

    Returns:
        A ``tf.function`` ``train_step(images, labels)`` for a batch of a distributed dataset; it returns
        the mean loss of the global batch.

    Introduced in notebooks/A1_distributed_training.ipynb.
    """
    import tensorflow as tf

    if not optimizer.built:  # its variables (the moments of Adam) are made in the scope, not in the first step
        with strategy.scope():
            optimizer.build(model.trainable_variables)

    def replica_step(images, labels):
        with tf.GradientTape() as tape:
            probabilities = model(images, training=True)
            per_image_loss = loss_function(labels, probabilities)
            loss = tf.nn.compute_average_loss(per_image_loss, global_batch_size=global_batch_size)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    @tf.function
    def train_step(images, labels):
        per_replica_loss = strategy.run(replica_step, args=(images, labels))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_loss, axis=None)

    return train_step


def training_dataset(images, labels, global_batch_size: int, seed: int, epoch: int, augment: bool = False):
    """The same ``tf.data`` pipeline on every worker: shuffled (the same way everywhere), batched, sharded.

    Each element is ``(images, one-hot labels, indices)``; the indices say which training images a
    worker got. Every worker builds this same pipeline; ``strategy.experimental_distribute_dataset``
    then gives each worker its own share of every batch (auto-sharding by data). The last incomplete
    batch is dropped, so that every worker runs the same number of steps: a worker with one step more
    would wait for the others for ever.

    Args:
        images: ``(n, 28, 28, 1) float32`` in [0, 1]; labels: ``(n, 10) float32`` one-hot.
        global_batch_size: images per step over all workers.
        seed, epoch: the order of the images depends on both, so a worker restarted at epoch 3 sees
            the same order as the others, and the same as a run that never stopped.
        augment: change the digits like people's own handwriting (``mnist_course.augment``).

    Used by the worker (:func:`run_worker`); notebooks/A1_distributed_training.ipynb shows it.
    """
    import tensorflow as tf

    indices = np.arange(len(images), dtype=np.int64)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels, indices))
    dataset = dataset.shuffle(len(images), seed=seed * 1000 + epoch, reshuffle_each_iteration=False)
    dataset = dataset.batch(global_batch_size, drop_remainder=True)
    if augment:
        from mnist_course.augment import augmenter

        change = augmenter()
        dataset = dataset.map(lambda batch, labels_, indices_: (change(batch), labels_, indices_),
                              num_parallel_calls=tf.data.AUTOTUNE)  # fmt: skip
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options).prefetch(tf.data.AUTOTUNE)


# ---------------------------------------------------------------------------
# Several processes: TF_CONFIG and the local cluster
# ---------------------------------------------------------------------------


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` different TCP ports that are free on ``host`` right now (the system picks them)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def local_tf_configs(num_workers: int = 2, host: str = "127.0.0.1") -> list[dict]:
    """The ``TF_CONFIG`` of each worker of a cluster of ``num_workers`` processes on this computer.

    ``TF_CONFIG`` tells a worker two things: the address of every worker of the cluster, and which one
    it is itself. All workers get the same ``cluster``; only ``task.index`` differs. Worker 0 is the
    chief: it saves the model and the checkpoints. On a real cluster, a job scheduler sets the same
    variable with the machines' own addresses.

    Returns:
        one dict per worker, e.g. ``{"cluster": {"worker": ["127.0.0.1:40001", "127.0.0.1:40002"]},
        "task": {"type": "worker", "index": 0}}``; ``json.dumps`` it into the worker's ``TF_CONFIG``.

    Introduced in notebooks/A1_distributed_training.ipynb.
    """
    if num_workers < 1:
        raise ValueError(f"num_workers must be at least 1, got {num_workers}")
    addresses = [f"{host}:{port}" for port in free_ports(num_workers, host)]
    return [{"cluster": {"worker": addresses}, "task": {"type": "worker", "index": index}}
            for index in range(num_workers)]  # fmt: skip


def read_report(run_dir, index: int = 0) -> dict | None:
    """What worker ``index`` wrote about its run (``worker-INDEX.json`` in ``run_dir``), or None if nothing yet.

    Keys: ``task_index``, ``num_workers``, ``chief``, ``first_epoch`` (1 for a fresh start, more after a
    restart from a checkpoint), ``resumed_from`` (the checkpoint's epoch, or 0), ``epochs`` (one dict per
    epoch this run trained: ``epoch``, ``steps``, ``images``, ``loss``, ``seconds``), ``done``, ``seconds``
    and ``fit_error`` (only for a ``--use-fit`` run).

    Introduced in notebooks/A1_distributed_training.ipynb.
    """
    path = Path(run_dir) / REPORT_FILE.format(index=index)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):  # not written yet (it is replaced in one step)
        return None


class LocalWorkers:
    """The worker processes that :func:`local_workers` started; wait for them, watch them, stop them.

    Used in notebooks/A1_distributed_training.ipynb.
    """

    def __init__(self, run_dir: Path, processes: list, tf_configs: list[dict]):
        self.run_dir = run_dir
        self.processes = processes
        self.tf_configs = tf_configs

    def __len__(self) -> int:
        return len(self.processes)

    def log(self, index: int) -> str:
        """Everything worker ``index`` printed so far."""
        path = self.run_dir / LOG_FILE.format(index=index)
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def lines(self, index: int) -> list[str]:
        """The lines worker ``index`` printed itself (they start with ``worker``), without TensorFlow's."""
        return [line for line in self.log(index).splitlines() if line.startswith(LINE_PREFIX)]

    def last_error(self, index: int) -> str | None:
        """The last Python error in worker ``index``'s log, shortened to one line (None if there is none)."""
        errors = [line for line in self.log(index).splitlines() if re.match(r"[\w.]*(Error|Exception): ", line)]
        if not errors:
            return None
        name, _, message = re.sub(r"\{\{.*?\}\}\s*", "", errors[-1]).partition(": ")
        return f"{name.rsplit('.', 1)[-1]}: {message}"[:200]

    def running(self) -> list[bool]:
        """For each worker: is it still running?"""
        return [process.poll() is None for process in self.processes]

    def _problem(self, headline: str) -> str:
        tails = []
        for index in range(len(self.processes)):
            tail = "\n".join(self.log(index).splitlines()[-15:])
            tails.append(f"--- worker {index} (exit status {self.processes[index].poll()}), its last lines:\n{tail}")
        return headline + "\n" + "\n".join(tails)

    def wait(self, timeout: float = 600, check: bool = True, show: int | None = None) -> list[int]:
        """Wait until every worker has finished; return their exit statuses.

        Args:
            timeout: seconds to wait at most.
            check: raise if a worker failed.
            show: print the lines of this worker (e.g. 0, the chief) as it prints them.

        Raises:
            TimeoutError: a worker still runs after ``timeout`` seconds (with the end of each log).
            RuntimeError: ``check`` is True and a worker failed (with the end of each log).
        """
        deadline = time.monotonic() + timeout
        shown = 0
        while True:
            finished = not any(self.running())
            if show is not None:
                lines = self.lines(show)
                for line in lines[shown:]:
                    print(line, flush=True)
                shown = len(lines)
            if finished:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(self._problem(f"the workers did not finish within {timeout:.0f} s"))
            time.sleep(0.2)
        statuses = [process.returncode for process in self.processes]
        if check and any(statuses):
            raise RuntimeError(self._problem(f"a worker failed (exit statuses {statuses})"))
        return statuses

    def wait_for_epoch(self, epoch: int, index: int = 0, timeout: float = 600) -> dict:
        """Wait until worker ``index`` has finished epoch ``epoch`` (its checkpoint is saved); return its report.

        Raises:
            TimeoutError: not within ``timeout`` seconds.
            RuntimeError: the worker ended before that epoch.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            report = read_report(self.run_dir, index)
            if report and report["epochs"] and report["epochs"][-1]["epoch"] >= epoch:
                return report
            if self.processes[index].poll() is not None:
                raise RuntimeError(self._problem(f"worker {index} ended before epoch {epoch}"))
            time.sleep(0.05)
        raise TimeoutError(self._problem(f"worker {index} did not finish epoch {epoch} within {timeout:.0f} s"))

    def kill(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` (default SIGKILL: the process ends at once, as if its machine lost power) to worker ``index``."""
        process = self.processes[index]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait()

    def stop(self) -> None:
        """Stop every worker that still runs, with SIGKILL to its process group, and wait until it has ended.

        Not SIGTERM: a TensorFlow worker takes SIGTERM as a notice that its machine will soon be taken away
        (preemption) and goes on. Nothing saved is lost: a checkpoint only counts once it is completely written.
        """
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes:
            process.wait()


def _gpus_for_workers(num_workers: int) -> list[str]:
    """``CUDA_VISIBLE_DEVICES`` for each local worker: a GPU of its own if there is one for each, else none.

    Two workers cannot share one GPU: TensorFlow gives the first all its memory, and NCCL, which adds up
    the gradients on GPUs, refuses two workers on the same GPU. So with fewer GPUs than workers, the
    workers use the CPU, like the lesson.
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        names = [name for name in visible.split(",") if name.strip() and name.strip() != "-1"]
    else:
        from mnist_course import config

        config.import_keras_quietly()
        import tensorflow as tf

        names = [str(number) for number in range(len(tf.config.list_physical_devices("GPU")))]
    if len(names) < num_workers:
        return [""] * num_workers
    return names[:num_workers]


@contextlib.contextmanager
def local_workers(run_dir, num_workers: int = 2, worker_args=(), threads: int | None = None, env: dict | None = None):
    """Start ``num_workers`` worker processes on this computer, each with its own ``TF_CONFIG``; stop them at the end.

    Each worker runs ``python -m mnist_course.distributed worker --out RUN_DIR WORKER_ARGS...`` in its own
    process group, with its output in ``RUN_DIR/worker-N.log``, and a GPU of its own if there is one for
    each worker (else the CPU). When the ``with`` block ends, for any reason (an error, a stopped cell),
    every worker that still runs is stopped, so none is left behind; and a worker ends by itself if the
    process that started it dies.

    Args:
        run_dir: the folder of the run: reports, logs, checkpoints and the chief's model go there.
        num_workers: how many worker processes.
        worker_args: more arguments for each worker (``["--epochs", "2"]``; see ``python -m
            mnist_course.distributed worker --help``).
        threads: CPU threads one operation of a worker may use (default: the cores divided among the
            workers, as if each worker had a share of the machine of its own).
        env: more environment variables for every worker, e.g. ``{"MNIST_COURSE_DATA": "/data/mnist.npz"}``
            (the workers get this program's environment plus these; this program's own does not change).

    Yields:
        a :class:`LocalWorkers`.

    Introduced in notebooks/A1_distributed_training.ipynb.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    threads = threads or max(1, (os.cpu_count() or 1) // num_workers)
    gpus = _gpus_for_workers(num_workers)
    tf_configs = local_tf_configs(num_workers)
    package_parent = str(Path(__file__).resolve().parent.parent)  # the workers run this very copy of the course
    processes = []
    workers = LocalWorkers(run_dir, processes, tf_configs)
    try:
        for index, tf_config in enumerate(tf_configs):
            environment = {**os.environ, **(env or {})}
            environment["TF_CONFIG"] = json.dumps(tf_config)
            environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
            environment["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, environment.get("PYTHONPATH")]))
            environment["CUDA_VISIBLE_DEVICES"] = gpus[index]
            environment["MNIST_COURSE_WORKER_PARENT"] = str(os.getpid())  # the worker ends if this process dies
            environment["PYTHONUNBUFFERED"] = "1"  # the log shows each line when it is printed
            command = [sys.executable, "-m", "mnist_course.distributed", "worker", "--out", str(run_dir),
                       "--threads", str(threads), *map(str, worker_args)]  # fmt: skip
            with open(run_dir / LOG_FILE.format(index=index), "w", encoding="utf-8") as log:
                processes.append(subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                                  stdin=subprocess.DEVNULL, start_new_session=True))  # fmt: skip
        yield workers
    finally:
        workers.stop()


# ---------------------------------------------------------------------------
# The worker
# ---------------------------------------------------------------------------


def _write_json(path: Path, content: dict) -> None:
    """Write JSON in one step (a reader never sees half a file, even if the writer is killed)."""
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(content, indent=1), encoding="utf-8")
    os.replace(partial, path)


def _die_with_parent() -> None:
    """On Linux, end this worker when the process that started it ends (even if that one was killed)."""
    parent = os.environ.get("MNIST_COURSE_WORKER_PARENT")
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != int(parent):  # the parent ended before prctl took effect
        os._exit(1)


def _say(index: int, message: str) -> None:
    print(f"{LINE_PREFIX} {index}: {message}", flush=True)


def run_worker(args) -> int:
    """One worker of a ``MultiWorkerMirroredStrategy`` cluster: train, checkpoint every epoch, resume.

    Reads its cluster and its own task index from ``TF_CONFIG``. Every worker builds the same model and
    the same data pipeline; the strategy gives each worker its share of every batch and keeps the
    copies of the model equal. After every epoch the checkpoint is saved (``tf.train.CheckpointManager``);
    a worker that starts and finds a checkpoint goes on from there. The chief (worker 0) saves the model.
    Returns the exit status.

    Used by ``python -m mnist_course.distributed worker``; notebooks/A1_distributed_training.ipynb runs it.
    """
    from mnist_course import config

    if "TF_CONFIG" not in os.environ:
        print("error: TF_CONFIG is not set; start workers with mnist_course.distributed.local_workers() "
              "or set TF_CONFIG yourself (see local_tf_configs())", file=sys.stderr)  # fmt: skip
        return 2
    keras = config.import_keras_quietly()
    import tensorflow as tf

    from mnist_course import data, models, training

    if args.model not in models.BUILDERS:
        print(f"error: unknown model {args.model!r}; choose one of: {', '.join(models.MODEL_NAMES)}", file=sys.stderr)
        return 2
    if args.threads:  # the cores one operation may use; communication still runs beside it
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    resolver = strategy.cluster_resolver
    index, num_workers = resolver.task_id, resolver.cluster_spec().num_tasks("worker")
    chief = index == 0
    started = time.perf_counter()
    config.set_seed(args.seed)

    (train_images, train_labels), _ = data.load_course_data(train_per_class=args.train_per_class)
    held_out = training.held_out_count(len(train_images), args.validation_split) if args.validation_split else 0
    if held_out:  # kept for whoever calibrates the model afterwards (``mnist-course train``)
        train_images, train_labels = train_images[:-held_out], train_labels[:-held_out]
    images = data.add_channel(data.scale(train_images))
    labels = data.one_hot(train_labels)
    recipe = models.recipe_for(args.model)
    epochs = args.epochs or recipe.epochs
    global_batch_size = args.batch_size or recipe.batch_size
    steps_per_epoch = len(images) // global_batch_size
    if steps_per_epoch < 1:
        print(f"error: {len(images)} images make no batch of {global_batch_size}", file=sys.stderr)
        return 2
    peak = args.peak_learning_rate if args.peak_learning_rate is not None else recipe.peak_learning_rate
    augment = recipe.augment if args.augment is None else args.augment

    with strategy.scope():
        model = models.build(args.model)
        if peak:
            optimizer = keras.optimizers.Adam(training.one_cycle_schedule(peak, epochs * steps_per_epoch))
            # The saved model keeps the optimizer that trained it (only fit would use the loss and metrics).
            model.compile(optimizer=optimizer, loss=model.loss, metrics=["accuracy"])
        else:
            optimizer = model.optimizer
    report = {"task_index": index, "num_workers": num_workers, "chief": chief, "model": args.model,
              "global_batch_size": global_batch_size, "steps_per_epoch": steps_per_epoch, "epochs_wanted": epochs,
              "first_epoch": 1, "resumed_from": 0, "epochs": [], "done": False}  # fmt: skip
    report_path = out / REPORT_FILE.format(index=index)

    if args.use_fit:  # shows what happens to model.fit under this strategy (keras-team/keras#20585)
        dataset = training_dataset(images, labels, global_batch_size, args.seed, 1).map(lambda x, y, i: (x, y))
        try:
            model.fit(dataset, epochs=1, verbose=0)
            report["fit_error"] = None
        except Exception as error:  # the error is the result here
            message = re.sub(r"\(PerReplica:\{.*\}\)", "(PerReplica:{...})", str(error), flags=re.DOTALL)
            report["fit_error"] = f"{type(error).__name__}: {' '.join(message.split())[:300]}"
        report["done"] = True
        _write_json(report_path, report)
        _say(index, f"model.fit: {report['fit_error'] or 'trained without an error'}")
        return 0

    loss_function = keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing, reduction=None)
    train_step = make_train_step(strategy, model, optimizer, loss_function, global_batch_size)

    # Checkpoints: every worker saves (saving may need all of them), but only the chief into the real
    # folder; the others write into a folder of their own that is removed at once. Every worker
    # restores from the chief's folder, which on a real cluster is shared storage.
    checkpoint_dir = Path(args.checkpoint_dir) if args.checkpoint_dir else out / CHECKPOINT_FOLDER
    write_dir = checkpoint_dir if chief else checkpoint_dir.parent / f"{checkpoint_dir.name}-worker-{index}"
    epoch_done = tf.Variable(0, dtype=tf.int64, trainable=False)
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, epoch=epoch_done)
    manager = tf.train.CheckpointManager(checkpoint, directory=str(write_dir), max_to_keep=1)
    latest = tf.train.latest_checkpoint(str(checkpoint_dir))
    if latest:
        checkpoint.restore(latest).assert_existing_objects_matched()
        report["resumed_from"] = int(epoch_done.numpy())
        _say(index, f"resumed from the checkpoint saved after epoch {report['resumed_from']}")
    report["first_epoch"] = int(epoch_done.numpy()) + 1
    _write_json(report_path, report)

    for epoch in range(report["first_epoch"], epochs + 1):
        epoch_started = time.perf_counter()
        dataset = strategy.experimental_distribute_dataset(
            training_dataset(images, labels, global_batch_size, args.seed, epoch, augment))
        seen, total_loss, steps = [], 0.0, 0
        for batch_images, batch_labels, batch_indices in dataset:
            total_loss += float(train_step(batch_images, batch_labels))
            seen.extend(np.asarray(part) for part in strategy.experimental_local_results(batch_indices))
            steps += 1
        epoch_done.assign(epoch)
        manager.save(checkpoint_number=epoch)
        if not chief:
            tf.io.gfile.rmtree(str(write_dir))
        seen = np.concatenate(seen)
        np.save(out / EXAMPLES_FILE.format(index=index), seen)
        seconds = time.perf_counter() - epoch_started
        report["epochs"].append({"epoch": epoch, "steps": steps, "images": int(len(seen)),
                                 "loss": round(total_loss / max(1, steps), 4), "seconds": round(seconds, 2)})  # fmt: skip
        _write_json(report_path, report)
        _say(index, f"epoch {epoch}/{epochs}  {steps} steps  {len(seen)} images here  "
                    f"loss {total_loss / max(1, steps):.3f}  {seconds:.1f} s")  # fmt: skip

    if chief:
        training.save_model(model, out / MODEL_FILE)
        _say(index, f"saved the model to {MODEL_FILE}")
    report["done"] = True
    report["seconds"] = round(time.perf_counter() - started, 2)
    _write_json(report_path, report)
    return 0


def _worker_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mnist_course.distributed worker",
        description="One worker of a MultiWorkerMirroredStrategy cluster; its cluster and index come from TF_CONFIG.",
    )
    parser.add_argument("--out", required=True, help="run folder: reports, logs, checkpoints, the chief's model")
    parser.add_argument("--model", default="cnn", help="model name (default: cnn, the course CNN)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs (default: the model's recipe)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="images per step over all workers together (default: the model's recipe)")
    parser.add_argument("--peak-learning-rate", type=float, default=None,
                        help="one-cycle peak learning rate (default: the model's recipe)")
    parser.add_argument("--train-per-class", type=int, default=None,
                        help="train on this many images per digit (default: all of MNIST's training set)")
    parser.add_argument("--validation-split", type=float, default=0.0,
                        help="keep this last part of the training images out of training (for calibration)")
    parser.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                        help="change the digits like people's own handwriting (default: the model's recipe)")
    parser.add_argument("--checkpoint-dir", default=None, help="checkpoint folder (default: OUT/checkpoints)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (the same on every worker)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads one operation of this worker may use")
    parser.add_argument("--use-fit", action="store_true",
                        help="try model.fit instead of the custom training step, and report what happens")
    return parser


def main(argv=None) -> int:
    """``python -m mnist_course.distributed worker ...``: run one worker (see ``--help``). Returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "worker":
        print("usage: python -m mnist_course.distributed worker --out RUN_DIR [options]  (--help for more)",
              file=sys.stderr)  # fmt: skip
        return 2
    args = _worker_parser().parse_args(argv[1:])
    _die_with_parent()
    return run_worker(args)


if __name__ == "__main__":
    sys.exit(main())
