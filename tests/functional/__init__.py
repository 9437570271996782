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

"""Functional tests: the plugin inside an in-process nova.

As nova's own functional tests: patch eventlet first, then register nova's
objects.
"""

import logging  # noqa: E402

import tests  # noqa: E402  (the warnings filters, before nova imports)

# nova logs a deprecation notice about eventlet while it patches.
logging.getLogger('nova.monkey_patch').setLevel(logging.ERROR)

# nova_releases imports no nova: it patches first, on every release.
from aerospike_filters.scheduler import nova_releases  # noqa: E402
nova_releases.patch_eventlet()

from nova import objects  # noqa: E402
from nova import test  # noqa: E402,F401  (sets up nova's logging)

objects.register_all()
tests.quiet_nova_logging()
