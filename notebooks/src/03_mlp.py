# %% [markdown]
# # 03 · A dense network that reads digits
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/03_mlp.ipynb)
#
# **What you will learn:** how to build and train a dense neural network (an MLP) with Keras, and how to
# compare optimizers. You will also keep the best model with a checkpoint, stop early and find the model's
# mistakes.
#
# **Builds on:** lesson 02 (scaled pixels, flattened images, one-hot labels).
#
# **Full run:** about 2 minutes on a 2-core CPU with AVX2 only (float32, as on most laptops); about 2 minutes with AVX-512 and bfloat16. Measured by the build of this page.

# %% [markdown]
# ## Setup
#
# The first cell installs the course library when it is missing (on Google Colab; about 30 seconds).
# The second one starts the lesson, as in lesson 01.

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
from mnist_course import config, data, models, plots, training

# %% [markdown]
# ## The data
#
# We load MNIST and scale the pixels to 0-1, as in lesson 02. In fast mode we keep only a small part of it,
# with every digit equally often, so that the notebook runs in seconds.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_course_data(
    train_per_class=config.pick(full=None, fast=200),
    test_per_class=config.pick(full=None, fast=100),
)
train_images = data.scale(train_images)
test_images = data.scale(test_images)
print("training images:", train_images.shape, " test images:", test_images.shape)

# %% [markdown]
# ## A first dense network
#
# A **dense** layer connects every input to every unit. Our first network has:
#
# 1. `Flatten`: the 28 × 28 image becomes one row of 784 numbers (lesson 02);
# 2. `Dense(128, relu)`: 128 units, each a weighted sum of all 784 pixels, followed by ReLU (negative → 0);
# 3. `Dense(10, softmax)`: one output per digit; softmax turns them into probabilities that add up to 1.
#
# Here is how it is written with Keras (this is `models.mlp_128` in the course library):

# %%
first_model = keras.Sequential([
    keras.Input(shape=(28, 28)),
    keras.layers.Flatten(),
    keras.layers.Dense(128, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
first_model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
first_model.summary()

# %% [markdown]
# Where do the **parameters** (the numbers the network learns) come from? Each of the 128 units has one
# weight per pixel and one bias. Each of the 10 outputs has one weight per unit and one bias.

# %% tags=["nbval-check-output"]
print("hidden layer:", 784 * 128 + 128)
print("output layer:", 128 * 10 + 10)
print("total:       ", first_model.count_params())

# %% [markdown]
# ## Training
#
# `model.fit` shows the network the training images again and again. One pass over all of them is an
# **epoch**. The labels are one-hot (lesson 02). We keep a tenth of the training images aside as a
# **validation** set: the network does not learn from them, so they tell us how it does on new images.

# %%
num_epochs = config.pick(full=5, fast=2)
history = first_model.fit(
    train_images,
    data.one_hot(train_labels),
    epochs=num_epochs,
    batch_size=128,
    validation_split=0.1,
    verbose=0,  # no progress bars ...
    callbacks=[training.EpochLine(num_epochs)],  # ... but one short line per epoch
)

# %% [markdown]
# The **loss** goes down: the predictions get closer to the true labels. The **accuracy** goes up.
# `plots.plot_history` draws both, for the training and the validation images:

# %%
plots.plot_history(history, title="Dense(128)")
plt.show()

# %% [markdown]
# Look at the first epoch: the validation accuracy (`val_acc`) is higher than the training accuracy (`acc`).
# How can the network do better on images it does not learn from? The two numbers are measured at different
# times. The training accuracy is an average over the whole epoch, while the network was still learning.
# The validation accuracy is measured once, at the end of the epoch, with the better weights.

# %% [markdown]
# Now the real test: the 10,000 test images that the network has never seen.

# %%
first_result = training.evaluate(first_model, test_images, test_labels)
print(f"test accuracy: {first_result['accuracy']:.2%}")

# %% [markdown]
# In the full run this is about 97%: a simple network reads 97 of 100 digits correctly.

# %% [markdown]
# ## Checkpoint and early stopping
#
# How many epochs are enough? Too few, and the network has not learned all it can. Too many, and it starts
# to memorise the training images instead of learning the digits (**over-fitting**). Then the training loss
# still goes down, but the validation loss goes up again. Two Keras **callbacks** (functions that Keras calls after each epoch)
# handle this for us:
#
# - `ModelCheckpoint(monitor="val_loss", save_best_only=True)`: save the weights to a file each time the
#   validation loss is the best so far. After training, we load that file: we keep the **best** epoch, not
#   the last one;
# - `EarlyStopping(monitor="val_loss", patience=3)`: stop when the validation loss has not improved for
#   3 epochs.
#
# We try them on a wider network, `models.mlp_512`: 512 units and **dropout**. During training, dropout
# switches off a random fifth of the units at each step, so that the network cannot rely on any single
# unit. We give it many epochs and let early stopping decide when to stop.

# %%
import tempfile
from pathlib import Path

keras.utils.set_random_seed(1)  # the same random start in every run
wide_model = models.mlp_512()
best_weights_file = Path(tempfile.mkdtemp()) / "best.weights.h5"  # only needed while this lesson runs
max_epochs = config.pick(full=30, fast=3)
wide_history = wide_model.fit(
    train_images,
    data.one_hot(train_labels),
    epochs=max_epochs,
    batch_size=128,
    validation_split=0.1,
    verbose=0,
    callbacks=[
        keras.callbacks.ModelCheckpoint(best_weights_file, monitor="val_loss", save_best_only=True,
                                        save_weights_only=True),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3),
        training.EpochLine(max_epochs),
    ],
)
wide_model.load_weights(best_weights_file)  # back to the best epoch
validation_losses = wide_history.history["val_loss"]
print(f"ran {len(validation_losses)} of {max_epochs} epochs; best validation loss at epoch "
      f"{np.argmin(validation_losses) + 1}; the model now holds that epoch's weights")

# %%
plots.plot_history(wide_history, title="Dense(512) with dropout")
plt.show()

# %% [markdown]
# Look at the loss curves: the training loss keeps going down, but the validation loss stops improving.
# That is the moment to stop. The line above says when early stopping ended the run, and which epoch's
# weights we kept.
#
# In the first epochs the validation accuracy is again higher than the training accuracy. Dropout is a second
# reason for this. Dropout is on during training, so the training answers come from a network with a fifth of
# its units off. For validation Keras turns dropout off, and all the units work together.

# %% [markdown]
# ## A training helper
#
# From now on we train with `training.train`. It runs the same `fit` with the same two callbacks and the
# same one line per epoch. At the end it loads the best weights. It also does three small jobs more:
#
# - it one-hot encodes the digit labels itself;
# - it takes a `seed`, so that a run can be repeated;
# - it can follow a learning-rate schedule (see the last network below).
#
# It returns the same history as `fit`.
#
# ## A deeper network: RMSprop or Adam?
#
# A deeper network has four hidden layers, 512-256-128-64 units, and is trained with the **RMSprop**
# optimizer. The optimizer is the rule that changes the weights after each batch. We train the same
# network twice: once with RMSprop, once with **Adam**, and compare the validation accuracy.

# %%
deep_rmsprop = models.mlp_deep()  # compiled with RMSprop
print(f"parameters: {deep_rmsprop.count_params():,}")
rmsprop_history = training.train(deep_rmsprop, train_images, train_labels,
                                 epochs=config.pick(full=6, fast=2), patience=6, seed=1)

# %%
deep_adam = models.mlp_deep()
deep_adam.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
adam_history = training.train(deep_adam, train_images, train_labels,
                              epochs=config.pick(full=6, fast=2), patience=6, seed=1)

# %%
plots.plot_histories({"RMSprop": rmsprop_history, "Adam": adam_history}, key="val_accuracy",
                     title="Deep dense network: validation accuracy")
plt.show()

# %% [markdown]
# In the full run both end near 98%. Adam adapts the step size of every weight, and usually learns a
# little faster and more smoothly; RMSprop is close. The optimizer matters less than the network and
# the data.

# %% [markdown]
# ## The course's best dense network
#
# Yann LeCun's table of results lists a dense network with 800 hidden units at 98.4% (reference: the MNIST
# page, yann.lecun.com/exdb/mnist). Our best dense network, `models.mlp`, has two layers of 800 units with
# dropout. It also uses a **one-cycle learning rate**: the step size grows for the first fifth of training,
# then slowly falls to almost zero. Big steps learn fast; small steps at the end settle the weights.

# %%
best_mlp = models.mlp()
best_history = training.train(best_mlp, train_images, train_labels,
                              epochs=config.pick(full=15, fast=3), seed=1)

# %% [markdown]
# ## All dense networks on the test set

# %%
results = {
    "Dense(128)": (first_model, first_result),
    "512-256-128-64, RMSprop": (deep_rmsprop, training.evaluate(deep_rmsprop, test_images, test_labels)),
    "512-256-128-64, Adam": (deep_adam, training.evaluate(deep_adam, test_images, test_labels)),
    "Dense(512) + dropout": (wide_model, training.evaluate(wide_model, test_images, test_labels)),
    "800-800 + dropout": (best_mlp, training.evaluate(best_mlp, test_images, test_labels)),
}
print(f"{'network':26} {'parameters':>11} {'test accuracy':>14}")
for name, (model, result) in results.items():
    print(f"{name:26} {model.count_params():>11,} {result['accuracy']:>14.2%}")

# %% [markdown]
# In the full run the 800-800 network reaches about 98.7%, the best of the dense networks. It differs from
# the others in three ways at once: more units, more dropout and the one-cycle learning rate. So this table
# cannot tell which of the three helped most.

# %% [markdown]
# ## Where does it go wrong?
#
# The accuracy is one number. To see *which* digits are hard, we count for each true digit (row) how often
# the network chose each digit (column): the **confusion matrix**. It takes a few lines: start with a
# 10 × 10 table of zeros and add 1 in row *true digit*, column *predicted digit* for every test image.

# %%
best_result = results["800-800 + dropout"][1]
predicted_digits = best_result["predicted"]  # the digit with the highest probability, for each test image
confusion = np.zeros((10, 10), dtype=int)
for true_digit, predicted_digit in zip(test_labels, predicted_digits):
    confusion[true_digit, predicted_digit] += 1
print(confusion)

# %% [markdown]
# The right answers are on the diagonal, the mistakes everywhere else. Two checks: the diagonal divided by
# the number of images is the accuracy, and `training.confusion_matrix` (which `plots.plot_confusion_matrix`
# draws) counts the same table.

# %%
print(f"diagonal / all images: {np.trace(confusion) / confusion.sum():.2%}")
print("same as training.confusion_matrix:",
      np.array_equal(confusion, training.confusion_matrix(test_labels, predicted_digits)))

# %% [markdown]
# From now on we let `plots.plot_confusion_matrix` count and draw. It colours only the mistakes, so that
# the few large ones stand out.

# %%
plots.plot_confusion_matrix(test_labels, predicted_digits, title="800-800 network: confusion matrix")
plt.show()

# %%
plots.plot_per_class_accuracy(test_labels, predicted_digits)
plt.show()

# %% [markdown]
# Now the mistakes themselves: the test digits the network got wrong with the highest confidence.
# Each title says *true digit → predicted digit* and the network's confidence.

# %%
plots.plot_mistakes(test_images, test_labels, best_result["probabilities"], count=20)
plt.show()

# %% [markdown]
# Many of these are hard for people too. Others are easy for us: a dense network sees 784 separate
# numbers and does not know that neighbouring pixels belong together. A shifted stroke is a new pattern
# for it. Convolutions (lesson 04) fix exactly this.
#
# Why do so many titles say 100%? The title rounds the confidence to a whole percent, so 99.5% or more
# shows as 100%. The cell below prints the confidences with more digits.

# %%
probabilities = best_result["probabilities"]
wrong = np.flatnonzero(predicted_digits != test_labels)
confidence = probabilities[wrong, predicted_digits[wrong]]  # how sure the network was of its wrong answer
most_sure = np.sort(confidence)[::-1][:20]  # the 20 mistakes in the gallery
print(f"mistakes: {len(wrong)}")
print(f"confidence of the 20 shown: from {most_sure.min():.4%} to {most_sure.max():.4%}")
print(f"mistakes with a confidence of 99.5% or more (shown as 100%): {np.sum(confidence >= 0.995)}")

# %% [markdown]
# So the network is almost fully sure of many wrong answers. Its training loss went almost to 0. A network
# trained like this learns to give very high probabilities, also when it is wrong. Its confidence is not the
# chance of being right. Lesson 06 measures this and makes the confidence more honest (**calibration**).

# %% [markdown]
# ## What we learned
#
# - A dense network flattens the image and connects every pixel to every unit; `Dense(128)` has 101,770
#   parameters and reads about 97% of the test digits after 5 epochs.
# - `fit` trains for some epochs; a validation set shows when the network starts to over-fit.
# - A checkpoint (`ModelCheckpoint`) keeps the best weights and `EarlyStopping` ends training in time;
#   `training.train` does both for us from now on.
# - The confusion matrix counts each (true digit, predicted digit) pair; its diagonal holds the right answers.
# - Adam and RMSprop give similar results.
# - The best dense network (800-800 units, dropout, a one-cycle learning rate) reaches about 98.7%. The
#   confusion matrix and the gallery show its mistakes.
# - A wrong answer can come with a confidence near 100%: the confidence is not the chance of being right.
#
# ## Next
#
# [Lesson 04](04_convolution_and_pooling.ipynb): convolution and pooling, the two operations that let a
# network see shapes instead of separate pixels.
