"""Build the optional C module; everything else is declared in pyproject.toml.

``cleaner.dedup._kernels`` holds the MinHash inner loop (11 to 20 times numpy's speed,
the same values bit for bit). It is optional: where it cannot be compiled (no C
compiler), the build goes on and ``cleaner.dedup.minhash`` uses numpy.
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
        )
    ]
)
