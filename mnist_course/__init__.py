"""mnist-course: the small library behind the notebook course on handwritten-digit recognition.

Each module has one job:

- ``config``: fast mode, seeds, quiet logs, where files are kept
- ``data``: load MNIST (offline first) and shape it for a model
- ``models``: the dense networks and CNNs of lessons 03-05
- ``training``: train with checkpoints and early stopping, save and load models
- ``plots``: digit grids, learning curves, confusion matrices, feature maps
- ``handwriting``: any photo or drawing to a 28x28 MNIST-style digit
- ``widgets``: the drawing pad for notebooks
"""

import os

# TensorFlow reads this when it is first imported. Importing mnist_course first keeps
# the C++ start-up messages out of the notebooks. A value the user set wins.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
