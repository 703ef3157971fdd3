# %% [markdown]
# # A1 · 컴퓨터 한 대로는 부족할 때: 같은 CNN을 여러 장치와 여러 워커에서 학습하기
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/ko/A1_distributed_training.ipynb)
#
# **배울 내용:**
#
# - TensorFlow의 분산 엔진인 `tf.distribute`가 Keras 모델 하나를 여러 장치(device)에서 학습하는 방법
#   (`MirroredStrategy`)
# - 여러 프로세스나 여러 컴퓨터에서 학습하는 방법(`MultiWorkerMirroredStrategy`)
# - 이것이 배치(batch) 크기와 학습률(learning rate)을 어떻게 바꾸는지
# - `model.fit`이 배치마다 하는 일
# - 워커 하나를 잃어도 학습이 살아남는 방법, 그리고 이 모든 것이 언제 학습을 빠르게 하는지
#
# **이어지는 내용:** 05강(강좌의 합성곱 신경망(convolutional neural network, CNN)과 그 학습 레시피). 이 강의는
# 부록입니다. 더 큰 모델을 학습할 때를 위해 강좌 너머를 살펴봅니다.
#
# **전체 실행:** AVX2만 있는 2코어 CPU(float32, 대부분의 노트북과 같음)에서 약 3분, AVX-512와 bfloat16이 있는 CPU에서 약 2분. 이 페이지를 빌드할 때 측정했습니다.

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
import numpy as np

from mnist_course import lesson

keras, FAST = lesson.start(language="ko")  # TensorFlow 메시지 숨기기, 버전 확인, 시드 42, 빠른 모드 또는 전체 모드
import tensorflow as tf  # lesson.start()가 이미 조용히 불러왔습니다

from mnist_course import config, data, distributed, models, training

# %% [markdown]
# ## 질문
#
# 더 큰 모델이나 훨씬 많은 데이터는 장치 하나로 학습하면 며칠이 걸릴 수 있습니다. 그럴 때는 여러 장치에서
# 동시에 학습할 수 있습니다. 컴퓨터 한 대에 있는 GPU들, TPU, 또는 여러 대의 컴퓨터입니다. TensorFlow는
# 여러분이 이미 아는 같은 Keras 모델로 이 일을 합니다. 우리는 **전략**(strategy)만 고르면 됩니다:
#
# - `MirroredStrategy`: 프로그램 하나, 같은 컴퓨터 안의 여러 장치
# - `MultiWorkerMirroredStrategy`: 여러 프로그램(**워커**, worker), 보통 여러 컴퓨터에서 실행
#
# 이 컴퓨터에는 무엇이 있을까요? 다음 셀은 버전, CPU 코어 수, GPU 수를 출력합니다.

# %%
import os

print("TensorFlow", tf.__version__, "/ Keras", keras.__version__)
print("CPU cores:", os.cpu_count(), "/ GPUs:", len(tf.config.list_physical_devices("GPU")))

# %% [markdown]
# 이 페이지를 빌드한 컴퓨터에는 GPU가 없고, 위에 출력된 CPU 코어만 있습니다. 그래서 장치와 컴퓨터를 직접
# 만듭니다. CPU를 장치 두 개로 나누고, 이 컴퓨터에서 워커 프로그램 두 개를 시작합니다. 아래에 보이는 것은
# 모두 진짜 학습이고, 결과도 진짜입니다. 다만 속도는 실제 하드웨어에서 얻을 속도와 다릅니다. 그 이유는
# 5절에서 설명합니다.

# %% [markdown]
# ## 1. 프로그램 하나, 장치 두 개: `MirroredStrategy`
#
# 먼저 CPU를 **논리 장치**(logical device) 두 개로 나눕니다. TensorFlow는 처음 무언가를 실행할 때 장치를
# 한 번만 설정합니다. 그래서 이 일은 어떤 모델, 텐서, 데이터셋보다도 먼저 해야 합니다. (너무 늦으면
# TensorFlow가 오류를 냅니다. `distributed.strategy_for`는 그 오류를 무엇을 해야 하는지 알려 주는 메시지로
# 바꿉니다.)

# %% tags=["nbval-check-output"]
config.quiet_tensorflow()  # 노트북에서는 TensorFlow를 불러오면 INFO 줄이 켜집니다: 다시 숨깁니다
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
print("devices:", [device.name for device in tf.config.list_logical_devices("CPU")])
print("replicas in sync:", strategy.num_replicas_in_sync)

# %% [markdown]
# 강좌 CNN의 데이터와 레시피입니다(05강). 모든 실행을 짧고 똑같이 하려고,
# 06강의 데이터 증강(data augmentation)을 끕니다. 그리고 모든 실행을 같은 수의 에포크(epoch) 동안 학습합니다.

# %%
import time

(train_images, train_labels), (test_images, test_labels) = data.load_course_data(
    train_per_class=config.pick(full=None, fast=200),
    test_per_class=config.pick(full=None, fast=50),
)
train_images, test_images = data.scale(train_images), data.scale(test_images)
recipe = models.RECIPES["cnn"]
EPOCHS = config.pick(full=3, fast=1)
print(f"{len(train_images)} training images, {len(test_images)} test images, {EPOCHS} epochs")
print(f"course CNN recipe: batch of {recipe.batch_size} images, peak learning rate {recipe.peak_learning_rate}")

results = []  # 실행마다 한 행, 3절 끝의 표에 씁니다


def add_result(name, replicas, batch_size, learning_rate, seconds, model):
    """Test the model on the test images and keep one row for the table."""
    accuracy = training.evaluate(model, test_images, test_labels)["accuracy"]
    steps = EPOCHS * (len(train_images) // batch_size)
    results.append({"run": name, "replicas": replicas, "batch": batch_size, "learning rate": learning_rate,
                    "train s": seconds, "ms per step": 1000 * seconds / steps, "test accuracy": accuracy})
    print(f"{name}: {seconds:.1f} s of training, test accuracy {accuracy:.2%}")


# %% [markdown]
# ### 실행 A: 장치 하나
#
# 05강처럼 `training.train`으로 학습한 기본 강좌 CNN입니다(위에서 말했듯이 데이터 증강은 없습니다).
# 다른 실행은 모두 이 실행과 비교합니다.

# %%
config.set_seed(42)
model_one = models.build("cnn")
started = time.perf_counter()
training.train(model_one, train_images, train_labels, epochs=EPOCHS, validation_split=0, augment=False, seed=42)
add_result("A: one device", 1, recipe.batch_size, recipe.peak_learning_rate, time.perf_counter() - started, model_one)

# %% [markdown]
# ### 실행 B: 장치 두 개, 같은 배치
#
# 전략을 쓰면 코드에서 딱 하나만 바뀝니다. 모델을 `strategy.scope()` 안에서 만듭니다(여기서는 학습도 그
# 안에서 합니다). 그러면 이미지 256개로 된 배치마다 다음 일이 일어납니다:
#
# 1. 각 장치는 모델의 사본을 하나씩 가집니다(**복제본**, replica).
# 2. 배치를 나눕니다. 각 장치가 이미지 128개를 받습니다.
# 3. 각 장치는 자기 이미지 128개에 대한 기울기(gradient)를 계산합니다.
# 4. 두 장치의 기울기를 더합니다(**올-리듀스**, all-reduce).
# 5. 두 사본이 똑같이 업데이트됩니다. 그래서 두 사본은 계속 같습니다.
#
# 이것이 **동기식 데이터 병렬 처리**(synchronous data parallelism)입니다. 업데이트는 장치 하나에서 256개
# 전체 배치로 한 것과 같습니다. 그래서 학습률을 그대로 두고, 같은 정확도(accuracy)를 기대합니다.
#
# 세부 사항이 하나 있습니다. Keras 3.15에서는 모델이 호출 한 번에 배치 여러 개를 실행하면
# `MirroredStrategy` 아래의 `fit`이 실패합니다(`steps_per_execution`입니다. 강좌 모델은 장치가 하나일 때
# 이 값을 8로 둡니다). 그래서 1로 컴파일합니다.

# %%
config.set_seed(42)
with strategy.scope():
    model_two = models.build("cnn")
    model_two.compile(optimizer=model_two.optimizer, loss=model_two.loss, metrics=["accuracy"], steps_per_execution=1)
    started = time.perf_counter()
    training.train(model_two, train_images, train_labels, epochs=EPOCHS, validation_split=0, augment=False, seed=42)
add_result("B: two devices", 2, recipe.batch_size, recipe.peak_learning_rate, time.perf_counter() - started, model_two)
print("batches per call (steps_per_execution): run A", model_one.steps_per_execution,
      "/ run B", model_two.steps_per_execution)

# %% [markdown]
# 이제 이 모델의 가중치(weight)는 각각 `MirroredVariable`입니다. 장치마다 사본이 하나씩 있습니다. 모든
# 업데이트가 두 장치에서 똑같았기 때문에, 두 사본은 같습니다.

# %% tags=["nbval-check-output"]
first_weights = model_two.layers[0].kernel
copies = strategy.experimental_local_results(first_weights.value)
print(type(first_weights.value).__name__, "with", len(copies), "copies on", [copy.device.split("/")[-1] for copy in copies])
print("the copies are equal:", bool(np.array_equal(copies[0].numpy(), copies[1].numpy())))

# %% [markdown]
# ### 실행 C: 더 큰 배치와 더 큰 학습률
#
# GPU는 배치가 클 때 가장 빠릅니다. 그래서 장치가 N개이면 보통 장치마다의 배치를 그대로 두고, **전체
# 배치**(global batch)를 키웁니다. 장치 2개 × 이미지 256개 = 한 단계에 이미지 512개입니다. 그러면 한
# 에포크의 단계 수가 절반이 됩니다. 각 단계는 두 배 많은 이미지의 기울기를 평균합니다. 그래서 방향에 잡음이
# 적고, 한 번에 더 멀리 갈 수 있습니다. **선형 스케일링 규칙**(linear scaling rule, Goyal et al., 2017,
# "Accurate, Large Minibatch SGD")은 이렇게 말합니다. 학습률에 같은 배수를 곱하고, 처음에는 워밍업을
# 합니다. 우리의 원 사이클 스케줄은 이미 워밍업을 합니다.

# %%
scale = strategy.num_replicas_in_sync
big_batch, big_learning_rate = recipe.batch_size * scale, recipe.peak_learning_rate * scale
config.set_seed(42)
with strategy.scope():
    model_big = models.build("cnn")
    model_big.compile(optimizer=model_big.optimizer, loss=model_big.loss, metrics=["accuracy"], steps_per_execution=1)
    started = time.perf_counter()
    training.train(model_big, train_images, train_labels, epochs=EPOCHS, batch_size=big_batch,
                   peak_learning_rate=big_learning_rate, validation_split=0, augment=False, seed=42)
add_result("C: two devices, batch x2, rate x2", 2, big_batch, big_learning_rate, time.perf_counter() - started, model_big)

# %% [markdown]
# ## 2. `fit`이 배치마다 하는 일
#
# `fit`은 위의 다섯 단계를 감춥니다. 여기서는 그 단계를 두 장치에 맞게 직접 써 봅니다. 천천히 읽어 볼 만합니다.
# 3절에서 바로 이 코드가 필요하기 때문입니다:
#
# - `strategy.run(replica_step, ...)`은 `replica_step`을 장치마다 한 번씩 실행합니다. 각 장치는 배치에서
#   자기 몫을 받습니다.
# - 각 장치는 자기 손실(loss)을 **전체** 배치의 크기로 나눕니다(`tf.nn.compute_average_loss`). 그러면
#   장치들에 걸친 합이 전체 배치의 평균이 됩니다. 장치 하나일 때와 같습니다.
# - `optimizer.apply_gradients`는 가중치를 업데이트하기 전에 모든 장치의 기울기를 더합니다.
# - `strategy.reduce(SUM, ...)`는 출력하려고 손실의 두 부분을 더합니다.

# %%
GLOBAL_BATCH = recipe.batch_size
with strategy.scope():  # 변수는 scope 안에서 만듭니다: 모델의 변수와 옵티마이저 자신의 변수
    own_model = models.build("cnn")
    own_optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    own_optimizer.build(own_model.trainable_variables)  # 첫 단계가 아니라 지금 만듭니다(Keras 3.15는 첫 단계에서 실패합니다)
loss_function = keras.losses.CategoricalCrossentropy(label_smoothing=recipe.label_smoothing, reduction=None)


def replica_step(images, labels):
    """One device: the loss of its part of the batch, the gradients, the update."""
    with tf.GradientTape() as tape:
        probabilities = own_model(images, training=True)
        per_image_loss = loss_function(labels, probabilities)
        loss = tf.nn.compute_average_loss(per_image_loss, global_batch_size=GLOBAL_BATCH)
    gradients = tape.gradient(loss, own_model.trainable_variables)
    own_optimizer.apply_gradients(zip(gradients, own_model.trainable_variables))  # 모든 장치의 기울기를 더합니다
    return loss


@tf.function
def train_step(images, labels):
    """All devices at once: one synchronous step; returns the mean loss of the global batch."""
    per_replica_loss = strategy.run(replica_step, args=(images, labels))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_loss, axis=None)


# %% [markdown]
# `strategy.experimental_distribute_dataset`은 데이터셋의 모든 배치를 장치들에 나눕니다. 몇 단계를
# 학습하면서 각 장치가 무엇을 받는지 봅니다.

# %%
batches = tf.data.Dataset.from_tensor_slices((data.add_channel(train_images), data.one_hot(train_labels)))
batches = batches.shuffle(len(train_images), seed=42).batch(GLOBAL_BATCH, drop_remainder=True).take(40)
for step, (images, labels) in enumerate(strategy.experimental_distribute_dataset(batches), start=1):
    if step == 1:
        parts = strategy.experimental_local_results(images)
        print("one batch of", GLOBAL_BATCH, "images ->", [tuple(part.shape) for part in parts])
    loss = train_step(images, labels)
    if step in (1, 10, 20, 40):
        print(f"step {step:2d}: loss {float(loss):.3f}")

# %% [markdown]
# 손실이 내려가고, 각 장치는 배치마다 절반씩 받았습니다. 3절의 워커 프로그램도 바로 이 줄들을 실행합니다.
# 라이브러리에는 이 코드가 `distributed.make_train_step`으로 들어 있습니다.
#
# ## 3. 프로그램 여러 개: `MultiWorkerMirroredStrategy`
#
# 이제 각 장치는 별도의 프로그램, 즉 **워커**입니다. 별도의 컴퓨터에 있을 때와 같습니다. 워커들은
# `TF_CONFIG` 환경 변수로 서로를 찾습니다. 이 변수에는 모든 워커의 주소가 들어 있고, 프로그램 자신이 어느
# 워커인지도 들어 있습니다. 모든 워커가 같은 목록을 받고, 번호만 다릅니다. 워커 0은 **치프**(chief)입니다.
# 치프는 모델과 체크포인트(checkpoint)를 저장합니다. `distributed.local_tf_configs`는 이 컴퓨터의 워커를
# 위한 `TF_CONFIG`를 씁니다(127.0.0.1, 비어 있는 포트 사용):

# %%
import json

for tf_config in distributed.local_tf_configs(2):
    print(json.dumps(tf_config))

# %% [markdown]
# 각 워커는 자기 `TF_CONFIG`를 가지고 `python -m mnist_course.distributed worker`를 실행합니다. 워커는
# 다음 일을 합니다:
#
# 1. `tf.distribute.MultiWorkerMirroredStrategy()`를 만듭니다. 이 전략은 `TF_CONFIG`를 읽고 다른 워커에
#    연결합니다.
# 2. `strategy.scope()` 안에서 강좌 CNN을 만듭니다(치프의 처음 가중치가 모든 워커에 복사됩니다).
# 3. 다른 모든 워커와 **똑같은** `tf.data` 파이프라인을 만듭니다. 같은 시드로 섞고, 256개씩 배치로
#    묶습니다. 그러면 `strategy.experimental_distribute_dataset`이 각 워커에게 모든 배치의 자기 절반을
#    줍니다(**자동 샤딩**, auto-sharding). 마지막의 다 차지 않은 배치는 버립니다. 한 단계를 더 가진 워커는
#    다른 워커를 영원히 기다리게 되기 때문입니다.
# 4. 2절과 같은 학습 단계로 학습합니다.
# 5. 에포크마다 체크포인트를 저장합니다. 그리고 치프가 모델을 저장합니다.
#
# `distributed.local_workers`는 워커를 시작하고, `with` 블록 안에서 워커를 기다립니다. 블록이 끝나면,
# 이유가 무엇이든, 이 노트북의 오류 때문이라도, 아직 실행 중인 워커를 모두 멈춥니다. 남겨지는 워커는
# 없습니다.
#
# ### 첫 시도: `fit`
#
# 1절처럼 각 워커에서 그냥 `model.fit`을 부르면 안 될까요? 시험해 봅니다(`--use-fit`).
#
# 워커들을 실행할 때마다 보고서(report), 로그(log), 체크포인트, 모델을 둘 폴더가 필요합니다. 이 강의는
# 자기 실행을 위해 새로운 빈 임시 폴더 `runs`를 만듭니다. 강의의 끝에서 이 폴더를 지웁니다.

# %%
import tempfile
from pathlib import Path

runs = Path(tempfile.mkdtemp(prefix="A1-runs-"))  # 이 강의만의 폴더: 새로 만든 빈 폴더라서 옛 체크포인트가 없습니다
small = [] if not FAST else ["--train-per-class", "200"]
with distributed.local_workers(runs / "fit", 2, [*small, "--no-augment", "--use-fit"]) as workers:
    workers.wait(timeout=600)
for index in range(2):
    print(f"worker {index}:", distributed.read_report(runs / "fit", index)["fit_error"])

# %% [markdown]
# `fit`은 첫 단계 전에 멈춥니다. 이것은 이 전략에서 Keras 3가 가진 알려진 문제입니다
# (keras-team/keras#20585). Keras는 첫 단계 전에 첫 배치로 모델을 만듭니다. 그리고 그 "복제본별"
# (per-replica) 배치를 `strategy.reduce`로 워커들에 걸쳐 평균합니다. 이 전략에서는 그 호출이 실패합니다.
# 강좌의 테스트는 새 Keras가 나올 때마다 이것을 확인합니다. `fit`이 동작하게 되면, 이 강의는 `fit`을
# 쓸 것입니다(4절의 체크포인트에는 `keras.callbacks.BackupAndRestore`를 씁니다).
#
# 우리가 직접 만든 학습 단계에는 이 문제가 없습니다. 그리고 이 학습 단계는 어차피 `fit`이 할 일을 그대로
# 보여 줍니다.
#
# ### 워커 두 개, 직접 만든 학습 단계

# %%
worker_args = [*small, "--epochs", EPOCHS, "--no-augment", "--seed", 42]
started = time.perf_counter()
with distributed.local_workers(runs / "two-workers", 2, worker_args) as workers:
    workers.wait(timeout=1800, show=0)  # 치프가 출력하는 줄을 바로바로 보여 줍니다
wall_seconds = time.perf_counter() - started
reports = [distributed.read_report(runs / "two-workers", index) for index in range(2)]
train_seconds = sum(epoch["seconds"] for epoch in reports[0]["epochs"])
print(f"wall time with the start of both programs: {wall_seconds:.1f} s; training: {train_seconds:.1f} s")
model_workers = training.load_model(runs / "two-workers" / distributed.MODEL_FILE)
add_result("D: two workers, own step", 2, recipe.batch_size, recipe.peak_learning_rate, train_seconds, model_workers)

# %% [markdown]
# 두 워커가 정말 각자 자기 절반으로 일했을까요? 각 워커는 보고서를 썼고, 마지막 에포크에 학습한 이미지의
# 번호도 기록했습니다(`distributed.read_report`).

# %%
seen = [np.load(runs / "two-workers" / distributed.EXAMPLES_FILE.format(index=index)) for index in range(2)]
for report, images_seen in zip(reports, seen):
    role = "chief" if report["chief"] else "worker"
    epoch = report["epochs"][-1]
    print(f"worker {report['task_index']} ({role}): {epoch['steps']} steps, {len(images_seen)} images, "
          f"loss {epoch['loss']:.3f}")
print("images both workers trained on:", len(np.intersect1d(seen[0], seen[1])))
print("images trained on in the last epoch:", len(np.union1d(seen[0], seen[1])), "of", len(train_images))

# %% [markdown]
# 두 워커는 같은 수의 단계를 실행했고, 같은 손실을 출력합니다. 그 손실은 전체 배치의 손실이고,
# `strategy.reduce`가 워커들에 걸쳐 더한 값입니다. 두 워커는 서로 다른 이미지로 학습했습니다. 둘을 합치면
# 마지막의 다 차지 않은 배치를 빼고 모든 이미지로 학습했습니다.
#
# ### 모든 실행을 나란히

# %%
print(f"{'run':36} {'replicas':>8} {'batch':>6} {'rate':>5} {'train s':>8} {'ms/step':>8} {'time / A':>9} {'test accuracy':>14}")
for row in results:
    print(f"{row['run']:36} {row['replicas']:>8} {row['batch']:>6} {row['learning rate']:>5.2f} {row['train s']:>8.1f} "
          f"{row['ms per step']:>8.1f} {row['train s'] / results[0]['train s']:>9.1f} {row['test accuracy']:>14.2%}")
accuracies = [row["test accuracy"] for row in results]
print(f"test accuracy from {min(accuracies):.2%} to {max(accuracies):.2%}: "
      f"{100 * (max(accuracies) - min(accuracies)):.2f} points apart")

# %% [markdown]
# 표가 보여 주는 것:
#
# - **같은 정확도.** 네 실행 모두 테스트 이미지 10,000개에서 약 99%에 이릅니다. 서로의 차이는 한 포인트에도
#   훨씬 못 미칩니다(마지막 줄). 장치 두 개나 워커 두 개도 장치 하나와 같은 모델을 학습합니다. 동기식 데이터
#   병렬 처리는 학습의 수학을 바꾸지 않습니다.
# - **비례해서 키운 레시피도 잘 됩니다.** 실행 C는 실행 B의 절반만큼 단계를 밟았습니다. 각 단계는 이미지가
#   두 배, 학습률도 두 배였습니다. 그리고 같은 정확도에 이르렀습니다.
# - **여기서는 빨라지지 않습니다.** "time / A" 열은 각 실행의 학습 시간을 장치 하나일 때와 비교합니다. 이
#   컴퓨터에서는 어떤 실행도 장치 하나보다 확실히 빠르지 않고, 워커 두 개가 가장 느립니다. 5절에서 그 이유와,
#   언제 달라지는지를 설명합니다.

# %% [markdown]
# ## 4. 워커가 죽으면: 체크포인트
#
# 여러 컴퓨터로 여러 시간 동안 학습하면, 언젠가는 컴퓨터 한 대가 고장 납니다. 동기식 학습에서는 모든
# 워커가 단계마다 다른 모든 워커를 기다립니다. 그래서 워커 하나가 죽으면 나머지도 계속할 수 없습니다.
#
# 해답은 **체크포인트**입니다. 각 워커는 에포크마다 `tf.train.CheckpointManager`로 모델, 옵티마이저(optimizer),
# 에포크 번호를 저장합니다. 진짜 폴더에는 치프만 씁니다. 실제 클러스터에서는 그 폴더가 공유 저장소에
# 있습니다. 워커는 시작할 때 체크포인트를 찾고, 찾으면 거기서부터 이어 갑니다.
#
# MNIST의 더 작은 부분으로 3 에포크 동안 학습하고, 에포크 1의 체크포인트가 저장될 때까지 기다립니다.
# 그다음 워커 1을 SIGKILL로 죽입니다. 프로그램은 정리할 기회도 없이 바로 끝납니다. 컴퓨터의 전원이 나간
# 것과 같습니다.

# %%
fault_per_class = config.pick(full=2000, fast=200)  # 짧게 끝나도록 MNIST의 더 작은 부분을 씁니다
fault_args = ["--train-per-class", fault_per_class, "--batch-size", config.pick(full=256, fast=64),
              "--epochs", 3, "--no-augment", "--seed", 42]
print(f"{10 * fault_per_class} training images, 3 epochs")
with distributed.local_workers(runs / "fault", 2, fault_args) as workers:
    workers.wait_for_epoch(1, index=0)
    workers.kill(1)
    killed = time.perf_counter()
    print("\n".join(workers.lines(0)))
    print("worker 1 killed; still running:", workers.running())
    statuses = workers.wait(timeout=300, check=False)
    noticed = time.perf_counter() - killed
print(f"worker 0 stopped by itself after {noticed:.0f} s, exit status {statuses[0]}:")
print(workers.last_error(0))

# %% [markdown]
# 워커 0은 영원히 기다리지 않았습니다. TensorFlow는 워커 1이 사라진 것을 알아채고, 오류와 함께 워커 0을
# 멈췄습니다. 알아챈 이유는 워커 1이 더 이상 대답하지 않았거나, 그 워커의 하트비트(heartbeat)가 멈췄기
# 때문입니다. (하트비트는 "살아 있습니다"라는 작은 메시지입니다.) 클러스터에서는 이제 작업 스케줄러가
# 워커를 다시 시작합니다. 우리도 똑같이 합니다. 같은 명령, 같은 실행 폴더를 씁니다.

# %%
with distributed.local_workers(runs / "fault", 2, fault_args) as workers:
    workers.wait(timeout=1800, show=0)
restart = distributed.read_report(runs / "fault", 0)
print(f"the restarted run began at epoch {restart['first_epoch']} (checkpoint of epoch {restart['resumed_from']})")
model_fault = training.load_model(runs / "fault" / distributed.MODEL_FILE)
print(f"test accuracy after the restart: {training.evaluate(model_fault, test_images, test_labels)['accuracy']:.2%}")

# %% [markdown]
# 다시 시작한 워커는 에포크 1부터 다시 학습하지 않았습니다. 체크포인트를 불러오고, 빠진 에포크만
# 학습했습니다. 여러 시간 걸리는 실행도 잃는 작업은 많아야 한 에포크입니다.
#
# ## 5. 실제 하드웨어에서
#
# 위 코드는 그대로입니다. 전략과 주소만 바뀝니다:
#
# - **컴퓨터 한 대에 GPU 여러 개:** 인자 없는 `tf.distribute.MirroredStrategy()`는 모든 GPU를 씁니다.
#   그리고 NVIDIA의 NCCL 라이브러리로 기울기를 더합니다. `distributed.strategy_for()`도 똑같이 합니다.
#   GPU가 없으면 (여기서처럼) CPU를 장치들로 나눕니다.
# - **Colab의 TPU:** TPU에는 코어가 여러 개 있습니다. `tf.distribute.TPUStrategy`는 배치를 그 코어들에
#   나눕니다. TensorFlow의 TPU 안내서는 TPU에 먼저 연결하는 줄들을 보여 줍니다. 처음은
#   `resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu="")`, 그다음
#   `tf.config.experimental_connect_to_cluster(resolver)`, `tf.tpu.experimental.initialize_tpu_system(resolver)`,
#   마지막으로 `strategy = tf.distribute.TPUStrategy(resolver)`입니다.
# - **컴퓨터 여러 대:** 컴퓨터마다 같은 워커 프로그램을 시작합니다. 각 프로그램에는 실제 주소
#   (`"10.0.0.1:2222"`, `"10.0.0.2:2222"`, ...)를 나열한 `TF_CONFIG`를 줍니다. 작업 스케줄러(학습 오퍼레이터를
#   쓰는 Kubernetes, Slurm, 클라우드 학습 서비스)는 `TF_CONFIG`를 대신 설정해 줍니다. 체크포인트 폴더는
#   모든 워커가 읽을 수 있는 저장소에 있어야 합니다. 클라우드 버킷이 그 예입니다.
#
# 이 컴퓨터에서 `distributed.strategy_for()`는 GPU를 찾지 못하고, 1절의 CPU 장치 두 개를 씁니다:

# %%
print([device.split("/")[-1] for device in distributed.strategy_for().extended.worker_devices])

# %% [markdown]
# ### 솔직한 숫자: 여기서는 왜 더 느린가, 언제 도움이 되는가
#
# 이 컴퓨터에서는 분산 학습이 시간만 더 들었습니다. 이유는 세 가지입니다:
#
# 1. **추가 계산 능력이 없습니다.** 논리 장치 두 개와 워커 두 개는 같은 CPU 코어를 나눠 씁니다. 장치
#    하나가 이미 코어를 모두 썼습니다.
# 2. **단계마다 추가 작업이 있습니다.** 배치를 나누고, 모든 복제본의 기울기를 더하고(올-리듀스), 모든
#    복제본이 가장 느린 복제본을 기다립니다. 워커 사이에서는 127.0.0.1에서도 기울기가 네트워크 소프트웨어를
#    거쳐 갑니다. 다른 프로그램이 잠깐이라도 코어 하나를 차지하면 두 워커가 모두 기다립니다.
# 3. **단계가 짧습니다.** 작은 강좌 CNN의 한 단계는 몇 밀리초밖에 걸리지 않습니다. 그래서 이 고정 비용이
#    실제 작업에 비해 큽니다.
#
# 분산 학습은 장치마다 자기 계산 능력을 가져올 때 도움이 됩니다. GPU, TPU의 코어, 더 많은 컴퓨터가 그렇습니다.
# 또 한 단계가 기울기를 주고받는 시간보다 훨씬 오래 걸려야 합니다. 즉 큰 모델, 큰 이미지, 큰 배치, 그리고
# 빠른 연결(GPU 사이의 NVLink, 컴퓨터 사이의 빠른 네트워크)이 필요합니다.
#
# 아래 셀은 우리가 직접 잰 값으로 대략 추정합니다. 세 가지를 가정합니다. 워커마다 이런 컴퓨터를 한 대씩
# 혼자 씁니다. 한 단계의 작업은 고르게 나뉩니다. 그리고 단계마다 드는 추가 시간은 워커 두 개에서 잰 값
# 그대로입니다.

# %%
one, two_workers = results[0], results[3]
parameters = models.count_parameters(model_one)
overhead = two_workers["ms per step"] - one["ms per step"]
print(f"the course CNN has {parameters:,} parameters: each step, each worker sends and receives about "
      f"{parameters * 4 / 1e6:.2f} MB of gradients")
print(f"one device: {one['ms per step']:.1f} ms per step; two workers: {two_workers['ms per step']:.1f} ms per step "
      f"(+{overhead:.1f} ms)")
for workers_count in (2, 4, 8):
    step = one["ms per step"] / workers_count + max(overhead, 0)
    print(f"{workers_count} workers, each on a computer like this one: about {step:.1f} ms per step, "
          f"speed-up {one['ms per step'] / step:.1f} (above 1: faster than one device)")
print(f"distribution saves time when one step on one device takes more than {2 * max(overhead, 0):.0f} ms")

# %% [markdown]
# ## 정리
#
# 워커들의 보고서, 로그, 체크포인트, 모델은 이 강의의 임시 폴더 `runs`에 있습니다. 이 셀은 그 폴더를 지우고,
# 다른 것은 지우지 않습니다. 명령줄 도구는 자기 실행 결과를 강좌 폴더에 따로 보관합니다. 이 강의는 그것들을
# 건드리지 않습니다.

# %%
import shutil

shutil.rmtree(runs)
print("This lesson's runs folder is gone:", not runs.exists())

# %% [markdown]
# ## 배운 것
#
# - `tf.distribute`는 같은 Keras 모델을 여러 장치에서 학습합니다. 모델을 `strategy.scope()` 안에서 만들면
#   됩니다. `MirroredStrategy`는 컴퓨터 한 대의 장치들을, `MultiWorkerMirroredStrategy`는 여러 프로그램이나
#   여러 컴퓨터를, `TPUStrategy`는 TPU를 씁니다.
# - 동기식 데이터 병렬 처리는 각 배치를 나누고, 기울기를 더하고, 모델의 모든 사본을 같게 유지합니다.
#   그래서 정확도는 장치 하나일 때와 같습니다.
# - 장치가 N개이면 장치마다의 배치를 그대로 둡니다. 그래서 전체 배치와 학습률이 N배로 커집니다(처음에
#   워밍업을 합니다).
# - 분산 학습 단계는 `strategy.run`, 전체 배치 크기로 나눈 손실(`tf.nn.compute_average_loss`), 옵티마이저가
#   더하는 기울기, 그리고 `strategy.reduce`로 이루어집니다. `fit`이 우리 대신 하는 일이 바로 이것입니다.
#   워커가 여러 개일 때 `fit`이 실패하는 동안(Keras 3.15)에는 이것을 우리가 직접 씁니다.
# - 워커들은 `TF_CONFIG`로 서로를 찾습니다. 자동 샤딩은 모든 배치에서 각 워커에게 몫을 나눠 줍니다. 치프가
#   모델을 저장합니다.
# - 에포크마다 체크포인트를 저장하면, 워커를 잃어도 실행이 살아남습니다. 다시 시작한 실행은 거기서부터
#   이어 갑니다.
# - 분산 학습은 장치마다 자기 계산 능력을 가져오고, 한 단계가 기울기를 주고받는 시간보다 훨씬 오래 걸릴 때
#   도움이 됩니다. 이 컴퓨터의 두 코어에서는 시간만 더 듭니다.
#
# ## 다음
#
# 강좌 CNN을 Colab의 GPU나 TPU 런타임으로 가져가서, 거기서 `distributed.strategy_for()`를 써 보세요.
# 터미널에서는 `mnist-course train --strategy mirrored --workers 2`와
# `mnist-course train --strategy multiworker --workers 2`가 1절과 3절의 실행을 합니다. 두 번째 명령을
# 중간에 멈췄다면 다시 실행하세요. 마지막 체크포인트부터 이어 갑니다.
