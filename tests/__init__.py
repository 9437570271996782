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

"""Tests of aerospike-filters; :data:`TOP` is the source tree's top.

The test run prints results, not the libraries' noise: deprecation
warnings raised while nova and its libraries import are ignored here, and
:func:`quiet_nova_logging` stops nova's log lines from reaching stdout
outside the tests' own log capture.
"""

import logging
import os
import sys
import warnings

import fixtures

#: The top of the source tree (where setup.cfg is).
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

warnings.filterwarnings('ignore', category=DeprecationWarning)
warnings.filterwarnings('ignore', category=PendingDeprecationWarning)
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')


def quiet_nova_logging():
    """Keep nova's import-time log handler to warnings and errors.

    ``nova.test`` calls oslo.log's setup() when imported, which puts a
    stdout handler on the root logger. Each test captures logging with
    its own fixture; what nova logs after that fixture is gone (thread
    pools shutting down in cleanups, INFO and DEBUG) would reach the
    handler and clutter the results.
    """
    for handler in logging.getLogger().handlers:
        if (isinstance(handler, logging.StreamHandler) and
                handler.stream is sys.stdout):
            handler.setLevel(logging.WARNING)


def executable(test, name):
    """The path of a command on PATH or beside this Python; else skip."""
    import shutil
    path = shutil.which(name) or os.path.join(
        os.path.dirname(sys.executable), name)
    if not os.path.exists(path):
        test.skipTest('%s is not installed' % name)
    return path


class NovaVersion(fixtures.Fixture):
    """The plugin sees this nova version, and logs its start-up line anew.

    An unsupported nova cannot be installed next to a supported one: the
    start-up check is told the version instead.
    """

    def __init__(self, version):
        super().__init__()
        self.version = version

    def _setUp(self):
        prefix = 'aerospike_filters.scheduler.nova_releases.'
        self.useFixture(fixtures.MonkeyPatch(prefix + 'nova_version',
                                             lambda: self.version))
        self.useFixture(fixtures.MonkeyPatch(prefix + '_LOGGED', set()))
