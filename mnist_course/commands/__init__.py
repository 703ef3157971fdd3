"""The code behind each ``mnist-course`` command, one module per command.

``train``, ``evaluate``, ``predict``, ``draw``, ``serve``, ``log`` and ``report`` each have a module here with a
``run(args)`` function that returns the exit status; :mod:`mnist_course.cli` only parses the
arguments and calls it. :mod:`mnist_course.commands.common` holds what they share: finding the
model file (:func:`~mnist_course.commands.common.resolve_model`) and the one-line error.
"""
