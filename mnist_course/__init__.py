"""mnist-course: the small library behind the notebook course on handwritten-digit recognition.

Each module has one job:

- ``config``: fast mode, seeds, quiet logs, where files are kept
- ``data``: load MNIST (offline first) and shape it for a model
- ``models``: the dense networks and CNNs of lessons 03-05
- ``training``: train with checkpoints and early stopping, save and load models
- ``plots``: digit grids, learning curves, confusion matrices, feature maps, the steps of lesson 06
- ``images``: read any picture file (photo, scan, HEIC, PDF) as upright greyscale
- ``handwriting``: a picture of handwriting to a 28x28 MNIST-style digit
- ``samples``: synthetic handwriting for lessons and tests
- ``upload``: bring your own picture into a notebook
- ``widgets``: the drawing pad for notebooks; ``desktop``: the Tkinter drawing app
- ``cli`` and ``commands``: the ``mnist-course`` command, one module per command

Importing does nothing: no environment variable is set and no folder is made until a function that
needs it runs. To keep TensorFlow's start-up messages quiet, set ``TF_CPP_MIN_LOG_LEVEL`` before
importing Keras, or call ``config.import_keras_quietly()`` first (the lessons' Setup cells do).
"""

__version__ = "0.1.0"
