"""Travel-time matrices at region scale: origins × destinations × modes × departures as Parquet.

``python -m planner matrix`` (:mod:`planner.matrix.commands`) plans the job into blocks
(:mod:`planner.matrix.run`), computes each block with the engine's public API
(:mod:`planner.matrix.compute`) in this process or on Dask workers, and writes a resumable folder;
:mod:`planner.matrix.store` reads it back for accessibility, what-if, site and offers (``--matrix DIR``).
"""
