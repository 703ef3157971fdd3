"""Tests for mnist_course.config: fast mode, seeds and where the course keeps files."""

import numpy as np
import pytest

from mnist_course import config


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("0", False), ("", False), ("no", False)])
def test_fast_mode_follows_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("MNIST_COURSE_FAST", value)
    assert config.is_fast_mode() is expected
    assert config.pick(full=10, fast=1) == (1 if expected else 10)


def test_set_seed_repeats_random_numbers():
    config.set_seed(7)
    first = np.random.rand(3)
    config.set_seed(7)
    np.testing.assert_array_equal(first, np.random.rand(3))


def test_course_home_and_paths(course_home):
    assert config.course_home() == course_home and course_home.is_dir()
    assert config.default_model_path() == course_home / "models" / "cnn.keras"
    assert config.my_digits_dir() == course_home / "my_digits"


def test_check_versions_accepts_keras_3():
    versions = config.check_versions()
    assert int(versions["keras"].split(".")[0]) >= 3


def test_display_path_hides_this_computers_folders(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_COURSE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MNIST_COURSE_DATA", str(tmp_path / "data" / "mnist.npz"))
    assert config.display_path(tmp_path / "home" / "models" / "cnn.keras") == "[course folder]/models/cnn.keras"
    assert config.display_path(tmp_path / "home") == "[course folder]"
    assert config.display_path(tmp_path / "data" / "mnist.npz") == "[your MNIST file]"
    monkeypatch.delenv("MNIST_COURSE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert config.display_path(tmp_path / "me" / "mnist-course" / "my_digits") == "~/mnist-course/my_digits"
    assert config.display_path("/opt/x.keras") == "/opt/x.keras"


def test_cpu_has_bfloat16_reads_the_cpu_flags(monkeypatch):
    import builtins
    import io

    real_open = builtins.open

    def fake_cpuinfo(flags):
        def opener(path, *args, **kwargs):
            if str(path) == "/proc/cpuinfo":
                if flags is None:
                    raise FileNotFoundError(path)
                return io.StringIO(f"processor : 0\nflags : fpu sse2 {flags}\n")
            return real_open(path, *args, **kwargs)

        return opener

    monkeypatch.setattr(builtins, "open", fake_cpuinfo("avx2 amx_bf16"))
    assert config.cpu_has_bfloat16() is True
    monkeypatch.setattr(builtins, "open", fake_cpuinfo("avx2 avx512f"))
    assert config.cpu_has_bfloat16() is False
    monkeypatch.setattr(builtins, "open", fake_cpuinfo(None))  # not Linux
    assert config.cpu_has_bfloat16() is False


def test_an_isa_limit_below_bfloat16_turns_bfloat16_off(monkeypatch):
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "AVX2")
    assert config.isa_limited_below_bfloat16() and not config.cpu_has_bfloat16()
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "avx512_core_bf16")
    assert not config.isa_limited_below_bfloat16()
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA")
    assert not config.isa_limited_below_bfloat16()
