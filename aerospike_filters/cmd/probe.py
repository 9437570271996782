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

"""``aerospike-filters probe``: report this compute's storage as JSON."""

import json

from cliff import command

from aerospike_filters.cmd import main


def add_arguments(parser):
    parser.add_argument('--nova-conf', default='/etc/nova/nova.conf',
                        help='nova.conf of this compute (default: '
                             '/etc/nova/nova.conf)')
    parser.add_argument('--nova-conf-dir', default='/etc/nova/nova.conf.d',
                        help='directory of further *.conf files read after '
                             'it, if it exists')
    parser.add_argument('--root', default='/',
                        help='read every path under this directory (the '
                             "host's root as a container sees it)")


def run_probe(args, host=None):
    """The probe's report for the arguments, or UserError."""
    from aerospike_filters.probe import report
    try:
        return report.probe(root=args.root, nova_conf=args.nova_conf,
                            nova_conf_dir=args.nova_conf_dir, host=host)
    except report.ProbeError as exc:
        raise main.UserError(str(exc))


class Probe(command.Command):
    """Find this host's effective ephemeral backend and NVMe drives.

    Runs on a compute node and needs no credentials. Prints a JSON report
    (host, ephemeral_backend, nvme_devices, reasons) that "sync" publishes.
    """

    auth_required = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_arguments(parser)
        parser.add_argument('--host', help="this compute's nova host name "
                            '(default: [DEFAULT] host, else the hostname)')
        return parser

    def take_action(self, parsed_args):
        result = run_probe(parsed_args, parsed_args.host)
        self.app.stdout.write(json.dumps(result, indent=2) + '\n')
