# %% [markdown]
# # 06 · 내 손글씨
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/06_your_own_handwriting.ipynb)
#
# **배울 내용:** MNIST의 99%를 읽는 모델이 직접 쓴 숫자의 사진은 왜 못 읽는지 알아봅니다.
# MNIST가 쓴 방법(잘라 내기, 20x20에 맞추기, 무게 중심)을 NumPy 15줄로 만듭니다. 휴대폰 사진에는 무엇이
# 더 필요한지 봅니다. 고른 빛, 줄이 없는 종이, 알맞은 펜 굵기입니다. 그리고 말한 그대로를 뜻하는
# 신뢰도(confidence)를 만듭니다. 마지막으로 여러분의 손글씨(handwriting) 그림으로 모델을 시험합니다.
#
# **이어지는 내용:** 05강(강의의 합성곱 신경망).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 약 1분, AVX-512와 bfloat16이 있는 CPU에서 약 1분. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강의 라이브러리가 없으면 설치합니다(Google Colab에서, 약 30초).
# 두 번째 셀은 수업을 시작합니다. `lesson.start()`는 TensorFlow의 시작 메시지를 숨깁니다. 버전을 확인하고
# 난수 시드(random seed)를 정합니다. 한국어판에서는 `language="ko"`도 넘깁니다. 그러면 업로드 버튼 같은
# 화면 요소가 한국어로 나옵니다. `FAST`는 빠른 테스트 실행에서만 True입니다.

# %%
try:
    import mnist_course  # 강의 라이브러리
except ImportError:  # Google Colab: 먼저 설치합니다(약 30초)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start(language="ko")  # TensorFlow 메시지 숨기기, 버전 확인, 시드 42, 빠른 모드 또는 전체 모드
from mnist_course import (augment, calibration, config, data, handwriting, images, models, plots, samples,
                          training, upload)

# %% [markdown]
# 05강에서 만든 강의의 합성곱 신경망(convolutional neural network, CNN)이 필요합니다. 이 셀은 05강이
# 강의 폴더에 저장한 모델을 불러옵니다. 모델이 없으면 지금 학습하고, 다음 수업을 위해 저장합니다. 셀이
# 출력하는 줄은 둘 중 어느 쪽이었는지 알려 줍니다. 모델의 *온도*(temperature)도 알려 줍니다(아래에서
# 자세히 다룹니다). (이 페이지는 빈 강의 폴더에서 빌드했습니다. 그래서 아래 출력에는 학습 과정이 나옵니다.)
#
# 강의의 CNN은 변형한 MNIST 숫자로 학습했습니다. 숫자를 돌리고, 비스듬하게 기울이고, 크기를 바꾸고,
# 옮겼습니다. 더 가늘거나 더 굵은 펜으로 다시 그리고, 흐릿하게 만들었습니다(`mnist_course.augment`). 이것이
# 데이터 증강(data augmentation)입니다. 에포크(epoch)마다 새로운 변형이 나왔습니다. 사람들이 직접 쓴 숫자는
# 바로 이런 점에서 MNIST 숫자와 다르기 때문입니다. 일부 1과 7에는 깃발 모양 획이나 가로줄도 붙였습니다(아래에서
# 자세히 다룹니다).

# %%
model = training.load_or_train_cnn()

# %% [markdown]
# 이 수업의 예시 그림은 `assets` 폴더에 있습니다. 강의 라이브러리(`mnist_course.samples`)가 만든 합성
# 손글씨입니다. 코드가 획을 그려서 종이 위에 놓고, "사진을 찍습니다". 사진에는 한쪽이 더 밝은 조명, 그림자,
# 흐림, 노이즈가 들어갑니다. Colab에서는 이 그림들을 강의 저장소에서 내려받습니다.

# %%
import subprocess
from pathlib import Path

# 강의의 assets 폴더: notebooks/, notebooks/ko/ 또는 강의 폴더에서 찾습니다
ASSETS = next((Path(folder) for folder in ("../assets", "../../assets", "assets") if Path(folder).is_dir()), None)
if ASSETS is None:  # Colab: 강의의 예시 그림을 가져옵니다
    subprocess.run(["git", "clone", "-q", "--depth", "1", "https://github.com/mnist-course/mnist-course",
                    "/content/mnist-course"], check=True)
    ASSETS = Path("/content/mnist-course/assets")
print(sorted(path.name for path in ASSETS.glob("*.*") if path.suffix != ".py" and path.suffix != ".md"))

# %% [markdown]
# ## 가장 단순한 시도: 그림을 28x28로 줄이기
#
# 손으로 쓴 7을 휴대폰으로 찍은 사진입니다.

# %%
from PIL import Image, ImageFilter, ImageOps

photo = ImageOps.exif_transpose(Image.open(ASSETS / "photo_7.jpg"))
plt.figure(figsize=(3.2, 2.4))
plt.imshow(photo.resize((400, 300)))
plt.axis("off")
plt.show()

# %% [markdown]
# 가장 단순한 방법입니다. 회색조로 바꾸고, 28x28로 눌러 줄이고, 값을 [0, 1] 범위로 맞춥니다.

# %%
naive = np.asarray(photo.convert("L").resize((28, 28)), dtype=np.float32) / 255.0
naive_probabilities = models.predict_proba(model, naive)[0]
plots.plot_prediction(naive, naive_probabilities, title="resized photo")
plt.show()

# %% [markdown]
# 모델은 7을 보지 못합니다. 28x28 그림을 보십시오. 밝은 종이 위에 작고 어두운 자국이 있습니다. 모델은
# 이것과 아주 다른 그림으로 학습했습니다. 마지막 절에서 많은 그림으로 이것을 측정합니다.

# %% [markdown]
# ## MNIST 숫자는 어떻게 생겼을까
#
# MNIST를 만든 사람들은 모든 숫자를 같은 방법으로 준비했습니다.
#
# 1. 검은 배경(0.0) 위에 밝은 잉크(최대 1.0)로 씁니다.
# 2. 숫자의 모양을 지키면서 **20x20 상자**에 맞게 크기를 바꿉니다.
# 3. 숫자의 **무게 중심**(centre of mass)이 가운데에 오도록 상자를 **28x28** 그림 안에 놓습니다.
#
# 첫 번째 학습 숫자로 이것을 확인할 수 있습니다.

# %% tags=["nbval-check-output"]
from scipy import ndimage

(train_images, train_labels), _ = data.load_mnist()
first = data.scale(train_images[0])
rows, cols = np.nonzero(first)
print("label:", train_labels[0])
print("background:", first[0, 0], " brightest ink:", first.max())
print("ink box:", rows.max() - rows.min() + 1, "rows x", cols.max() - cols.min() + 1, "columns")
print("centre of mass (row, column): (%.1f, %.1f)" % ndimage.center_of_mass(first))

# %% [markdown]
# ## MNIST의 방법을 15줄로
#
# 어떤 그림에도 같은 일을 할 수 있습니다. 그림의 테두리에 닿는 것은 종이입니다. 그래서 테두리를 보면
# 잉크가 어두운지 밝은지 알 수 있습니다. 그다음에는 잉크를 밝게, 종이를 검게 만듭니다. 잉크가 있는 부분만
# 잘라 냅니다. 긴 변을 20픽셀에 맞춥니다. 그리고 무게 중심을 기준으로 놓습니다.

# %%
def plain_to_mnist(path):
    """MNIST's recipe: ink light on black, cropped, fitted into 20x20, centred by its centre of mass."""
    grey = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("L"), np.float32) / 255
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    ink = 1 - grey if np.median(border) > 0.5 else grey  # 밝은 종이: 잉크가 어두우므로 밝게 바꿉니다
    paper = np.median(np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]]))
    ink = np.clip((ink - paper) / max(ink.max() - paper, 1e-3), 0, 1)  # 종이는 0, 가장 강한 잉크는 1
    if ink.max() < 0.5:
        return np.zeros((28, 28), np.float32)  # 잉크가 없음(투명한 캔버스는 여기서 온통 검게 보입니다)
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.5), np.flatnonzero(ink.max(axis=0) > 0.5)
    digit = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # 잉크가 있는 부분만 잘라 냅니다
    scale = 20 / max(digit.shape)  # 긴 변이 20픽셀이 됩니다
    size = (max(1, round(digit.shape[1] * scale)), max(1, round(digit.shape[0] * scale)))
    box = np.clip(np.asarray(Image.fromarray(digit).resize(size, Image.Resampling.LANCZOS)), 0, 1)
    row, col = ndimage.center_of_mass(box)
    top, left = int(np.clip(round(14 - row), 0, 28 - box.shape[0])), int(np.clip(round(14 - col), 0, 28 - box.shape[1]))
    image = np.zeros((28, 28), np.float32)
    image[top:top + box.shape[0], left:left + box.shape[1]] = box
    return image


# %% [markdown]
# 강의 라이브러리는 이 방법을 `handwriting.simple_to_mnist`로 가지고 있습니다. 그래서 다음 수업과
# 벤치마크(benchmark)에서도 쓸 수 있습니다. 마커로 깨끗하게 그린 2에서는 두 방법이 같은 그림을 만듭니다.

# %%
marker = plain_to_mnist(ASSETS / "marker_2.png")
print("same as the library:", np.allclose(marker, handwriting.simple_to_mnist(ASSETS / "marker_2.png"), atol=0.02))
marker_probabilities = models.predict_proba(model, marker)[0]
plots.plot_prediction(marker, marker_probabilities, title="marker_2.png, plain recipe")
plt.show()

# %% [markdown]
# 깨끗한 그림에는 15줄로 충분합니다. 이제 7의 휴대폰 사진과, 그림자가 진 0의 볼펜 사진을 봅니다.

# %%
figure, axes = plt.subplots(1, 2, figsize=(6, 3.2), layout="constrained")
for axis, name in zip(axes, ["photo_7.jpg", "ballpoint_0.webp"]):
    plain = plain_to_mnist(ASSETS / name)
    guess = models.predict_proba(model, plain)[0]
    axis.imshow(plain, cmap="gray")
    axis.set_title(f"{name}\n{guess.argmax()} ({guess.max():.0%})", fontsize=plots.FONT_SIZE)
    axis.axis("off")
plt.show()

# %% [markdown]
# 사진은 그림보다 어렵습니다. 빛이 고르지 않아서 "가장 강한 잉크"가 그림자 속 어딘가에 있습니다. 종이에
# 줄이 있을 수 있고, 펜이 MNIST보다 훨씬 가늘 수도 있습니다. `mnist_course.handwriting`은 이런 문제를 위해
# 단계를 몇 개 더합니다. 하나씩 살펴봅니다. 각 단계는 끌 수 있습니다(`handwriting.Cleanup`). 강의의
# 벤치마크는 각 단계가 얼마나 도움이 되는지 측정합니다.

# %% [markdown]
# ## 1단계: 그림을 바른 방향으로, 너무 크지 않게 읽기
#
# 휴대폰 사진은 12메가픽셀 이상입니다. 숫자 하나에는 수백 픽셀이면 됩니다. `images.read_grey`는 어떤
# 그림이든 읽습니다. JPEG, PNG, WebP, iPhone의 HEIC 사진, PDF 스캔의 첫 페이지를 읽을 수 있습니다. JPEG
# 디코더에게는 더 작은 그림을 요청합니다. 디코더는 1/2, 1/4, 1/8 크기로 디코딩할 수 있고, 이렇게 하면
# 훨씬 빠릅니다. 그림은 바른 방향으로 돌립니다(휴대폰은 회전 정보를 EXIF 데이터에 저장합니다). 그리고
# 회색조로 만듭니다. 픽셀마다 밝기를 나타내는 숫자가 하나 있고, 0 = 검은색, 1 = 흰색입니다.

# %%
original, grey = images.read_grey(ASSETS / "photo_7.jpg")
print("photo:", photo.size[0], "x", photo.size[1], "pixels;  working picture:", grey.shape[1], "x", grey.shape[0])

# %% [markdown]
# ## 2단계: 빛을 나누어 없애기
#
# 빛은 한쪽이 더 밝고, 그림자가 있을 수도 있습니다. 잉크 아래의 종이는 천천히 변합니다. 잉크는 가늡니다.
# `estimate_background`는 최대 필터(maximum filter)와 최소 필터(minimum filter)를 차례로 써서 가늘고 어두운
# 획을 지웁니다. 그러면 종이만 남습니다. 종이의 밝기로 나누면 밝은 빛에서도 그림자 속에서도 같은 결과가
# 나옵니다: `ink = 1 - grey / paper`.

# %%
dark_ink = handwriting.ink_is_dark(grey)
print("dark ink on light paper:", dark_ink)
paper = handwriting.estimate_background(grey)
ink = handwriting.ink_from_background(grey, paper)

figure, axes = plt.subplots(1, 3, figsize=(7, 2.4), layout="constrained")
for axis, picture, title in zip(axes, [grey, paper, ink], ["greyscale", "paper (background)", "ink = 1 - grey / paper"]):
    axis.imshow(picture, cmap="gray", vmin=0, vmax=1)
    axis.set_title(title, fontsize=plots.FONT_SIZE)
    axis.axis("off")
plt.show()

# %% [markdown]
# 잉크 그림은 이미 MNIST처럼 어두운 바탕에 밝은 잉크입니다. 그리고 빛의 차이는 사라졌습니다. (칠판에 쓴
# 분필은 잉크가 배경보다 밝습니다. `handwriting.ink_is_dark`가 이것을 알아차리고, 단계들이 반대로 동작합니다.
# 직접 지정할 수도 있습니다: `to_mnist(picture, invert=False)`.)

# %% [markdown]
# ## 3단계: 잉크는 남기고 줄과 작은 점은 버리기
#
# `noise_floor`는 빈 종이가 얼마나 고르지 않은지 측정합니다(종이 질감, 카메라 노이즈). `ink_mask`는 그보다
# 확실히 두드러지는 픽셀만 남깁니다. `remove_lines`는 그림을 가로지르는 길고 가늘고 곧은 선을 찾아서
# 지웁니다(줄 노트나 모눈종이의 선). 이 선은 노이즈 수준(noise floor)보다 높은 모든 자국 가운데에서 찾습니다.
# 인쇄된 줄은 펜보다 흐린 경우가 많기 때문입니다. 작은 점은 숫자에서 멀리 떨어진 작은 조각입니다. 이것들은
# 숫자를 고를 때 버립니다.

# %%
floor = handwriting.noise_floor(ink)
mask = handwriting.ink_mask(ink, floor)
cleaned, lines = handwriting.remove_lines(mask, faint=ink > floor)
plots.plot_line_removal(mask, lines, cleaned, picture=grey)  # 찾은 줄은 빨간색으로 그립니다
plt.show()

# %% [markdown]
# ## 4단계: 펜 굵기, 20x20 상자, 무게 중심
#
# 나머지는 숫자만 가지고 합니다. 숫자를 잘라 내서 높이 80픽셀로 그립니다(20x20 상자의 4배). 여기에서 펜
# 굵기를 측정합니다. 펜 굵기는 잉크 넓이의 두 배를 윤곽선의 길이로 나눈 값입니다. 이 굵기를 MNIST의 굵기에
# 가깝게 맞춥니다. MNIST의 펜 굵기는 숫자 높이의 약 15%입니다. 가는 펜은 굵게, 마커는 가늘게 만듭니다.
# 4x4 블록을 평균하면 가장자리가 부드러운 20x20 상자가 됩니다. 이 상자를 무게 중심에 맞추어 28x28 안에
# 놓습니다.
#
# 스캔, 그림, 꽉 맞게 자른 그림은 빛이 고릅니다. 꽉 맞게 자른 그림은 양식에서 잘라 낸 숫자처럼 그림을 가득
# 채우고, 가장자리에 닿을 수도 있습니다. 이런 그림에서 종이는 평평한 밝기 하나입니다. 획 사이에서 종이를
# 찾는 필터는 굵은 획을 종이로 착각할 것입니다. 꽉 맞게 자른 그림에는 확인이 두 가지 더 필요합니다. 잉크가
# 테두리를 여러 곳에서 가로지르므로, 남은 종이 부분으로 어느 쪽이 잉크인지 정합니다. 테두리의 대부분은
# 고르고, 그림 전체보다 밝습니다. 그리고 가장자리 밖으로 나간 숫자도 탁자의 가장자리가 아니라 숫자입니다.
# 그림의 가운데를 채우고 있기 때문입니다.
#
# `handwriting.preprocess`는 전처리(preprocessing) 단계를 모두 실행하고 모든 그림을 남깁니다. `plot_steps`는
# 이 그림들을 한 줄로 보여 줍니다.

# %%
result = handwriting.preprocess(ASSETS / "photo_7.jpg")
plots.plot_steps(result)
plt.show()
mnist_pen = handwriting.MNIST_STROKE_FRACTION
print("pen width at 80 pixels tall: %.1f -> %.1f (MNIST: about %.0f, %.0f%% of the height)"
      % (*result.stroke_width, mnist_pen * 80, 100 * mnist_pen))

# %% [markdown]
# ## 예측
#
# 이제 모델은 자신이 아는 형태의 그림으로 예측(prediction)합니다.

# %%
probabilities = models.predict_proba(model, result.image)[0]
plots.plot_prediction(result.image, probabilities, title="prepared photo")
plt.show()
print("top 3:", ", ".join(f"{digit} ({confidence:.1%})" for digit, confidence in handwriting.top_k(probabilities, 3)))

# %% [markdown]
# 같은 사진, 같은 모델입니다. 그런데 이제는 7을 읽습니다. 모델은 하나도 바뀌지 않았습니다. 입력만 모델이
# 학습한 형태로 바꾸었습니다.
#
# ## 말한 그대로를 뜻하는 신뢰도
#
# 모델이 신뢰도 0.9를 내놓으면, 10번에 9번쯤은 맞아야 합니다. 강의의 CNN은 레이블 스무딩(label smoothing)을
# 써서 학습합니다(05강). 그래서 모델이 너무 겸손해집니다. 그래서 학습이 끝난 뒤 강의는 숫자 하나를 찾습니다.
# 바로 *온도* `T`입니다. 온도는 검증 데이터(validation data)에서 찾습니다. 검증 데이터는 학습 이미지의 마지막
# 10분의 1이고, 모델은 이것으로 학습하지 않았습니다. 확률(probability) `p`는 `softmax(log(p) / T)`가 됩니다.
# 가장 높은 숫자는 절대 바뀌지 않습니다. *기대 보정 오차*(expected calibration error)는 신뢰도가
# 정확도(accuracy)와 얼마나 떨어져 있는지 측정합니다. 완벽하게 정직한 모델은 오차가 0입니다.

# %%
_, (test_images, test_labels) = data.load_course_data(test_per_class=config.pick(full=None, fast=100))
test_images = data.scale(test_images)
uncalibrated = calibration.uncalibrated(model)  # 온도를 뺀 안쪽 신경망
for name, candidate in [("before", uncalibrated), ("after", model)]:
    test_probabilities = models.predict_proba(candidate, test_images)
    error = calibration.expected_calibration_error(test_probabilities, test_labels)
    print(f"{name} calibration: mean confidence {test_probabilities.max(axis=1).mean():.1%}, "
          f"accuracy {(test_probabilities.argmax(axis=1) == test_labels).mean():.2%}, calibration error {error:.2%}")
print(calibration.describe(model))  # 모델이 쓰는 온도 T

# %% [markdown]
# 모델이 두 숫자 사이에서 망설이면, 강의는 추측하는 대신 망설인다고 말합니다. 신뢰도가
# `calibration.UNSURE_BELOW`보다 낮으면 "확실하지 않음: 7 또는 1?"이라고 답합니다(영어판에서는 `not sure: 7 or 1?`).
# 1과 7의 중간쯤인 그림을 봅시다.

# %%
between = np.zeros((28, 28), np.float32)
between[6:22, 14:16] = 1.0  # 곧은 획 하나: 1 ...
between[6:8, 10:15] = 0.6  # ... 짧고 흐린 깃발을 더하면: 7일 수도 있습니다
print(calibration.answer(models.predict_proba(model, between)[0]), "| threshold:", calibration.UNSURE_BELOW)

# %% [markdown]
# 학습한 모델마다 1과 7 사이의 경계가 다릅니다. 여러분의 모델이 확신한다면(임곗값보다 높다면), 깃발을 더
# 흐리게(`0.6` 대신 `0.3`) 하거나 더 짧게 만드십시오. 그리고 셀을 다시 실행하십시오. 어느 순간 답이 "확실하지
# 않음"으로 바뀝니다. 모델이 확신하지 못한다면 깃발을 더 진하게(`0.9`) 만드십시오. 어느 순간 7이라고 답합니다.

# %% [markdown]
# ## 그림마다 두 가지 보기: 안전장치
#
# 정리 단계는 각각 몇 가지 종류의 그림을 보고 골랐습니다. 아무도 시험하지 않은 종류의 그림에서는 어떤 단계가
# 해를 끼칠 수 있습니다. 몇 픽셀로 저장했다가 확대한 작은 스캔은 획이 굵고 흐릿합니다. 그림자를 찾는 단계는
# 이런 획을 그림자로 착각하고 잘라 낼 수 있습니다.
#
# 그래서 강의는 모든 그림을 두 번 읽습니다. *정리한 보기*(cleaned view)는 위의 모든 단계를 거칩니다.
# *단순한 보기*(plain view)는 15줄 방법만 거칩니다. 모델은 두 보기에 모두 답하고, `handwriting.predict`는 두
# 답을 평균합니다. 두 보기가 모두 좋으면 답이 같습니다. 한 보기가 숫자를 잃으면 그 답은 보통 확신이 없습니다.
# 그러면 다른 보기가 결정합니다.
#
# 이것이 동작하는 모습을 보려고 MNIST 테스트 데이터(test data)의 숫자로 작고 흐릿한 스캔을 만듭니다. 숫자마다
# 8x8 픽셀로 저장한 뒤 96x96으로 확대하고 흐리게 만듭니다. 두 보기가 서로 다른 답을 내는 첫 번째 숫자를
# 찾습니다.

# %%
def small_scan(digit):
    """An MNIST digit stored at 8x8 pixels, then enlarged and blurred: dark ink on white, like a scan."""
    small = Image.fromarray(np.uint8(255 - 255 * digit)).resize((8, 8), Image.Resampling.BOX)
    return small.resize((96, 96), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(1))


for number, digit in enumerate(test_images):
    scan = small_scan(digit)
    views = models.predict_proba(model, handwriting.preprocess(scan).views).argmax(axis=1)
    if views[0] != views[1]:
        break
print(f"test digit {number} (a {test_labels[number]}): the cleaned view reads {views[0]}, the plain view {views[1]}")

# %% [markdown]
# 여기 그 숫자가 있습니다. 각 보기에 대한 모델의 답과, 두 보기를 합친 답도 보여 줍니다. 그 아래는 깃발을
# 붙여 쓴 1입니다. 많은 학교에서 1을 이렇게 쓰도록 가르칩니다.

# %%
european_one = samples.make_sample(1, kind="scan", writer="european", seed=11).image
for name, picture in [(f"small scan of a {test_labels[number]}", scan), ("a 1 with a flag", european_one)]:
    prepared = handwriting.preprocess(picture)
    answers = models.predict_proba(model, prepared.views)  # 0행: 정리한 보기, 1행: 단순한 보기
    both = handwriting.predict(model, prepared)
    figure, axes = plt.subplots(1, 3, figsize=(6.5, 2.6), gridspec_kw={"width_ratios": [1.4, 1, 1]}, layout="constrained")
    axes[0].imshow(picture, cmap="gray")
    axes[0].set_title(name, fontsize=plots.FONT_SIZE)
    for axis, view, row, title in zip(axes[1:], prepared.views, answers, ["cleaned view", "plain view"]):
        axis.imshow(view, cmap="gray")
        axis.set_title(f"{title}\n{row.argmax()} ({row.max():.0%})", fontsize=plots.FONT_SIZE)
    for axis in axes:
        axis.axis("off")
    plt.show()
    print(f"{name}: both views together: {calibration.answer(both)}")

# %% [markdown]
# 작은 스캔에 대한 세 가지 답을 비교해 보십시오. 한 보기는 숫자의 일부를 잃었습니다. 그래서 다른 보기의
# 답도 함께 반영됩니다. 두 보기가 다른 답을 내면 평균은 덜 확실해집니다. 그러면 임곗값 아래에서 강의는
# 자신 있게 틀리는 대신 "확실하지 않음"이라고 말합니다.

# %% [markdown]
# MNIST의 숫자를 쓴 사람들은 미국인이었습니다(미국 인구조사국 직원과 고등학생). 그들이 쓴 1은 대부분 획
# 하나입니다. 깃발이 있는 1을 본 적 없는 모델은 그것을 7로 읽을 수 있습니다. 그래서 강의의 CNN은 깃발과
# 받침을 그려 넣은 MNIST 1로도 학습합니다. 가운데에 가로줄을 그은 7로도 학습합니다
# (`augment.add_letter_forms`). 작게 저장했다가 확대한 숫자도 봅니다(`augment.soften`). 그중 몇 개를
# 봅시다.

# %%
(train_images, train_labels), _ = data.load_course_data(train_per_class=20, test_per_class=1)
chosen = np.concatenate([np.flatnonzero(train_labels == 1)[:4], np.flatnonzero(train_labels == 7)[:4]])
changed = augment.add_letter_forms(data.scale(train_images[chosen]), train_labels[chosen], share=1.0, seed=1)
figure, axes = plt.subplots(2, len(chosen), figsize=(9, 3.0), layout="constrained")
for column, index in enumerate(chosen):
    axes[0, column].imshow(train_images[index], cmap="gray")
    axes[1, column].imshow(changed[column], cmap="gray")
for axis in axes.ravel():
    axis.axis("off")
axes[0, 0].set_title("MNIST", fontsize=plots.FONT_SIZE, loc="left")
axes[1, 0].set_title("with a flag, a foot or a bar", fontsize=plots.FONT_SIZE, loc="left")
plt.show()

# %% [markdown]
# ## 한 그림에 있는 여러 숫자
#
# 연도를 쓰면 숫자가 네 개입니다. `split_digits`는 잉크 조각들을 찾습니다. 왼쪽에서 오른쪽으로 볼 때 서로
# 겹치는 조각은 한 숫자로 묶습니다. 그리고 숫자마다 따로 준비합니다. `read_number`는 숫자들을 순서대로
# 분류합니다.

# %%
year_photo = ImageOps.exif_transpose(Image.open(ASSETS / "photo_2026.jpg"))
digits = handwriting.split_digits(ASSETS / "photo_2026.jpg")
number, number_probabilities = handwriting.read_number(model, ASSETS / "photo_2026.jpg")

figure, axes = plt.subplots(1, len(digits) + 1, figsize=(8, 2.2), gridspec_kw={"width_ratios": [2.5] + [1] * len(digits)},
                            layout="constrained")
axes[0].imshow(year_photo)
axes[0].set_title("photo", fontsize=plots.FONT_SIZE)
for axis, digit, row in zip(axes[1:], digits, number_probabilities):
    axis.imshow(digit.image, cmap="gray")
    axis.set_title(f"{row.argmax()} ({row.max():.0%})", fontsize=plots.FONT_SIZE)
for axis in axes:
    axis.axis("off")
plt.show()
print("the number:", number)

# %% [markdown]
# 서로 닿은 숫자는 하나의 잉크 조각이라서 나누어지지 않습니다. 숫자 사이를 조금 띄어 쓰십시오.

# %% [markdown]
# ## 그림 모음
#
# 예시 그림마다 다른 문제가 있습니다. EXIF 회전, 그림자, 모눈종이에 쓴 연필, 크고 투명한 캔버스에 쓴 가는
# 펜, 굵은 마커가 있습니다. 그리고 칠판의 분필, 양식에서 꽉 맞게 잘라 낸 굵은 0, 몇 픽셀로 저장했다가
# 확대한 작고 흐릿한 8이 있습니다.

# %%
gallery = ["phone_9_exif.jpg", "ballpoint_0.webp", "pencil_5_scan.png", "canvas_3_transparent.png",
           "marker_2.png", "chalk_4.jpg", "tight_0.png", "lowres_8.png"]
pictures, prepared_images, answers = [], [], []
for name in gallery:
    picture = ImageOps.exif_transpose(Image.open(ASSETS / name)).convert("RGBA")
    picture.thumbnail((240, 240))  # 보기에는 작은 그림으로 충분합니다
    background = Image.new("RGBA", picture.size, "white")  # 투명한 픽셀은 흰 종이로 보여 줍니다
    pictures.append(Image.alpha_composite(background, picture))
    prepared = handwriting.preprocess(ASSETS / name)
    guess = handwriting.predict(model, prepared)  # 강의가 모든 그림을 읽는 방식대로 두 보기를 함께 씁니다
    prepared_images.append(prepared.image)
    answers.append(f"{guess.argmax()} ({guess.max():.0%})")
plots.plot_gallery(pictures, gallery, prepared_images, answers, width=8)
plt.show()

# %% [markdown]
# ## 내 손글씨
#
# 진한 펜으로 종이에 숫자를 쓰고 사진을 찍으십시오. iPhone의 HEIC 사진도 되고, PDF 스캔도 됩니다. 아래
# 버튼으로 올리십시오. Colab에서는 대신 파일 대화 상자가 열립니다. Colab의 업로드 버튼은 약 1 MB보다 큰
# 파일을 받지 못하기 때문입니다. 여러분의 그림도 같은 단계를 거칩니다. 각 단계와 막대그래프, 그리고 모델의
# 답이 담긴 한 줄을 볼 수 있습니다. 경로를 직접 줄 수도 있습니다:
# `upload.upload_image(show, path="my_digit.jpg")`.

# %%
def show(name, picture_bytes):
    """Prepare an uploaded picture, show its steps and the model's answer."""
    _, picture_probabilities = plots.show_prediction(model, picture_bytes, title=name)
    print(f"{name}: the model reads {calibration.answer(picture_probabilities)}")


upload.upload_image(show)

# %% [markdown]
# 노트북이 사람 없이 실행될 때는(강의의 자동 테스트처럼) 아무도 버튼을 누르지 않습니다. 그래서 예시 파일로
# 같은 호출을 한 번 더 합니다. 여러분이 보게 될 화면을 보여 주기 위해서입니다.

# %%
upload.upload_image(show, path=ASSETS / "phone_9_exif.jpg")

# %% [markdown]
# 좋은 사진을 위한 요령입니다. 숫자는 하나만 쓰고, 진한 펜을 씁니다. 숫자가 화면에서 너무 작지 않게 하고,
# 숫자 위에 강한 그림자가 없게 합니다. 답이 틀렸다면 단계 그림 줄을 보십시오. 그림이 어디에서 숫자를
# 잃었는지 보여 줍니다.

# %% [markdown]
# ## 터미널에서
#
# `mnist-course predict` 명령도 같은 단계를 씁니다. 이 명령은 파일마다 답(`7 (98%)` 또는
# `not sure: 7 or 1?`), 신뢰도, 상위 3개를 출력합니다. `--json`을 쓰면 한 줄에 JSON 객체 하나를 출력합니다.
# 그림에 숫자가 여러 개 있으면 수 전체를 읽습니다. `--model`이 없으면 강의 폴더에 저장된 모델을 씁니다(05강,
# 이 수업, 또는 `mnist-course train`이 저장한 모델).

# %%
import json
import sys

command = [sys.executable, "-m", "mnist_course.cli", "predict", "--json",
           str(ASSETS / "photo_7.jpg"), str(ASSETS / "photo_2026.jpg"), "no_such_file.png"]
finished = subprocess.run(command, capture_output=True, text=True)
for line in finished.stdout.splitlines():
    record = json.loads(line)
    record["file"] = Path(record["file"]).name
    print({key: record[key] for key in ("file", "answer", "number", "error") if key in record})
print("exit status:", finished.returncode, "(1: at least one file could not be read)" if finished.returncode == 1 else "")

# %% [markdown]
# ## 얼마나 잘 동작할까?
#
# 모델이 한 번도 보지 못한 합성 손글씨로 시험합니다. "글쓴이"가 여섯 명 있습니다. 1, 4, 7의 모양, 기울기,
# 안정된 손과 떨리는 손이 서로 다릅니다. 그림의 종류도 여섯 가지입니다. 그림 앱, 스캔한 페이지, 휴대폰 사진,
# 분필, 꽉 맞게 자른 그림, 작고 흐릿한 그림입니다. 펜, 잉크, 종이, 줄, 크기, 위치는 무작위입니다. 각 그림은
# 여러분의 그림처럼 파일로 저장했다가 다시 읽습니다. 네 가지 방법을 비교합니다. 두 보기를 합친 방법(강의가
# 쓰는 방법), 정리한 보기만 쓰는 방법, 15줄 방법(단순한 보기)만 쓰는 방법, 그리고 단순한 크기 조절입니다.

# %%
import io

per_digit = config.pick(full=1, fast=1)
writers = config.pick(full=samples.WRITER_NAMES, fast=("neat", "quick"))
kinds = config.pick(full=("canvas", "scan", "photo", "chalk", "tight", "lowres"), fast=("canvas", "photo", "tight"))
counts = {}
for sample in samples.dataset(per_digit, kinds=kinds, writers=writers, seed=606):
    file_bytes = samples.encode(sample.image, "PNG" if sample.kind in ("canvas", "tight", "lowres") else "JPEG")
    recipe = plain_to_mnist(io.BytesIO(file_bytes))
    resized = np.asarray(Image.open(io.BytesIO(file_bytes)).convert("L").resize((28, 28)), np.float32) / 255
    try:
        prepared = handwriting.preprocess(file_bytes)
        both, cleaned = handwriting.predict(model, prepared).argmax(), prepared.image
    except handwriting.HandwritingError:  # 숫자가 있는 그림에서 "잉크 없음": 오답으로 셉니다
        both, cleaned = -1, np.zeros((28, 28), np.float32)
    guesses = models.predict_proba(model, np.stack([cleaned, recipe, resized])).argmax(axis=1)
    right = counts.setdefault(sample.kind, np.zeros(5, int))
    right += [both == sample.label, *(guesses == sample.label), 1]
print("kind     pictures   both views   cleaned view   15-line recipe   plain resize")
for kind, (both_right, steps_right, recipe_right, resize_right, total) in counts.items():
    print(f"{kind:7} {total:9} {both_right / total:12.1%} {steps_right / total:14.1%} "
          f"{recipe_right / total:16.1%} {resize_right / total:14.1%}")

# %% [markdown]
# 표를 보면 정리 단계가 어디에서 도움이 되고 어디에서 그렇지 않은지 알 수 있습니다. 그림자와 줄이 있는
# 사진과 스캔에서는 15줄 방법이 많은 숫자를 잃습니다. 정리 단계는 그 숫자들을 지킵니다. 이 방법은 투명한
# 캔버스에서도 실패합니다. 투명한 캔버스를 온통 검은 그림으로 읽기 때문입니다. 꽉 맞게 자른 그림과 작고
# 흐릿한 그림에서는 15줄 방법이 정리한 보기와 거의 비슷하게 잘합니다. 이런 그림에는 지울 줄이나 그림자가
# 없기 때문입니다. 두 보기를 합친 방법은 둘 중 더 나은 보기보다 크게 낮은 적이 없습니다. 단순한 방법보다
# 나아지기는 어렵습니다. 그래서 단계를 하나 더할 때마다 측정해야 합니다. 단순한 크기 조절은 어디에서나
# 무작위로 고르는 것과 비슷합니다.
#
# 이 숫자들은 조심해서 보아야 합니다. 테스트 그림은 전처리를 만든 사람들이 만들었습니다. 실제 손글씨는 더
# 다양합니다. 강의의 벤치마크(`python bench/benchmark_handwriting.py --real`)는 공개 저장소에 있는 실제 숫자
# 그림도 측정합니다. 이 그림들은 강의를 만든 사람 누구도 그리지 않았습니다. 그 결과는 README에 있습니다(참고:
# README의 수치이며, 이 수업에서 계산하지 않습니다). 진짜 시험은 여러분의 사진입니다.

# %% [markdown]
# ## 배운 것
#
# - 모델은 학습한 입력과 비슷한 입력에서만 잘 동작합니다. MNIST 숫자는 어두운 바탕에 밝은 잉크입니다.
#   20x20 상자에 맞추어져 있고, 28x28 안에서 무게 중심이 가운데에 옵니다. 사진의 크기만 줄이면 이 가운데
#   어느 것도 맞지 않습니다.
# - MNIST의 방법은 15줄입니다. 검은 바탕에 밝은 잉크, 잘라 내기, 20x20에 맞추기, 무게 중심입니다. 깨끗한
#   그림에는 이것으로 충분합니다.
# - 사진에는 더 많은 것이 필요합니다. 종이의 밝기로 나누면 고르지 않은 빛과 그림자가 사라집니다. 페이지를
#   가로지르는 가늘고 곧은 선은 글씨가 아니라 종이의 줄입니다. 펜 굵기를 MNIST에 가깝게 맞추면 가는 펜과
#   마커가 모델에게 비슷하게 보입니다.
# - 온도는 신뢰도를 정직하게 만듭니다. 그리고 "확실하지 않음: 7 또는 1?"은 틀린 추측보다 나은 답입니다.
# - 모든 단계를 남겨 두십시오. 예측이 틀렸을 때 단계 그림 줄이 숫자를 어디에서 잃었는지 보여 줍니다.
# - 모든 그림을 정리한 보기와 단순한 보기로 두 번 읽고, 모델의 답을 평균하십시오. 그러면 필요 없던 단계
#   하나가 혼자서 그림을 망칠 수 없습니다.
# - 모델은 본 적 있는 글자 모양만 압니다. 깃발이 있는 1을 읽으려면 깃발이 있는 학습 숫자가 필요합니다.

# %% [markdown]
# ## 다음
#
# 07강([07_drawing_pad.ipynb](07_drawing_pad.ipynb))에서는 그림판(drawing pad)을 씁니다. 마우스로 숫자를
# 그리면, 그리는 동안 모델의 답이 바뀌는 모습을 볼 수 있습니다. 이 그림판도 같은 `handwriting.to_mnist`를
# 씁니다.
