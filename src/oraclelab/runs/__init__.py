"""Shared plumbing: run folders, atomic writes, progress bars, figures, seeds, executors and sweeps.

Imports nothing from ``oraclelab.cli``, ``oraclelab.elicit`` or ``oraclelab.symbolic``: commands
are named to it as data (sweep files, registered :class:`BatchRunner` objects)."""

from oraclelab.runs._batching import BatchRunner, register_batch_runner
from oraclelab.runs._csv import CsvTable, read_csv_table
from oraclelab.runs._atomic import atomic_write_bytes, atomic_write_text, atomic_write_with
from oraclelab.runs._executors import DaskExecutor, Executor, PoolExecutor, SerialExecutor, make_executor
from oraclelab.runs._figures import pyplot, save_figure
from oraclelab.runs._progress import SILENT, ProgressReporter, progress_bar
from oraclelab.runs._run_folder import RunFolder, read_json, to_plain
from oraclelab.runs._seeding import as_generator, stream_generator, stream_seed

__all__ = [
    "BatchRunner",
    "register_batch_runner",
    "CsvTable",
    "read_csv_table",
    "RunFolder",
    "read_json",
    "to_plain",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_with",
    "progress_bar",
    "ProgressReporter",
    "SILENT",
    "pyplot",
    "save_figure",
    "as_generator",
    "stream_generator",
    "stream_seed",
    "Executor",
    "SerialExecutor",
    "PoolExecutor",
    "DaskExecutor",
    "make_executor",
]
