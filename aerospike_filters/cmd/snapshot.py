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

"""``aerospike-filters snapshot``: capture a live cloud as a snapshot."""

import json

from cliff import command

from aerospike_filters.cmd import base
from aerospike_filters import live


class Snapshot(base.CommandBase, command.Command):
    """Capture hosts, aggregates, PCI pools and server groups as JSON.

    The output is the snapshot format ``explain --snapshot`` reads. PCI
    pools are included when nova reports PCI devices to placement.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        base.add_cloud_argument(parser)
        parser.add_argument('-o', '--output', metavar='<file>',
                            help='write to this file instead of standard '
                                 'output')
        return parser

    def take_action(self, parsed_args):
        conn = base.connect(self, parsed_args.os_cloud)
        with base.cloud_errors('Reading the cloud'):
            data = live.snapshot(conn, with_groups=True)
        text = json.dumps(data, indent=2, sort_keys=True) + '\n'
        if not parsed_args.output:
            self.app.stdout.write(text)
            return
        try:
            with open(parsed_args.output, 'w', encoding='utf-8') as out:
                out.write(text)
        except OSError as exc:
            raise base.CommandError('%s: cannot write: %s'
                                    % (parsed_args.output, exc.strerror))
