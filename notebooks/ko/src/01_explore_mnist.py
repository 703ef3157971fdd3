# %% [markdown]
# # 01 · MNIST 처음 살펴보기
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/01_explore_mnist.ipynb)
#
# **배울 내용:** MNIST에 무엇이 들어 있는지 알아봅니다. 컴퓨터가 숫자 그림을 어떻게 수로 저장하는지도 배웁니다.
# 또 데이터에 관한 사실 세 가지를 배웁니다. 이 사실들은 여러분의 손글씨(handwriting)로 모델을 테스트할 때 중요합니다.
#
# **이어지는 내용:** 없습니다. 첫 번째 강의입니다. Python과 NumPy를 조금만 알면 됩니다.
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 1분 미만, AVX-512와 bfloat16이 있는 CPU에서 1분 미만. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강의 라이브러리가 없으면 설치합니다(Google Colab에서, 약 30초).
# 두 번째 셀은 강의를 시작합니다. `lesson.start()`는 TensorFlow의 시작 메시지를 숨깁니다.
# 버전을 확인하고 난수 시드를 정합니다. `FAST`는 빠른 테스트 실행에서만 True입니다.

# %%
try:
    import mnist_course  # 강의 라이브러리
except ImportError:  # Google Colab에서는 먼저 설치합니다(약 30초)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start(language="ko")  # TensorFlow 메시지 끄기, 버전 확인, 시드 42, 빠른 모드 또는 전체 모드
from mnist_course import data, plots

# %% [markdown]
# ## 데이터 불러오기
#
# MNIST에는 0부터 9까지 손으로 쓴 숫자의 작은 그림이 70,000장 있습니다. 사람들이 종이 양식에 숫자를 썼고,
# 그 양식을 스캔했습니다. `data.load_mnist()`는 여러분의 컴퓨터에서 파일을 찾습니다. 파일이 없으면
# Keras로 한 번 내려받습니다(약 11 MB). 그다음에는 인터넷 없이 작동합니다.
#
# 데이터는 두 부분으로 나뉩니다. 첫 번째 부분으로 모델을 **학습**시킵니다. 두 번째 부분으로 모델을 **테스트**합니다.
# 모델은 학습하는 동안 두 번째 부분을 한 번도 보지 않습니다. 그래서 모델이 새 손글씨에서 얼마나 잘 작동하는지 알 수 있습니다.
#
# 이 셀은 MNIST를 어디서 가져왔는지도 출력합니다. 여러분의 컴퓨터에서는 처음에 `downloaded by Keras`라고 나옵니다.
# 그 뒤에는 `the Keras download folder`라고 나옵니다. 이 페이지는 파일 사본이 이미 있는 컴퓨터에서 만들었습니다.
# 그래서 `a copy already on this computer`라고 나옵니다. 대괄호 안의 말은 그 파일이 있는 곳을 나타냅니다.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_mnist()
print("MNIST came from:", data.describe_source())
print(f"pictures in all: {len(train_images) + len(test_images):,}")

# %% [markdown]
# ## 모양과 자료형
#
# 모든 데이터는 NumPy 배열입니다. *모양*(shape)은 그림이 몇 장인지, 그림이 얼마나 큰지 알려 줍니다.
# *자료형*(dtype)은 배열에 어떤 종류의 수가 들어 있는지 알려 줍니다.

# %% tags=["nbval-check-output"]
print("train_images:", train_images.shape, train_images.dtype)
print("train_labels:", train_labels.shape, train_labels.dtype)
print("test_images: ", test_images.shape, test_images.dtype)
print("test_labels: ", test_labels.shape, test_labels.dtype)
print("pixel values go from", train_images.min(), "to", train_images.max())

# %% [markdown]
# 학습용 그림은 60,000장이고 테스트용 그림은 10,000장입니다. 그림 한 장은 28 × 28 픽셀입니다.
# 픽셀 하나는 0부터 255까지의 수 하나입니다(`uint8`: 8비트 정수). 레이블(label) 하나는
# 그 사람이 쓴 숫자입니다.

# %% [markdown]
# ## 숫자 하나
#
# `plt.imshow`는 2차원 배열을 그림으로 그립니다. 회색 색상표를 씁니다. 0은 검은색이고 255는 흰색입니다.

# %%
first_image = train_images[0]
plt.figure(figsize=(3, 3))
plt.imshow(first_image, cmap="gray")
plt.title(f"label: {train_labels[0]}", fontsize=14)
plt.axis("off")
plt.show()

# %% [markdown]
# ## 그림은 수일 뿐입니다
#
# 컴퓨터는 "5"를 보지 않습니다. 784개의 수(28 × 28)를 봅니다. 아래에 한 행씩 출력했습니다.
# 0은 배경입니다. 수가 클수록 잉크가 밝습니다. 수들 속에서 5가 보이나요?

# %% tags=["nbval-check-output"]
print(first_image.size, "numbers:", first_image.shape[0], "rows of", first_image.shape[1])
for row in first_image:
    print(" ".join(f"{value:3d}" for value in row))

# %% [markdown]
# ## 여러 숫자
#
# 예시 하나로는 데이터셋을 알 수 없습니다. 아래에 숫자마다 처음 열 개의 예시를 보입니다. 한 행에 숫자
# 하나씩입니다.
# 같은 숫자가 얼마나 다를 수 있는지 보세요. 기울어진 것, 굵은 것, 가는 것, 열린 것, 닫힌 것이 있습니다.

# %%
examples_per_digit = 10
grid_indices = np.concatenate(
    [np.flatnonzero(train_labels == digit)[:examples_per_digit] for digit in range(10)]
)
plots.show_digits(train_images[grid_indices], ncols=examples_per_digit, size=0.8)
plt.show()

# %% [markdown]
# ## 모든 숫자가 똑같이 많을까요?
#
# 어떤 숫자가 아주 드물면 모델은 그 숫자를 무시하도록 배울 수 있습니다. 레이블의 개수를 세어 봅니다.

# %% tags=["nbval-check-output"]
train_counts = np.bincount(train_labels, minlength=10)
test_counts = np.bincount(test_labels, minlength=10)
print("train:", train_counts.tolist())
print("test: ", test_counts.tolist())

# %%
figure, axis = plt.subplots(figsize=(9, 3.5))
axis.bar(np.arange(10), train_counts, color="tab:blue")
axis.set_xticks(range(10))
axis.tick_params(labelsize=12)
axis.set_xlabel("digit", fontsize=13)
axis.set_ylabel("training images", fontsize=13)
axis.set_title("Class balance in the training set", fontsize=14)
plt.tight_layout()
plt.show()

# %% [markdown]
# 클래스(class)들의 개수는 거의 고릅니다. 가장 많은 숫자(1)는 약 6,700장이고 가장 드문 숫자(5)는
# 약 5,400장입니다. 좋은 일입니다. 모델은 늘 같은 숫자 하나만 답해서는 좋은 점수를 얻을 수 없습니다.

# %% [markdown]
# ## 평균 숫자
#
# "보통의" 3은 어떻게 생겼을까요? 한 숫자의 학습 그림을 모두 모아 픽셀마다 평균을 냅니다.
# 밝은 곳은 많은 사람이 잉크를 칠한 곳입니다.

# %%
mean_images = np.stack([train_images[train_labels == digit].mean(axis=0) for digit in range(10)])
plots.show_digits(mean_images, labels=range(10), ncols=10)
plt.show()

# %% [markdown]
# 평균 그림은 흐릿합니다. 그래도 모든 숫자를 쉽게 읽을 수 있습니다. 잉크의 위치가 숫자에 대해 많은 것을
# 알려 준다는 뜻입니다. 또 모든 숫자가 그림의 **가운데**에 있다는 것도 알 수 있습니다.

# %% [markdown]
# ## 데이터가 보여 주지 않는 것
#
# MNIST는 누군가 학습에 쓰기 전에 꼼꼼하게 준비되었습니다. 놓치기 쉬운 사실이 세 가지 있습니다.
# 이 사실들은 06강에서 중요합니다. 06강에서는 여러분의 손글씨로 모델을 테스트합니다.
#
# 1. **검은 배경에 흰 잉크입니다.** 여러분의 펜은 밝은 종이에 어두운 잉크를 남깁니다. 정반대입니다.
# 2. **숫자는 20 × 20 상자 안에 들어갑니다.** 숫자마다 긴 쪽이 20픽셀이 되도록 크기를 바꿨습니다.
#    둘레에는 빈 픽셀이 4개씩 있습니다.
# 3. **숫자는 무게 중심(centre of mass)을 기준으로 가운데에 놓였습니다.** 무게 중심은 잉크의 "균형점"입니다. 상자의 가운데가 아닙니다.
#
# 사실 2와 3을 수로 확인해 봅시다.

# %%
from scipy import ndimage  # 그림을 다루는 scipy 도구: 여기서는 무게 중심


def ink_box_size(image):
    """Height and width of the smallest box that holds all the ink of one image."""
    rows = np.flatnonzero(image.max(axis=1) > 0)
    columns = np.flatnonzero(image.max(axis=0) > 0)
    return rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1


sample = train_images[:2000]
box_sizes = np.array([ink_box_size(image) for image in sample])
longer_side = box_sizes.max(axis=1)
centres = np.array([ndimage.center_of_mass(image.astype(float)) for image in sample])

# %% tags=["nbval-check-output"]
print("most common longer side of the ink box:", np.bincount(longer_side).argmax(), "pixels")
print("share of digits with longer side 19-20: ", f"{np.mean((longer_side >= 19) & (longer_side <= 20)):.0%}")
print("average centre of mass (row, column):   ", np.round(centres.mean(axis=0), 1))
print("empty pixels on each side of a 20-pixel box:", (28 - 20) // 2)

# %%
figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.hist(longer_side, bins=np.arange(9.5, 28.5, 1), color="tab:blue")
left.set_xticks(range(10, 29, 2))
left.set_xlabel("longer side of the ink box (pixels)", fontsize=13)
left.set_ylabel("images", fontsize=13)
left.set_title("Ink box: 20 pixels on its longer side", fontsize=14)
right.scatter(centres[:, 1], centres[:, 0], s=3, alpha=0.3)
right.set_xlim(12, 16)  # 확대: 그림 전체는 0부터 27까지입니다
right.set_ylim(16, 12)
right.set_aspect("equal")
right.set_xticks(range(12, 17))
right.set_yticks(range(12, 17))
right.set_xlabel("column (zoomed in: 12 to 16)", fontsize=13)
right.set_ylabel("row", fontsize=13)
right.set_title("Centres of mass: all near (14, 14)", fontsize=14)
for axis in (left, right):
    axis.tick_params(labelsize=12)
plt.tight_layout()
plt.show()

# %% [markdown]
# 이제 **여러분**이 쓰는 방식의 숫자를 봅시다. 흰 종이에 어두운 잉크로 씁니다. 숫자는 작고, 가운데에 있지 않습니다.
# MNIST 숫자 하나로 이런 그림을 만듭니다. MNIST로 학습한 모델은 오른쪽 같은 그림을 한 번도 본 적이 없습니다.

# %%
paper_style = np.full((28, 28), 255, dtype=np.uint8)
small_digit = 255 - first_image[::2, ::2]          # 절반 크기, 밝은 종이에 어두운 잉크
paper_style[2:16, 12:26] = small_digit
plots.show_digits(np.stack([first_image, paper_style]), labels=["MNIST style", "your style"], ncols=2)
plt.show()

# %% [markdown]
# 06강에서는 숫자 사진을 무엇이든 MNIST 방식으로 바꾸는 코드를 씁니다. 이 코드는 색을 뒤집고 잉크 부분을
# 잘라 냅니다. 그다음 잉크를 20 × 20 안에 맞추고 무게 중심을 기준으로 가운데에 놓습니다.
#
# ## 배운 것
#
# - MNIST에는 학습용 그림 60,000장과 테스트용 그림 10,000장이 있습니다. 그림마다 0부터 255까지의 수가 28 × 28개 있습니다.
# - 그림은 수의 배열일 뿐입니다. `imshow`는 배열을 다시 그림으로 바꿉니다.
# - 열 가지 숫자는 거의 똑같이 자주 나옵니다.
# - MNIST 숫자는 검은 배경에 흰색입니다. 20 × 20 상자 안에 들어가고, 무게 중심을 기준으로 가운데에 놓입니다.
#   우리 그림도 모델이 읽기 전에 똑같은 모습이 되어야 합니다.
#
# ## 다음
#
# [02강](02_one_hot_encoding.ipynb): 이 수와 레이블을 신경망(neural network)에 맞게 준비하는 방법을 배웁니다.
