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

"""The ``aerospike-filters`` command, built on cliff.

Subcommands are registered under the ``aerospike_filters.cli`` entry point
namespace, so ``-f table|json|yaml|csv|value``, ``-c COLUMN`` and ``--help``
behave as in every OpenStack client; exit statuses are those of
:mod:`aerospike_filters.cli`.
"""

import logging
import sys
import warnings

from cliff import app
from cliff import commandmanager

from aerospike_filters import version


class AerospikeFiltersApp(app.App):

    def __init__(self, **kwargs):
        super().__init__(
            description='Explain and operate the Aerospike storage filter '
                        'and weigher of nova-scheduler.',
            version=version.version_string(),
            command_manager=commandmanager.CommandManager(
                'aerospike_filters.cli'),
            deferred_help=True, **kwargs)

    def configure_logging(self):
        """Warnings and errors only, unless -v or --debug asks for more.

        Nova's libraries log at INFO while they load; the commands' own
        output is on stdout.
        """
        super().configure_logging()
        if self.options.verbose_level <= 1 and not self.options.debug:
            for handler in logging.getLogger('').handlers:
                if handler.level < logging.WARNING:
                    handler.setLevel(logging.WARNING)


def main(argv=None):
    # Libraries nova imports warn about their own deprecations on import;
    # that is noise to an operator running a command.
    warnings.simplefilter('ignore', DeprecationWarning)
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    return AerospikeFiltersApp().run(
        sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
