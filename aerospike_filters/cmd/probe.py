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

from aerospike_filters import cli


class Probe(cli.CommandBase, command.Command):
    """Find this host's effective ephemeral backend and NVMe drives.

    Runs on a compute node and needs no credentials. Prints a JSON report
    (host, ephemeral_backend, nvme_devices, reasons) that "sync" publishes.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        cli.add_probe_arguments(parser)
        parser.add_argument('--host', metavar='<host>',
                            help="this compute's nova host name (default: "
                                 '[DEFAULT] host, else the hostname)')
        return parser

    def take_action(self, parsed_args):
        result = cli.run_probe(parsed_args, parsed_args.host)
        self.app.stdout.write(json.dumps(result, indent=2) + '\n')
