# %% [markdown]
# # 09 · 모든 예측을 로그에 남기고, 그림이 든 보고서 만들기
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/09_logs_and_report.ipynb)
#
# **배울 내용:**
#
# - 강좌가 모든 예측(prediction)을 작은 데이터베이스에 기록하는 방법
# - SQL로 그 데이터베이스에 질문하는 방법
# - *여러분의* 손글씨(handwriting)에서 모델이 어디에 약한지 찾는 방법
# - 이 모든 것을 그림이 든 보고서(report) 하나로 만들어 제출하는 방법
#
# **이어지는 내용:** 06강(여러분의 손글씨)과 07강(그림판).
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 1분 미만, AVX-512와 bfloat16이 있는 CPU에서 1분 미만. 이 페이지를 빌드할 때 측정했습니다.

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
from mnist_course import config, data, plots, predlog, report, samples, training, upload, widgets

# %% [markdown]
# ## 모델과 학습 기록
#
# 강좌 CNN(강좌의 합성곱 신경망)을 씁니다. 전에 저장한 모델이 있으면 불러옵니다(05강, 06강, 07강이 저장합니다).
# 없으면 지금 학습합니다. 그리고 *학습 기록*(training history)을 모델 옆의 작은 파일에 보관합니다. 학습 기록은
# 각 에포크(epoch)의 손실과 정확도(accuracy)입니다. 보고서는 이 파일로 학습 곡선을 그립니다. `mnist-course train`도
# 이 파일을 보관합니다. 저장한 모델 옆에 학습 기록 파일이 있으면, 보고서는 그 파일을 씁니다.
#
# 이 페이지는 빈 강좌 폴더에서 만들었습니다. 그래서 아래 출력에는 학습 과정이 나옵니다.

# %%
import time

model_path = config.default_model_path()
if model_path.exists():
    model = training.load_model(model_path)
    print("Loaded the course CNN from", config.display_path(model_path))
    if report.load_history(model_path) is not None:
        print("Its training history:", config.display_path(report.history_path(model_path)))
    else:
        print("It has no training history beside it, so the report will show no learning curves.")
else:
    print("No saved model: training the course CNN and keeping its history.")
    (train_images, train_labels), _ = data.load_course_data(train_per_class=config.pick(full=None, fast=300))
    started = time.perf_counter()
    model, history = training.train_calibrated("cnn", data.scale(train_images), train_labels, seed=42,
                                               epochs=config.pick(full=None, fast=3),
                                               batch_size=config.pick(full=None, fast=64))
    print(f"Trained in {time.perf_counter() - started:.0f} s")
    training.save_model(model, model_path)
    print("Saved the model and its history:", config.display_path(report.save_history(history, model_path)))

# %% [markdown]
# ## 모든 예측을 기록합니다
#
# 이 강부터 강좌의 도구들은 모델이 읽는 숫자를 하나하나 기록합니다. 한 번 읽을 때마다 **예측 로그**(prediction
# log)에 한 줄이 생깁니다. 이 로그에 쓰는 도구는 그림판(drawing pad), 데스크톱 앱(`mnist-course draw`),
# `mnist-course predict`, 업로드 도우미, `mnist-course evaluate`입니다.
#
# 각 줄에는 시간, 도구, 어떤 모델이었는지가 들어갑니다. 모델이 본 28x28 이미지, 열 개의 확률, 답도 들어갑니다.
# 진짜 숫자를 알면 그 숫자도 들어갑니다. 전처리(preprocessing)가 그림에 무엇을 했는지도 들어갑니다.
#
# 로그는 강좌 폴더에 있는 파일 하나, `predictions.sqlite`입니다. 이 파일은 **SQLite** 데이터베이스입니다.
# 데이터베이스 전체가 파일 하나에 들어 있고, Python에 기본으로 들어 있습니다(`import sqlite3`).
# 기록을 끄려면 `MNIST_COURSE_LOG=0`으로 설정합니다.
#
# 이 강은 예제 예측을 많이 만듭니다. 여러분의 예측과 섞이지 않도록, 이 강의 예측은 임시 폴더 안의 별도
# 로그로 보냅니다. `predlog.use_log`로 합니다:

# %%
import tempfile
from pathlib import Path

lesson_folder = Path(tempfile.mkdtemp())
predlog.use_log(lesson_folder / "predictions.sqlite")
print("Logging is on:", predlog.logging_enabled())
print("This lesson's log:", predlog.log_path().name, "in a temporary folder")
print("Your own log:", config.display_path(config.course_home() / predlog.LOG_FILE_NAME))

# %% [markdown]
# ## 살펴볼 예측 몇 개
#
# 가장 좋은 테스트는 여러분이 직접 쓴 숫자입니다. 하지만 사람 없이 실행되는 페이지는 그림을 그릴 수 없습니다.
# 그래서 로봇 손이 대신 그립니다. `samples.digit_strokes`는 각 숫자의 펜 획을 여섯 가지 글씨체로 줍니다.
# 단정한 글씨, 유럽식 글씨, 둥근 글씨, 기울어진 글씨, 빠른 글씨, 아이의 글씨입니다. 각 숫자를 가는 펜,
# 보통 펜, 굵은 펜으로 그립니다. 또 각 숫자를 그림판보다 크게 한 번 더 그립니다.
# 각 그림은 여러분의 획과 똑같이 그림판으로 들어갑니다(`pad.classify`). 그리고 맞는 숫자를 골라
# **저장**(`pad.save`)하면 로그에 진짜 숫자가 기록됩니다.

# %%
def on_pad(strokes):
    """Move strokes from a box about 1 tall around (0, 0) to the middle of the 280x280 pad."""
    return [[(140 + 200 * x, 140 + 200 * y) for x, y in stroke] for stroke in strokes]


pad = widgets.DrawingPad(model=model, save_folder=lesson_folder / "my_digits")
for pen in (8, 18, 34):
    for writer in samples.WRITER_NAMES:
        for digit in range(10):
            strokes = on_pad(samples.digit_strokes(digit, writer=writer, seed=100 * pen + digit))
            pad.classify(widgets.pad_ink_image(strokes, brush_size=pen))
            pad.save(digit)
for digit in range(10):  # 각 숫자를 그림판보다 크게 한 번 더 그립니다: 가장자리에 닿습니다
    big = [[(140 + 330 * x, 140 + 330 * y) for x, y in stroke] for stroke in samples.digit_strokes(digit, seed=digit)]
    pad.classify(widgets.pad_ink_image(big))
    pad.save(digit)
print("Writing styles:", ", ".join(samples.WRITER_NAMES))
print("Drawings read on the pad:", len(samples.WRITER_NAMES) * 10 * 3 + 10)

# %% [markdown]
# 사진은 06강의 업로드 도우미로 들어옵니다. 여기서는 도우미에 파일 경로를 줍니다. 휴대전화 사진 열 장과,
# 스캔한 양식에서 숫자에 꼭 맞게 잘라 낸 그림 열 장입니다. 모두 `samples`가 만듭니다. `upload.read_upload`는
# 각 그림을 모델로 읽고, 파일 이름과 함께 로그에 씁니다.

# %%
for digit in range(10):
    for kind in ("photo", "tight"):
        picture = lesson_folder / f"{kind}_{digit}.jpg"
        picture.write_bytes(samples.encode(samples.make_sample(digit, kind=kind, seed=digit).image, "JPEG"))
        upload.upload_image(lambda name, content: upload.read_upload(model, name, content, label=digit),
                            path=picture)
print("Predictions in the log:", predlog.open_log().count())

# %% [markdown]
# ## SQL로 로그 읽기
#
# SQL은 데이터베이스의 언어입니다. `SELECT`는 열을 요청하고, `FROM`은 테이블 이름을 말합니다. `WHERE`는
# 일부 줄만 남기고, `GROUP BY`는 그룹마다 한 줄을 만듭니다. 먼저 `predictions` 테이블의 열을 봅니다:

# %% tags=["nbval-check-output"]
import sqlite3

connection = sqlite3.connect(predlog.log_path())
columns = [row[1] for row in connection.execute("PRAGMA table_info(predictions)")]
print(", ".join(columns))

# %% [markdown]
# 각 도구는 숫자를 몇 개 보았고, 모델은 그중 몇 개를 맞게 읽었을까요? `digit = true_label`은 답이 맞으면
# 1이고 틀리면 0입니다. 그래서 이 값의 합은 맞은 개수이고, 평균은 맞은 비율입니다.

# %%
query = """
SELECT source, COUNT(*), SUM(digit = true_label), ROUND(100.0 * AVG(digit = true_label), 1)
FROM predictions WHERE true_label IS NOT NULL
GROUP BY source
"""
print(f"{'tool':8} {'digits':>6} {'right':>6} {'%':>6}")
for source, count, right, percent in connection.execute(query):
    print(f"{source:8} {count:6d} {right:6d} {percent:5.1f}%")

# %% [markdown]
# ## 모델은 어디에 약할까요?
#
# 같은 질문을 숫자마다 합니다. 가장 약한 숫자가 먼저 나옵니다:

# %%
query = """
SELECT true_label, COUNT(*), SUM(digit != true_label), ROUND(100.0 * AVG(digit = true_label), 1)
FROM predictions WHERE true_label IS NOT NULL
GROUP BY true_label ORDER BY AVG(digit = true_label), true_label
"""
for digit, count, wrong, percent in connection.execute(query).fetchall()[:4]:
    print(f"digit {digit}: {percent:5.1f}% right, {wrong} wrong of {count}")

# %% [markdown]
# 수는 어디가 약한지 알려 주고, 그림은 왜 약한지 알려 줍니다. 로그는 모델이 본 28x28 이미지를 PNG로
# 보관합니다. 그래서 틀린 숫자를 모델이 본 그대로 볼 수 있습니다. `predlog.png_to_image`는 이 바이트를
# 다시 배열로 바꿉니다.

# %%
wrong_rows = connection.execute(
    "SELECT image_png, true_label, digit, confidence, source FROM predictions "
    "WHERE true_label IS NOT NULL AND digit != true_label ORDER BY id").fetchall()
print("Wrong answers:", len(wrong_rows))
if wrong_rows:
    shown = wrong_rows[:20]
    plots.show_digits([predlog.png_to_image(row[0]) for row in shown],
                      titles=[f"{row[1]} read {row[2]}" for row in shown], ncols=10)
    plt.show()

# %% [markdown]
# 틀린 숫자들에는 어떤 공통점이 있을까요? 짐작하지 않습니다. `report.measure_digits`가 모델이 본 이미지를
# 모두 측정합니다. 무게 중심이 가운데에서 얼마나 떨어져 있는지, 획이 얼마나 굵은지 잽니다. 숫자가 얼마나
# 기울었는지, 높이가 얼마인지, 잉크가 얼마나 밝은지도 잽니다.
#
# `report.digit_traits`는 이 측정값을 MNIST에서 드문 특징으로 바꿉니다. 예를 들어 "가는 획"(thin strokes)은
# 획이 2.1픽셀보다 가늘다는 뜻입니다. MNIST 테스트 숫자에서 이런 특징은 모두 드뭅니다. 숫자 20개 가운데
# 1개 정도(5%) 또는 그보다 적은 숫자만 그 특징이 있습니다(아래 표의 마지막 열). 각 특징을 틀린 숫자들과
# 맞은 숫자들에서 셉니다. 보고서도 `report.common_traits`로 같은 일을 합니다.

# %%
log = predlog.open_log()
labelled = [row for row in log.rows(newest_first=False) if row["true_label"] is not None]
images = np.stack([predlog.png_to_image(row["image_png"]) for row in labelled])
wrong = np.array([row["digit"] != row["true_label"] for row in labelled])
measures = report.measure_digits(images)
print(f"stroke width: wrong ones {measures['stroke'][wrong].mean():.1f} px, "
      f"right ones {measures['stroke'][~wrong].mean():.1f} px")
print(f"thin strokes: thinner than {report.THIN_STROKE_PIXELS} px")
traits = report.digit_traits(images, labelled)
_, (mnist_test, _) = data.load_course_data(test_per_class=config.pick(full=None, fast=100))
in_mnist = report.digit_traits(data.scale(mnist_test))  # MNIST 테스트 숫자에서 같은 특징
print(f"{'trait':35s} {'wrong ones':>11s} {'right ones':>11s} {'MNIST test':>11s}")
for name, has in traits.items():
    print(f"{report.TRAITS[name]:35s} {has[wrong].sum():4d} of {wrong.sum():<4d} {has[~wrong].sum():4d} of "
          f"{(~wrong).sum():<4d} {100 * in_mnist[name].mean():8.1f}%")

# %% [markdown]
# 틀린 숫자는 많이 가지고 맞은 숫자는 적게 가진 특징이 바로 약점입니다. 이 페이지의 전체 실행에서는 틀린
# 숫자가 모두 그림의 가장자리에 닿습니다. 그림판보다 크게 그려서 가장자리에서 잘린 그림들입니다. 여러분의
# 로그로도 해 보세요. 틀린 숫자의 특징을 찾고, 그런 숫자를 더 그려 보세요. 그리고 모델이 정말 그런 숫자에서
# 틀리는지 확인하세요.

# %% [markdown]
# ## 보고서
#
# `report.build_report`는 이 모든 것을 제출할 수 있는 HTML 파일 하나에 담습니다. 보고서는 크게 세
# 부분으로 나뉩니다:
#
# - 모델: 층, 파라미터, 학습 곡선
# - MNIST 테스트 데이터에서의 결과: 혼동 행렬(confusion matrix), 숫자별 결과, 가장 많이 헷갈리는 숫자 쌍과
#   그 예
# - 로그에 있는 여러분의 숫자: 도구별 결과, 날짜별 결과, 모델이 본 그대로의 틀린 숫자와 확신하지 못한 숫자,
#   그리고 그 숫자들의 공통 특징
#
# 그림은 모두 파일 안에 들어 있습니다. 그래서 인터넷이 없어도 어느 브라우저에서나 열립니다.

# %%
result = report.build_report(model_path, lesson_folder / "report.html", model=model,
                             test_per_class=config.pick(full=None, fast=20))
print("Sections:", ", ".join(result.sections))
print(f"One file: {result.html_path.name}, {result.html_path.stat().st_size // 1024} KB")

# %% [markdown]
# 다음은 보고서의 두 부분입니다. 여러분의 숫자와 그 숫자들의 공통 특징입니다. 빨간 테두리는 틀린 답입니다.
# 나머지는 읽기는 했지만 충분히 확신하지 못한 숫자입니다.

# %%
from IPython.display import HTML

HTML(report.notebook_view(result.html_path, sections=("own", "traits")))

# %% [markdown]
# ## 언어 모델의 해설(선택)
#
# 보고서는 언어 모델(language model)에게 수에 대한 해설을 부탁할 수 있습니다. 여러분의 컴퓨터에서 돌아가는
# 로컬 모델(Ollama 또는 llama.cpp)도 되고, 서버에 있는 모델도 됩니다. 모델이 있는 곳을 설정하지 않으면 이
# 기능은 꺼져 있습니다:
#
# ```bash
# export MNIST_COURSE_LLM_URL=http://127.0.0.1:11434/v1   # 내 컴퓨터의 Ollama
# export MNIST_COURSE_LLM_MODEL=llama3.2
# mnist-course report
# ```
#
# 언어 모델은 수와 짧은 설명만 받습니다. 여러분의 그림이나 파일 이름은 받지 않습니다. 다음은 언어 모델이 받을
# 내용의 앞부분입니다. 실제로 받는 내용 그대로입니다:

# %%
prompt = report.commentary_prompt(result.summary)
print("\n".join(prompt[1]["content"].splitlines()[:14]))
settings = report.llm_settings()
print("Language model:", "none set, so the report has no commentary" if settings is None else settings.model)

# %% [markdown]
# 언어 모델의 답은 보고서의 별도 부분에 일반 텍스트로 들어갑니다. 언어 모델이 느리거나, 멈추거나, 엉뚱한
# 답을 해도 보고서는 만들어집니다. 이때는 해설이 없는 이유를 한 줄로 적습니다.
# 언어 모델은 틀릴 수 있습니다. 언어 모델의 말은 표와 비교해서 확인하세요.

# %% [markdown]
# ## 터미널에서
#
# - `mnist-course log`는 마지막 예측들을 보여 줍니다(더 보려면 `-n 50`, 한 도구만 보려면 `--source pad`).
#   `mnist-course log --csv my_log.csv`는 예측을 모두 스프레드시트용 파일에 씁니다. `mnist-course log --clear`는
#   예측을 지웁니다(먼저 물어봅니다).
# - `mnist-course report`는 강좌 CNN과 여러분의 로그로 `report.html`을 씁니다.
#   `--pdf report.pdf`를 붙이면 PDF로도 인쇄합니다(Chromium 사용). `--model PATH`를 붙이면 다른 모델의 보고서를 씁니다.
#
# 두 프로그램이 동시에 써도 로그는 잘 작동합니다. 예를 들어 노트북의 그림판과 터미널의 `predict`가 동시에
# 쓸 수 있습니다. 그리고 프로그램이 갑자기 멈춰도, 이미 화면에 보여 준 것은 하나도 잃지 않습니다.

# %%
predlog.use_log(None)  # 이 노트북의 나머지에서는 다시 여러분의 로그를 씁니다
connection.close()
log.close()
print("Logging to:", config.display_path(predlog.log_path()))

# %% [markdown]
# ## 배운 것
#
# - 강좌 도구의 모든 예측은 SQLite 파일의 한 줄이 됩니다. 모델이 본 이미지도 함께 들어갑니다.
# - SQL은 로그에 대한 질문에 몇 줄로 답합니다. 몇 개인지, 몇 개를 맞았는지를 도구별, 숫자별로 알려 줍니다.
# - 여러분의 손글씨에서 모델의 약점은 짐작하지 않고 측정합니다. 약점은 틀린 숫자가 맞은 숫자보다 훨씬
#   자주 가진 특징입니다.
# - 명령 하나, `mnist-course report`가 모델, 테스트 결과, 여러분의 로그를 그림이 든 보고서 파일 하나로
#   만듭니다. 언어 모델이 해설을 덧붙일 수 있지만, 언어 모델은 수만 봅니다.

# %% [markdown]
# ## 다음
#
# [07강](07_drawing_pad.ipynb)의 그림판에 숫자 50개를 그리고, 각 숫자를 레이블과 함께 저장하세요. 그다음
# `mnist-course report`를 실행하세요. 틀린 숫자들에는 어떤 공통 특징이 있나요? [05강](05_cnn.ipynb)에서
# 다른 모델을 학습하고 보고서를 다시 만들어 보세요. 새 모델은 *여러분의* 숫자를 더 잘 읽나요?
