# %% [markdown]
# # 03 · A dense network that reads digits
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/03_mlp.ipynb)
#
# **What you will learn:** how to build and train a dense neural network (an MLP) with Keras, how to
# compare optimizers, how to keep the best model with a checkpoint and stop early, and how to find
# the model's mistakes.
#
# **Builds on:** lesson 02 (scaled pixels, flattened images, one-hot labels).

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
# A **dense** layer connects every input to every unit. Our first network (from the seed notebook 001) has:
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

# %%
# NBVAL_CHECK_OUTPUT
print("hidden layer:", 784 * 128 + 128)
print("output layer:", 128 * 10 + 10)
print("total:       ", first_model.count_params())

# %% [markdown]
# ## Training
#
# `model.fit` shows the network the training images again and again. One pass over all of them is an
# **epoch**. The labels are one-hot (lesson 02). We keep 10% of the training images aside as a
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
# Now the real test: the 10,000 test images that the network has never seen.

# %%
first_result = training.evaluate(first_model, test_images, test_labels)
print(f"test accuracy: {first_result['accuracy']:.2%}")

# %% [markdown]
# In the full run this is about 97%: a simple network reads 97 of 100 digits correctly.

# %% [markdown]
# ## A training helper
#
# From now on we train with `training.train`. It does the same `fit`, with three good habits from the seed
# notebook 004, using two Keras **callbacks** (functions that Keras calls after each epoch):
#
# - `ModelCheckpoint(monitor="val_loss", save_best_only=True)`: save the weights each time the validation
#   loss is the best so far; at the end, the helper puts the **best** weights back into the model;
# - `EarlyStopping(monitor="val_loss", patience=3)`: stop when the validation loss has not improved for
#   3 epochs: more training would only learn the training images by heart (**over-fitting**);
# - one short line per epoch, and a `seed` so that a run can be repeated.
#
# It takes the digit labels directly (it one-hot encodes them itself) and returns the same history.

# %% [markdown]
# ## A deeper network: RMSprop or Adam?
#
# Seed 003 uses a deeper network, 512-256-128-64 units, and the **RMSprop** optimizer. The optimizer is
# the rule that changes the weights after each batch. We train the same network twice: once with
# RMSprop, once with **Adam**, and compare the validation accuracy.

# %%
deep_rmsprop = models.mlp_deep()  # compiled with RMSprop, like seed 003
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
# ## Checkpoint and early stopping in action
#
# Seed 004's dense network has 512 units and **dropout**: during training it switches off a random 20% of
# the units at each step, so that the network cannot rely on any single unit. We give it many epochs and
# let early stopping decide when to stop.

# %%
wide_model = models.mlp_512()
wide_history = training.train(wide_model, train_images, train_labels,
                              epochs=config.pick(full=30, fast=3), patience=3, seed=1)
validation_losses = wide_history.history["val_loss"]
print(f"ran {len(validation_losses)} epochs; best validation loss at epoch {np.argmin(validation_losses) + 1};"
      " the model now holds that epoch's weights")

# %%
plots.plot_history(wide_history, title="Dense(512) with dropout")
plt.show()

# %% [markdown]
# Look at the loss curves: the training loss keeps going down, but the validation loss stops improving.
# That is the moment to stop. In the full run it stops after about 10-15 epochs at about 98.2-98.3%.

# %% [markdown]
# ## The course's best dense network
#
# Yann LeCun's table of results lists a dense network with 800 hidden units at 98.4%. Our best dense
# network, `models.mlp`, has two layers of 800 units with dropout. It also uses a **one-cycle learning
# rate**: the step size grows for the first 20% of training, then slowly falls to almost zero. Big steps
# learn fast; small steps at the end settle the weights.

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
# In the full run the 800-800 network reaches about 98.7%, the best of the dense networks.
# More units alone do not help much; dropout and a good learning-rate schedule do.

# %% [markdown]
# ## Where does it go wrong?
#
# The accuracy is one number. To see *which* digits are hard, we count for each true digit (row) how often
# the network chose each digit (column): the **confusion matrix**. Numbers off the diagonal are mistakes.

# %%
best_result = results["800-800 + dropout"][1]
plots.plot_confusion_matrix(test_labels, best_result["predicted"], title="800-800 network: confusion matrix")
plt.show()

# %%
plots.plot_per_class_accuracy(test_labels, best_result["predicted"])
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

# %% [markdown]
# ## What we learned
#
# - A dense network flattens the image and connects every pixel to every unit; `Dense(128)` has 101,770
#   parameters and reads about 97% of the test digits after 5 epochs.
# - `fit` trains for some epochs; a validation set shows when the network starts to over-fit.
# - A checkpoint keeps the best weights and early stopping ends training in time (`training.train`).
# - Adam and RMSprop give similar results; dropout and a one-cycle learning rate help more.
# - The best dense network reaches about 98.7%; the confusion matrix and the gallery show its mistakes.
#
# ## Next
#
# [Lesson 04](04_convolution_and_pooling.ipynb): convolution and pooling, the two operations that let a
# network see shapes instead of separate pixels.
