# keystone's WSGI module parses sys.argv with oslo.config and would choke on
# gunicorn's arguments: hide them before importing it.
import sys

sys.argv = sys.argv[:1]

from keystone.wsgi.api import application  # noqa: E402,F401,H306
