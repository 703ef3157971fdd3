# %% [markdown]
# # 07 · 그림판: 숫자를 그리고 모델이 읽는 모습 보기
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/07_drawing_pad.ipynb)
#
# **배울 내용:** 실시간 그림판(drawing pad)이 획을 그을 때마다 그림을 모델에 보내는 방법을 배웁니다. 모델이
# 실제로 보는 것이 무엇인지, 모델을 어떻게 속일 수 있는지 봅니다. 내가 그린 그림을 나만의 테스트 데이터(test
# data)로 모으는 방법도 배웁니다.
#
# **이어지는 내용:** 05강(강좌 CNN)과 06강(내 손글씨(handwriting)를 MNIST의 형태로 바꾸기).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 1분 미만, AVX-512와 bfloat16이 있는 CPU에서 1분 미만. 이 페이지를 빌드할 때 측정했습니다.

# %% [markdown]
# ## 준비
#
# 첫 번째 셀은 강좌 라이브러리가 없을 때 설치합니다(Google Colab에서, 약 30초 걸립니다).
# 두 번째 셀은 강의를 시작합니다. `lesson.start()`는 TensorFlow의 시작 메시지를 숨기고, 버전을 확인하고,
# 난수 시드를 정합니다. Colab에서는 그림판에 필요한 사용자 정의 위젯(widget)도 켭니다. 한국어판에서는
# `language="ko"`도 넘깁니다. 그러면 그림판의 버튼과 글이 한국어로 나옵니다. `FAST`는 빠른 테스트 실행에서만
# True입니다.

# %%
try:
    import mnist_course  # 강좌 라이브러리
except ImportError:  # Google Colab에서는 먼저 설치합니다(약 30초)
    # %pip install -q "mnist-course @ git+https://github.com/mnist-course/mnist-course"

# %%
import matplotlib.pyplot as plt
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start(language="ko")  # TensorFlow 메시지 끄기, Colab 위젯, 버전 확인, 시드 42, 빠른 모드 또는 전체 모드
from mnist_course import config, handwriting, plots, samples, training, widgets

# %% [markdown]
# ## 모델
#
# 05강의 보정(calibration)된 강좌 CNN을 씁니다. 강좌의 합성곱 신경망(convolutional neural network, CNN)입니다.
# 05강이나 06강에서 이미 저장했다면 강좌 폴더에서 불러옵니다. 저장한 모델이 없으면 지금 학습하고, 다음을 위해
# 저장합니다. 셀이 출력하는 줄은 둘 중 어느 쪽이었는지 알려 줍니다. 모델의 온도(temperature)도 알려
# 줍니다(06강). (이 페이지는 빈 강좌 폴더에서 빌드했습니다. 그래서 아래 출력에는 학습 과정이 나옵니다.)

# %%
model = training.load_or_train_cnn()

# %% [markdown]
# ## 그림판
#
# 흰 사각형 안에 숫자 하나를 그리십시오. 마우스, 손가락, 펜 모두 쓸 수 있습니다. 획을 하나 그을 때마다
# 다음 일이 일어납니다.
#
# 1. 브라우저가 그림을 작은 회색조 그림(112x112 픽셀)으로 만들어 Python에 보냅니다.
# 2. Python은 `handwriting.preprocess`로 그림을 MNIST의 형태로 바꿉니다. 06강과 같은 단계입니다.
# 3. 모델은 06강의 두 보기(정리한 보기와 단순한 보기)를 모두 읽습니다. 그림판은 두 답의 평균을 숫자마다
#    막대 하나로 보여 줍니다.
#
# 작은 검은 사각형은 모델이 실제로 본 28x28 그림입니다. **되돌리기**는 마지막 획을 지웁니다. **지우기**는
# 처음부터 다시 시작합니다. 슬라이더로 붓 굵기를 바꿉니다. 그림은 브라우저에서 그립니다. 그래서 펜은
# Python을 기다리지 않습니다.
#
# 아래는 7을 한 획으로 그린 뒤의 그림판입니다. 영어판 그림판의 화면 캡처입니다. 아래 셀을 실행하면 실제
# 그림판이 한국어 버튼과 함께 나옵니다.
#
# ![그림판](https://raw.githubusercontent.com/mnist-course/mnist-course/main/assets/drawing_pad.png)

# %%
pad = widgets.DrawingPad(model=model)
pad

# %% [markdown]
# ## 코드로 만든 그림
#
# 이 노트북이 화면 없이 실행될 때는(예를 들어 강좌의 자동 테스트에서) 아무도 그림을 그리지 않습니다.
# 그래서 코드로 그림을 만듭니다. 그림은 획의 목록입니다. 각 획은 280x280 그림판 위에 있는 `(x, y)` 점의
# 목록입니다. `widgets.pad_ink_image`는 브라우저와 같은 방식으로 획을 그립니다. 그다음
# `widgets.read_drawing`은 그림판이 획마다 하는 일을 똑같이 합니다. 그림을 MNIST의 형태로 바꾸고 모델에게
# 묻습니다. 결과는 `widgets.Reading`입니다. 여기에는 모델이 본 28x28 그림, 열 개의 확률(probability), 그리고
# 숫자가 들어 있습니다. 위에 있는 여러분의 그림판은 건드리지 않습니다. 그림판에는 여러분의 그림과 그 답이
# 그대로 남아 있습니다.

# %%
seven = [[(70, 56), (210, 56), (126, 238)]]  # 획 하나: 위쪽 가로줄, 그다음 왼쪽 아래로
drawing = widgets.pad_ink_image(seven)
reading = widgets.read_drawing(drawing, model)
print("The model reads:", reading.describe())

# %% [markdown]
# 브라우저와 Python 사이를 오가는 데이터는 작습니다. 그림은 픽셀마다 1바이트입니다. 모델이 본 그림은 숫자
# 784개입니다.

# %% tags=["nbval-check-output"]
print("drawing sent by the pad:", drawing.shape, drawing.dtype, "values", drawing.min(), "to", drawing.max())
print("image the model saw:   ", reading.image.shape, reading.image.dtype)

# %% [markdown]
# 왼쪽은 그림판이 보내는 그림입니다. 오른쪽은 06강의 단계를 거친 28x28 그림입니다. 그 아래는 모델의
# 답입니다. 숫자를 잘라 내고, 20x20 상자에 맞게 크기를 바꾸고, 가운데에 놓았습니다. 모든 MNIST 숫자와
# 같습니다.

# %%
figure, axes = plt.subplots(1, 2, figsize=(4, 2))
axes[0].imshow(drawing, cmap="gray")
axes[0].set_title("drawing (112x112)", fontsize=9)
axes[1].imshow(reading.image, cmap="gray", vmin=0, vmax=1)
axes[1].set_title("model input (28x28)", fontsize=9)
for axis in axes:
    axis.set_xticks([])
    axis.set_yticks([])
plt.show()
plots.plot_prediction(reading.image, reading.probabilities, title="your 7")
plt.show()

# %% [markdown]
# ## 로봇 손이 그린 숫자 열 개
#
# `samples.digit_strokes`는 한 사람이 쓸 법한 숫자의 펜 획을 줍니다. 숫자마다 그 획을 그림판에 올려서
# 읽습니다. 마지막 줄은 몇 개를 맞게 읽었는지 셉니다.

# %%
def on_pad(strokes):
    """Move strokes from a box about 1 tall around (0, 0) to the middle of the 280x280 pad."""
    return [[(140 + 200 * x, 140 + 200 * y) for x, y in stroke] for stroke in strokes]


readings = [widgets.read_drawing(widgets.pad_ink_image(on_pad(samples.digit_strokes(digit, seed=digit))), model)
            for digit in range(10)]
plots.show_digits([r.image for r in readings], titles=[f"read: {r.prediction}" for r in readings])
plt.show()
print("read correctly:", sum(r.prediction == digit for digit, r in enumerate(readings)), "of 10")

# %% [markdown]
# ## 모델 속이기
#
# 학생들은 언제나 모델을 속여 보려고 합니다. 그림판에서 해 볼 만한 생각 몇 가지입니다. 먼저 결과를
# 짐작하고, 그다음에 그리십시오.
#
# - 구석에 그린 숫자나 아주 작게 그린 숫자. 가운데에 놓고 크기를 맞추는 단계가 이 숫자를 살릴까요?
# - 가운데에 가로줄을 그은 7, 또는 받침이 긴 1(유럽식 글씨)
# - 옆으로 눕힌 숫자
# - 글자나 별처럼 숫자가 전혀 아닌 것
#
# 마지막 생각은 중요한 점을 보여 줍니다. 모델에게는 "이것은 숫자가 아닙니다"라는 답이 없습니다. 열 개의
# 확률은 더하면 언제나 1입니다. 그래서 X를 그려도 어떤 숫자 하나가 언제나 1등입니다. 1등 숫자의 확률이
# 낮으면 그림판은 "확실하지 않음"이라고 말합니다. 그리고 가장 가능성이 높은 숫자 두 개를 알려 줍니다.
# 아래는 숫자가 아닌 그림 세 개와, 각 그림의 가장 높은 확률 두 개입니다.

# %%
tests = {
    "7 on its side": [[(56, 70), (56, 210), (238, 126)]],
    "a letter X": [[(70, 60), (210, 240)], [(210, 60), (70, 240)]],
    "a star": [[(140, 40), (140, 240)], [(50, 140), (230, 140)], [(75, 75), (205, 205)], [(205, 75), (75, 205)]],
}
highest = {}
for name, strokes in tests.items():
    reading = widgets.read_drawing(widgets.pad_ink_image(strokes), model)
    first, second = np.argsort(reading.probabilities)[::-1][:2]
    highest[name] = (first, reading.probabilities[first])
    print(f"{name:14s} -> {reading.describe():22s} ({first}: {reading.probabilities[first]:.1%}, "
          f"{second}: {reading.probabilities[second]:.1%})")
surest = max(highest, key=lambda name: highest[name][1])
print(f"the surest answer to a drawing that is no digit: {highest[surest][0]} "
      f"with {highest[surest][1]:.1%}, for {surest}")

# %% [markdown]
# 마지막 줄을 읽어 보십시오. 이 그림들은 모두 숫자가 아닙니다. 그런데도 어떤 숫자 하나가 그만큼의 확률을
# 얻습니다. 확률은 그림이 어느 숫자와 가장 닮았는지만 말합니다. 그림이 숫자라고 말하지는 않습니다. 그림판에
# 직접 그려 보십시오. 숫자가 아닌 그림 가운데 어느 것이 가장 확실한 답을 얻을까요?
# %% [markdown]
# ## 나만의 테스트 데이터
#
# MNIST의 테스트 데이터는 오래전에 다른 사람들이 썼습니다. 여러분에게 중요한 시험은 여러분의 손글씨입니다.
# 그림판의 **숫자 선택...** 목록에서 그린 숫자를 고르고 **저장**을 누르십시오. 그림은 여러분의 폴더에 PNG
# 파일로 저장됩니다. 숫자마다 하위 폴더가 하나씩 있습니다. 코드에서는 `pad.save(7)`이 같은 일을 합니다.
#
# 여러분의 폴더는 `~/mnist-course/my_digits`입니다. `MNIST_COURSE_HOME`을 설정했다면 그 환경 변수가 가리키는
# 폴더 안의 `my_digits`입니다(이 페이지는 임시 폴더로 빌드했습니다). 여기서는 코드로 만든 그림을 임시 폴더에
# 저장합니다. 그래야 여러분의 폴더에는 여러분의 그림만 남습니다.

# %%
import tempfile

example = widgets.save_drawing(drawing, label=7, folder=tempfile.mkdtemp())
print("Saved:", example.relative_to(example.parent.parent))
print("Your own drawings go to:", config.display_path(config.my_digits_dir()))

# %% [markdown]
# 그림을 몇 개 저장한 다음 이 셀을 실행하십시오. 06강의 전처리(preprocessing)로 그 그림들에서 모델을
# 시험합니다. 숫자마다 몇 번씩, 여러 가지 방법으로 그리십시오. 모델은 어떤 숫자를 틀릴까요?

# %%
my_files = sorted(config.my_digits_dir().glob("*/*.png"))
if not my_files:
    print("No saved drawings yet: draw on the pad, choose the label, press Save, then run this cell again.")
else:
    my_digits = [handwriting.preprocess(path) for path in my_files]
    my_labels = np.array([int(path.parent.name) for path in my_files])
    my_predictions = handwriting.predict(model, my_digits).argmax(axis=1)  # 06강처럼 두 보기를 모두 씁니다
    print(f"{(my_predictions == my_labels).mean():.0%} correct on {len(my_files)} of your drawings")
    wrong = np.flatnonzero(my_predictions != my_labels)
    for index in wrong[:10]:
        print(f"  {my_files[index].name}: you drew {my_labels[index]}, the model read {my_predictions[index]}")

# %% [markdown]
# ## 노트북 밖에서
#
# - **데스크톱 앱:** `mnist-course draw`는 같은 그림판이 있는 창을 엽니다. 숫자를 그리고 **Predict**를
#   누르면 숫자와 막대를 볼 수 있습니다. **Save**는 노트북에서와 같이 동작합니다. 이 앱의 버튼은 영어로
#   되어 있습니다. 앱을 쓰려면 데스크톱(화면)이 필요합니다.
# - **교실 전체를 위한 그림판 하나:** `mnist-course serve`는 그림판을 `http://127.0.0.1:8866/`의 웹 페이지로
#   보여 줍니다. 브라우저에서 열고 프로젝터로 비추십시오. 한 사람이 그리고, 교실 전체가 봅니다.
#   `--host 0.0.0.0`을 붙이지 않으면 여러분의 컴퓨터에서만 이 페이지를 열 수 있습니다. (Voila가
#   필요합니다: `pip install "mnist-course[present]"`.)

# %% [markdown]
# ## 수업에서: 모두가 그립니다
#
# 수업 모드(class mode)에서는 학생마다 휴대폰에 숫자를 그립니다. 프로젝터 화면은 모델이 반 전체의 숫자를
# 얼마나 잘 읽는지 보여 줍니다. 진행 방법은 이렇습니다.
#
# 1. 강사가 자기 노트북 컴퓨터에서 시작합니다: `mnist-course class --host 0.0.0.0`. 휴대폰은 그 컴퓨터와
#    같은 네트워크(Wi-Fi)에 있어야 합니다. `--host`가 없으면 그 컴퓨터에서만 페이지를 열 수 있습니다.
# 2. 명령은 짧은 참여 코드(join code), 학생용 주소, 그리고 비밀 토큰(token)이 붙은 강사 페이지 주소를
#    출력합니다. 강사는 강사 페이지 주소를 열고 프로젝터로 비춥니다. 강사 페이지는 학생용 주소를 QR 코드로
#    보여 주고, 참여 코드를 큰 글자로 보여 줍니다.
# 3. 학생은 QR 코드를 찍거나 주소를 직접 입력합니다. 그리고 참여 코드를 입력합니다. 원하면 별명(nickname)도
#    입력합니다. 계정도 실명도 필요 없습니다. 학생은 손가락으로 숫자를 그리고, 그리려던 숫자를 고르고,
#    **Send**를 누릅니다. 그러면 모델의 답이 나옵니다. 모델이 망설이면 `not sure: 7 or 1?`(확실하지 않음:
#    7 또는 1?)라고 나옵니다. 수업 페이지는 영어로 되어 있습니다.
# 4. 프로젝터 화면은 실시간으로 바뀝니다. 참여한 학생 수, 반 전체가 그린 숫자, 숫자별 정확도(accuracy),
#    혼동 행렬(confusion matrix)이 나옵니다. 모델이 틀린 그림도 모델이 본 28x28 그림과 함께 나옵니다.
#    **New round** 버튼은 빈 화면으로 새 라운드를 시작합니다. **Download CSV** 링크로 모든 그림을 내려받아
#    보관할 수 있습니다.
#
# 이 모든 일을 작은 서버 하나가 합니다. 서버는 모델의 ONNX 사본으로 그림을 읽습니다. 이 사본은
# `mnist-course train`이 저장합니다. 그래서 서버는 TensorFlow를 불러오지 않습니다. 페이지는 인터넷에서
# 아무것도 불러오지 않습니다. 그래서 인터넷이 없는 교실 네트워크에서도 동작합니다.
#
# 실제로 실행할 때 강사 페이지는 이렇게 보입니다(화면 캡처입니다).
#
# ![수업 모드의 강사 페이지](https://raw.githubusercontent.com/mnist-course/mnist-course/main/assets/screenshots/class_teacher.png)
#
# 그림 하나는 예측 로그(prediction log)의 한 줄이 됩니다. 출처는 "class"이고, 라운드 번호도 함께 기록됩니다.
# 그래서 09강의 보고서(report)와 `mnist-course log --source class`를 수업에서 그린 그림에도 쓸 수 있습니다.
# 아래 셀은 코드로 그린 7을 이 노트북 안에만 있는 수업으로 보냅니다. 그리고 학생, 프로젝터, 로그가 받는
# 것을 출력합니다. 그다음 같은 그림을 한 번 더 보냅니다. 휴대폰에서 두 번 누르면 이런 일이 생깁니다.
# 그림마다 무작위 키가 붙어 있습니다. 그래서 수업은 그 그림을 한 번만 셉니다.

# %%
from pathlib import Path

from mnist_course import classroom, predlog

folder = Path(tempfile.mkdtemp())  # 이 셀만의 수업: 여러분의 로그는 건드리지 않습니다
with predlog.open_log(folder / "predictions.sqlite") as class_log:
    room = classroom.Classroom(model, class_log, folder / "class.json")
    student = room.join(nickname="Mina")["student"]
    request = classroom.drawing_request(room.state.code, student, drawing, label=7)  # 휴대폰이 보내는 것
    answer, new = room.submit(request)
    print("the student sees:", answer["answer"])
    print(f"the projector gets: round {answer['round']}, Mina drew {answer['label']}, the model read {answer['digit']}")
    row = class_log.rows(source="class")[0]
    print(f"the log keeps: source {row['source']!r}, true digit {row['true_label']}, digit {row['digit']}")
    room.submit(request)  # 같은 그림을 두 번 보냅니다(두 번 누르기): 한 번만 셉니다
    print("rows in the log after sending it twice:", class_log.count("class"))

# %% [markdown]
# ## 배운 것
#
# - 그림판은 브라우저에서 그림을 그리고, 획마다 작은 회색조 그림을 Python에 보냅니다. 답은 수십 밀리초 안에
#   돌아옵니다. 그래서 실시간처럼 느껴집니다(참고: README에 있는 브라우저 테스트의 측정값).
# - 모델이 보기 전에 여러분의 그림은 06강의 사진과 같은 단계를 거칩니다. 잘라 내고, 20x20으로 크기를
#   맞추고, 28x28 안의 가운데에 놓습니다.
# - 모델은 X를 그려도 언제나 열 개의 숫자에 순위를 매깁니다. "이것은 숫자가 아닙니다"라고 말할 방법이
#   없습니다. 확률은 그림이 어느 숫자와 가장 닮았는지를 말합니다. 그림이 숫자인지는 말하지 않습니다.
# - 저장한 그림은 나만의 테스트 데이터가 됩니다. MNIST의 테스트 데이터처럼 이 그림들로도 모델을 시험할 수
#   있습니다.
# - 수업 모드에서는 반 전체가 휴대폰에 그립니다. 그림은 하나하나 예측 로그에 한 번씩 들어갑니다. 프로젝터는
#   반의 정확도와 혼동 행렬을 실시간으로 보여 줍니다.

# %% [markdown]
# ## 다음
#
# [08강](08_toward_99_7.ipynb)에서는 CNN이 MNIST 숫자를 더 많이 맞게 읽도록 도울 수 있는 변화를 시험합니다.
# 데이터 증강(data augmentation), 배치 정규화, 모델 앙상블(ensemble)입니다. 저장한
# 그림은 지우지 마십시오. 위의 셀로 어떤 모델이든 그 그림들에서 시험할 수 있습니다. MNIST에서 더 나은
# 모델이 *여러분의* 숫자도 더 잘 읽을까요?
