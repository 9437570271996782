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

"""OpenStackClient plugin: ``openstack aerospike explain|doctor|...``.

Registered under ``openstack.cli.extension`` when python-openstackclient is
installed; the commands are this package's cliff commands, listed under
``openstack.aerospike.v1``. Inside ``openstack`` they use the client's own
authenticated connection unless ``--os-cloud`` is given to the subcommand.
"""

DEFAULT_API_VERSION = '1'
API_VERSION_OPTION = 'os_aerospike_api_version'
API_NAME = 'aerospike'
API_VERSIONS = ('1',)


def make_client(instance):
    """The openstacksdk connection OpenStackClient already holds."""
    return instance.sdk_connection


def build_option_parser(parser):
    """No global options of its own.

    openstack calls this before it reads clouds.yaml: inside ``openstack
    aerospike``, a cloud it cannot use then stops only the commands that
    need one, with one line (as in aerospike-filters).
    """
    try:
        from openstackclient import shell
    except ImportError:
        return parser
    if not getattr(shell.OpenStackShell, '_aerospike_tolerant', False):
        initialize = shell.OpenStackShell.initialize_app

        def initialize_app(app, argv):
            words = argv[1:] if argv[:1] == ['help'] else argv
            if words[:1] != [API_NAME]:
                return initialize(app, argv)
            app.cloud_error = None
            from aerospike_filters.cmd import main
            return main.initialize_without_cloud(
                app, lambda words: initialize(app, words), argv)

        prepare = shell.OpenStackShell.prepare_to_run_command

        def prepare_to_run_command(app, cmd):
            # Set by initialize_app above, for an aerospike command only;
            # base.connect raises it for the commands that need a cloud.
            if getattr(app, 'cloud_error', None) is None:
                return prepare(app, cmd)

        shell.OpenStackShell.initialize_app = initialize_app
        shell.OpenStackShell.prepare_to_run_command = prepare_to_run_command
        shell.OpenStackShell._aerospike_tolerant = True
    return parser
