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
import sys

from cliff import command

from aerospike_filters.cmd import cloud
from aerospike_filters.cmd import main


class Snapshot(command.Command):
    """Capture hosts, aggregates and PCI pools of a live cloud as JSON.

    The output is the snapshot format ``explain --snapshot`` reads. PCI
    pools are included when nova reports PCI devices to placement.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        cloud.add_argument(parser)
        parser.add_argument('-o', '--output', metavar='FILE',
                            help='write to FILE instead of standard output')
        return parser

    def take_action(self, parsed_args):
        from aerospike_filters import live
        conn = cloud.connect(self.app, parsed_args.os_cloud)
        with cloud.errors_as_user_errors('Reading the cloud'):
            data = live.snapshot(conn)
        text = json.dumps(data, indent=2, sort_keys=True) + '\n'
        if parsed_args.output:
            try:
                with open(parsed_args.output, 'w', encoding='utf-8') as out:
                    out.write(text)
            except OSError as exc:
                raise main.UserError('%s: cannot write: %s'
                                     % (parsed_args.output, exc.strerror))
        else:
            (self.app.stdout or sys.stdout).write(text)
