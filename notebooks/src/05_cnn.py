# %% [markdown]
# # 05 · A convolutional network (CNN)
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/05_cnn.ipynb)
#
# **What you will learn:** how to build CNNs from convolution, pooling and dense layers. How they compare
# in accuracy, size and speed. What dropout does, and what a trained CNN looks at. At the end we save the
# course CNN for the next lessons.
#
# **Builds on:** lesson 03 (training, checkpoints, evaluation) and lesson 04 (convolution and pooling).
#
# **Full run:** about 2 minutes on a 2-core CPU with AVX2 only (float32, as on most laptops); about 2 minutes with AVX-512 and bfloat16. Measured by the build of this page.

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
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start()  # quiet TensorFlow, check versions, seed 42, fast or full mode
from mnist_course import calibration, config, data, models, plots, training

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
# 32 channels at 24 × 24 positions: 64 × 32 × 9 × 24 × 24, about 11 million multiplications for each image.
# The course CNN uses a few wide 5 × 5 masks. It pools **right after** the first convolution, so the second
# convolution only sees 12 × 12 positions:

# %%
course_model = models.cnn()
course_model.summary()

# %% [markdown]
# It also trains with a **one-cycle learning rate**: high in the middle, almost zero at the end. And it uses
# **label smoothing**: the target for the right digit is 0.91 instead of 1, which keeps the network from
# becoming over-confident. Both help it learn in a few epochs.
#
# It also trains on changed digits: tilted, slanted, resized, moved, and redrawn with a thinner or thicker pen.
# Each epoch brings new changes. People's own digits differ from MNIST's in these ways (lesson 06 shows why).
# One side effect of label smoothing: the trained network rarely gives a digit a probability above 0.91, its
# target, even when it is sure. A *temperature* corrects this after training (lesson 06 explains it).
#
# One more speed trick, where the computer allows it: on a CPU with **bfloat16** instructions, the course CNN
# computes with 16-bit numbers instead of 32-bit ones. That is about twice as fast, and the weights are still
# kept as 32-bit numbers. On other computers it uses 32-bit numbers. This computer uses:

# %%
print(models.fast_dtype_policy())

# %% [markdown]
# ## Side by side
#
# We train each of the three tutorial CNNs for two epochs. The course CNN follows its own recipe (the table
# shows its number of epochs). Then we compare the test accuracy, the number of parameters and the seconds
# per epoch.
#
# All four keep the last tenth of the training images aside. These images check each model after every
# epoch, and the best epoch is kept (lesson 03). The course CNN is trained with `training.train_calibrated`.
# It also uses these images to set how sure it should be: its **temperature**, which lesson 06 explains.
# This changes no answer, so its accuracy is measured on the test set, as for the others.

# %%
held_out = training.held_out_count(len(train_images))  # the last tenth
print(f"each model trains on the first {len(train_images) - held_out:,} images; the last {held_out:,} check it")
comparison = {}
for name in ["cnn_simple", "cnn_three_conv", "cnn_dropout", "cnn"]:
    print(f"--- {name}: {models.DESCRIPTIONS[name]}")
    config.set_seed(1)
    if name == "cnn":  # the course CNN: its own recipe, then its temperature (on the last tenth)
        model, history = training.train_calibrated(
            "cnn", train_images, train_labels, seed=1,
            batch_size=config.pick(full=None, fast=64))  # None: the recipe's; fast: more steps on few images
    else:
        model = models.build(name)
        history = training.train(model, train_images, train_labels, epochs=config.pick(full=2, fast=1), seed=1)
    comparison[name] = (model, history, training.evaluate(model, test_images, test_labels))

# %%
print(f"{'model':16} {'parameters':>11} {'epochs':>7} {'s / epoch':>10} {'test accuracy':>14}")
for name, (model, history, result) in comparison.items():
    seconds = history.history["seconds"][-1]  # the last epoch: the first one also prepares the computation
    print(f"{name:16} {model.count_params():>11,} {len(history.history['seconds']):>7} "
          f"{seconds:>10.1f} {result['accuracy']:>14.2%}")

# %% [markdown]
# In the full run the course CNN reaches 99.52%, more than any of the other CNNs. Its epochs are also among
# the fastest.
# With more epochs the others get closer. In the course's benchmark, the three-convolution CNN reaches 98.89%
# after 5 epochs (reference: the benchmark table in the README, measured by `bench/benchmark_models.py`).
# The conv-conv-pool-dropout CNN reaches 99.09% after 9 epochs, which takes more than five minutes
# (reference: the same table). The best dense network reached 98.69% (reference: lesson 03).
#
# Fewer parameters did not mean a worse network: the course CNN has less than a fifth of the parameters of
# the conv-conv-pool-dropout CNN.

# %% [markdown]
# ## Why is the course CNN's loss so high?
#
# Look at the epoch lines above. In the full run, the training loss of the three tutorial CNNs ends below
# 0.1. The loss of the course CNN stays above 0.5, yet it reads more test digits correctly. The reason is
# label smoothing.
#
# With label smoothing, the target for a 7 is not "1 for the 7, 0 for the other digits". It is 0.91 for
# the 7 and 0.01 for each other digit. A model with a perfect answer gives exactly these probabilities.
# Even then its loss is not 0:

# %%
smoothing = models.RECIPES["cnn"].label_smoothing
target = np.full(10, smoothing / 10)  # 0.01 for each digit ...
target[7] += 1 - smoothing            # ... and 0.91 for the right one, a 7
print("label smoothing:", smoothing)
print("the course CNN's target for a 7:", np.round(target, 2))
print(f"the loss of a perfect answer: {-(target * np.log(target)).sum():.2f}")
for name, (model, history, result) in comparison.items():
    print(f"{name:16} loss in the last epoch: training {history.history['loss'][-1]:.3f}, "
          f"validation {history.history['val_loss'][-1]:.3f}")

# %% [markdown]
# So 0.5 is the floor for the course CNN, and its losses stay just above it. The three tutorial CNNs have no
# label smoothing: their floor is 0. A loss can only be compared between models with the same targets.

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
# The course CNN has no dropout. It trains for only a few epochs, too few to learn the training images one
# by one. Label smoothing does a similar job. Its curves:

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
# unusual way.

# %% [markdown]
# ## What the CNN looks at
#
# The calibrated model is the trained network with a temperature layer after it.
# `calibration.uncalibrated` gives the network inside, with its convolutions.
#
# The first convolution learned 24 masks of 5 × 5. Red is a positive weight, blue a negative one. Some
# look like the edge filters of lesson 04: a red side next to a blue side, at different angles. Others are
# harder to read: a few epochs are enough to learn useful masks, not always clean ones.

# %%
network = calibration.uncalibrated(cnn_model)  # the network, without the temperature layer
print("the calibrated model:", [layer.name for layer in cnn_model.layers[1:]])
plots.plot_filters(network)
plt.show()

# %% [markdown]
# Here is what these masks make of one test digit: one **feature map** per mask. Each map lights up where
# its mask finds its pattern: an edge in one direction, the inside of a stroke, the background.

# %%
example_index = np.flatnonzero(test_labels == 5)[0]  # a digit with curves and straight strokes
example = test_images[example_index]
plots.plot_feature_maps(network, example, layer_index=0, count=15)
plt.show()

# %% [markdown]
# The second convolution combines these maps. Its maps are smaller (10 × 10) and more abstract: they answer
# questions like "is there a loop at the top?" rather than "is there an edge here?".

# %%
plots.plot_feature_maps(network, example, layer_index=1, count=15)
plt.show()

# %% [markdown]
# ## How fast is one prediction?
#
# A drawing app calls the model once for each digit. Keras's `model.predict` is made for big datasets: each
# call first prepares a data pipeline and its callbacks. Calling the model directly skips this, and
# `models.predict_proba` does that. We time both on one digit:

# %%
import time


def milliseconds_per_call(predict, calls=20):
    """The mean time of one call, in milliseconds. The first call prepares the computation: it is not timed."""
    predict()
    started = time.perf_counter()
    for _ in range(calls):
        predict()
    return (time.perf_counter() - started) / calls * 1000


one_digit = models.shape_for(cnn_model, example)  # a batch of one image: (1, 28, 28, 1)
print(f"model.predict:        {milliseconds_per_call(lambda: cnn_model.predict(one_digit, verbose=0)):5.1f} ms")
print(f"models.predict_proba: {milliseconds_per_call(lambda: models.predict_proba(cnn_model, example)):5.1f} ms")
probabilities = models.predict_proba(cnn_model, example)[0]
print(f"the model reads a {probabilities.argmax()} (probability {probabilities.max():.1%}); "
      f"the true label is {test_labels[example_index]}")

# %% [markdown]
# Both give the same probabilities, but `models.predict_proba` is much faster for one digit. The drawing pad
# of lesson 07 uses it after every stroke.

# %% [markdown]
# ## Save the model for the next lessons
#
# We save the calibrated course CNN in one `.keras` file: its layers, its weights and its temperature.
# Lessons 06, 07 and 09 load it from your course folder, so they do not train it again. Beside it we keep its
# training history (the loss and accuracy of each epoch) in a small JSON file. Lesson 09 draws its learning
# curves from that file. `training.load_model` loads the model back, with Keras's safe mode on.

# %%
from mnist_course.history import save_history

saved_path = training.save_model(cnn_model, config.default_model_path())
print(f"Saved the course CNN to {config.display_path(saved_path)} ({calibration.describe(cnn_model)})")
print("Saved its training history to", config.display_path(save_history(cnn_history, saved_path)))
reloaded = training.load_model(saved_path)
same = np.allclose(models.predict_proba(reloaded, test_images[:100]), models.predict_proba(cnn_model, test_images[:100]),
                   atol=1e-6)
print("the reloaded model gives the same predictions:", same)

# %% [markdown]
# ## What we learned
#
# - A CNN stacks convolutions and pooling, then a dense layer. The course CNN reached 99.52% in the full
#   run; the best dense network reached 98.69% (reference: lesson 03).
# - The cost of a CNN is in its convolutions on large images. Few wide masks and early pooling make the
#   course CNN fast, with less than a fifth of the parameters of the conv-conv-pool-dropout CNN.
# - Label smoothing gives the course CNN targets of 0.91 and 0.01, so its loss cannot fall below about 0.5.
# - Dropout switches off random units while training, so that the network learns general features.
# - The first layer learns edge detectors like the ones we made by hand; its feature maps show where they fire.
# - `training.save_model` and `training.load_model` keep a trained model in one `.keras` file. The next
#   lessons load the calibrated course CNN saved here, with its training history beside it.
#
# ## Next
#
# [Lesson 06](06_your_own_handwriting.ipynb): the model meets your own handwriting. A photo of a digit
# on paper looks very different from MNIST, so we first turn it into an MNIST-style image.
