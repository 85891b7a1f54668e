"""A real Ralph LRS for the tests: started by a fixture, on loopback, with its file backend.

Run as ``python -m tests.ralph_lrs PORT``: it serves Ralph's own FastAPI application (the one
``ralph runserver`` starts) through uvicorn, without the file-watching reloader ``runserver``
turns on. One correction is made to Ralph 5.1's file-system LRS backend, which writes every
batch with the "create" operation and so refuses the second POST to the same store ("fs_lrs.jsonl
already exists and overwrite is not allowed", a 500); here it appends, as an LRS must. Ralph's
validation, id checks (409 on known ids) and queries are untouched.
Configuration is Ralph's documented environment: RALPH_APP_DIR (auth.json, written by
``ralph auth``), RALPH_RUNSERVER_BACKEND=fs and the fs backends' DEFAULT_DIRECTORY_PATH.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
