"""A light runtime for prediction: the ONNX copy of a ``.keras`` model, read by ONNX Runtime without TensorFlow.

TensorFlow takes seconds and hundreds of megabytes to start, to run a model of 215,000 weights that
needs a millisecond. So ``mnist-course train`` saves an ONNX copy beside each model (``cnn.keras`` ->
``cnn.onnx``), with the calibration temperature inside, and records the ``.keras`` file's SHA-256 in
it. ``predict`` and the desktop app read the copy with ONNX Runtime when the hash matches, and load the
``.keras`` file with Keras otherwise (a model without a copy then gets one, TensorFlow being loaded
anyway). Both give the same digit and, for the course CNN, the same probabilities within 1e-4
(``bench/predict_startup.py`` compares them on all 10,000 MNIST test images).

The API:

- :func:`load_for_prediction` the model to predict with: the copy, or the Keras model (the commands use it);
- :func:`load` the copy, or :class:`CopyError` saying why it cannot be used;
- :class:`OnnxModel` ``predict_proba(images)`` like ``models.predict_proba``, and the ``identity`` the
  prediction log keeps;
- :func:`export` write the copy of a Keras model (needs TensorFlow, ``tf2onnx`` and ``onnx``).

Importing this module imports neither TensorFlow nor ONNX Runtime.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from mnist_course import model_ids

#: The copy's name: the ``.keras`` file's, with this suffix.
SUFFIX = ".onnx"

#: Keys of the copy's ``metadata_props`` (ONNX's own place for a model's notes).
KERAS_SHA256 = "mnist_course.keras_sha256"  # the .keras file it was made from
WEIGHTS_SHA256 = "mnist_course.weights_sha256"  # ``model_ids.weights_sha256`` of the Keras model
MODEL_NAME = "mnist_course.model_name"  # the Keras model's own name (``cnn``, ``ensemble``)
TEMPERATURE = "mnist_course.temperature"  # the calibration temperature (empty: not calibrated)
NUMBER_FORMAT = "mnist_course.number_format"  # ``float32`` or ``mixed_bfloat16``, as the Keras model computes

#: Largest difference in a probability that :func:`export` accepts between the copy and Keras, on its
#: check images. A copy in float32 of a float32 model differs by about 1e-6; a wrong copy by far more.
EXPORT_TOLERANCE = 1e-3

#: Images per call of ONNX Runtime, to keep memory small on big arrays (as ``models.predict_proba``).
BATCH_SIZE = 2048


class CopyError(Exception):
    """The ONNX copy cannot be used (none, another version of the model, no ONNX Runtime); one line says why."""


class ExportError(Exception):
    """The ONNX copy could not be made; one line says why (the ``.keras`` file works all the same)."""


def copy_path(keras_path) -> Path:
    """Where the ONNX copy of a model file is kept: ``cnn.keras`` -> ``cnn.onnx``, in the same folder."""
    return Path(keras_path).expanduser().with_suffix(SUFFIX)


class OnnxModel:
    """The ONNX copy of a ``.keras`` model, ready to predict (made by :func:`load`).

    It stands in for the Keras model where the course only predicts: ``predict_proba(images)`` (and
    ``model(images)``) give the same probabilities, calibrated the same way.

    Attributes:
        path: the ``.onnx`` file; ``keras_path``: the ``.keras`` file it is a copy of.
        name: the Keras model's own name (``"cnn"``).
        temperature: its calibration temperature, or None for a model that was not calibrated.
        identity: ``{"model_id", "weights_id", "model_name"}``, as ``model_ids.model_identity`` gives for
            the Keras model, so the prediction log's rows are the same on both paths.

    Used by ``mnist-course predict`` and the desktop app (``mnist-course draw``).
    """

    runtime = "onnx"

    def __init__(self, session, path: Path, keras_path: Path, metadata: dict):
        self._session = session
        self._input = session.get_inputs()[0]
        self.path = path
        self.keras_path = keras_path
        self.name = metadata.get(MODEL_NAME) or keras_path.stem
        self.temperature = float(metadata[TEMPERATURE]) if metadata.get(TEMPERATURE) else None
        self.identity = {"model_id": metadata[KERAS_SHA256], "weights_id": metadata.get(WEIGHTS_SHA256) or None,
                         "model_name": keras_path.name}  # fmt: skip

    def __repr__(self):
        return f"OnnxModel({str(self.path)!r})"

    def predict_proba(self, images, batch_size: int = BATCH_SIZE) -> np.ndarray:
        """The probability of each digit, as ``models.predict_proba`` gives for the Keras model.

        Args:
            images: one image ``(28, 28)`` or many ``(n, 28, 28)`` (also ``(n, 784)`` or ``(n, 28, 28, 1)``),
                float in [0, 1].

        Returns:
            ``(n, 10) float32`` probabilities; each row sums to 1.

        Raises:
            ValueError: the array does not hold 28x28 images.
        """
        images = np.asarray(images, dtype=np.float32)
        if images.ndim < 2 or images.size % 784:
            raise ValueError(f"expected 28x28 images, got an array of shape {images.shape}")
        batch = images.reshape((-1, *_fixed_shape(self._input.shape)))
        if len(batch) == 0:
            return np.zeros((0, 10), np.float32)
        parts = [self._session.run(None, {self._input.name: batch[start : start + batch_size]})[0]
                 for start in range(0, len(batch), batch_size)]  # fmt: skip
        return np.concatenate(parts).astype(np.float32, copy=False)

    def __call__(self, images, training: bool = False) -> np.ndarray:
        """``model(images)``, as for a Keras model: the probabilities (``training`` is ignored)."""
        return self.predict_proba(images)


def _fixed_shape(shape) -> tuple:
    """The input shape without its batch axis: ``[None, 28, 28, 1]`` -> ``(28, 28, 1)``."""
    return tuple(int(size) for size in shape[1:])


def load(keras_path) -> OnnxModel:
    """The ONNX copy of a ``.keras`` file, when it is there and was made from this very file.

    Never imports TensorFlow.

    Raises:
        CopyError: no copy, a copy of another version of the file, a damaged copy, or no ONNX Runtime;
            its message says which, in one line.

    Used by :func:`load_for_prediction`.
    """
    keras_path = Path(keras_path).expanduser()
    path = copy_path(keras_path)
    if not path.is_file():
        raise CopyError(f"no ONNX copy beside {keras_path.name}")
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        raise CopyError("ONNX Runtime is not installed (pip install onnxruntime)") from None
    try:
        session = _session(path)
    except Exception as error:  # ONNX Runtime raises its own kinds for a damaged or foreign file
        raise CopyError(f"{path.name} could not be read ({_first_line(error)})") from None
    metadata = dict(session.get_modelmeta().custom_metadata_map)
    try:
        matches = metadata.get(KERAS_SHA256) == model_ids.file_sha256(keras_path)
    except OSError as error:
        raise CopyError(f"{keras_path.name} could not be read ({error})") from None
    if not matches:
        raise CopyError(f"{path.name} was made from another version of {keras_path.name}")
    return OnnxModel(session, path, keras_path, metadata)


def load_for_prediction(keras_path, say=None):
    """The model to predict with: the ONNX copy when it matches the ``.keras`` file, else the Keras model.

    On the ONNX path TensorFlow is never imported. On the Keras path the model is loaded as
    ``commands.common.load_model`` does (TensorFlow's start-up lines hidden), and the copy is made
    for the next time; when it cannot be made, nothing else changes.

    Args:
        keras_path: the ``.keras`` file.
        say: called with one line saying which runtime predicts and why (``--verbose``); None: silent.

    Returns:
        an :class:`OnnxModel`, or the Keras model (its file remembered for the prediction log).

    Raises:
        ValueError, OSError: the ``.keras`` file cannot be loaded (as ``training.load_model``).

    Used by ``mnist-course predict`` and ``mnist-course draw``.
    """
    say = say or (lambda line: None)
    try:
        model = load(keras_path)
    except CopyError as reason:
        keras_model = load_keras(keras_path)
        try:
            made = export(keras_model, keras_path)
            note = f"made {made.name} for the next time"
        except ExportError as problem:
            note = f"no ONNX copy made: {problem}"
        say(f"runtime: Keras ({reason}; {note})")
        return keras_model
    say(f"runtime: ONNX Runtime ({model.path.name} matches {model.keras_path.name})")
    return model


def load_keras(keras_path):
    """The Keras model of a ``.keras`` file, loaded without TensorFlow's start-up lines, its file remembered.

    The prediction log's rows then carry the file's SHA-256 (``model_ids.remember_model_file``), as for the
    ONNX copy.

    Raises:
        ValueError, OSError: the file cannot be loaded (as ``training.load_model``).

    Used by :func:`load_for_prediction` and ``commands.common.load_model``.
    """
    from mnist_course import config

    config.import_keras_quietly()
    from mnist_course import training

    model = training.load_model(keras_path)
    model_ids.remember_model_file(model, keras_path)
    return model


def _session(path: Path):
    """An ONNX Runtime session for one file, on the CPU, logging errors only."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only: its warnings are for developers of ONNX Runtime
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def is_onnx(model) -> bool:
    """True for an :class:`OnnxModel` (a model the course predicts with without TensorFlow)."""
    return getattr(model, "runtime", None) == OnnxModel.runtime


# ---------------------------------------------------------------------------
# Making the copy (TensorFlow, tf2onnx and onnx)
# ---------------------------------------------------------------------------


def export(model, keras_path) -> Path:
    """Write the ONNX copy of a Keras model beside its ``.keras`` file, and check that it agrees.

    The copy holds the whole model, calibration included (its ``Temperature`` layer), and records the
    ``.keras`` file's SHA-256, the weights' SHA-256, the model's name and its temperature. A model that
    computes in bfloat16 (``mixed_bfloat16``) gets a copy that rounds where Keras rounds
    (:func:`_round_like_bfloat16`). The file is written whole or not at all.

    Args:
        model: the Keras model, as saved in ``keras_path``.
        keras_path: its ``.keras`` file (saved already: its hash goes into the copy).

    Returns:
        the copy's path (:func:`copy_path`).

    Raises:
        ExportError: the copy could not be made (no ``tf2onnx``, a folder that cannot be written, a model
            the exporter cannot read, a copy that disagrees with Keras); one line says why.

    Used by ``mnist-course train`` and :func:`load_for_prediction`.
    """
    keras_path = Path(keras_path).expanduser()
    target = copy_path(keras_path)
    try:
        import onnx
        import tf2onnx  # noqa: F401  (Keras's ONNX export needs it)
    except ImportError:
        raise ExportError("tf2onnx and onnx are not installed (pip install tf2onnx onnx)") from None
    from mnist_course import calibration, models

    check_images = _check_images()
    expected = models.predict_proba(model, check_images)  # Keras exports only a model that was called
    metadata = {KERAS_SHA256: model_ids.file_sha256(keras_path), WEIGHTS_SHA256: model_ids.weights_sha256(model),
                MODEL_NAME: model.name, NUMBER_FORMAT: models.number_format(model),
                TEMPERATURE: _text(calibration.temperature_of(model))}  # fmt: skip
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".onnx-") as folder:
            raw = Path(folder) / "exported.onnx"
            with _quiet_exporter():
                model.export(str(raw), format="onnx", verbose=False)
            graph = onnx.load(str(raw))
            if metadata[NUMBER_FORMAT] == "mixed_bfloat16":
                _round_like_bfloat16(graph)
            onnx.checker.check_model(graph)
            for key, value in metadata.items():
                graph.metadata_props.add(key=key, value=value)
            finished = Path(folder) / target.name
            onnx.save(graph, str(finished))
            _check_agreement(finished, check_images, expected)
            os.replace(finished, target)
    except ExportError:
        raise
    except Exception as error:  # the exporter and the file system raise many kinds
        raise ExportError(f"{type(error).__name__}: {_first_line(error)}") from None
    return target


def _text(temperature) -> str:
    return "" if temperature is None else repr(float(temperature))


def _first_line(error) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _check_images() -> np.ndarray:
    """Images to compare the copy with Keras: a blank one and a few of random ink, the same every time."""
    noise = np.random.default_rng(0).random((15, 28, 28), dtype=np.float32)
    return np.concatenate([np.zeros((1, 28, 28), np.float32), noise * (noise > 0.7)])


def _check_agreement(path: Path, images: np.ndarray, expected: np.ndarray) -> None:
    """Raise ``ExportError`` when the copy's probabilities differ from Keras's by more than ``EXPORT_TOLERANCE``."""
    session = _session(path)
    feed = session.get_inputs()[0]
    found = session.run(None, {feed.name: images.reshape((-1, *_fixed_shape(feed.shape)))})[0]
    difference = float(np.max(np.abs(found - expected)))
    if not difference <= EXPORT_TOLERANCE:
        raise ExportError(f"the copy's probabilities differ from Keras's by {difference:.1e}, "
                          f"more than {EXPORT_TOLERANCE:.0e}")  # fmt: skip


class _quiet_exporter:
    """Hide tf2onnx's notes for developers (``logging`` warnings, a NumPy ``FutureWarning``) during an export."""

    def __enter__(self):
        import logging
        import warnings

        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        self._root = logging.getLogger()
        self._level = self._root.level
        self._root.setLevel(logging.ERROR)  # tf2onnx writes to the root logger
        return self

    def __exit__(self, *exc):
        self._root.setLevel(self._level)
        self._warnings.__exit__(*exc)
        return False


def _round_like_bfloat16(graph) -> None:
    """Make an exported ``mixed_bfloat16`` graph run on ONNX Runtime, rounding where Keras rounds.

    tf2onnx writes such a model with 16-bit tensors (bfloat16, which it also types as float16) that ONNX
    Runtime's CPU kernels do not take. Keras on a CPU rounds each layer's inputs and weights to bfloat16,
    computes in float32 and rounds the layer's output to bfloat16; a convolution or a matrix product and
    its bias are one step (oneDNN adds the bias before rounding). Here every 16-bit tensor becomes float32
    holding a bfloat16 value: 16-bit weights are widened, a cast to 16 bits becomes a round trip through
    bfloat16 (``Cast`` there and back), and every operation that made a 16-bit output rounds it the same
    way, except a ``MatMul`` whose only use is adding a bias. The measured result: the same digit as Keras
    on the 10,000 MNIST test images, probabilities within about 1e-6 for all but a few images.

    Changes ``graph`` (an ``onnx.ModelProto``) in place.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    sixteen = {TensorProto.BFLOAT16, TensorProto.FLOAT16}
    typed = onnx.shape_inference.infer_shapes(graph).graph
    types = {value.name: value.type.tensor_type.elem_type
             for value in [*typed.value_info, *typed.input, *typed.output]}  # fmt: skip
    weights = set()
    for tensor in graph.graph.initializer:
        types[tensor.name] = tensor.data_type
        weights.add(tensor.name)
        if tensor.data_type in sixteen:
            tensor.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float32), tensor.name))
    users: dict = {}
    for node in graph.graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)

    def bias_follows(node, output) -> bool:
        after = users.get(output, [])
        return (node.op_type == "MatMul" and len(after) == 1 and after[0].op_type == "Add"
                and any(name in weights for name in after[0].input))  # fmt: skip

    def round_trip(source, output):
        return [helper.make_node("Cast", [source], [output + "__bfloat16"], to=TensorProto.BFLOAT16),
                helper.make_node("Cast", [output + "__bfloat16"], [output], to=TensorProto.FLOAT)]  # fmt: skip

    nodes = []
    for node in graph.graph.node:
        if node.op_type == "Cast":
            to = next(attribute.i for attribute in node.attribute if attribute.name == "to")
            if to in sixteen:
                nodes += round_trip(node.input[0], node.output[0])
            elif types.get(node.input[0]) in sixteen and to == TensorProto.FLOAT:
                nodes.append(helper.make_node("Identity", [node.input[0]], [node.output[0]]))
            else:
                nodes.append(node)
            continue
        rounded = [name for name in node.output if types.get(name) in sixteen and not bias_follows(node, name)]
        computed = onnx.NodeProto()
        computed.CopyFrom(node)
        del computed.output[:]
        computed.output.extend(name + "__float32" if name in rounded else name for name in node.output)
        nodes.append(computed)
        for name in rounded:
            nodes += round_trip(name + "__float32", name)
    del graph.graph.node[:]
    graph.graph.node.extend(nodes)
    del graph.graph.value_info[:]  # the 16-bit types recorded there are float32 now
