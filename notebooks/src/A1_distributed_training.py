# %% [markdown]
# # A1 · When one machine is not enough: the same CNN on several devices and several workers
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/A1_distributed_training.ipynb)
#
# **What you will learn:**
#
# - how TensorFlow's own distribution engine, `tf.distribute`, trains one Keras model on several devices
#   (`MirroredStrategy`);
# - how it trains on several processes or machines (`MultiWorkerMirroredStrategy`);
# - what this does to the batch size and the learning rate;
# - what `model.fit` does for each batch;
# - how a training run survives a lost worker, and when all this makes training faster.
#
# **Builds on:** lesson 05 (the course CNN and its training recipe). This is an appendix: a look beyond the
# course, for when you train bigger models.
#
# **Full run:** about 3 minutes on a 2-core CPU with AVX2 only (float32, as on most laptops); about 2 minutes with AVX-512 and bfloat16. Measured by the build of this page.

# %% [markdown]
# ## Setup
#
# The first cell installs the course library when it is missing (on Google Colab; about 30 seconds).
# The second one starts the lesson. `lesson.start()` hides TensorFlow's start-up messages, checks the
# versions and sets the random seed. `FAST` is True only in the quick test runs.

# %%
try:
    import mnist_course  # the course library
except ImportError:  # on Google Colab: install it first (about 30 seconds)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start()  # quiet TensorFlow, check versions, seed 42, fast or full mode
import tensorflow as tf  # lesson.start() has loaded it already, quietly

from mnist_course import config, data, distributed, models, training

# %% [markdown]
# ## The question
#
# A bigger model or much more data can take days to train on one device. You can then train on several
# devices at once: the GPUs of one computer, a TPU, or many computers. TensorFlow does this with the same
# Keras model you already know. We only choose a **strategy**:
#
# - `MirroredStrategy`: one program, several devices in the same computer;
# - `MultiWorkerMirroredStrategy`: several programs (**workers**), usually on several computers.
#
# What does this computer have? The next cell prints its versions, its CPU cores and its GPUs.

# %%
import os

print("TensorFlow", tf.__version__, "/ Keras", keras.__version__)
print("CPU cores:", os.cpu_count(), "/ GPUs:", len(tf.config.list_physical_devices("GPU")))

# %% [markdown]
# The computer that built this page has no GPU, and only the CPU cores printed above. So we make the
# devices and the computers ourselves. We cut the CPU into two devices, and we start two worker programs on
# this computer. Everything you see below is real training, with real results. Only the speed is not what
# you would get on real hardware; part 5 explains why.

# %% [markdown]
# ## 1. Two devices in one program: `MirroredStrategy`
#
# First we cut the CPU into two **logical devices**. TensorFlow sets up its devices once, the first time it
# runs anything, so this must come before any model, tensor or dataset. (If it comes too late, TensorFlow
# raises an error; `distributed.strategy_for` turns it into a message that says what to do.)

# %% tags=["nbval-check-output"]
config.quiet_tensorflow()  # in a notebook, loading TensorFlow turns its INFO lines on: hide them again
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
print("devices:", [device.name for device in tf.config.list_logical_devices("CPU")])
print("replicas in sync:", strategy.num_replicas_in_sync)

# %% [markdown]
# The data and the recipe of the course CNN (lesson 05). To keep every run short and the same, we switch
# off the augmentation of lesson 06 and train each run for the same number of epochs.

# %%
import time

(train_images, train_labels), (test_images, test_labels) = data.load_course_data(
    train_per_class=config.pick(full=None, fast=200),
    test_per_class=config.pick(full=None, fast=50),
)
train_images, test_images = data.scale(train_images), data.scale(test_images)
recipe = models.RECIPES["cnn"]
EPOCHS = config.pick(full=3, fast=1)
print(f"{len(train_images)} training images, {len(test_images)} test images, {EPOCHS} epochs")
print(f"course CNN recipe: batch of {recipe.batch_size} images, peak learning rate {recipe.peak_learning_rate}")

results = []  # one row per run, for the table at the end of part 3


def add_result(name, replicas, batch_size, learning_rate, seconds, model):
    """Test the model on the test images and keep one row for the table."""
    accuracy = training.evaluate(model, test_images, test_labels)["accuracy"]
    steps = EPOCHS * (len(train_images) // batch_size)
    results.append({"run": name, "replicas": replicas, "batch": batch_size, "learning rate": learning_rate,
                    "train s": seconds, "ms per step": 1000 * seconds / steps, "test accuracy": accuracy})
    print(f"{name}: {seconds:.1f} s of training, test accuracy {accuracy:.2%}")


# %% [markdown]
# ### Run A: one device
#
# The plain course CNN, trained with `training.train` as in lesson 05 (without augmentation, as said above).
# This is the run to compare with.

# %%
config.set_seed(42)
model_one = models.build("cnn")
started = time.perf_counter()
training.train(model_one, train_images, train_labels, epochs=EPOCHS, validation_split=0, augment=False, seed=42)
add_result("A: one device", 1, recipe.batch_size, recipe.peak_learning_rate, time.perf_counter() - started, model_one)

# %% [markdown]
# ### Run B: two devices, the same batch
#
# With a strategy, only one thing changes in our code: the model is built (and here also trained) inside
# `strategy.scope()`. Then, for every batch of 256 images:
#
# 1. each device holds its own copy of the model (a **replica**);
# 2. the batch is split: each device gets 128 images;
# 3. each device computes the gradients for its 128 images;
# 4. the gradients of the two devices are added together (an **all-reduce**);
# 5. both copies make the same update, so they stay equal.
#
# This is **synchronous data parallelism**. The update is the same as on one device with the whole batch of
# 256, so we keep the same learning rate and expect the same accuracy.
#
# One detail: with Keras 3.15, `fit` under `MirroredStrategy` fails when a model runs several batches per
# call (`steps_per_execution`, which the course models set to 8 on one device). So we compile with 1.

# %%
config.set_seed(42)
with strategy.scope():
    model_two = models.build("cnn")
    model_two.compile(optimizer=model_two.optimizer, loss=model_two.loss, metrics=["accuracy"], steps_per_execution=1)
    started = time.perf_counter()
    training.train(model_two, train_images, train_labels, epochs=EPOCHS, validation_split=0, augment=False, seed=42)
add_result("B: two devices", 2, recipe.batch_size, recipe.peak_learning_rate, time.perf_counter() - started, model_two)
print("batches per call (steps_per_execution): run A", model_one.steps_per_execution,
      "/ run B", model_two.steps_per_execution)

# %% [markdown]
# Each weight of this model is now a `MirroredVariable`: one copy on each device. The two copies are equal,
# because every update was the same on both devices.

# %% tags=["nbval-check-output"]
first_weights = model_two.layers[0].kernel
copies = strategy.experimental_local_results(first_weights.value)
print(type(first_weights.value).__name__, "with", len(copies), "copies on", [copy.device.split("/")[-1] for copy in copies])
print("the copies are equal:", bool(np.array_equal(copies[0].numpy(), copies[1].numpy())))

# %% [markdown]
# ### Run C: a bigger batch and a bigger learning rate
#
# A GPU is fastest with big batches. So with N devices we usually keep the batch of each device and let the
# **global batch** grow: 2 devices × 256 images = 512 images per step. Then one epoch has half as many steps.
# Each step averages the gradients of twice as many images, so its direction is less noisy and it can go
# further. The **linear scaling rule** (Goyal et al., 2017, "Accurate, Large Minibatch SGD") says: multiply
# the learning rate by the same factor, and warm up at the start. Our one-cycle schedule already warms up.

# %%
scale = strategy.num_replicas_in_sync
big_batch, big_learning_rate = recipe.batch_size * scale, recipe.peak_learning_rate * scale
config.set_seed(42)
with strategy.scope():
    model_big = models.build("cnn")
    model_big.compile(optimizer=model_big.optimizer, loss=model_big.loss, metrics=["accuracy"], steps_per_execution=1)
    started = time.perf_counter()
    training.train(model_big, train_images, train_labels, epochs=EPOCHS, batch_size=big_batch,
                   peak_learning_rate=big_learning_rate, validation_split=0, augment=False, seed=42)
add_result("C: two devices, batch x2, rate x2", 2, big_batch, big_learning_rate, time.perf_counter() - started, model_big)

# %% [markdown]
# ## 2. What `fit` does for each batch
#
# `fit` hides the five steps above. Here they are, written out for our two devices. It is worth reading
# slowly, because in part 3 we will need exactly this code:
#
# - `strategy.run(replica_step, ...)` runs `replica_step` once on each device, each with its own part of the batch;
# - each device divides its loss by the size of the **global** batch (`tf.nn.compute_average_loss`). Then
#   the sum over the devices is the mean over the whole batch, as on one device;
# - `optimizer.apply_gradients` adds up the gradients of all devices before it updates the weights;
# - `strategy.reduce(SUM, ...)` adds the two parts of the loss, to print it.

# %%
GLOBAL_BATCH = recipe.batch_size
with strategy.scope():  # variables are made in the scope: the model's, and the optimizer's own
    own_model = models.build("cnn")
    own_optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    own_optimizer.build(own_model.trainable_variables)  # now, not in the first step (Keras 3.15 fails there)
loss_function = keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing, reduction=None)


def replica_step(images, labels):
    """One device: the loss of its part of the batch, the gradients, the update."""
    with tf.GradientTape() as tape:
        probabilities = own_model(images, training=True)
        per_image_loss = loss_function(labels, probabilities)
        loss = tf.nn.compute_average_loss(per_image_loss, global_batch_size=GLOBAL_BATCH)
    gradients = tape.gradient(loss, own_model.trainable_variables)
    own_optimizer.apply_gradients(zip(gradients, own_model.trainable_variables))  # adds up all devices' gradients
    return loss


@tf.function
def train_step(images, labels):
    """All devices at once: one synchronous step; returns the mean loss of the global batch."""
    per_replica_loss = strategy.run(replica_step, args=(images, labels))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_loss, axis=None)


# %% [markdown]
# `strategy.experimental_distribute_dataset` splits every batch of the dataset between the devices. We train
# a few steps and look at what each device gets.

# %%
batches = tf.data.Dataset.from_tensor_slices((data.add_channel(train_images), data.one_hot(train_labels)))
batches = batches.shuffle(len(train_images), seed=42).batch(GLOBAL_BATCH, drop_remainder=True).take(40)
for step, (images, labels) in enumerate(strategy.experimental_distribute_dataset(batches), start=1):
    if step == 1:
        parts = strategy.experimental_local_results(images)
        print("one batch of", GLOBAL_BATCH, "images ->", [tuple(part.shape) for part in parts])
    loss = train_step(images, labels)
    if step in (1, 10, 20, 40):
        print(f"step {step:2d}: loss {float(loss):.3f}")

# %% [markdown]
# The loss goes down, and each device got half of each batch. The worker programs of part 3 run these same
# lines; the library keeps them as `distributed.make_train_step`.
#
# ## 3. Several programs: `MultiWorkerMirroredStrategy`
#
# Now each device is a separate program, a **worker**, as it would be on separate computers. The workers
# find each other through the `TF_CONFIG` environment variable. It holds the address of every worker, and
# which one the program is itself. All workers get the same list; only the index differs. Worker 0 is the
# **chief**: it saves the model and the checkpoints. `distributed.local_tf_configs` writes `TF_CONFIG` for
# workers on this computer (127.0.0.1, with free ports):

# %%
import json

for tf_config in distributed.local_tf_configs(2):
    print(json.dumps(tf_config))

# %% [markdown]
# Each worker runs `python -m mnist_course.distributed worker` with its own `TF_CONFIG`. It:
#
# 1. creates `tf.distribute.MultiWorkerMirroredStrategy()`, which reads `TF_CONFIG` and connects to the others;
# 2. builds the course CNN inside `strategy.scope()` (the chief's first weights are copied to all workers);
# 3. builds the **same** `tf.data` pipeline as every other worker: shuffled with the same seed, in batches
#    of 256. `strategy.experimental_distribute_dataset` then gives each worker its own half of every batch
#    (**auto-sharding**). The last incomplete batch is dropped: a worker with one step more would wait for
#    the others for ever;
# 4. trains with a training step like the one of part 2;
# 5. saves a checkpoint after every epoch, and the chief saves the model.
#
# `distributed.local_workers` starts the workers and waits for them in a `with` block. When the block ends,
# for any reason, even an error in this notebook, it stops every worker that still runs. No worker is left
# behind.
#
# ### First try: `fit`
#
# Why not simply call `model.fit` in each worker, as in part 1? We try it (`--use-fit`).
#
# Each run of workers needs a folder for its reports, logs, checkpoints and model. This lesson makes a new,
# empty temporary folder, `runs`, for its own runs. The end of the lesson deletes it.

# %%
import tempfile
from pathlib import Path

runs = Path(tempfile.mkdtemp(prefix="A1-runs-"))  # this lesson's own folder: new and empty, so no old checkpoints
small = [] if not FAST else ["--train-per-class", "200"]
with distributed.local_workers(runs / "fit", 2, [*small, "--no-augment", "--use-fit"]) as workers:
    workers.wait(timeout=600)
for index in range(2):
    print(f"worker {index}:", distributed.read_report(runs / "fit", index)["fit_error"])

# %% [markdown]
# `fit` stops before its first step. This is a known problem of Keras 3 with this strategy
# (keras-team/keras#20585). Before the first step, Keras takes the first batch to build the model, and it
# averages that "per-replica" batch over the workers with `strategy.reduce`. Under this strategy, that call
# fails. The course's tests check this with every new Keras: when `fit` works, this lesson will use it (and
# `keras.callbacks.BackupAndRestore` for the checkpoints of part 4).
#
# Our own training step does not have this problem, and it shows what `fit` would do anyway.
#
# ### Two workers, our own training step

# %%
worker_args = [*small, "--epochs", EPOCHS, "--no-augment", "--seed", 42]
started = time.perf_counter()
with distributed.local_workers(runs / "two-workers", 2, worker_args) as workers:
    workers.wait(timeout=1800, show=0)  # show the chief's lines as it prints them
wall_seconds = time.perf_counter() - started
reports = [distributed.read_report(runs / "two-workers", index) for index in range(2)]
train_seconds = sum(epoch["seconds"] for epoch in reports[0]["epochs"])
print(f"wall time with the start of both programs: {wall_seconds:.1f} s; training: {train_seconds:.1f} s")
model_workers = training.load_model(runs / "two-workers" / distributed.MODEL_FILE)
add_result("D: two workers, own step", 2, recipe.batch_size, recipe.peak_learning_rate, train_seconds, model_workers)

# %% [markdown]
# Did both workers really work, each on its own half? Each one wrote a report and the numbers of the images
# it trained on in its last epoch (`distributed.read_report`).

# %%
seen = [np.load(runs / "two-workers" / distributed.EXAMPLES_FILE.format(index=index)) for index in range(2)]
for report, images_seen in zip(reports, seen):
    role = "chief" if report["chief"] else "worker"
    epoch = report["epochs"][-1]
    print(f"worker {report['task_index']} ({role}): {epoch['steps']} steps, {len(images_seen)} images, "
          f"loss {epoch['loss']:.3f}")
print("images both workers trained on:", len(np.intersect1d(seen[0], seen[1])))
print("images trained on in the last epoch:", len(np.union1d(seen[0], seen[1])), "of", len(train_images))

# %% [markdown]
# Both workers ran the same number of steps and print the same loss: the loss of the whole batch, which
# `strategy.reduce` adds up over the workers. They trained on different images, and together on all of them
# except the last incomplete batch.
#
# ### All runs side by side

# %%
print(f"{'run':36} {'replicas':>8} {'batch':>6} {'rate':>5} {'train s':>8} {'ms/step':>8} {'time / A':>9} {'test accuracy':>14}")
for row in results:
    print(f"{row['run']:36} {row['replicas']:>8} {row['batch']:>6} {row['learning rate']:>5.2f} {row['train s']:>8.1f} "
          f"{row['ms per step']:>8.1f} {row['train s'] / results[0]['train s']:>9.1f} {row['test accuracy']:>14.2%}")
accuracies = [row["test accuracy"] for row in results]
print(f"test accuracy from {min(accuracies):.2%} to {max(accuracies):.2%}: "
      f"{100 * (max(accuracies) - min(accuracies)):.2f} points apart")

# %% [markdown]
# What the table shows:
#
# - **The same accuracy.** All four runs reach about 99% on the 10,000 test images, within a fraction of a
#   point of each other (the last line). Two devices or two workers learn the same model as one device:
#   synchronous data parallelism does not change the mathematics of training.
# - **The scaled recipe works.** Run C made half as many steps as run B, each with twice the images and twice
#   the learning rate, and reached the same accuracy.
# - **No speed-up here.** The column "time / A" compares each run's training time with one device. On this
#   computer, no run is clearly faster than one device, and the two workers are the slowest. Part 5 explains
#   why, and when it is different.

# %% [markdown]
# ## 4. A worker dies: checkpoints
#
# On many machines for many hours, a machine will fail sooner or later. In synchronous training, every
# worker waits for all the others at every step. So if one worker dies, the others cannot go on.
#
# The answer is **checkpoints**. After each epoch, each worker saves the model, the optimizer and the epoch
# number with `tf.train.CheckpointManager`. Only the chief writes into the real folder; on a real cluster,
# that folder is on shared storage. When the workers start, they look for a checkpoint and go on from there.
#
# We train on a smaller part of MNIST for 3 epochs, and wait until the checkpoint of epoch 1 is saved. Then
# we kill worker 1 with SIGKILL. The program ends at once, with no chance to clean up, as if its machine had
# lost power.

# %%
fault_per_class = config.pick(full=2000, fast=200)  # a smaller part of MNIST, to keep it short
fault_args = ["--train-per-class", fault_per_class, "--batch-size", config.pick(full=256, fast=64),
              "--epochs", 3, "--no-augment", "--seed", 42]
print(f"{10 * fault_per_class} training images, 3 epochs")
with distributed.local_workers(runs / "fault", 2, fault_args) as workers:
    workers.wait_for_epoch(1, index=0)
    workers.kill(1)
    killed = time.perf_counter()
    print("\n".join(workers.lines(0)))
    print("worker 1 killed; still running:", workers.running())
    statuses = workers.wait(timeout=300, check=False)
    noticed = time.perf_counter() - killed
print(f"worker 0 stopped by itself after {noticed:.0f} s, exit status {statuses[0]}:")
print(workers.last_error(0))

# %% [markdown]
# Worker 0 did not wait for ever. TensorFlow noticed that worker 1 was gone, and it stopped worker 0 with an
# error. It noticed either because worker 1 no longer answered, or because its heartbeats stopped. (A
# heartbeat is a small "I am alive" message.) On a cluster, the job scheduler now starts the workers again.
# We do the same: the same command, the same run folder.

# %%
with distributed.local_workers(runs / "fault", 2, fault_args) as workers:
    workers.wait(timeout=1800, show=0)
restart = distributed.read_report(runs / "fault", 0)
print(f"the restarted run began at epoch {restart['first_epoch']} (checkpoint of epoch {restart['resumed_from']})")
model_fault = training.load_model(runs / "fault" / distributed.MODEL_FILE)
print(f"test accuracy after the restart: {training.evaluate(model_fault, test_images, test_labels)['accuracy']:.2%}")

# %% [markdown]
# The restarted workers did not start again from epoch 1: they loaded the checkpoint and trained only the
# epochs that were missing. A run of many hours loses at most one epoch of work.
#
# ## 5. On real hardware
#
# The code above stays the same. Only the strategy and the addresses change:
#
# - **Several GPUs in one computer:** `tf.distribute.MirroredStrategy()` with no arguments uses all GPUs,
#   and adds up the gradients with NVIDIA's NCCL library. `distributed.strategy_for()` does the same, and
#   cuts the CPU into devices when there is no GPU (as here).
# - **A TPU on Colab:** a TPU has several cores; `tf.distribute.TPUStrategy` spreads the batch over them.
#   TensorFlow's TPU guide shows the lines that connect to the TPU first:
#   `resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="")`, then
#   `tf.config.experimental_connect_to_cluster(resolver)`, `tf.tpu.experimental.initialize_tpu_system(resolver)`
#   and `strategy = tf.distribute.TPUStrategy(resolver)`.
# - **Several computers:** start the same worker program on each computer, each with a `TF_CONFIG` that lists
#   the real addresses (`"10.0.0.1:2222"`, `"10.0.0.2:2222"`, ...). Job schedulers (Kubernetes with a
#   training operator, Slurm, cloud training services) set `TF_CONFIG` for you. The checkpoint folder must
#   be on storage that every worker can read, such as a cloud bucket.
#
# On this computer, `distributed.strategy_for()` finds no GPU and uses the two CPU devices of part 1:

# %%
print([device.split("/")[-1] for device in distributed.strategy_for().extended.worker_devices])

# %% [markdown]
# ### Honest numbers: why it is slower here, and when it helps
#
# On this computer, distribution only cost time. There are three reasons:
#
# 1. **No extra computing power.** The two logical devices and the two workers share the same CPU cores. One
#    device already used all of them.
# 2. **Extra work at every step.** The batch is split, the gradients of all replicas are added up (the
#    all-reduce), and every replica waits for the slowest one. Between workers, the gradients travel through
#    the network software, even on 127.0.0.1; any other program that takes a core for a moment makes both
#    workers wait.
# 3. **Short steps.** One step of the small course CNN takes only milliseconds, so this fixed cost is large
#    next to the real work.
#
# Distribution helps when each device brings its own computing power: GPUs, the cores of a TPU, more
# machines. It also needs steps that take much longer than the exchange of gradients. That means big models,
# big images, big batches, and fast links (NVLink between GPUs, fast networks between machines).
#
# The cell below makes a rough estimate from our own measurements. It assumes three things. Each worker has
# a computer like this one to itself. The work of a step is shared evenly. And the extra time per step stays
# what we measured for two workers.

# %%
one, two_workers = results[0], results[3]
parameters = models.count_parameters(model_one)
overhead = two_workers["ms per step"] - one["ms per step"]
print(f"the course CNN has {parameters:,} parameters: each step, each worker sends and receives about "
      f"{parameters * 4 / 1e6:.2f} MB of gradients")
print(f"one device: {one['ms per step']:.1f} ms per step; two workers: {two_workers['ms per step']:.1f} ms per step "
      f"(+{overhead:.1f} ms)")
for workers_count in (2, 4, 8):
    step = one["ms per step"] / workers_count + max(overhead, 0)
    print(f"{workers_count} workers, each on a computer like this one: about {step:.1f} ms per step, "
          f"speed-up {one['ms per step'] / step:.1f} (above 1: faster than one device)")
print(f"distribution saves time when one step on one device takes more than {2 * max(overhead, 0):.0f} ms")

# %% [markdown]
# ## Clean up
#
# The workers' reports, logs, checkpoints and models are in this lesson's temporary folder `runs`. This
# cell deletes that folder, and nothing else. The command line keeps its own runs in your course folder;
# this lesson does not touch them.

# %%
import shutil

shutil.rmtree(runs)
print("This lesson's runs folder is gone:", not runs.exists())

# %% [markdown]
# ## What we learned
#
# - `tf.distribute` trains the same Keras model on several devices: build it inside `strategy.scope()`.
#   `MirroredStrategy` uses the devices of one computer, `MultiWorkerMirroredStrategy` several programs or
#   computers, `TPUStrategy` a TPU.
# - Synchronous data parallelism splits each batch, adds up the gradients and keeps every copy of the model
#   equal: the same accuracy as one device.
# - With N devices, we keep the batch of each device, so the global batch and the learning rate grow N times
#   (with a warm-up at the start).
# - A distributed training step is `strategy.run`, a loss divided by the global batch
#   (`tf.nn.compute_average_loss`), gradients added up by the optimizer, and `strategy.reduce`. This is what
#   `fit` does for us, and what we write ourselves while `fit` fails with several workers (Keras 3.15).
# - Workers find each other through `TF_CONFIG`; auto-sharding gives each worker its share of every batch;
#   the chief saves the model.
# - A checkpoint after every epoch lets a run survive a lost worker: the restarted run goes on from there.
# - Distribution helps when each device brings its own computing power and a step takes much longer than the
#   exchange of gradients. On the two cores of this computer it only costs time.
#
# ## Next
#
# Take the course CNN to a Colab GPU or TPU runtime and try `distributed.strategy_for()` there. From a
# terminal, `mnist-course train --strategy mirrored --workers 2` and
# `mnist-course train --strategy multiworker --workers 2` make the runs of parts 1 and 3. If you stop the
# second one half-way, run it again: it goes on from its last checkpoint.
