"""Make the sample pictures in this folder again (they are drawn by mnist_course.samples, from fixed seeds).

Run from the repository root: python assets/make_assets.py
"""

from pathlib import Path

from mnist_course import samples

if __name__ == "__main__":
    for path in samples.make_assets(Path(__file__).resolve().parent):
        print(f"{path.name}: {path.stat().st_size // 1024} KB")
