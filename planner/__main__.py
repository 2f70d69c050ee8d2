"""Entry point for ``python -m planner``."""
import os

# One BLAS thread unless the caller says otherwise: the commands' linear algebra is small, and starting
# OpenBLAS's pool of threads took ~0.3 s of a cold `rank` (1.7 -> 1.4 s); Dask workers started by
# `matrix` inherit it (their parallelism is the workers). Set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from planner.cli import main  # noqa: E402

raise SystemExit(main())
