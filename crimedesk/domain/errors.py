"""Errors that carry a message meant for the analyst, not a traceback."""


class CrimedeskError(Exception):
    """Base class: the message is shown to the user as it is."""


class ImportFileError(CrimedeskError):
    """The file cannot be imported at all (encoding, header, binary, empty...)."""


class AlreadyImported(ImportFileError):
    """The very same file (same sha256, same profile) was imported before; nothing was read."""


class ProfileNotFoundError(ImportFileError):
    """No import profile matches the file's header."""


class ImportCancelled(CrimedeskError):
    """The user cancelled a long operation; nothing was written."""


class BoundaryFileError(CrimedeskError):
    """A boundary layer cannot be read or lacks the chosen fields."""


class StorageError(CrimedeskError):
    """The database cannot be opened or is not a crimedesk store."""


class ImportBusy(CrimedeskError):
    """Another import into the same store is running; the message says whose."""


class ProcessEnded(CrimedeskError, RuntimeError):
    """A process doing part of a long task (reading a file, importing) died; its work rolled back."""
