# %% [markdown]
# # 04 · 손으로 계산하는 합성곱과 풀링
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/04_convolution_and_pooling.ipynb)
#
# **배울 내용:** 합성곱(convolution)과 최대 풀링(max pooling)이 무엇을 계산하는지 배웁니다. 먼저 연필로
# 풀 수 있는 작은 예제를 NumPy로 계산합니다. 그다음 같은 계산을 Keras로 합니다. 실제 숫자에서 필터(filter)가
# 무엇을 찾는지도 봅니다. 패딩과 스트라이드가 하는 일도 봅니다. 마지막으로 합성곱 신경망(convolutional
# neural network, CNN)이 완전 연결층보다 파라미터가 훨씬 적게 필요한 이유를 봅니다.
#
# **이어지는 내용:** 03강(완전 연결 신경망, 파라미터, 학습).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 1분 미만, AVX-512와 bfloat16이 있는 CPU에서 1분 미만. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강좌 라이브러리가 없을 때 설치합니다(Google Colab에서, 약 30초 걸립니다).
# 두 번째 셀은 01강처럼 강의를 시작합니다.

# %%
try:
    import mnist_course  # 강좌 라이브러리
except ImportError:  # Google Colab에서는 먼저 설치합니다(약 30초)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start(language="ko")  # TensorFlow 메시지 끄기, 버전 확인, 시드 42, 빠른 모드 또는 전체 모드
from mnist_course import data, plots

# %% [markdown]
# ## 연필로 계산하는 합성곱
#
# 완전 연결층(dense layer)은 784개 픽셀 전체를 한 번에 봅니다. **합성곱**은 작은 창만 봅니다. 예를 들어
# 2 × 2 픽셀 크기의 창입니다. 이 창을 이미지 위에서 밀며 옮깁니다. 각 위치에서 픽셀에 작은 가중치(weight)
# 격자를 곱합니다. 이 격자를 **마스크**(mask)라고 합니다. *필터* 또는 *커널*(kernel)이라고도 합니다. 그리고
# 곱한 값을 모두 더합니다. 이 합들이 모여 더 작은 새 이미지가 됩니다.
#
# 다음은 4 × 4 이미지와 2 × 2 마스크입니다.

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
# 마스크를 왼쪽 위 구석에 놓습니다. 마스크는 `[[1, 0], [0, 1]]`을 덮습니다. 칸끼리 곱하고 더합니다:
# 1·1 + 0·0 + 0·0 + 1·1 = **2**. 그다음 오른쪽으로 한 칸 옮겨서 다시 계산합니다.
# 아래 함수는 모든 위치에서 바로 이 계산을 합니다.

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
# 4 × 4 이미지와 2 × 2 마스크에서는 3 × 3 결과가 나옵니다. 마스크가 가로로 3곳, 세로로 3곳에 들어가기 때문입니다.
# 이 마스크는 한 픽셀과 그 오른쪽 아래 이웃 픽셀을 더합니다. 그러니까 이 마스크는 질문을 하나 합니다. 여기에
# 오른쪽 아래로 내려가는 선이 있을까요? 답이 "예"인 곳에서 결과가 2입니다.

# %% [markdown]
# ## 연필로 계산하는 최대 풀링
#
# **최대 풀링**은 이미지를 작게 만듭니다. 이미지를 2 × 2 블록으로 나누고, 각 블록에서 가장 큰 수만
# 남깁니다. 가장 강한 신호가 살아남습니다. 그 신호의 정확한 위치는 조금 덜 중요해집니다.

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
# 왼쪽 위 블록은 `[[1, 0], [0, 4]]`이므로 최댓값은 4입니다. 네 블록에서 `[[4, 2], [1, 6]]`이 나옵니다.
# 4 × 4 이미지가 2 × 2가 되었습니다. 수가 4분의 1로 줄었으니, 다음 층이 할 일도 4분의 1이 됩니다.

# %% [markdown]
# ## Keras에서 나오는 같은 수
#
# Keras에는 두 연산이 모두 층(layer)으로 있습니다: `Conv2D`와 `MaxPooling2D`입니다. 보통 신경망(neural network)은
# 마스크를 *학습*합니다. 여기서는 Keras가 같은 것을 계산하는지 확인하려고, 가중치를 손으로 우리 마스크와
# 같게 정합니다.
#
# Keras는 색 채널이 있는 이미지의 배치(batch)를 다룹니다. 그래서 4 × 4 이미지는 `(1, 4, 4, 1)` 모양이 됩니다.
# 이미지 한 장, 4 × 4 픽셀, 채널 하나(회색)라는 뜻입니다.

# %% tags=["nbval-check-output"]
conv_layer = keras.layers.Conv2D(filters=1, kernel_size=2, use_bias=False)
batch = image.reshape(1, 4, 4, 1).astype("float32")
conv_layer.build(batch.shape)
conv_layer.set_weights([mask.reshape(2, 2, 1, 1).astype("float32")])  # (높이, 너비, 입력, 출력)
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
# 같은 수가 나옵니다. (엄밀히 말하면 Keras와 우리가 계산한 것은 *교차 상관*(cross-correlation)입니다.
# 마스크를 먼저 뒤집지 않기 때문입니다. 그래도 딥러닝 라이브러리는 이것을 합성곱이라고 부릅니다. 학습한
# 마스크에서는 아무 차이가 없습니다.)

# %% [markdown]
# ## 실제 숫자에 쓰는 에지 필터
#
# 이제 실제 숫자 하나와 3 × 3 마스크 두 개를 씁니다. 두 마스크는 딥러닝이 나오기 훨씬 전에 사람이
# 설계했습니다. 첫 번째 마스크는 오른쪽 픽셀에서 왼쪽 픽셀을 뺍니다. 그래서 왼쪽에서 오른쪽으로 갈 때
# 잉크가 시작하거나 끝나는 곳에서 큰 수가 나옵니다. 이것이 **세로 에지**(vertical edge)입니다. 두 번째
# 마스크는 **가로 에지**(horizontal edge)를 찾습니다.

# %%
(train_images, train_labels), _ = data.load_mnist()
digit = data.scale(train_images[0])
vertical_edges = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
horizontal_edges = vertical_edges.T
print("vertical edge mask:")
print(vertical_edges)

# %% [markdown]
# 우리가 만든 `convolve` 함수를 씁니다. 빨간색은 큰 양수 결과이고, 파란색은 큰 음수 결과입니다. 흰색은
# 0입니다. 에지가 없다는 뜻입니다. 색 막대에 값이 나옵니다.

# %%
edge_maps = {"vertical edges": convolve(digit, vertical_edges),
             "horizontal edges": convolve(digit, horizontal_edges)}
limit = max(np.abs(output).max() for output in edge_maps.values())  # 두 그림에 같은 색 눈금

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
# 첫 번째 마스크는 각 획의 왼쪽과 오른쪽에서 밝게 나타납니다. 두 번째 마스크는 획의 위쪽과 아래쪽에서 나타납니다.
# CNN은 이런 마스크로 시작합니다. 하지만 우리가 마스크를 설계할
# 필요는 없습니다. CNN은 데이터에서 수십 개의 마스크를 학습합니다. 05강에서 CNN이 학습한 마스크를 봅니다.
#
# `plots.plot_kernel_on_digit`는 어떤 마스크로든 같은 종류의 그림을 그립니다. 그래서 마스크를 더 시험해
# 볼 수 있습니다:

# %%
plots.plot_kernel_on_digit(train_images[7] / 255, {
    "vertical": vertical_edges,
    "horizontal": horizontal_edges,
    "diagonal": [[2, 1, 0], [1, 0, -1], [0, -1, -2]],
    "blur": np.full((3, 3), 1 / 9),
})
plt.show()

# %% [markdown]
# ## 패딩과 스트라이드
#
# 28 × 28 숫자에서 26 × 26 결과가 나왔습니다. 3 × 3 마스크는 가장자리에 들어가지 않기 때문입니다. 출력
# 크기를 바꾸는 설정이 두 가지 있습니다:
#
# - **패딩**(padding): `padding="valid"`(기본값)는 마스크가 들어가는 위치만 씁니다. `padding="same"`은
#   이미지 둘레에 0으로 된 테두리를 붙입니다. 그래서 출력이 입력과 같은 크기를 유지합니다.
# - **스트라이드**(stride): 마스크가 한 번에 몇 픽셀씩 움직이는지입니다. `strides=2`이면 한 칸씩 건너뜁니다.
#   그래서 출력의 너비와 높이가 절반이 됩니다.
#
# "valid"일 때의 규칙: 출력 크기 = (입력 크기 − 마스크 크기) // 스트라이드 + 1.

# %% tags=["nbval-check-output"]
one_digit = data.add_channel(digit[np.newaxis])  # (1, 28, 28, 1)
print("input:                 ", one_digit.shape)
for padding, strides in [("valid", 1), ("same", 1), ("valid", 2), ("same", 2)]:
    layer = keras.layers.Conv2D(filters=8, kernel_size=3, padding=padding, strides=strides)
    print(f"padding={padding!r:8} strides={strides}:", tuple(layer(one_digit).shape))
print("MaxPooling2D(2) after 'same':", tuple(keras.layers.MaxPooling2D(2)(
    keras.layers.Conv2D(8, 3, padding="same")(one_digit)).shape))

# %% [markdown]
# "same" 패딩에서는 먼저 0으로 된 테두리를 붙입니다. 다음은 테두리를 붙인 4 × 4 이미지입니다. 2 × 2
# 마스크일 때 Keras는 아래쪽과 오른쪽에만 0을 붙입니다. 테두리가 있으면 결과가 3 × 3이 아니라
# 4 × 4입니다:

# %% tags=["nbval-check-output"]
padded = np.pad(image, ((0, 1), (0, 1)))
print(padded)
print(convolve(padded, mask))

# %% [markdown]
# ## CNN에 파라미터가 훨씬 적게 필요한 이유
#
# 완전 연결층에는 (입력, 출력) 쌍마다 가중치가 하나씩 있습니다. 합성곱은 이미지의 모든 위치에서 **같은**
# 작은 마스크를 씁니다. 그래서 가중치의 개수가 이미지 크기와 관계없습니다.
# 28 × 28 숫자를 보는 층들의 파라미터(parameter)를 세어 봅시다.

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
# 이 합성곱의 파라미터는 마스크 32개 × 가중치 9개 + 편향(bias) 32개 = 320개입니다. 그리고 수 21,632개를 만듭니다.
# 같은 개수의 수를 만드는 완전 연결층에는 파라미터가 거의 1,700만 개 필요합니다. 약 53,000배 많습니다.
# 파라미터가 적으면 메모리를 덜 쓰고, 과적합(overfitting)이 줄고, 학습이 빨라집니다. 그리고 같은 마스크가
# 모든 곳을 보므로, 획이 그림의 어디에 있든 찾아냅니다.

# %% [markdown]
# ## 배운 것
#
# - 합성곱은 작은 마스크를 이미지 위에서 밀며, 각 위치에서 곱을 더합니다. `Conv2D`도 같은 일을 합니다
#   (4 × 4 이미지, 2 × 2 마스크 → 3 × 3 출력).
# - 최대 풀링은 각 2 × 2 블록에서 가장 큰 수를 남깁니다. 수는 4분의 1로 줄고, 가장 강한 신호가 남습니다.
# - 손으로 만든 마스크로 숫자의 에지를 찾을 수 있습니다. CNN은 마스크를 스스로 학습합니다.
# - 패딩은 크기를 유지하고, 스트라이드는 위치를 건너뜁니다. valid의 출력 크기 = (입력 − 마스크) // 스트라이드 + 1.
# - 합성곱은 이미지 전체에서 가중치를 함께 씁니다. 그래서 출력이 같은 완전 연결층보다 파라미터가 수천 배
#   적게 필요합니다.
#
# ## 다음
#
# [05강](05_cnn.ipynb): 합성곱과 풀링을 모아 CNN을 만듭니다. 이 CNN은 어떤 완전 연결 신경망보다
# 숫자를 잘 읽습니다.
