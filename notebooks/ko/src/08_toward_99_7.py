# %% [markdown]
# # 08 · 99.7%를 향해: 데이터 증강, 재균형, 배치 정규화, 앙상블
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/08_toward_99_7.ipynb)
#
# **배울 내용:**
#
# - 한 번에 하나만 바꾸고, 여러 개의 난수 시드로 시험하는 방법. 그래야 작은 향상이 우연이 아니라고 믿을 수 있습니다.
# - 데이터 증강(data augmentation), 재균형, 배치 정규화, 학습률(learning rate)
#   스케줄이 MNIST 숫자를 읽는 합성곱 신경망(convolutional neural network, CNN)에 각각 무엇을 해 주는지.
# - 앙상블(ensemble)과 테스트 시점 증강으로 마지막 몇 걸음을 더 앞으로 나아가는 방법.
# - 마지막까지 남은 실수가 어떤 모습인지. 그중 일부는 모델이 아니라 레이블이 틀린 실수입니다.
#
# **이어지는 내용:** 05강(이 강좌의 기본 CNN 모델), 06강(직접 쓴 손글씨(handwriting)에 맞춘 데이터 증강),
# 03강(숫자별 정확도(accuracy)와 혼동 행렬(confusion matrix)).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 약 7분, AVX-512와 bfloat16이 있는 CPU에서 약 6분. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강좌 라이브러리가 없을 때 설치합니다(Google Colab에서, 약 30초 걸립니다).
# 두 번째 셀은 강의를 시작합니다. `lesson.start()`는 TensorFlow의 시작 메시지를 숨기고, 버전을 확인하고,
# 난수 시드를 정합니다. `FAST`는 빠른 테스트 실행에서만 True입니다.

# %%
try:
    import mnist_course  # 강좌 라이브러리
except ImportError:  # Google Colab에서: 먼저 설치합니다(약 30초)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start(language="ko")  # TensorFlow 메시지 숨기기, 버전 확인, 시드 42, 빠른 모드 또는 전체 모드
from mnist_course import config, data, models, plots, training

# %% [markdown]
# ## 질문
#
# 05강에서 강좌 CNN은 테스트 숫자의 99.52%를 맞게 읽었습니다(참고: 05강의 모델 표).
# MNIST에서 발표된 최고 결과는 이보다 조금 높습니다. CNN 35개로 이루어진 위원회는 99.77%에 이르렀습니다
# (참고: Ciresan, Meier, Schmidhuber, 2012). 그리고 테스트 데이터(test data) 자체도 완벽하지 않습니다.
# 사람이 꼼꼼히 확인해 보니, 테스트 이미지 약 15개의 레이블(label)이 틀려 있었습니다(참고: Northcutt, Athalye,
# Mueller, 2021, labelerrors.com). 그래서 약 99.8%를 넘으면(참고: 같은 두 논문), "더 좋은" 모델은 레이블의
# 실수와 더 많이 일치할 뿐입니다.
#
# 강좌 CNN과 최고 결과의 차이는 테스트 숫자 10,000개 중 약 30개뿐입니다. 숫자가 이렇게 적으면
# **우연**이 중요합니다. 같은 신경망(neural network)을 다른 난수 시드(random seed)로 다시 학습하면, 열 개 이상의
# 숫자에서 결과가 달라질 수 있습니다(아래에서 직접 보게 됩니다). 그래서 이 강의에서는 **한 번에 하나씩**
# 바꿉니다. 각 버전을 **시드 세 개**로 학습하고, 평균과 편차(spread)를 봅니다.

# %% [markdown]
# ## 데이터와 측정 도구
#
# 학습 이미지 중 마지막 6,000개는 따로 떼어 두고, 학습을 지켜보는 데 씁니다(검증 데이터(validation data)).
# 테스트 데이터는 측정할 때만 쓰고, 그 밖에는 전혀 손대지 않습니다. 모든 버전은 같은 수의 에포크(epoch)
# 동안 학습합니다. 그래서 학습 시간을 서로 비교할 수 있습니다.

# %%
(all_images, all_labels), (test_images, test_labels) = data.load_course_data(
    train_per_class=config.pick(full=None, fast=200),
    test_per_class=config.pick(full=None, fast=100),
)
all_images, test_images = data.scale(all_images), data.scale(test_images)
held_out = len(all_images) // 10
train_images, train_labels = all_images[:-held_out], all_labels[:-held_out]
validation = (all_images[-held_out:], all_labels[-held_out:])
SEEDS = config.pick(full=[1, 2, 3], fast=[1, 2])  # 빠른 모드(CI)는 코드가 실행되는지만 확인합니다
EPOCHS = config.pick(full=3, fast=1)
print(f"train: {len(train_images)}, validation: {len(validation[0])}, test: {len(test_images)} images")
print(f"each version: {EPOCHS} epochs, seeds {SEEDS}")

# %% [markdown]
# `measure`는 모델의 한 버전을 시드마다 학습하고 세 가지를 기록합니다. 테스트 정확도, 숫자별 정확도,
# 학습 시간입니다. `results`는 표를 만들기 위해 모든 버전의 결과를 모읍니다.

# %%
import time

results = {}


def measure(name, make_model, images=None, labels=None, augment=False, **options):
    """Train a fresh model with each seed; keep its test accuracy, per-digit accuracy and seconds."""
    images = train_images if images is None else images
    labels = train_labels if labels is None else labels
    runs = []
    for seed in SEEDS:
        config.set_seed(seed)
        model = make_model()
        started = time.perf_counter()
        training.train(model, images, labels, epochs=EPOCHS, validation_data=validation, seed=seed,
                       augment=augment, verbose=False, **options)
        seconds = time.perf_counter() - started
        result = training.evaluate(model, test_images, test_labels)
        runs.append({"accuracy": result["accuracy"], "per_digit": result["per_class_accuracy"], "seconds": seconds})
    results[name] = runs
    accuracy = 100 * np.array([run["accuracy"] for run in runs])
    print(f"{name}: {accuracy.mean():.2f}% ± {accuracy.std():.2f} (seeds: "
          + ", ".join(f"{value:.2f}" for value in accuracy) + f"), {np.mean([r['seconds'] for r in runs]):.0f} s each")
    return runs


# %% [markdown]
# ## 0단계: 데이터 증강 없는 강좌 CNN
#
# 이것이 출발점입니다. 05강의 강좌 CNN을 숫자 그대로 학습합니다.

# %%
baseline = measure("course CNN, plain", models.cnn)

# %% [markdown]
# 어떤 숫자가 가장 어려울까요? 세 시드에 걸친 숫자별 평균 정확도입니다:

# %%
per_digit = 100 * np.mean([run["per_digit"] for run in baseline], axis=0)
WEAKEST = [int(digit) for digit in np.argsort(per_digit)[:3]]
for digit in range(10):
    print(f"  {digit}: {per_digit[digit]:.2f}%" + ("   <- one of the weakest" if digit in WEAKEST else ""))
print("weakest digits:", WEAKEST)

# %% [markdown]
# ## 1단계: Keras 전처리 층으로 하는 데이터 증강
#
# 사람은 숫자를 조금 기울여 쓰고, 조금 크거나 작게 쓰고, 정확히 가운데에 쓰지도 않습니다. **데이터
# 증강**을 쓰면 모델은 에포크마다 각 학습 숫자의 새로운 사본을 봅니다. 사본은 원래 숫자를 조금 바꾼 것입니다.
# Keras에는 이를 위한 층이 있습니다. 이 전처리(preprocessing) 층은 학습할 때만(`training=True`) 이미지를 바꿉니다.

# %%
from keras import layers

shake = keras.Sequential([
    layers.RandomRotation(10 / 360, fill_mode="constant"),         # 양쪽으로 최대 10도
    layers.RandomZoom(0.1, fill_mode="constant"),                   # 최대 10% 크게 또는 작게
    layers.RandomTranslation(0.08, 0.08, fill_mode="constant"),     # 최대 약 2픽셀
], name="shake")

config.set_seed(0)
examples = data.add_channel(train_images[:8])
views = [examples[..., 0]] + [np.asarray(shake(examples, training=True))[..., 0] for _ in range(2)]
plots.show_digits(np.concatenate(views), ncols=8, size=1.1,
                  titles=["original"] * 8 + ["changed"] * 16, suptitle="Three views of the same eight digits")
plt.show()

# %%
with_layers = measure("+ rotation, zoom, shift", models.cnn, augment=lambda batch: shake(batch, training=True))

# %% [markdown]
# ## 2단계: 직접 짠 탄성 변형
#
# 손은 숫자를 기울이기만 하지 않습니다. 획도 조금씩 휩니다. Simard, Steinkraus, Platt(2003)는 이것을
# **탄성 변형**(elastic distortion)으로 만들었습니다. 먼저 모든 픽셀에 무작위 이동을 줍니다. 그다음 가까운
# 픽셀이 함께 움직이도록 가우시안 블러(Gaussian blur)로 이동을 매끄럽게 합니다. 마지막으로 옮겨진
# 위치에서 이미지를 읽습니다. 픽셀과 픽셀 사이로 옮겨진 픽셀은 이웃한 네 픽셀을 섞은 값을 읽습니다(쌍선형, bilinear).

# %%
SIGMA, ALPHA = 4.0, 34.0  # 이동의 매끄러움(픽셀)과 세기
size = int(4 * SIGMA) | 1  # 홀수 커널 크기: 17
grid = np.arange(size) - size // 2
gauss = np.exp(-(grid**2) / (2 * SIGMA**2))
gauss = np.stack([gauss, gauss], axis=-1) / gauss.sum()  # 위아래 이동에 블러 하나, 좌우 이동에 하나
blur_down = gauss.reshape(size, 1, 2, 1).astype("float32")  # 2차원 가우시안 블러는 열을 따라 한 번,
blur_across = gauss.reshape(1, size, 2, 1).astype("float32")  # 그다음 행을 따라 한 번 하는 블러입니다


rows, cols = keras.ops.meshgrid(keras.ops.arange(28, dtype="float32"), keras.ops.arange(28, dtype="float32"),
                                indexing="ij")


def elastic(batch):
    """Move each pixel of each image by a smooth random amount (about one to two pixels)."""
    noise = keras.random.uniform((keras.ops.shape(batch)[0], 28, 28, 2), -1.0, 1.0)
    moves = keras.ops.depthwise_conv(keras.ops.depthwise_conv(noise, blur_down, padding="same"), blur_across,
                                     padding="same") * ALPHA  # (n, 28, 28, 2): 매끄러운 이동
    y = keras.ops.clip(rows + moves[..., 0], 0.0, 27.0)  # 새 픽셀마다 옛 이미지를 읽을 위치
    x = keras.ops.clip(cols + moves[..., 1], 0.0, 27.0)
    y0, x0 = keras.ops.floor(y), keras.ops.floor(x)
    y1, x1 = keras.ops.minimum(y0 + 1, 27.0), keras.ops.minimum(x0 + 1, 27.0)
    flat = keras.ops.reshape(batch, (-1, 784))

    def read(at_y, at_x):  # 정수 위치 (at_y, at_x)의 옛 픽셀
        index = keras.ops.reshape(keras.ops.cast(at_y * 28 + at_x, "int32"), (-1, 784))
        return keras.ops.reshape(keras.ops.take_along_axis(flat, index, axis=1), (-1, 28, 28))

    wy, wx = y - y0, x - x0  # 픽셀 사이: 이웃 네 픽셀을 섞습니다(쌍선형)
    top = (1 - wx) * read(y0, x0) + wx * read(y0, x1)
    bottom = (1 - wx) * read(y1, x0) + wx * read(y1, x1)
    return ((1 - wy) * top + wy * bottom)[..., None]


config.set_seed(0)
views = [examples[..., 0]] + [np.asarray(elastic(examples))[..., 0] for _ in range(2)]
plots.show_digits(np.concatenate(views), ncols=8, size=1.1,
                  titles=["original"] * 8 + ["elastic"] * 16, suptitle="The same digits, bent by the elastic distortion")
plt.show()

# %%
with_elastic = measure("+ elastic distortion", models.cnn,
                       augment=lambda batch: elastic(shake(batch, training=True)))

# %% [markdown]
# ## 3단계: 가장 약한 숫자를 더 연습하기, 그리고 재균형
#
# 이 강좌가 시작된 프로젝트에서 온 두 가지 아이디어입니다. 첫째, 가장 약한 숫자에 더 많은(그리고 더
# 어려운) 연습을 줍니다. 그 숫자의 사본을 더 넣습니다. 각 사본은 보통의 데이터 증강보다 **더 많이** 돌리고
# 크기를 바꿉니다. 둘째, 클래스(class)의 **균형을 다시 맞춥니다**(재균형, rebalancing). MNIST에는 5보다 1이 더 많습니다. 여기서는
# 반대 방향으로 해 봅니다. 8의 15%를 빼고, 8의 정확도가 떨어지는지 지켜봅니다.

# %%
counts = np.bincount(train_labels, minlength=10)
print("training images of each digit:", dict(enumerate(counts.tolist())))
print(f"the largest class is {counts.max() / counts.min():.2f} times the smallest")

strong = keras.Sequential([layers.RandomRotation(20 / 360, fill_mode="constant"),
                           layers.RandomZoom(0.2, fill_mode="constant")], name="strong")
config.set_seed(0)
weak = np.isin(train_labels, WEAKEST)
extra = np.asarray(strong(data.add_channel(train_images[weak]), training=True))[..., 0]
order = np.random.default_rng(0).permutation(len(train_images) + len(extra) // 2)
more_images = np.concatenate([train_images, extra[: len(extra) // 2]])[order]  # 약한 숫자마다 절반만큼 더
more_labels = np.concatenate([train_labels, train_labels[weak][: len(extra) // 2]])[order]
print(f"{len(extra) // 2} extra, harder copies of the digits {WEAKEST}")

eights = np.flatnonzero(train_labels == 8)
dropped = np.random.default_rng(0).choice(eights, size=int(0.15 * len(eights)), replace=False)
keep = np.setdiff1d(np.arange(len(train_labels)), dropped)
print(f"rebalanced: {len(dropped)} of the {len(eights)} 8s removed ({len(dropped) / len(eights):.0%})")

# %%
weak_practice = measure("+ extra practice, weakest digits", models.cnn, more_images, more_labels,
                        augment=lambda batch: shake(batch, training=True))
fewer_eights = measure("+ 15% fewer 8s", models.cnn, train_images[keep], train_labels[keep],
                       augment=lambda batch: shake(batch, training=True))

# %% [markdown]
# ## 4단계: 배치 정규화와 학습률 스케줄
#
# **배치 정규화**(batch normalisation)는 한 층의 출력을 배치(batch)마다 평균 0, 편차 1이 되도록 다시 맞춥니다. 그다음 가장
# 알맞은 배율과 이동을 학습합니다. 학습이 더 안정되고, 더 높은 학습률도 견딥니다. 아래는 합성곱마다
# 뒤에 배치 정규화 층을 하나씩 둔 강좌 CNN입니다(정규화의 이동이 합성곱의 편향(bias)을 대신합니다).

# %%
def cnn_batchnorm():
    policy = models.fast_dtype_policy()
    model = keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(24, 5, use_bias=False, dtype=policy),
        layers.BatchNormalization(dtype=policy),
        layers.MaxPooling2D(2, dtype=policy),
        layers.ReLU(dtype=policy),
        layers.Conv2D(32, 3, use_bias=False, dtype=policy),
        layers.BatchNormalization(dtype=policy),
        layers.MaxPooling2D(2, dtype=policy),
        layers.ReLU(dtype=policy),
        layers.Flatten(dtype=policy),
        layers.Dense(256, activation="relu", dtype=policy),
        layers.Dense(10, activation="softmax", dtype="float32"),
    ], name="cnn_batchnorm")
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
                  metrics=["accuracy"])
    return model


course = models.RECIPES["cnn"]  # 배치 크기 256, 원 사이클 학습률 최대 0.02
with_batchnorm = measure("+ batch normalisation", cnn_batchnorm, augment=lambda batch: shake(batch, training=True),
                         batch_size=course.batch_size, peak_learning_rate=course.peak_learning_rate)

# %% [markdown]
# 강좌 CNN은 **원 사이클**(one-cycle) 학습률을 씁니다. 처음에는 높은 학습률까지 서서히 올라가고, 그다음
# 거의 없어질 때까지 천천히 내려갑니다(05강). 대신 Adam의 고정된 학습률을 그대로 쓰면 어떻게 될까요?

# %%
print(f"Adam's constant learning rate: {float(models.cnn().optimizer.learning_rate):g}")
constant_rate = measure("constant learning rate", models.cnn,
                        augment=lambda batch: shake(batch, training=True), peak_learning_rate=None)

# %% [markdown]
# ## 지금까지의 표
#
# 세 시드에 걸친 평균과 편차, 기본 모델에서 가장 약한 세 숫자와 8의 정확도, 실행 한 번의 학습 시간(초)입니다.

# %%
SHOWN = [*WEAKEST, 8] if 8 not in WEAKEST else WEAKEST  # 가장 약한 숫자들, 그리고 일부를 뺀 8


def table(results):
    print(f"{'version':45} {'test accuracy':>17}  " + "  ".join(f"digit {d}" for d in SHOWN) + "  train s")
    for name, runs in results.items():
        accuracy = 100 * np.array([run["accuracy"] for run in runs])
        digits = 100 * np.mean([run["per_digit"] for run in runs], axis=0)
        print(f"{name:45} {accuracy.mean():7.2f}% ± {accuracy.std():.2f}  "
              + "  ".join(f"{digits[d]:6.2f}%" for d in SHOWN)
              + f"  {np.mean([run['seconds'] for run in runs]):6.0f}")


table(results)

# %% [markdown]
# 표는 편차를 생각하며 읽어야 합니다. ±는 세 시드 사이의 편차입니다. 편차의 약 두 배보다 작은 차이는
# 우연일 수 있습니다.
#
# - **Keras 층으로 한 데이터 증강**(99.39%)은 3 에포크 뒤에 기본 모델(99.36%)보다 뚜렷이 낫지 않습니다. 차이는
#   편차 안에 있습니다. 3 에포크 동안 모델은 아직 학습 숫자 자체도 다 익히지 못합니다. 그래서 바뀐
#   사본이 아직 도움이 되지 않습니다. 데이터 증강은 모델을 더 오래 학습할 때 도움이 됩니다. 아래의 더 깊은
#   신경망이 그렇습니다. 내 손글씨에도 도움이 됩니다(06강).
# - **탄성 변형**은 정확도를 한 포인트 넘게 떨어뜨립니다(97.61%). 논문의 강도를 그대로 쓰면, 짧은 학습에는
#   일부 숫자가 너무 많이 바뀝니다. 위 그림에서 1에는 갈고리가 생기고, 4는 획 하나를 잃습니다.
# - **가장 약한 숫자의 추가 연습**은 그 숫자들을 돕지 못했습니다. 9는 98.98%에서 98.22%로 떨어졌습니다.
#   추가 사본은 보통의 데이터 증강보다 더 많이 돌리고 크기를 바꾼 것입니다. 가능한 이유가 하나 있습니다.
#   그만큼 돌린 9는 더 이상 테스트 데이터의 9처럼 보이지 않습니다.
# - **8을 15% 줄이기**는 8의 정확도를 조금만 바꿨습니다(99.42%에 비해 99.28%). MNIST는 거의 균형이 맞습니다.
#   가장 큰 클래스도 가장 작은 클래스의 1.25배뿐이고, 8은 아직 수천 개가 남아 있습니다. 재균형은 한
#   클래스의 예시가 다른 클래스보다 몇 배나 적을 때 중요합니다.
# - **배치 정규화**는 이 작은 신경망을 돕지 않습니다(99.32%). 그리고 실행마다 더 느립니다. 합성곱이 두 개이고
#   학습률 스케줄이 좋으면, 학습은 이미 안정적입니다.
# - **학습률 스케줄**이 가장 중요합니다. Adam의 고정 학습률로는 같은 모델이 99.01%에만 이릅니다.
#
# 그래서 짧은 학습에서는 어떤 변화도 혼자서 기본 강좌 CNN을 편차보다 크게 이기지 못합니다. 더 나아가려면
# 더 큰 신경망을 더 오래 학습해야 합니다.

# %% [markdown]
# ## 5단계: 더 깊은 신경망, 더 오래 학습하기
#
# 강좌 CNN은 몇 초 만에 학습되도록 작게 만들었습니다. `models.cnn_large`는 MNIST 순위표 맨 위에서 쓰는
# 고전적인 설계입니다. **합성곱-합성곱-풀링**(conv-conv-pool) 블록이 두 개 있습니다. 합성곱마다 뒤에 배치
# 정규화가 있고, 드롭아웃(dropout)도 씁니다. 이 모델의 레시피는 데이터 증강한 숫자로, 원 사이클 학습률로,
# 더 오래 학습합니다.

# %%
models.cnn_large().summary()
print("epochs in the recipe of cnn_large:", models.RECIPES["cnn_large"].epochs)

# %% [markdown]
# 이런 모델은 하나만 학습해도 몇 분이 넘게 걸립니다. 그리고 우리는 세 개가 필요합니다. 이 강의 안에서 하기에는
# 너무 깁니다. 그래서 터미널에서 시드 세 개로 학습합니다. 그다음 세 모델을 평균해서 **앙상블**을 만듭니다.
# 앙상블은 멤버들이 낸 확률(probability)의 평균을 돌려주는 하나의 모델입니다. 명령은 다음과 같습니다:
#
# ```bash
# mnist-course train --model ensemble --seed 1
# ```
#
# 이 명령은 멤버 하나가 끝날 때마다 저장합니다. 그래서 실행이 중간에 멈춰도, 다시 실행하면 멈춘 곳부터 이어 갑니다. 앙상블은
# 강좌 폴더의 `models` 폴더에 파일 하나, `ensemble.keras`로 저장합니다. 멤버마다 옆에 작은 메모가 붙습니다.
# 메모에는 그 멤버의 설정과 학습 시간이 적혀 있습니다.
#
# 다음 셀은 이 파일들을 모두 불러옵니다. 파일이 없으면 같은 명령을 지금 실행합니다. 빠른 모드에서는 아주
# 작은 멤버를 학습합니다. 전체 모드에서는 시간이 오래 걸립니다.

# %%
import json

from mnist_course import cli  # cli.main(["train", ...])은 `mnist-course train ...`을 실행합니다

COMMAND = ["train", "--model", "ensemble", "--seed", "1"]
ENSEMBLE_PATH = config.default_model_path().with_name("ensemble.keras")  # COMMAND가 앙상블을 저장하는 곳
MEMBERS = ENSEMBLE_PATH.with_name("ensemble.members")  # 그리고 각 멤버를 메모와 함께 저장하는 곳
if not ENSEMBLE_PATH.exists():
    small = ["--limit", "200", "--epochs", "1"] if FAST else []  # 빠른 모드: 아주 작은 멤버
    print("No saved ensemble: running `mnist-course " + " ".join(COMMAND + small) + "` now")
    cli.main(COMMAND + small)
ensemble = training.load_model(ENSEMBLE_PATH)
members = [training.load_model(path) for path in sorted(MEMBERS.glob("member_*.keras"))]
notes = [json.loads(path.read_text()) for path in sorted(MEMBERS.glob("member_*.json"))]
print(f"Loaded the ensemble of {len(members)} members from {config.display_path(ENSEMBLE_PATH)}")
print("made by: mnist-course", " ".join(COMMAND))
for note in notes:
    settings = note["settings"]
    member_epochs = settings["epochs"] or models.RECIPES[settings["model"]].epochs
    print(f"  seed {settings['seed']}: {settings['model']}, {member_epochs} epochs, computed in "
          f"{settings['precision']}, {note['train_seconds'] / 60:.1f} minutes of training")
ensemble_seconds = sum(note["train_seconds"] for note in notes)
print(f"the ensemble: {ensemble_seconds / 60:.1f} minutes of training in all")

# %% [markdown]
# 각 멤버, 앙상블, 그리고 **테스트 시점 증강**(test-time augmentation, TTA)을 쓴 앙상블입니다. 테스트 시점 증강은 테스트 숫자와,
# 그 숫자를 한 픽셀씩 옮긴 사본 네 개에 대한 답의 평균을 냅니다(`models.predict_proba_tta`).

# %%
member_probabilities = [models.predict_proba(member, test_images) for member in members]
member_accuracy = [100 * np.mean(p.argmax(axis=1) == test_labels) for p in member_probabilities]
results[f"cnn_large, {member_epochs} epochs"] = [
    {"accuracy": a / 100, "per_digit": training.evaluate(m, test_images, test_labels)["per_class_accuracy"],
     "seconds": n["train_seconds"]} for a, m, n in zip(member_accuracy, members, notes)]
ensemble_result = training.evaluate(ensemble, test_images, test_labels)
tta_result = training.evaluate(ensemble, test_images, test_labels, tta=True)
print(f"course CNN, plain (step 0): {100 * np.mean([run['accuracy'] for run in baseline]):.2f}%")
print("cnn_large, each seed:", ", ".join(f"{a:.2f}%" for a in member_accuracy),
      f"(mean {np.mean(member_accuracy):.2f}%)")
print(f"ensemble of {len(members)}: {100 * ensemble_result['accuracy']:.2f}%")
print(f"ensemble with test-time augmentation: {100 * tta_result['accuracy']:.2f}%")
print(f"mistakes: {int(np.sum(ensemble_result['predicted'] != test_labels))} of {len(test_labels)} test digits")

# %% [markdown]
# cnn_large 하나는 테스트 숫자의 99.66%에서 99.71%를 읽습니다. 평균은 99.69%입니다. 그래서 더 깊은 신경망은
# 이 강의의 기본 강좌 CNN(99.36%)보다 약 0.3 포인트 높습니다. 그 대가는 시간입니다. 멤버 하나의 학습에
# 7.7분에서 9.6분이 걸렸고, 앙상블 전체로는 25.5분이 걸렸습니다. (첫 번째 멤버는 한동안 다른 작업과 두
# 코어를 나눠 썼습니다. 그래서 더 오래 걸렸습니다.)
# 이 시간은 위에 출력된 멤버들의 메모에서 가져왔습니다. 멤버들은 bfloat16 명령어가 있는 CPU에서
# mixed_bfloat16으로 계산했습니다(이 강의의 끝을 보세요). bfloat16이 없는 노트북 컴퓨터에서는 더 오래 걸립니다.
#
# 세 모델의 앙상블은 99.71%를 읽고, 숫자 10,000개 중 29개를 틀립니다. 여기서는 멤버들의 평균보다 조금
# 나을 뿐이고, 가장 좋은 멤버보다는 낫지 않습니다. 테스트 시점 증강은 아무것도 더하지 않습니다(99.71%).
# 99.75% 이상에 이르는 발표된 앙상블은 신경망 15개에서 35개를 평균하고, 각 신경망은 훨씬 오래
# 학습했습니다(참고: Ciresan, Meier, Schmidhuber, 2012). 멤버 세 개로는 거기에 이르기에 부족합니다.

# %% [markdown]
# ## 각 단계의 비용은? 학습 시간에 따른 정확도
#
# 각 행은 모델의 한 버전이고, 이 강의의 순서대로 놓여 있습니다. 왼쪽은 테스트 정확도입니다(시드들의 평균이고,
# 막대는 편차를 보여 줍니다). 오른쪽은 시드 하나의 학습 시간입니다. 앙상블의 비용은 모든 멤버의 시간을
# 합한 것입니다. 시간 축은 로그 눈금입니다. 오른쪽으로 한 칸 갈 때마다 세 배 더 깁니다.

# %%
from matplotlib.ticker import FuncFormatter, LogLocator

rows = [(name, 100 * np.array([run["accuracy"] for run in runs]), np.mean([run["seconds"] for run in runs]) / 60)
        for name, runs in results.items()]
rows.append((f"ensemble of {len(members)} cnn_large", np.array([100 * ensemble_result["accuracy"]]),
             ensemble_seconds / 60))
names = [name for name, _, _ in rows]
accuracy = np.array([values.mean() for _, values, _ in rows])
spread = np.array([values.std() for _, values, _ in rows])
minutes = np.array([time_taken for _, _, time_taken in rows])
deep = np.array(["cnn_large" in name for name in names])  # 더 깊은 신경망과 그 앙상블
colours = np.where(deep, "tab:orange", "tab:blue")
y = np.arange(len(rows))

with plt.rc_context({"font.size": 13}):
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 0.55 * len(rows) + 1.6), sharey=True, layout="constrained")
    left.errorbar(accuracy, y, xerr=spread, fmt="none", ecolor="grey", capsize=4)
    left.scatter(accuracy, y, c=colours, s=60, zorder=3)
    low = np.floor(2 * (accuracy - spread).min() - 0.5) / 2  # 가장 낮은 점 아래의, 0.5% 단위로 떨어지는 값
    left.set_xlim(low, 100)
    for row, value in enumerate(accuracy):
        left.annotate(f"{value:.2f}", (value, row), xytext=(0, 9), textcoords="offset points", ha="center")
    left.set_xlabel(f"test accuracy (%; the axis starts at {low:g})")
    left.set_yticks(y, names)
    right.scatter(minutes, y, c=colours, s=60, zorder=3)
    for row, value in enumerate(minutes):
        right.annotate(f"{value:.1f} min" if value >= 1 else f"{60 * value:.0f} s", (value, row), xytext=(9, 0),
                       textcoords="offset points", va="center")
    right.set_xscale("log")
    right.set_xlim(minutes.min() / 2, minutes.max() * 8)  # 오른쪽에 라벨을 쓸 자리
    right.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0)))  # 0.1, 0.3, 1, 3, 10, 30 ...
    right.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    right.xaxis.set_minor_locator(LogLocator(base=10, subs="auto"))
    right.xaxis.set_minor_formatter(FuncFormatter(lambda value, _: ""))
    right.set_xlabel("training time in minutes (log scale)")
    for ax in (left, right):
        ax.grid(axis="x", alpha=0.4)
        ax.set_ylim(len(rows) - 0.4, -0.7)  # 첫 버전을 맨 위에, 라벨을 쓸 자리와 함께
    fig.suptitle("What each step costs: accuracy (left) and training time (right)")
    plt.show()

# %% [markdown]
# ## 남은 실수
#
# **모든** 모델, 즉 각 멤버와 앙상블이 모두 틀리는 테스트 숫자는 무엇일까요? 그중에서 앙상블이 자기 답을
# 가장 확신하는 열 개를 보여 줍니다. 하나씩 살펴보세요. 여러분이라면 레이블에 동의하겠습니까?

# %%
all_wrong = np.all([p.argmax(axis=1) != test_labels for p in member_probabilities], axis=0)
all_wrong &= ensemble_result["predicted"] != test_labels
confidence = ensemble_result["probabilities"].max(axis=1)
shown = np.flatnonzero(all_wrong)[np.argsort(-confidence[all_wrong])][:10]
print(f"{int(all_wrong.sum())} test digits are wrong for every model; "
      f"{int(np.sum(all_wrong & (confidence > 0.9)))} of them with more than 90% confidence")
titles = [f"#{i}: label {test_labels[i]}\nsays {ensemble_result['predicted'][i]} ({confidence[i]:.0%})" for i in shown]
if len(shown):
    plots.show_digits(test_images[shown], titles=titles, ncols=5, size=2.0,
                      suptitle="Wrong for every model, most confident first (# is the test index)")
    plt.show()

# %% [markdown]
# 첫 줄을 보세요. 테스트 이미지 #9729는 레이블이 5이지만 6처럼 보입니다. #1901은 레이블이 9이고 4처럼
# 보입니다. #2597은 레이블이 5이고 3처럼 보입니다. 이런 이미지에서는 아마 모델이 맞고 **레이블**이 틀렸을
# 것입니다. #6576(획이 끊긴 7) 같은 다른 이미지는 그냥 아주 어렵습니다. 가끔 여러 강한 모델이 높은 확신으로
# 함께 레이블과 다른 답을 냅니다. 그럴 때는 레이블을 확인하세요. 사람들은 바로 이렇게 MNIST 테스트 데이터의
# 레이블 실수를 찾았습니다(참고: Northcutt et al., 2021).

# %% [markdown]
# ## 어떤 숫자 형식을 쓸까? float32와 bfloat16
#
# bfloat16 명령어가 있는 CPU(최근의 Intel Xeon과 AMD)에서는 강좌가 **혼합 bfloat16**(mixed bfloat16)으로
# 계산합니다. 층은 16비트 숫자로 계산하고, 가중치(weight)는 float32로 남습니다. 이런 CPU에서는 이 방법이
# 더 빠릅니다. 대부분의 노트북 컴퓨터에는 bfloat16이 없어서 float32로 계산합니다. 환경 변수
# `MNIST_COURSE_PRECISION=float32`(또는 `mixed_bfloat16`)로 둘 중 하나를 강제할 수 있습니다. 이 강의와
# `mnist-course train`에 모두 적용됩니다.
#
# 위 앙상블의 시간은 이 형식에 따라 달라집니다. 멤버들의 메모에는 어떤 형식으로 학습했는지 적혀 있습니다:

# %%
print("this computer trains in:", models.fast_dtype_policy())
print("the ensemble's members were trained in:", ", ".join(sorted({note["settings"]["precision"] for note in notes})))

# %% [markdown]
# ## 배운 것
#
# - 테스트 숫자 몇 개만큼의 향상을 믿으려면, 각 버전을 여러 시드로 학습합니다. 그다음 평균을 편차와
#   비교합니다. 짧은 학습에서는 하나씩 바꾼 변화가 대부분 편차 안에 있었습니다.
# - 작은 강좌 CNN에서는 학습률 스케줄이 가장 중요했습니다. 데이터 증강, 추가 연습, 배치 정규화는 3 에포크
#   동안에는 도움이 되지 않았습니다. 너무 강한 탄성 변형은 오히려 해가 되었습니다.
# - MNIST는 거의 균형이 맞습니다. 그래서 재균형은 거의 아무것도 바꾸지 않습니다.
# - 배치 정규화를 쓴 더 깊은 합성곱-합성곱-풀링 신경망을 바뀐 숫자로 15 에포크 동안 학습하면, 약 0.3 포인트를
#   얻습니다. 여기서 세 모델의 앙상블은 아주 조금만 더했습니다. 단계마다 앞 단계보다 시간이 훨씬 많이 듭니다.
# - 남은 실수 중 일부는 레이블의 실수입니다.
#
# ## 다음
#
# [09강](09_logs_and_report.ipynb): 모든 예측(prediction)이 로그(log)로 기록되고, 그 로그는 그림이 있는
# 보고서(report)가 됩니다.
