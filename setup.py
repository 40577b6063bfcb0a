"""Build the optional C modules; everything else is declared in pyproject.toml.

``cleaner.dedup._kernels`` holds the MinHash inner loop (11 to 20 times numpy's speed,
the same values bit for bit); ``cleaner.clean._ngrams`` the n-gram counts of the
document signals; ``cleaner.clean._normalize`` the normalization rules (the same
text and counts as the regular expressions of ``cleaner.clean.normalize``, several
times their speed: benchmarks/README.md). All are optional: where they cannot be
compiled (no C compiler), the build goes on and the Python versions run.
"""

import sys

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cleaner.dedup._kernels",
            sources=["cleaner/dedup/_kernels.c"],
            # -O3 vectorizes the loop over permutations; MSVC has its own flags.
            extra_compile_args=[] if sys.platform == "win32" else ["-O3"],
            optional=True,
        ),
        Extension(
            "cleaner.clean._ngrams",
            sources=["cleaner/clean/_ngrams.c"],
            extra_compile_args=[] if sys.platform == "win32" else ["-O3"],
            optional=True,
        ),
        Extension(
            "cleaner.clean._normalize",
            sources=["cleaner/clean/_normalize.c", "cleaner/clean/_widen.c"],
            depends=["cleaner/clean/_normalize.h"],
            extra_compile_args=[] if sys.platform == "win32" else ["-O3"],
            optional=True,
        ),
    ]
)
