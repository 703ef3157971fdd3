# %% [markdown]
# # 03 · 숫자를 읽는 완전 연결 신경망
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/03_mlp.ipynb)
#
# **배울 내용:** Keras로 완전 연결 신경망을 만들고 학습시키는 방법을 배웁니다. 이런 신경망(neural network)을
# 다층 퍼셉트론(multilayer perceptron, MLP)이라고도 합니다. 옵티마이저(optimizer) 여러 개를 비교하는 방법도 배웁니다.
# 또 체크포인트(checkpoint)로 가장 좋은 모델을 남깁니다. 조기 종료(early stopping)로 알맞은 때에 학습을 멈춥니다.
# 마지막으로 모델이 틀린 답을 찾아봅니다.
#
# **이어지는 내용:** 02강(스케일링한 픽셀, 펼친 그림, 원-핫 레이블).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 약 2분, AVX-512와 bfloat16이 있는 CPU에서 약 2분. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강의 라이브러리가 없으면 설치합니다(Google Colab에서, 약 30초).
# 두 번째 셀은 01강처럼 강의를 시작합니다.

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
from mnist_course import config, data, models, plots, training

# %% [markdown]
# ## 데이터
#
# MNIST를 불러오고 02강처럼 픽셀을 0-1로 스케일링합니다. 빠른 모드에서는 데이터의 작은 일부만 씁니다.
# 이때 숫자마다 같은 개수를 남깁니다. 그래서 노트북이 몇 초 만에 실행됩니다.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_course_data(
    train_per_class=config.pick(full=None, fast=200),
    test_per_class=config.pick(full=None, fast=100),
)
train_images = data.scale(train_images)
test_images = data.scale(test_images)
print("training images:", train_images.shape, " test images:", test_images.shape)

# %% [markdown]
# ## 첫 번째 완전 연결 신경망
#
# **완전 연결층**(dense layer)은 모든 입력을 모든 유닛에 연결합니다. 첫 번째 신경망은 이렇게 되어 있습니다:
#
# 1. `Flatten`: 28 × 28 그림이 784개의 수가 놓인 한 줄이 됩니다(02강).
# 2. `Dense(128, relu)`: 유닛이 128개입니다. 유닛마다 784개 픽셀 전체의 가중합을 구합니다. 그다음 활성화 함수(activation function) ReLU를 거칩니다(음수 → 0).
# 3. `Dense(10, softmax)`: 숫자마다 출력이 하나입니다. 소프트맥스(softmax)는 출력을 합이 1인 확률로 바꿉니다.
#
# Keras로는 이렇게 씁니다(강의 라이브러리의 `models.mlp_128`과 같습니다):

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
# **파라미터**(parameter)는 신경망이 배우는 수입니다. 파라미터는 어디서 나올까요? 128개 유닛은 각각 픽셀마다
# 가중치(weight)를 하나씩 가지고, 편향(bias)도 하나 가집니다. 10개 출력은 각각 유닛마다 가중치를 하나씩 가지고,
# 편향도 하나 가집니다.

# %% tags=["nbval-check-output"]
print("hidden layer:", 784 * 128 + 128)
print("output layer:", 128 * 10 + 10)
print("total:       ", first_model.count_params())

# %% [markdown]
# ## 학습
#
# `model.fit`은 신경망에 학습 그림을 보여 주고 또 보여 줍니다. 학습 그림 전체를 한 번 다 보는 것을
# **에포크**(epoch)라고 합니다. 레이블은 원-핫입니다(02강). 학습 그림의 10분의 1은 **검증 데이터**(validation data)로
# 따로 떼어 둡니다. 신경망은 이 그림에서 배우지 않습니다. 그래서 검증 데이터는 신경망이 새 그림에서 얼마나 잘하는지 알려 줍니다.

# %%
num_epochs = config.pick(full=5, fast=2)
history = first_model.fit(
    train_images,
    data.one_hot(train_labels),
    epochs=num_epochs,
    batch_size=128,
    validation_split=0.1,
    verbose=0,  # 진행 막대는 없이 ...
    callbacks=[training.EpochLine(num_epochs)],  # ... 에포크마다 짧은 한 줄만
)

# %% [markdown]
# **손실**(loss)은 내려갑니다. 예측(prediction)이 정답 레이블에 가까워진다는 뜻입니다. **정확도**(accuracy)는 올라갑니다.
# `plots.plot_history`는 학습 그림과 검증 그림에 대해 둘을 모두 그립니다:

# %%
plots.plot_history(history, title="Dense(128)")
plt.show()

# %% [markdown]
# 첫 번째 에포크를 보세요. 검증 정확도(`val_acc`)가 학습 정확도(`acc`)보다 높습니다.
# 신경망이 배우지 않은 그림에서 어떻게 더 잘할 수 있을까요? 두 값은 서로 다른 때에 잰 것입니다.
# 학습 정확도는 에포크 전체의 평균입니다. 그동안 신경망은 아직 배우는 중이었습니다.
# 검증 정확도는 에포크가 끝날 때 한 번 잽니다. 그때는 가중치가 더 좋아져 있습니다.

# %% [markdown]
# 이제 진짜 시험입니다. 테스트 데이터(test data)의 그림 10,000장은 신경망이 한 번도 본 적이 없습니다.

# %%
first_result = training.evaluate(first_model, test_images, test_labels)
print(f"test accuracy: {first_result['accuracy']:.2%}")

# %% [markdown]
# 전체 실행에서 이 값은 약 97%입니다. 단순한 신경망이 숫자 100개 가운데 97개를 바르게 읽습니다.

# %% [markdown]
# ## 체크포인트와 조기 종료
#
# 에포크는 몇 번이면 충분할까요? 너무 적으면 신경망이 배울 수 있는 것을 다 배우지 못합니다. 너무 많으면
# 신경망이 숫자를 배우는 대신 학습 그림을 외우기 시작합니다(**과적합**, overfitting). 그러면 학습 손실은
# 계속 내려가지만 검증 손실은 다시 올라갑니다. Keras의 **콜백**(callback) 두 개가 이 문제를 처리해 줍니다.
# 콜백은 Keras가 에포크가 끝날 때마다 부르는 함수입니다:
#
# - `ModelCheckpoint(monitor="val_loss", save_best_only=True)`: 검증 손실이 지금까지 가장 좋을 때마다
#   가중치를 파일에 저장합니다. 학습이 끝나면 그 파일을 불러옵니다. 마지막 에포크가 아니라 **가장 좋은**
#   에포크를 남기는 것입니다.
# - `EarlyStopping(monitor="val_loss", patience=3)`: 검증 손실이 3 에포크 동안 좋아지지 않으면
#   학습을 멈춥니다.
#
# 더 넓은 신경망인 `models.mlp_512`로 해 봅니다. 유닛이 512개이고 **드롭아웃**(dropout)을 씁니다.
# 드롭아웃은 학습하는 동안 걸음마다 유닛의 5분의 1을 무작위로 끕니다. 그래서 신경망은 어느 한 유닛에만
# 기댈 수 없습니다. 에포크를 많이 주고, 언제 멈출지는 조기 종료가 정하게 합니다.

# %%
import tempfile
from pathlib import Path

keras.utils.set_random_seed(1)  # 실행할 때마다 같은 무작위 시작
wide_model = models.mlp_512()
best_weights_file = Path(tempfile.mkdtemp()) / "best.weights.h5"  # 이 강의가 실행되는 동안만 필요합니다
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
wide_model.load_weights(best_weights_file)  # 가장 좋은 에포크로 되돌립니다
validation_losses = wide_history.history["val_loss"]
print(f"ran {len(validation_losses)} of {max_epochs} epochs; best validation loss at epoch "
      f"{np.argmin(validation_losses) + 1}; the model now holds that epoch's weights")

# %%
plots.plot_history(wide_history, title="Dense(512) with dropout")
plt.show()

# %% [markdown]
# 손실 곡선을 보세요. 학습 손실은 계속 내려가지만 검증 손실은 더 좋아지지 않습니다.
# 바로 그때가 멈출 때입니다. 위의 출력 줄은 조기 종료가 언제 학습을 끝냈는지 알려 줍니다.
# 어느 에포크의 가중치를 남겼는지도 알려 줍니다.
#
# 처음 몇 에포크에서는 이번에도 검증 정확도가 학습 정확도보다 높습니다. 드롭아웃이 두 번째 이유입니다.
# 드롭아웃은 학습하는 동안 켜져 있습니다. 그래서 학습 때의 답은 유닛의 5분의 1이 꺼진 신경망이 낸 것입니다.
# 검증할 때는 Keras가 드롭아웃을 끕니다. 그러면 모든 유닛이 함께 일합니다.

# %% [markdown]
# ## 학습 도우미 함수
#
# 이제부터는 `training.train`으로 학습시킵니다. 이 함수는 같은 `fit`을 같은 두 콜백과 함께 실행합니다.
# 에포크마다 같은 한 줄도 출력합니다. 끝나면 가장 좋은 가중치를 불러옵니다. 작은 일도 세 가지 더 합니다:
#
# - 숫자 레이블을 직접 원-핫 인코딩합니다.
# - `seed`를 받습니다. 그래서 같은 실행을 되풀이할 수 있습니다.
# - 학습률(learning rate) 스케줄을 따를 수 있습니다(아래의 마지막 신경망을 보세요).
#
# 이 함수는 `fit`과 같은 학습 기록을 돌려줍니다.
#
# ## 더 깊은 신경망: RMSprop일까요, Adam일까요?
#
# 더 깊은 신경망에는 은닉층(hidden layer)이 네 개 있습니다. 유닛 수는 512-256-128-64입니다. 이 신경망은
# **RMSprop** 옵티마이저로 학습시킵니다. 옵티마이저는 배치(batch)마다 가중치를 바꾸는 규칙입니다.
# 같은 신경망을 두 번 학습시킵니다. 한 번은 RMSprop으로, 한 번은 **Adam**으로 학습시킵니다.
# 그리고 검증 정확도를 비교합니다.

# %%
deep_rmsprop = models.mlp_deep()  # RMSprop으로 컴파일되어 있습니다
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
# 전체 실행에서 둘 다 98% 가까이에서 끝납니다. Adam은 가중치마다 걸음 크기를 따로 맞춥니다. 그래서 보통
# 조금 더 빠르고 고르게 배웁니다. RMSprop도 비슷합니다. 옵티마이저는 신경망과 데이터보다 덜 중요합니다.

# %% [markdown]
# ## 강의에서 가장 좋은 완전 연결 신경망
#
# Yann LeCun의 결과 표에는 은닉 유닛이 800개인 완전 연결 신경망이 98.4%로 올라 있습니다(참고: MNIST
# 페이지, yann.lecun.com/exdb/mnist). 우리의 가장 좋은 완전 연결 신경망은 `models.mlp`입니다. 유닛 800개짜리
# 층이 두 개 있고 드롭아웃을 씁니다. 또 **원사이클 학습률**(one-cycle learning rate)을 씁니다. 걸음 크기가
# 학습의 처음 5분의 1 동안 커집니다. 그다음 천천히 줄어 거의 0이 됩니다. 큰 걸음은 빨리 배웁니다.
# 마지막의 작은 걸음은 가중치를 안정시킵니다.

# %%
best_mlp = models.mlp()
best_history = training.train(best_mlp, train_images, train_labels,
                              epochs=config.pick(full=15, fast=3), seed=1)

# %% [markdown]
# ## 테스트 데이터로 비교한 모든 완전 연결 신경망

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
# 전체 실행에서 800-800 신경망은 약 98.7%에 이릅니다. 완전 연결 신경망 가운데 가장 좋습니다. 이 신경망은
# 다른 신경망과 세 가지가 한꺼번에 다릅니다. 유닛이 더 많고, 드롭아웃이 더 많고, 원사이클 학습률을 씁니다.
# 그래서 이 표로는 셋 가운데 무엇이 가장 도움이 되었는지 알 수 없습니다.

# %% [markdown]
# ## 어디서 틀릴까요?
#
# 정확도는 값 하나입니다. *어떤* 숫자가 어려운지 보려면 개수를 세어야 합니다. 정답 숫자(행)마다 신경망이
# 각 숫자(열)를 몇 번 골랐는지 셉니다. 이것이 **혼동 행렬**(confusion matrix)입니다. 몇 줄이면 됩니다.
# 0으로 채운 10 × 10 표에서 시작합니다. 테스트 그림마다 *정답 숫자* 행, *예측한 숫자* 열에 1을 더합니다.

# %%
best_result = results["800-800 + dropout"][1]
predicted_digits = best_result["predicted"]  # 테스트 그림마다 확률이 가장 높은 숫자
confusion = np.zeros((10, 10), dtype=int)
for true_digit, predicted_digit in zip(test_labels, predicted_digits):
    confusion[true_digit, predicted_digit] += 1
print(confusion)

# %% [markdown]
# 맞힌 답은 대각선에 있고, 틀린 답은 나머지 모든 곳에 있습니다. 두 가지를 확인합니다. 대각선을 그림 수로
# 나누면 정확도가 됩니다. 그리고 `training.confusion_matrix`도 같은 표를 셉니다(`plots.plot_confusion_matrix`가
# 그리는 표입니다).

# %%
print(f"diagonal / all images: {np.trace(confusion) / confusion.sum():.2%}")
print("same as training.confusion_matrix:",
      np.array_equal(confusion, training.confusion_matrix(test_labels, predicted_digits)))

# %% [markdown]
# 이제부터는 `plots.plot_confusion_matrix`가 세고 그리게 합니다. 이 함수는 틀린 답에만 색을 칠합니다.
# 그래서 몇 안 되는 큰 실수가 눈에 잘 띕니다.

# %%
plots.plot_confusion_matrix(test_labels, predicted_digits, title="800-800 network: confusion matrix")
plt.show()

# %%
plots.plot_per_class_accuracy(test_labels, predicted_digits)
plt.show()

# %% [markdown]
# 이제 실수 자체를 봅니다. 신경망이 가장 큰 신뢰도(confidence)로 틀린 테스트 숫자들입니다.
# 각 제목은 *정답 숫자 → 예측한 숫자*와 신경망의 신뢰도를 보여 줍니다.

# %%
plots.plot_mistakes(test_images, test_labels, best_result["probabilities"], count=20)
plt.show()

# %% [markdown]
# 이 가운데 많은 숫자는 사람에게도 어렵습니다. 다른 숫자들은 우리에게 쉽습니다. 완전 연결 신경망은
# 784개의 따로 떨어진 수를 봅니다. 이웃한 픽셀이 서로 이어져 있다는 것을 모릅니다. 획이 조금만 옮겨져도
# 신경망에게는 새로운 패턴입니다. 합성곱(convolution, 04강)이 바로 이 문제를 해결합니다.
#
# 왜 많은 제목에 100%라고 나올까요? 제목은 신뢰도를 정수 퍼센트로 반올림합니다. 그래서 99.5% 이상은
# 100%로 보입니다. 아래 셀은 신뢰도를 더 많은 자릿수로 출력합니다.

# %%
probabilities = best_result["probabilities"]
wrong = np.flatnonzero(predicted_digits != test_labels)
confidence = probabilities[wrong, predicted_digits[wrong]]  # 틀린 답을 신경망이 얼마나 확신했는지
most_sure = np.sort(confidence)[::-1][:20]  # 갤러리에 나온 실수 20개
print(f"mistakes: {len(wrong)}")
print(f"confidence of the 20 shown: from {most_sure.min():.4%} to {most_sure.max():.4%}")
print(f"mistakes with a confidence of 99.5% or more (shown as 100%): {np.sum(confidence >= 0.995)}")

# %% [markdown]
# 신경망은 틀린 답 여럿을 거의 완전히 확신합니다. 학습 손실은 거의 0까지 내려갔습니다. 이렇게 학습한 신경망은
# 아주 높은 확률을 내도록 배웁니다. 틀릴 때도 마찬가지입니다. 신경망의 신뢰도는 맞을 확률이 아닙니다.
# 06강에서는 이것을 재고, 신뢰도를 더 정직하게 만듭니다(**보정**, calibration).

# %% [markdown]
# ## 배운 것
#
# - 완전 연결 신경망은 그림을 펼치고 모든 픽셀을 모든 유닛에 연결합니다. `Dense(128)`에는 파라미터가 101,770개
#   있습니다. 이 신경망은 5 에포크 뒤에 테스트 숫자의 약 97%를 읽습니다.
# - `fit`은 정한 에포크 수만큼 학습시킵니다. 검증 데이터는 신경망이 과적합되기 시작하는 때를 보여 줍니다.
# - 체크포인트(`ModelCheckpoint`)는 가장 좋은 가중치를 남깁니다. `EarlyStopping`은 알맞은 때에 학습을 끝냅니다.
#   이제부터는 `training.train`이 둘 다 해 줍니다.
# - 혼동 행렬은 (정답 숫자, 예측한 숫자) 쌍마다 개수를 셉니다. 대각선에는 맞힌 답이 있습니다.
# - Adam과 RMSprop은 비슷한 결과를 냅니다.
# - 가장 좋은 완전 연결 신경망(유닛 800-800개, 드롭아웃, 원사이클 학습률)은 약 98.7%에 이릅니다.
#   혼동 행렬과 갤러리가 이 신경망의 실수를 보여 줍니다.
# - 틀린 답도 100%에 가까운 신뢰도를 가질 수 있습니다. 신뢰도는 맞을 확률이 아닙니다.
#
# ## 다음
#
# [04강](04_convolution_and_pooling.ipynb): 합성곱과 풀링(pooling)을 배웁니다. 이 두 연산 덕분에 신경망은
# 따로 떨어진 픽셀 대신 모양을 볼 수 있습니다.
