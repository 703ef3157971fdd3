# %% [markdown]
# # 02 · 데이터 준비: 스케일링, 펼치기, 원-핫 레이블
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/02_one_hot_encoding.ipynb)
#
# **배울 내용:** 픽셀 값을 0-1로 스케일링(scaling)하는 이유를 배웁니다. 완전 연결 신경망(dense neural network)이
# 그림 한 장을 784개의 수가 놓인 긴 한 줄로 받아야 하는 이유도 배웁니다. 또 원-핫 레이블(one-hot label)이
# 무엇인지, 분류기(classifier)에 언제 필요한지 배웁니다.
#
# **이어지는 내용:** 01강(MNIST 배열과 그 모양).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 1분 미만, AVX-512와 bfloat16이 있는 CPU에서 1분 미만. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강의 라이브러리가 없으면 설치합니다(Google Colab에서, 약 30초).
# 두 번째 셀은 01강처럼 강의를 시작합니다. 세 번째 셀은 MNIST를 불러옵니다.

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
from mnist_course import data

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_mnist()

# %% [markdown]
# ## 1단계: 픽셀을 0-1로 스케일링하기
#
# 신경망은 입력마다 가중치(weight)를 곱하고 그 결과를 더합니다. 입력이 255까지 커지면 이 합이 아주 커집니다.
# 그러면 학습이 너무 크고 불안정한 걸음을 내딛습니다. 입력이 0부터 1 사이이면 같은 학습률(learning rate)이
# 잘 작동합니다. 그래서 255로 나눕니다. `data.scale`이 이 일을 합니다. 자료형도
# 정수(`uint8`)에서 소수(`float32`)로 바꿉니다.

# %% tags=["nbval-check-output"]
scaled_train = data.scale(train_images)
print("before:", train_images.dtype, train_images.min(), "to", train_images.max())
print("after: ", scaled_train.dtype, scaled_train.min(), "to", scaled_train.max())
print("black, half-grey, white:", data.scale(np.array([0, 128, 255], dtype=np.uint8)))

# %% [markdown]
# ### 실험: 스케일링이 정말 중요할까요?
#
# 작은 신경망을 두 번 학습시킵니다. 학습은 한 에포크(epoch) 동안만 합니다. 한 번은 원래 픽셀(0-255)로,
# 한 번은 스케일링한 픽셀(0-1)로 학습시킵니다. 이 신경망에는 유닛 64개짜리 은닉층(hidden layer)이 하나 있습니다
# (층은 03강에서 설명합니다). 다른 것은 모두 같습니다. 무작위 시작점도 같습니다.

# %%
num_train = 5000 if FAST else 60000  # 빠른 테스트 실행에서는 그림을 적게 씁니다


def train_simple_classifier(divide_by):
    """Train a small network (784 inputs -> 64 hidden units -> 10 outputs) for one epoch on pixels / divide_by.

    Returns the accuracy on the test set.
    """
    keras.utils.set_random_seed(0)  # 두 실행 모두 같은 무작위 시작
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    train_input = data.flatten(train_images[:num_train]).astype(np.float32) / divide_by
    test_input = data.flatten(test_images).astype(np.float32) / divide_by
    model.fit(train_input, train_labels[:num_train], epochs=1, batch_size=64, verbose=0)
    return model.evaluate(test_input, test_labels, verbose=0)[1]


raw_accuracy = train_simple_classifier(divide_by=1)
scaled_accuracy = train_simple_classifier(divide_by=255)
print(f"raw pixels 0-255:  test accuracy {raw_accuracy:.1%}")
print(f"scaled pixels 0-1: test accuracy {scaled_accuracy:.1%}")

# %% [markdown]
# 원래 픽셀을 쓰면 신경망 안의 합이 약 255배 너무 큽니다. 처음 학습 걸음이 너무 커서 신경망이 망가집니다.
# 그래서 정확도(accuracy)가 무작위로 고르는 것보다 나아지지 않습니다(약 11%. 무작위로 골라도 열 번에 한 번은 맞습니다).
# 전체 실행에서 스케일링한 신경망은 한 에포크 뒤에 약 93%에 이릅니다. 모델도 같고, 데이터도 같고,
# 무작위 시작점도 같습니다. 바뀐 것은 스케일뿐입니다.

# %% [markdown]
# ## 2단계: 그림 한 장을 한 줄로 펼치기
#
# 완전 연결층(dense layer, 03강)은 격자가 아니라 수의 목록을 받습니다. 그래서 그림의 28개 행을 차례로
# 이어 붙입니다. 28 × 28 = 784개의 수가 됩니다. `data.flatten`은 모든 그림에 이 일을 한 번에 합니다.

# %% tags=["nbval-check-output"]
flat_train = data.flatten(scaled_train)
print("before:", scaled_train.shape)
print("after: ", flat_train.shape)
print("row 5 of the first picture is now numbers", 5 * 28, "to", 5 * 28 + 27, "of its flat row")

# %% [markdown]
# 아래는 첫 번째 그림을 긴 한 줄로 나타낸 것입니다. 화면에 들어가도록 네 조각으로 잘랐습니다.
# 숫자는 여전히 그 안에 있지만 모양은 알아보기 어렵습니다. 완전 연결 신경망은 그 모양을 다시 배워야 합니다.
# 04강의 합성곱 신경망(convolutional neural network, CNN)은 격자를 그대로 둡니다.

# %%
figure, axes = plt.subplots(4, 1, figsize=(10, 3.5))
for piece, axis in enumerate(axes):
    axis.imshow(flat_train[0, piece * 196:(piece + 1) * 196][np.newaxis, :], cmap="gray", aspect="auto")
    axis.set_yticks([])
    axis.set_xticks([])
    axis.set_ylabel(f"from {piece * 196}", rotation=0, ha="right", va="center", fontsize=13)
figure.suptitle("The first training picture as 784 numbers in a row", fontsize=14)
plt.show()

# %% [markdown]
# ## 3단계: 원-핫 레이블
#
# 모델은 **열 개의 수**로 답합니다. 숫자마다 확률(probability)이 하나씩 있습니다. 이 답을 정답과 비교하려면
# 정답도 열 개의 수여야 합니다. 그래서 **원-핫 인코딩**(one-hot encoding)을 씁니다. 원-핫 인코딩은
# 레이블 3을 열 개의 수로 씁니다. 모두 0이고, 3번 자리만 1입니다:
#
# `3  ->  [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]`
#
# 왜 숫자 3을 출력 하나로 그대로 쓰지 않을까요? 숫자는 양이 아니라 이름이기 때문입니다. "7"은 "1"보다
# "많지" 않습니다. 4도 3과 5의 중간이 아닙니다. 출력이 하나면 모델은 이 잘못된 순서를 배웁니다.
# 출력이 열 개면 숫자마다 자기 자리가 생깁니다.
#
# Keras에는 이 일을 하는 함수가 있습니다. 바로 `keras.utils.to_categorical`입니다. 짧은 레이블 목록에 써 봅니다.

# %% tags=["nbval-check-output"]
example_labels = [2, 1, 3, 4, 5, 6, 1, 7, 8, 9, 0]
one_hot_labels = keras.utils.to_categorical(example_labels, num_classes=10)
print(one_hot_labels.astype(int))

# %% [markdown]
# 한 행이 레이블 하나입니다. 1은 그 숫자의 열에 있습니다. 그림으로 보면 행마다 밝은 칸이 하나 있습니다:

# %%
figure, axis = plt.subplots(figsize=(6, 5.5))
axis.imshow(one_hot_labels, cmap="Blues")
axis.set_xticks(range(10))
axis.set_yticks(range(len(example_labels)), labels=[f"label {label}" for label in example_labels])
axis.tick_params(labelsize=12)
axis.set_xlabel("place in the one-hot vector", fontsize=13)
axis.set_title("One-hot labels", fontsize=14)
plt.tight_layout()
plt.show()

# %% [markdown]
# 열 개의 수에서 숫자를 되찾으려면 이렇게 묻습니다. 가장 큰 수는 어디에 있을까요? 그 일을 하는 것이 `np.argmax`입니다.
# 나중에 모델의 확률 열 개에서 답을 읽을 때도 같은 방법을 씁니다.

# %% tags=["nbval-check-output"]
print(np.argmax(one_hot_labels, axis=1))

# %% [markdown]
# 강의 라이브러리는 `to_categorical`을 `data.one_hot`으로 감싸 두었습니다. 그래서 다음 강의들에서는 짧은 한 줄로 쓸 수 있습니다:

# %% tags=["nbval-check-output"]
train_one_hot = data.one_hot(train_labels)
print("labels:", train_labels.shape, "->", train_one_hot.shape)
print("first label", train_labels[0], "->", train_one_hot[0].astype(int))

# %% [markdown]
# ## 원-핫 레이블과 희소 레이블: 손실 함수는 두 개, 값은 하나
#
# Keras에 레이블을 주는 방법은 두 가지입니다. 방법마다 손실 함수(loss function)가 따로 있습니다:
#
# | 레이블 | 예 | 손실 함수 |
# |---|---|---|
# | 원-핫 | `[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]` | `categorical_crossentropy` |
# | 희소(sparse, 숫자 그대로) | `3` | `sparse_categorical_crossentropy` |
#
# 두 함수는 같은 값을 계산합니다. 모델이 정답 숫자에 준 확률의 로그(log)에 마이너스를 붙인 값입니다.
# 지어낸 모델의 답 세 개로 확인해 봅시다.

# %% tags=["nbval-check-output"]
model_answers = np.array([
    [0.05, 0.05, 0.70, 0.02, 0.02, 0.02, 0.04, 0.04, 0.03, 0.03],  # 2라고 꽤 확신합니다
    [0.10, 0.40, 0.10, 0.05, 0.05, 0.05, 0.05, 0.10, 0.05, 0.05],  # 확신이 없고, 1 쪽으로 기웁니다
    [0.01, 0.01, 0.01, 0.90, 0.01, 0.01, 0.01, 0.02, 0.01, 0.01],  # 3이라고 아주 확신합니다
], dtype=np.float32)
true_digits = np.array([2, 1, 3])

by_hand = -np.log(model_answers[np.arange(3), true_digits])
one_hot_loss = keras.losses.categorical_crossentropy(data.one_hot(true_digits), model_answers)
sparse_loss = keras.losses.sparse_categorical_crossentropy(true_digits, model_answers)
print("by hand:                ", np.round(by_hand, 4))
print("categorical (one-hot):  ", np.round(np.asarray(one_hot_loss), 4))
print("sparse (plain digits):  ", np.round(np.asarray(sparse_loss), 4))

# %% [markdown]
# 세 행이 일치합니다. 확신하고 맞힌 답(0.90)은 손실이 작습니다. 확신이 없는 답(0.40)은 손실이 더 큽니다.
# 학습은 이 값을 작게 만듭니다.
#
# 어느 쪽을 써야 할까요? 두 방법은 같은 모델을 학습시킵니다. 희소 레이블은 메모리를 아낍니다(수 열 개 대신 하나).
# 레이블이 클래스 하나가 아닐 때는 원-핫 레이블이 필요합니다. 한 예가 **레이블 스무딩**(label smoothing)입니다.
# 05강의 강의용 CNN이 이 방법을 씁니다. 레이블 스무딩은 목표값의 10분의 1을 열 개의 숫자 모두에 똑같이 나눠 줍니다.
# 그래서 정답 숫자는 1보다 조금 작은 값을 받고, 다른 숫자는 모두 0보다 조금 큰 값을 받습니다. 그러면 3의 목표값은 이렇습니다:

# %% tags=["nbval-check-output"]
label_smoothing = 0.1  # 강의용 CNN의 설정(05강)
smoothed_three = data.one_hot([3])[0] * (1 - label_smoothing) + label_smoothing / 10
print("one-hot 3: ", data.one_hot([3])[0].round(2))
print("smoothed 3:", smoothed_three.round(2))

# %% [markdown]
# 숫자 하나로는 이것을 나타낼 수 없습니다. 그래서 다음 강의들은 원-핫 레이블(`data.one_hot`)과
# `categorical_crossentropy`를 함께 씁니다. 두 방법을 모두 알아 두면 좋습니다. 다른 코드에서 둘 다 만나기 때문입니다.
#
# ## 배운 것
#
# - 픽셀을 0-255에서 0-1로 스케일링합니다. 그래야 학습이 알맞은 크기의 걸음을 내딛습니다. 한 에포크만으로도 차이가 보입니다.
# - 완전 연결 신경망은 28 × 28 그림을 784개의 수가 놓인 한 줄로 받아야 합니다(`data.flatten`).
# - 원-핫 인코딩은 숫자를 1이 하나뿐인 열 개의 수로 바꿉니다(`keras.utils.to_categorical`).
#   `np.argmax`는 그것을 다시 숫자로 바꿉니다.
# - 원-핫 레이블은 `categorical_crossentropy`와 함께 씁니다. 숫자 그대로의 레이블은
#   `sparse_categorical_crossentropy`와 함께 씁니다. 둘은 같은 손실 값을 줍니다.
#
# ## 다음
#
# [03강](03_mlp.ipynb): 첫 번째 신경망입니다. 숫자를 읽는 완전 연결 신경망을 만듭니다.
