"""Entry point of an import's reading process (see reader_process):

    python -m crimedesk.ingest.reader_child FROM_PARENT_FD TO_PARENT_FD PARENT_PID

pandas is kept out of this process: pyarrow imports it on its first ``pa.array`` call only to
recognise pandas objects, which costs a third of a second of start-up on the import's critical
path, and nothing here uses it.
"""

import sys
from importlib.abc import MetaPathFinder

from crimedesk.config.private_files import use_private_umask


class _WithoutPandas(MetaPathFinder):
    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError("the reading process does without pandas")


def main(argv: list[str]) -> None:
    use_private_umask()  # as in the app and the CLI, whoever started this process
    from crimedesk.domain.parent_death import die_with_parent

    die_with_parent(int(argv[3]))  # an importer killed mid-way takes its reader with it
    sys.meta_path.insert(0, _WithoutPandas())
    from multiprocessing.connection import Connection

    from crimedesk.ingest.reader_process import read

    read(Connection(int(argv[1]), writable=False), Connection(int(argv[2]), readable=False))


if __name__ == "__main__":
    main(sys.argv)
