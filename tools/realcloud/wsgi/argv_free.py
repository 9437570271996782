#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

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
