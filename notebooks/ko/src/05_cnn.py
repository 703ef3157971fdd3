# %% [markdown]
# # 05 · 합성곱 신경망(CNN)
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/05_cnn.ipynb)
#
# **배울 내용:** 합성곱(convolution), 풀링(pooling), 완전 연결층(dense layer)으로 합성곱 신경망(convolutional neural network, CNN)을 만드는
# 방법을 배웁니다. 여러 합성곱 신경망의 정확도, 크기, 속도를 비교합니다. 드롭아웃이 무엇을 하는지, 학습한 합성곱
# 신경망이 무엇을 보는지도 봅니다. 마지막으로 다음 강에서 쓸 강좌 CNN을 저장합니다.
#
# **이어지는 내용:** 03강(학습, 체크포인트, 평가)과 04강(합성곱과 풀링).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 약 2분, AVX-512와 bfloat16이 있는 CPU에서 약 2분. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강좌 라이브러리가 없을 때 설치합니다(Google Colab에서, 약 30초 걸립니다).
# 두 번째 셀은 강의를 시작합니다. `lesson.start()`는 TensorFlow의 시작 메시지를 숨기고, 버전을 확인하고,
# 난수 시드를 정합니다. `FAST`는 빠른 테스트 실행에서만 True입니다.

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
from mnist_course import calibration, config, data, models, plots, training

# %% [markdown]
# ## 채널 축이 있는 데이터
#
# `Conv2D` 층은 이미지마다 **채널**(channel)이 있기를 기대합니다. 컬러 사진은 채널이 3개(빨강, 초록,
# 파랑)이고, 우리의 회색 숫자는 1개입니다. `data.add_channel`이 이 축을 붙입니다. (강좌의 학습 함수와 예측
# 함수가 이 일을 대신 해 줍니다. 하지만 한 번은 직접 보면 좋습니다.)

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
# ## CNN 네 개
#
# 셋은 여러 MNIST 튜토리얼에 나오는 CNN이고, 하나는 강좌의 CNN입니다. 가장 간단한 것부터 봅니다.
# 3 × 3 마스크 32개를 쓰는 합성곱 하나, 최대 풀링 하나, 그리고 03강처럼
# 완전 연결층 하나입니다.

# %%
models.cnn_simple().summary()

# %% [markdown]
# 나머지는 짧게 소개합니다:
#
# - **합성곱 세 개** (`models.cnn_three_conv`): 마스크가 32개, 64개, 64개이고, 사이사이에 풀링이 있습니다.
# - **합성곱-합성곱-풀링-드롭아웃** (`models.cnn_dropout`, Keras MNIST 예제의 CNN): 합성곱 두 개(마스크 32개와
#   64개), 그다음 풀링, **드롭아웃**(dropout), 128 유닛의 완전 연결층, 그리고 다시 드롭아웃입니다.
# - **강좌 CNN** (`models.cnn`): 노트북 컴퓨터에서 빠르게 학습하도록 설계했습니다.
#
# CNN은 어디에 시간을 쓸까요? 큰 이미지 위의 합성곱에 씁니다. 합성곱은 모든 위치에서 마스크를 하나하나
# 계산하기 때문입니다. 합성곱-합성곱-풀링-드롭아웃 CNN의 두 번째 합성곱은 3 × 3 마스크 64개를 채널 32개 위에서
# 24 × 24 위치마다 계산합니다. 이미지 한 장마다 64 × 32 × 9 × 24 × 24, 곧 약 1,100만 번의 곱셈입니다.
# 강좌 CNN은 넓은 5 × 5 마스크를 몇 개만 씁니다. 그리고 첫 번째 합성곱 **바로 뒤에서** 풀링합니다. 그래서
# 두 번째 합성곱은 12 × 12 위치만 봅니다:

# %%
course_model = models.cnn()
course_model.summary()

# %% [markdown]
# 강좌 CNN은 **원-사이클 학습률**(one-cycle learning rate)로 학습합니다. 학습률은 중간에 높고, 끝에서는
# 거의 0입니다. 그리고 **레이블 스무딩**(label smoothing)을 씁니다. 정답 숫자의 목표값이 1이 아니라 0.91입니다.
# 그래서 신경망이 지나치게 확신하지 않습니다. 두 방법 모두 몇 에포크(epoch) 만에 학습하는 데 도움이 됩니다.
#
# 강좌 CNN은 바꾼 숫자로도 학습합니다. 살짝 돌리고, 비스듬히 기울이고, 크기를 바꾸고, 옮기고, 더 가늘거나 굵은 펜으로 다시 그린 숫자입니다.
# 에포크마다 새로운 변화가 생깁니다. 사람이 직접 쓴 숫자는 바로 이런 점에서 MNIST 숫자와 다릅니다(06강에서 이유를 봅니다).
# 레이블 스무딩에는 부작용이 하나 있습니다. 학습한 신경망은 확신할 때도 숫자에 0.91보다 높은 확률(probability)을
# 거의 주지 않습니다. 0.91이 목표값이기 때문입니다. 학습이 끝난 뒤 *온도*(temperature)가 이것을 바로잡습니다(06강에서 설명합니다).
#
# 속도를 높이는 방법이 하나 더 있습니다. 컴퓨터가 지원할 때만 씁니다. **bfloat16** 명령어가 있는 CPU에서는 강좌 CNN이
# 32비트 수 대신 16비트 수로 계산합니다. 약 두 배 빠릅니다. 가중치는 그대로 32비트 수로 보관합니다. 다른 컴퓨터에서는
# 32비트 수를 씁니다. 이 컴퓨터는 다음을 씁니다:

# %%
print(models.fast_dtype_policy())

# %% [markdown]
# ## 나란히 비교하기
#
# 튜토리얼 CNN 세 개는 각각 두 에포크 동안 학습합니다. 강좌 CNN은 자기 레시피를 따릅니다(에포크 수는 표에
# 나옵니다). 그다음 테스트 정확도(accuracy), 파라미터 수, 에포크당 초를 비교합니다.
#
# 네 모델 모두 학습 이미지의 마지막 10분의 1을 따로 둡니다. 이 이미지로 에포크가 끝날 때마다 각 모델을
# 확인하고, 가장 좋은 에포크를 남깁니다(03강). 강좌 CNN은 `training.train_calibrated`로 학습합니다.
# 강좌 CNN은 이 이미지로 얼마나 확신해야 하는지도 정합니다. 이것이 **온도**이고, 06강에서 설명합니다.
# 온도는 어떤 답도 바꾸지 않습니다. 그래서 다른 모델처럼 정확도는 테스트 데이터로 측정합니다.

# %%
held_out = training.held_out_count(len(train_images))  # 마지막 10분의 1
print(f"each model trains on the first {len(train_images) - held_out:,} images; the last {held_out:,} check it")
comparison = {}
for name in ["cnn_simple", "cnn_three_conv", "cnn_dropout", "cnn"]:
    print(f"--- {name}: {models.DESCRIPTIONS[name]}")
    config.set_seed(1)
    if name == "cnn":  # 강좌 CNN: 자기 레시피로 학습한 뒤 온도를 정합니다(마지막 10분의 1로)
        model, history = training.train_calibrated(
            "cnn", train_images, train_labels, seed=1,
            batch_size=config.pick(full=None, fast=64))  # None: 레시피의 값, fast: 적은 이미지로 더 많은 단계
    else:
        model = models.build(name)
        history = training.train(model, train_images, train_labels, epochs=config.pick(full=2, fast=1), seed=1)
    comparison[name] = (model, history, training.evaluate(model, test_images, test_labels))

# %%
print(f"{'model':16} {'parameters':>11} {'epochs':>7} {'s / epoch':>10} {'test accuracy':>14}")
for name, (model, history, result) in comparison.items():
    seconds = history.history["seconds"][-1]  # 마지막 에포크: 첫 에포크는 계산 준비도 합니다
    print(f"{name:16} {model.count_params():>11,} {len(history.history['seconds']):>7} "
          f"{seconds:>10.1f} {result['accuracy']:>14.2%}")

# %% [markdown]
# 전체 실행에서 강좌 CNN은 99.46%에 도달합니다. 다른 어떤 CNN보다 높습니다. 에포크도 가장 빠른 편입니다.
# 에포크를 늘리면 다른 모델도 가까워집니다. 강좌의 벤치마크에서 합성곱 세 개 CNN은 5 에포크 뒤 98.89%에
# 도달합니다(참고: README의 벤치마크 표, `bench/benchmark_models.py`로 측정).
# 합성곱-합성곱-풀링-드롭아웃 CNN은 9 에포크 뒤 99.09%에 도달하며, 여기까지 5분 넘게 걸립니다
# (참고: 같은 표). 가장 좋은 완전 연결 신경망은 98.69%에 도달했습니다(참고: 03강).
#
# 파라미터가 적다고 더 나쁜 신경망은 아닙니다. 강좌 CNN의 파라미터 수는 합성곱-합성곱-풀링-드롭아웃 CNN의
# 5분의 1도 되지 않습니다.

# %% [markdown]
# ## 강좌 CNN의 손실은 왜 이렇게 높을까요?
#
# 위의 에포크 줄들을 보세요. 전체 실행에서 튜토리얼 CNN 세 개의 학습 손실(loss)은 0.1 아래로 끝납니다.
# 강좌 CNN의 손실은 0.5 위에 머뭅니다. 그런데도 테스트 숫자를 더 많이 맞게 읽습니다. 이유는 레이블
# 스무딩입니다.
#
# 레이블 스무딩을 쓰면 7의 목표값은 "7은 1, 다른 숫자는 0"이 아닙니다. 7은 0.91이고, 다른 숫자는 각각
# 0.01입니다. 완벽한 답을 내는 모델은 정확히 이 확률을 냅니다. 그래도 손실은 0이 아닙니다:

# %%
smoothing = models.RECIPES["cnn"].label_smoothing
target = np.full(10, smoothing / 10)  # 숫자마다 0.01 ...
target[7] += 1 - smoothing            # ... 그리고 정답인 7에는 0.91
print("label smoothing:", smoothing)
print("the course CNN's target for a 7:", np.round(target, 2))
print(f"the loss of a perfect answer: {-(target * np.log(target)).sum():.2f}")
for name, (model, history, result) in comparison.items():
    print(f"{name:16} loss in the last epoch: training {history.history['loss'][-1]:.3f}, "
          f"validation {history.history['val_loss'][-1]:.3f}")

# %% [markdown]
# 그래서 강좌 CNN의 바닥은 0.5이고, 손실은 그 바로 위에 머뭅니다. 튜토리얼 CNN 세 개에는 레이블 스무딩이
# 없습니다. 이 모델들의 바닥은 0입니다. 손실은 목표값이 같은 모델끼리만 비교할 수 있습니다.

# %% [markdown]
# ## 드롭아웃
#
# 합성곱-합성곱-풀링-드롭아웃 CNN은 학습 단계마다 풀링 뒤의 수 가운데 무작위로 4분의 1을 끕니다. 완전
# 연결층 유닛의 절반도 끕니다. 신경망은 어느 한 유닛에만 기댈 수 없습니다. 그래서 더 일반적인 특성을 학습합니다. 드롭아웃은
# 학습 중에만 작동합니다. 테스트에서는 신경망 전체를 씁니다.
#
# 학습 곡선에서 이것을 볼 수 있습니다. **학습** 정확도(드롭아웃을 켜고 측정)가 **검증**(validation) 정확도(드롭아웃
# 없이 측정)보다 낮습니다.

# %%
plots.plot_history(comparison["cnn_dropout"][1], title="Conv-conv-pool-dropout CNN")
plt.show()

# %% [markdown]
# 강좌 CNN에는 드롭아웃이 없습니다. 몇 에포크만 학습하므로, 학습 이미지를 하나하나 외울 만큼 학습하지
# 않습니다. 레이블 스무딩도 비슷한 역할을 합니다. 강좌 CNN의 곡선입니다:

# %%
cnn_model, cnn_history, cnn_result = comparison["cnn"]
plots.plot_history(cnn_history, title="Course CNN")
plt.show()

# %% [markdown]
# ## 강좌 CNN의 실수
#
# 이제 혼동 행렬(confusion matrix)을 보면, 대각선 바깥의 칸이 거의 모두 비어 있습니다. 대각선 바깥은 틀린 답입니다.

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
# 남은 실수는 대부분 사람도 읽기 어려운 숫자이거나, 특이한 방식으로 쓴 숫자입니다.

# %% [markdown]
# ## CNN이 보는 것
#
# 보정(calibration)한 모델은 학습한 신경망 뒤에 온도 층을 붙인 것입니다.
# `calibration.uncalibrated`는 그 안의 신경망을 합성곱과 함께 돌려줍니다.
#
# 첫 번째 합성곱은 5 × 5 마스크 24개를 학습했습니다. 빨간색은 양수 가중치, 파란색은 음수 가중치입니다.
# 일부는 04강의 에지 필터(edge filter)처럼 보입니다. 빨간 쪽 옆에 파란 쪽이 있고, 각도가 여러 가지입니다.
# 다른 것은 알아보기 어렵습니다. 몇 에포크면 쓸모 있는 마스크를 배우기에 충분합니다. 하지만 늘 깔끔한
# 마스크가 되지는 않습니다.

# %%
network = calibration.uncalibrated(cnn_model)  # 온도 층을 뺀 신경망
print("the calibrated model:", [layer.name for layer in cnn_model.layers[1:]])
plots.plot_filters(network)
plt.show()

# %% [markdown]
# 다음은 이 마스크들이 테스트 숫자 하나에서 만드는 결과입니다. 마스크마다 **특성 맵**(feature map)이 하나씩
# 나옵니다. 각 맵은 그 마스크가 자기 패턴을 찾은 곳에서 밝아집니다. 한 방향의 에지, 획의 안쪽, 배경 같은
# 패턴입니다.

# %%
example_index = np.flatnonzero(test_labels == 5)[0]  # 곡선과 직선 획이 있는 숫자
example = test_images[example_index]
plots.plot_feature_maps(network, example, layer_index=0, count=15)
plt.show()

# %% [markdown]
# 두 번째 합성곱은 이 맵들을 조합합니다. 두 번째 합성곱의 맵은 더 작고(10 × 10) 더 추상적입니다. "여기에
# 에지가 있나?"보다는 "위쪽에 고리가 있나?" 같은 질문에 답합니다.

# %%
plots.plot_feature_maps(network, example, layer_index=1, count=15)
plt.show()

# %% [markdown]
# ## 예측 하나는 얼마나 빠를까요?
#
# 그림 앱은 숫자마다 모델을 한 번 부릅니다. Keras의 `model.predict`는 큰 데이터셋을 위해 만들었습니다. 그래서
# 부를 때마다 먼저 데이터 파이프라인과 콜백을 준비합니다. 모델을 직접 부르면 이 준비를 건너뜁니다.
# `models.predict_proba`가 그렇게 합니다. 숫자 하나로 두 방법의 시간을 잽니다:

# %%
import time


def milliseconds_per_call(predict, calls=20):
    """The mean time of one call, in milliseconds. The first call prepares the computation: it is not timed."""
    predict()
    started = time.perf_counter()
    for _ in range(calls):
        predict()
    return (time.perf_counter() - started) / calls * 1000


one_digit = models.shape_for(cnn_model, example)  # 이미지 한 장짜리 배치: (1, 28, 28, 1)
print(f"model.predict:        {milliseconds_per_call(lambda: cnn_model.predict(one_digit, verbose=0)):5.1f} ms")
print(f"models.predict_proba: {milliseconds_per_call(lambda: models.predict_proba(cnn_model, example)):5.1f} ms")
probabilities = models.predict_proba(cnn_model, example)[0]
print(f"the model reads a {probabilities.argmax()} (probability {probabilities.max():.1%}); "
      f"the true label is {test_labels[example_index]}")

# %% [markdown]
# 두 방법은 같은 확률을 냅니다. 하지만 숫자 하나에는 `models.predict_proba`가 훨씬 빠릅니다. 07강의 그림판(drawing pad)은
# 획을 그을 때마다 이 함수를 씁니다.

# %% [markdown]
# ## 다음 강을 위해 모델 저장하기
#
# 보정한 강좌 CNN을 `.keras` 파일 하나에 저장합니다. 층, 가중치, 온도가 모두 들어갑니다.
# 06강, 07강, 09강은 강좌 폴더에서 이 모델을 불러옵니다. 그래서 다시 학습하지 않습니다. 그 옆에는 학습
# 기록(각 에포크의 손실과 정확도)을 작은 JSON 파일로 보관합니다. 09강은 이 파일로 학습 곡선을 그립니다.
# `training.load_model`은 Keras의 안전 모드를 켜고 모델을 다시 불러옵니다.

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
# ## 배운 것
#
# - CNN은 합성곱과 풀링을 쌓고, 그 뒤에 완전 연결층을 둡니다. 강좌 CNN은 전체 실행에서 99.46%에
#   도달했습니다. 가장 좋은 완전 연결 신경망은 98.69%에 도달했습니다(참고: 03강).
# - CNN의 비용은 큰 이미지 위의 합성곱에 있습니다. 넓은 마스크 몇 개와 이른 풀링 덕분에 강좌 CNN은 빠릅니다.
#   파라미터 수도 합성곱-합성곱-풀링-드롭아웃 CNN의 5분의 1이 되지 않습니다.
# - 레이블 스무딩 때문에 강좌 CNN의 목표값은 0.91과 0.01입니다. 그래서 손실이 약 0.5 아래로 내려갈 수 없습니다.
# - 드롭아웃은 학습 중에 무작위로 유닛을 끕니다. 그래서 신경망이 일반적인 특성을 학습합니다.
# - 첫 번째 층은 우리가 손으로 만든 것과 비슷한 에지 검출기를 학습합니다. 특성 맵은 검출기가 어디에서 반응하는지 보여 줍니다.
# - `training.save_model`과 `training.load_model`은 학습한 모델을 `.keras` 파일 하나에 보관합니다. 다음
#   강들은 여기서 저장한 보정된 강좌 CNN을 불러옵니다. 그 옆에는 학습 기록이 있습니다.
#
# ## 다음
#
# [06강](06_your_own_handwriting.ipynb): 모델이 여러분의 손글씨(handwriting)를 만납니다. 종이에 쓴 숫자를 찍은
# 사진은 MNIST와 매우 다릅니다. 그래서 먼저 사진을 MNIST 스타일의 이미지로 바꿉니다.
