# The WSGI application named by REALCLOUD_WSGI_APP (module:name), for
# gunicorn. keystone's, nova's and neutron's WSGI modules parse sys.argv
# with oslo.config and would choke on gunicorn's arguments: hide them
# before importing the module.
import importlib
import os
import sys

sys.argv = sys.argv[:1]

_module, _, _name = os.environ['REALCLOUD_WSGI_APP'].partition(':')
application = getattr(importlib.import_module(_module), _name)
