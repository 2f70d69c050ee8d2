"""Entry point for ``python -m planner``."""
import gc
import os

# One BLAS thread unless the caller says otherwise: the commands' linear algebra is small, and starting
# OpenBLAS's pool of threads took ~0.3 s of a cold `rank` (1.7 -> 1.4 s); Dask workers started by
# `matrix` inherit it (their parallelism is the workers). Set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from planner.cli import main  # noqa: E402

code = main()
# The answer is out: spare the interpreter's exit the collector's passes over every object left (numba's
# and scipy's type tables; ~0.15 s of a cold `rank`). Objects are still freed and atexit handlers
# (logging, Dask, temporary folders) still run; only garbage in reference cycles is left to the OS.
gc.freeze()
raise SystemExit(code)
