# %% [markdown]
# # 05 · A convolutional network (CNN)
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/05_cnn.ipynb)
#
# **What you will learn:** how to build CNNs from convolution, pooling and dense layers; how they compare
# in accuracy, size and speed; what dropout does; and what a trained CNN looks at. At the end we save the
# course CNN for lesson 06.
#
# **Builds on:** lesson 03 (training, checkpoints, evaluation) and lesson 04 (convolution and pooling).
#
# **Full run:** (the build writes the measured times here)

# %% [markdown]
# ## Setup
#
# This cell imports the libraries. On Google Colab it also installs the course library.

# %%
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # quiet TensorFlow; must be set before it is imported
IS_COLAB = "google.colab" in sys.modules
if IS_COLAB:  # Colab has TensorFlow already; this adds the course library
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "mnist-course @ git+https://github.com/mnist-course/mnist-course"], check=True)

import time

import matplotlib.pyplot as plt
import numpy as np

from mnist_course import config, data, plots

keras = config.import_keras_quietly()  # TensorFlow 2.19+ prints start-up lines that TF_CPP_MIN_LOG_LEVEL cannot hide

from mnist_course import models, training  # these import Keras, so they come after the quiet import

config.check_versions()           # clear message if Keras is older than 3
config.set_seed(42)
FAST = config.is_fast_mode()      # MNIST_COURSE_FAST=1 -> small data, few epochs (used by CI)
print("Fast mode:", FAST)

# %% [markdown]
# ## The data, with a channel axis
#
# A `Conv2D` layer expects each image to have **channels**: 3 for a colour photo (red, green, blue), 1 for
# our grey digits. `data.add_channel` adds this axis. (The course's training and prediction helpers do it
# for you, but it is good to see it once.)

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_course_data(
    train_per_class=config.pick(full=None, fast=200),
    test_per_class=config.pick(full=None, fast=100),
)
train_images = data.scale(train_images)
test_images = data.scale(test_images)
print("images:             ", train_images.shape)
print("with a channel axis:", data.add_channel(train_images).shape)

# %% [markdown]
# ## Four CNNs
#
# Three are CNNs that you meet in many MNIST tutorials, and one is the course's own. Here is the simplest
# one: one convolution with 32 masks of 3 × 3, one max pooling, then a dense layer as in lesson 03.

# %%
models.cnn_simple().summary()

# %% [markdown]
# The others, in short:
#
# - **three convolutions** (`models.cnn_three_conv`): 32, 64 and 64 masks, with pooling between them;
# - **conv-conv-pool-dropout** (`models.cnn_dropout`, the CNN of the Keras MNIST example): two convolutions
#   (32 and 64 masks), then pooling, **dropout**, a dense layer of 128 and dropout again;
# - **the course CNN** (`models.cnn`): designed to train fast on a laptop.
#
# Where does a CNN spend its time? In the convolutions on large images: a convolution computes each of its
# masks at every position. The conv-conv-pool-dropout CNN's second convolution runs 64 masks of 3 × 3 over
# 32 channels at 24 × 24 positions: 64 × 32 × 9 × 24 × 24, about 11 million multiplications for each image. The course CNN uses a few wide 5 × 5 masks, and it pools
# **right after** the first convolution, so the second convolution only sees 12 × 12 positions:

# %%
course_model = models.cnn()
course_model.summary()

# %% [markdown]
# It also trains with a **one-cycle learning rate** (high in the middle, almost zero at the end) and
# **label smoothing** (the target for the right digit is 0.91 instead of 1, which keeps the network from
# becoming over-confident). Both help it learn in four epochs. It also trains on digits that are tilted,
# slanted, resized, moved and redrawn with a thinner or thicker pen, a new change each epoch, because people's
# own digits differ from MNIST's in these ways (lesson 06 shows why). One side effect of label smoothing: the
# course CNN rarely gives a digit a probability above 0.91, its target, even when it is sure.
#
# One more speed trick, where the computer allows it: on a CPU with **bfloat16** instructions, the course CNN
# computes with 16-bit numbers instead of 32-bit ones. That is about twice as fast, and the weights are still
# kept as 32-bit numbers. On other computers it uses 32-bit numbers. This computer uses:

# %%
print(models.fast_dtype_policy())

# %% [markdown]
# ## Side by side
#
# We train each of the three tutorial CNNs for two epochs and the course CNN with its own recipe (four
# epochs), and measure
# the test accuracy, the number of parameters and the seconds per epoch. This is the longest cell of the
# lesson: about three minutes in the full run.

# %%
comparison = {}
for name in ["cnn_simple", "cnn_three_conv", "cnn_dropout", "cnn"]:
    print(f"--- {name}: {models.DESCRIPTIONS[name]}")
    config.set_seed(1)
    model = models.build(name)
    epochs = None if name == "cnn" else config.pick(full=2, fast=1)  # None: the model's own recipe
    history = training.train(model, train_images, train_labels, epochs=epochs, seed=1)
    comparison[name] = (model, history, training.evaluate(model, test_images, test_labels))

# %%
print(f"{'model':16} {'parameters':>11} {'epochs':>7} {'s / epoch':>10} {'test accuracy':>14}")
for name, (model, history, result) in comparison.items():
    seconds = history.history["seconds"][-1]  # the last epoch: the first one also prepares the computation
    print(f"{name:16} {model.count_params():>11,} {len(history.history['seconds']):>7} "
          f"{seconds:>10.1f} {result['accuracy']:>14.2%}")

# %% [markdown]
# In the full run the course CNN reaches 99.45% in four epochs, more than any of the other CNNs, and
# its epochs are among the fastest. With more epochs the others get closer: in the course's benchmark the
# three-convolution CNN reaches 98.89% after 5 epochs, and the conv-conv-pool-dropout CNN 99.09% after
# 9 epochs, which takes it more than five minutes (reference: the benchmark table in the README,
# measured by `bench/benchmark_models.py`). The best dense network reached about 98.7% (reference: lesson 03).
#
# Fewer parameters did not mean a worse network: the course CNN has less than a fifth of the parameters of
# the conv-conv-pool-dropout CNN.

# %% [markdown]
# ## Dropout
#
# The conv-conv-pool-dropout CNN switches off a random quarter of the numbers after pooling and half of the
# dense units, at each training step. The network cannot rely on any single unit, so it learns more general features. Dropout
# is only active during training; the test uses the whole network.
#
# You can see it in the learning curves: the **training** accuracy (measured with dropout on) is lower than
# the **validation** accuracy (measured without dropout).

# %%
plots.plot_history(comparison["cnn_dropout"][1], title="Conv-conv-pool-dropout CNN")
plt.show()

# %% [markdown]
# The course CNN has no dropout. It trains for only four epochs, too few to learn the training images by
# heart, and label smoothing does a similar job. Its curves:

# %%
cnn_model, cnn_history, cnn_result = comparison["cnn"]
plots.plot_history(cnn_history, title="Course CNN")
plt.show()

# %% [markdown]
# ## The course CNN's mistakes
#
# The confusion matrix is almost empty outside the diagonal now.

# %%
plots.plot_confusion_matrix(test_labels, cnn_result["predicted"], title="Course CNN: confusion matrix")
plt.show()

# %%
plots.plot_per_class_accuracy(test_labels, cnn_result["predicted"], title="Course CNN: accuracy for each digit")
plt.show()

# %%
plots.plot_mistakes(test_images, test_labels, cnn_result["probabilities"], count=20)
plt.show()

# %% [markdown]
# Most of the remaining mistakes are digits that people also find hard to read, or that are written in an
# unusual way. Some test labels are even wrong.

# %% [markdown]
# ## What the CNN looks at
#
# The first convolution learned 24 masks of 5 × 5. Red is a positive weight, blue a negative one. Some
# look like the edge filters of lesson 04: a red side next to a blue side, at different angles. Others are
# harder to read: four epochs are enough to learn useful masks, not always clean ones.

# %%
plots.plot_filters(cnn_model)
plt.show()

# %% [markdown]
# Here is what these masks make of one test digit: one **feature map** per mask. Each map lights up where
# its mask finds its pattern: an edge in one direction, the inside of a stroke, the background.

# %%
example_index = np.flatnonzero(test_labels == 5)[0]  # a digit with curves and straight strokes
example = test_images[example_index]
plots.plot_feature_maps(cnn_model, example, layer_index=0, count=15)
plt.show()

# %% [markdown]
# The second convolution combines these maps. Its maps are smaller (10 × 10) and more abstract: they answer
# questions like "is there a loop at the top?" rather than "is there an edge here?".

# %%
plots.plot_feature_maps(cnn_model, example, layer_index=1, count=15)
plt.show()

# %% [markdown]
# ## How fast is one prediction?
#
# A drawing app calls the model once for each digit. `model.predict` is made for big datasets and costs
# tens of milliseconds per call. Calling the model directly is much faster; `models.predict_proba` does that.

# %%
models.predict_proba(cnn_model, example)  # the first call prepares the computation; we do not time it
started = time.perf_counter()
for _ in range(20):
    probabilities = models.predict_proba(cnn_model, example)
milliseconds = (time.perf_counter() - started) / 20 * 1000
print(f"one prediction: {milliseconds:.1f} ms; the model reads a {probabilities.argmax()} "
      f"(probability {probabilities.max():.1%}); the true label is {test_labels[example_index]}")

# %% [markdown]
# ## Save the model for lesson 06
#
# We save the course CNN in one `.keras` file: its layers, its weights and its optimizer. Lesson 06 loads
# it to read your own handwriting. `training.load_model` loads it back (with Keras's safe mode on).

# %%
saved_path = training.save_model(cnn_model, config.default_model_path())
print("saved to", config.display_path(saved_path))
reloaded = training.load_model(saved_path)
same = np.allclose(models.predict_proba(reloaded, test_images[:100]), models.predict_proba(cnn_model, test_images[:100]),
                   atol=1e-6)
print("the reloaded model gives the same predictions:", same)

# %% [markdown]
# ## What we learned
#
# - A CNN stacks convolutions and pooling, then a dense layer; the course CNN reaches about 99.6%, where
#   the best dense network reached about 98.7% (reference: lesson 03).
# - The cost of a CNN is in its convolutions on large images: few wide masks and early pooling make the
#   course CNN fast, with less than a fifth of the parameters of the conv-conv-pool-dropout CNN.
# - Dropout switches off random units while training, so that the network learns general features.
# - The first layer learns edge detectors like the ones we made by hand; its feature maps show where they fire.
# - `training.save_model` and `training.load_model` keep a trained model in one `.keras` file.
#
# ## Next
#
# [Lesson 06](06_your_own_handwriting.ipynb): the model meets your own handwriting. A photo of a digit
# on paper looks very different from MNIST, so we first turn it into an MNIST-style image.
