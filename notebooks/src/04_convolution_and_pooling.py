# %% [markdown]
# # 04 · Convolution and pooling by hand
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/04_convolution_and_pooling.ipynb)
#
# **What you will learn:** what a convolution and a max pooling compute. We work it out first with a
# pencil-size example in NumPy, then with Keras. You will also see what filters find in a real digit, and
# what padding and stride do. Last, you will see why a CNN needs far fewer parameters than a dense layer.
#
# **Builds on:** lesson 03 (dense networks, parameters, training).
#
# **Full run:** under a minute on a 2-core CPU with AVX2 only (float32, as on most laptops); under a minute with AVX-512 and bfloat16. Measured by the build of this page.

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
from mnist_course import data, plots

# %% [markdown]
# ## A convolution with a pencil
#
# A dense layer looks at all 784 pixels at once. A **convolution** looks at a small window, for example
# 2 × 2 pixels, and slides it over the image. At each place it multiplies the pixels by a small grid of
# weights, the **mask** (also called *filter* or *kernel*), and adds the products. The sums form a new,
# smaller image.
#
# Here is a 4 × 4 image and a 2 × 2 mask.

# %%
image = np.array([
    [1, 0, 1, 0],
    [0, 1, 1, 0],
    [0, 0, 1, 1],
    [0, 0, 1, 0],
])
mask = np.array([
    [1, 0],
    [0, 1],
])

# %% [markdown]
# Put the mask on the top-left corner. It covers `[[1, 0], [0, 1]]`. Multiply cell by cell and add:
# 1·1 + 0·0 + 0·0 + 1·1 = **2**. Then move one step to the right and do it again.
# The function below does exactly this for every position.

# %%
def convolve(image, mask):
    """Slide the mask over the image (no padding, one step at a time); return the sums."""
    mask_height, mask_width = mask.shape
    out_height = image.shape[0] - mask_height + 1
    out_width = image.shape[1] - mask_width + 1
    result = np.zeros((out_height, out_width), dtype=image.dtype)
    for row in range(out_height):
        for column in range(out_width):
            window = image[row:row + mask_height, column:column + mask_width]
            result[row, column] = np.sum(window * mask)
    return result

# %% tags=["nbval-check-output"]
print(convolve(image, mask))

# %% [markdown]
# A 4 × 4 image and a 2 × 2 mask give a 3 × 3 result: the mask fits in 3 places across and 3 places down.
# This mask adds a pixel and its neighbour down and to the right. So it asks a question: is there a line
# going down to the right here? The result is 2 where the answer is yes.

# %% [markdown]
# ## Max pooling with a pencil
#
# **Max pooling** makes an image smaller. It cuts the image into 2 × 2 blocks and keeps only the largest
# number of each block. The strongest signal survives; its exact position matters a little less.

# %%
feature_map = np.array([
    [1, 0, 1, 0],
    [0, 4, 2, 0],
    [0, 1, 6, 1],
    [0, 0, 1, 0],
])


def max_pool(image, size=2):
    """Keep the largest number of each size x size block."""
    out_height, out_width = image.shape[0] // size, image.shape[1] // size
    result = np.zeros((out_height, out_width), dtype=image.dtype)
    for row in range(out_height):
        for column in range(out_width):
            block = image[row * size:(row + 1) * size, column * size:(column + 1) * size]
            result[row, column] = block.max()
    return result

# %% tags=["nbval-check-output"]
print(max_pool(feature_map))

# %% [markdown]
# The top-left block is `[[1, 0], [0, 4]]`, so its maximum is 4. The four blocks give `[[4, 2], [1, 6]]`.
# The 4 × 4 image became 2 × 2: a quarter of the numbers, so the next layer has a quarter of the work.

# %% [markdown]
# ## The same numbers from Keras
#
# Keras has both operations as layers: `Conv2D` and `MaxPooling2D`. Usually a network *learns* its masks.
# Here we set the weights by hand to our mask, to check that Keras computes the same thing.
#
# Keras works on batches of images with colour channels, so our 4 × 4 image becomes shape `(1, 4, 4, 1)`:
# one image, 4 × 4 pixels, one channel (grey).

# %% tags=["nbval-check-output"]
conv_layer = keras.layers.Conv2D(filters=1, kernel_size=2, use_bias=False)
batch = image.reshape(1, 4, 4, 1).astype("float32")
conv_layer.build(batch.shape)
conv_layer.set_weights([mask.reshape(2, 2, 1, 1).astype("float32")])  # (height, width, in, out)
keras_result = keras.ops.convert_to_numpy(conv_layer(batch))
print("output shape:", keras_result.shape)
print(keras_result[0, :, :, 0].astype(int))
print("same as our NumPy result:", np.array_equal(keras_result[0, :, :, 0], convolve(image, mask)))

# %% tags=["nbval-check-output"]
pool_layer = keras.layers.MaxPooling2D(pool_size=2)
pooled = keras.ops.convert_to_numpy(pool_layer(feature_map.reshape(1, 4, 4, 1).astype("float32")))
print("output shape:", pooled.shape)
print(pooled[0, :, :, 0].astype(int))
print("same as our NumPy result:", np.array_equal(pooled[0, :, :, 0], max_pool(feature_map)))

# %% [markdown]
# The same numbers. (Strictly speaking, what Keras and we compute is a *cross-correlation*: the mask is not
# flipped first. Deep-learning libraries call it convolution anyway, and for learned masks it makes no
# difference.)

# %% [markdown]
# ## Edge filters on a real digit
#
# Now a real digit and two 3 × 3 masks that people designed long before deep learning. The first one
# subtracts the pixels on the left from the pixels on the right. It gives a large number where the ink
# starts or stops from left to right: a **vertical edge**. The second one finds **horizontal edges**.

# %%
(train_images, train_labels), _ = data.load_mnist()
digit = data.scale(train_images[0])
vertical_edges = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
horizontal_edges = vertical_edges.T
print("vertical edge mask:")
print(vertical_edges)

# %% [markdown]
# We use our own `convolve` function. Red is a large positive result, blue a large negative one. White is
# 0: no edge. The colour bar gives the values.

# %%
edge_maps = {"vertical edges": convolve(digit, vertical_edges),
             "horizontal edges": convolve(digit, horizontal_edges)}
limit = max(np.abs(output).max() for output in edge_maps.values())  # one colour scale for both maps

figure, axes = plt.subplots(1, 3, figsize=(10, 3.8), layout="constrained")
axes[0].imshow(digit, cmap="gray", vmin=0, vmax=1)
axes[0].set_title(f"digit {train_labels[0]}", fontsize=14)
for ax, (name, output) in zip(axes[1:], edge_maps.items()):
    picture = ax.imshow(output, cmap="bwr", vmin=-limit, vmax=limit)
    ax.set_title(f"{name} {output.shape}", fontsize=14)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
colour_bar = figure.colorbar(picture, ax=axes[1:], shrink=0.9)
colour_bar.set_label("result of the mask", fontsize=13)
colour_bar.ax.tick_params(labelsize=12)
plt.show()

# %% [markdown]
# The first mask lights up on the left and right sides of each stroke, the second one on the top and bottom.
# A CNN starts with masks like these, but it does not need us to design them: it learns dozens of masks from
# the data. In lesson 05 we look at the masks a CNN learned.
#
# `plots.plot_kernel_on_digit` draws the same kind of picture for any masks, so we can try more of them:

# %%
plots.plot_kernel_on_digit(train_images[7] / 255, {
    "vertical": vertical_edges,
    "horizontal": horizontal_edges,
    "diagonal": [[2, 1, 0], [1, 0, -1], [0, -1, -2]],
    "blur": np.full((3, 3), 1 / 9),
})
plt.show()

# %% [markdown]
# ## Padding and stride
#
# Our 28 × 28 digit gave a 26 × 26 result: a 3 × 3 mask does not fit at the border. Two settings change
# the size of the output:
#
# - **padding**: `padding="valid"` (the default) only uses places where the mask fits. `padding="same"`
#   adds a frame of zeros around the image, so the output keeps the size of the input.
# - **stride**: how many pixels the mask moves at each step. With `strides=2` it skips every second place,
#   so the output is half as wide and half as high.
#
# The rule for "valid": output size = (input size − mask size) // stride + 1.

# %% tags=["nbval-check-output"]
one_digit = data.add_channel(digit[np.newaxis])  # (1, 28, 28, 1)
print("input:                 ", one_digit.shape)
for padding, strides in [("valid", 1), ("same", 1), ("valid", 2), ("same", 2)]:
    layer = keras.layers.Conv2D(filters=8, kernel_size=3, padding=padding, strides=strides)
    print(f"padding={padding!r:8} strides={strides}:", tuple(layer(one_digit).shape))
print("MaxPooling2D(2) after 'same':", tuple(keras.layers.MaxPooling2D(2)(
    keras.layers.Conv2D(8, 3, padding="same")(one_digit)).shape))

# %% [markdown]
# With "same" padding, a zero frame is added first. Here is our 4 × 4 image with its frame. For a 2 × 2
# mask, Keras adds the zeros on the bottom and right side only. With the frame, the result is 4 × 4 instead
# of 3 × 3:

# %% tags=["nbval-check-output"]
padded = np.pad(image, ((0, 1), (0, 1)))
print(padded)
print(convolve(padded, mask))

# %% [markdown]
# ## Why a CNN needs far fewer parameters
#
# A dense layer has one weight for every pair (input, output). A convolution uses the **same** small mask
# at every position of the image, so its number of weights does not depend on the image size.
# Let us count, for layers that look at a 28 × 28 digit.

# %% tags=["nbval-check-output"]
def count(layer, input_shape):
    model = keras.Sequential([keras.Input(shape=input_shape), layer])
    return model.count_params()


dense_128 = count(keras.layers.Dense(128), (784,))
conv_32 = count(keras.layers.Conv2D(32, 3), (28, 28, 1))
dense_like_conv = count(keras.layers.Dense(26 * 26 * 32), (784,))
print(f"{'Dense(128) on 784 pixels:':48} {dense_128:>12,} parameters")
print(f"{'Conv2D(32 masks of 3x3) on 28x28:':48} {conv_32:>12,} parameters")
print(f"{'Dense layer with the conv output size 26*26*32:':48} {dense_like_conv:>12,} parameters")
print(f"numbers the convolution produces: {26 * 26 * 32:,}")
print(f"dense / convolution parameters:   {dense_like_conv / conv_32:,.0f} times more")

# %% [markdown]
# The convolution has 32 masks × 9 weights + 32 biases = 320 parameters, and it produces 21,632 numbers.
# A dense layer that produces as many numbers would need almost 17 million parameters: about 53,000 times more.
# Fewer parameters mean less memory, less over-fitting and faster training. And because the same mask
# looks everywhere, a stroke is found wherever it is in the picture.

# %% [markdown]
# ## What we learned
#
# - A convolution slides a small mask over the image and adds the products at each place; `Conv2D` does
#   the same (4 × 4 image, 2 × 2 mask → 3 × 3 output).
# - Max pooling keeps the largest number of each 2 × 2 block: a quarter of the numbers, the strongest signals.
# - Hand-made masks find edges in a digit; a CNN learns its own masks.
# - Padding keeps the size, stride skips positions: valid output size = (input − mask) // stride + 1.
# - A convolution shares its weights over the image, so it needs thousands of times fewer parameters
#   than a dense layer with the same output.
#
# ## Next
#
# [Lesson 05](05_cnn.ipynb): we put convolutions and pooling together into a CNN that reads digits
# better than any dense network.
