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

"""The ``aerospike-filters`` command, built on osc-lib's shell.

The same shell as ``openstack``: its global options (``--os-cloud``,
``--os-region-name``, ``--insecure``, ``--os-cacert``, the ``--os-auth-*``
options of every auth plugin, ...) go before the command, clouds.yaml,
``OS_CLOUD`` and an openrc's ``OS_*`` variables are read by the same code,
and the commands (``aerospike_filters.commands`` entry points) are the ones
``openstack aerospike`` runs. ``-f table|json|yaml|csv|value``, ``-c
COLUMN`` and ``--help`` behave as in every OpenStack client; exit statuses
are those of :mod:`aerospike_filters.cmd.base`.
"""

import os
import sys
import warnings

from cliff import commandmanager
from cliff import help as cliff_help
from openstack import exceptions as sdk_exceptions
from osc_lib.api import auth
from osc_lib import shell

from aerospike_filters.cmd import base
from aerospike_filters import version


class Help(base.CommandBase, cliff_help.HelpCommand):
    """Print the help of the tool or of one command."""

    def take_action(self, parsed_args):
        try:
            return super().take_action(parsed_args)
        except ValueError:
            raise base.CommandError(
                'help %s: no such command; aerospike-filters --help lists '
                'them' % ' '.join(parsed_args.cmd)) from None


class AerospikeFiltersApp(shell.OpenStackShell):

    def __init__(self, **kwargs):
        super().__init__(
            description='Explain and operate the Aerospike storage filter '
                        'and weigher of nova-scheduler.',
            version=version.version_string(),
            command_manager=commandmanager.CommandManager(
                'aerospike_filters.commands'),
            deferred_help=True, **kwargs)
        self.command_manager.add_command('help', Help)
        #: Set when the cloud OS_CLOUD or --os-cloud names is unusable;
        #: the commands that need a cloud report it (probe does not).
        self.cloud_error = None

    def build_option_parser(self, description, version, argparse_kwargs=None):
        parser = super().build_option_parser(description, version,
                                             argparse_kwargs)
        # The --os-auth-* options, as openstack has them.
        return auth.build_auth_plugins_option_parser(parser)

    def _final_defaults(self):
        super()._final_defaults()
        # As openstack: password authentication unless a token is given.
        self._auth_type = ('admin_token' if getattr(self.options, 'endpoint',
                                                    None) and
                           getattr(self.options, 'token', None)
                           else 'password')

    def configure_logging(self):
        try:
            super().configure_logging()
        except OSError as exc:
            self.stderr.write('--log-file %s: cannot write: %s; name a file '
                              'in a directory that exists\n'
                              % (self.options.log_file,
                                 exc.strerror or exc))
            raise SystemExit(base.USER_ERROR)

    def run(self, argv):
        try:
            return super().run(argv)
        except SystemExit as exc:  # a one-line usage error, already said
            return exc.code

    def initialize_app(self, argv):
        initialize_without_cloud(self, super().initialize_app, argv)

    def prepare_to_run_command(self, cmd):
        # base.connect raises cloud_error for the commands that need a cloud.
        if self.cloud_error is None:
            super().prepare_to_run_command(cmd)

    def interact(self):
        """No interactive shell: without a command, say so, status 2."""
        names = sorted({name.split()[0] for name, _ in self.command_manager})
        self.stderr.write('%s: name a command (%s); %s --help describes '
                          'them\n' % (self.NAME, ', '.join(names), self.NAME))
        raise SystemExit(base.USER_ERROR)


def initialize_without_cloud(app, initialize, argv):
    """osc-lib's initialize_app, going on when the named cloud is unusable.

    The cloud is read only by commands that need one (base.connect): they
    raise ``app.cloud_error``, one line naming the file and the cloud;
    the others (probe, help, explain --snapshot, doctor --no-cloud) run.
    """
    try:
        initialize(argv)
    except sdk_exceptions.ConfigException:
        wanted = app.options.cloud or os.environ.get('OS_CLOUD')
        app.cloud_error = base.CommandError(base.unusable_cloud(
            wanted, getattr(app, 'cloud_config', None)))
        app.options.cloud = None
        saved = os.environ.pop('OS_CLOUD', None)
        try:
            initialize(argv)
        finally:
            if saved is not None:
                os.environ['OS_CLOUD'] = saved
        app.options.cloud = wanted


def main(argv=None):
    # Libraries nova imports warn about their own deprecations on import;
    # that is noise to an operator running a command.
    warnings.simplefilter('ignore', DeprecationWarning)
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    warnings.filterwarnings('ignore', module='openstack')
    return AerospikeFiltersApp().run(
        sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
