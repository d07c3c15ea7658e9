"""site-builder: OCR'd magazine pages → Markdown edition → static site.

The package follows the data flow:
seeds → ``convert`` → content/ → ``model`` → ``render`` → public/.
"""

import os

__version__ = "0.1.0"

# NumPy counts and sorts (reading time, search data) and never multiplies matrices; its BLAS would start a
# thread that spins for a while after the import, beside the build's own processes on a machine of few cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
