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

"""``aerospike-filters explain``: rank a snapshot's hosts for a flavor."""

from cliff import lister

from aerospike_filters.cmd import main
from aerospike_filters import request as storage_request
from aerospike_filters import snapshot as snapshot_format

DEFAULT_EXTRA_SPECS = {storage_request.STORAGE_SPEC: 'local'}


def parse_extra_spec(text):
    """``key=value`` from the command line, or UserError."""
    key, sep, value = text.partition('=')
    if not sep or not key.strip():
        raise main.UserError(
            '--extra-spec %r is not of the form KEY=VALUE, e.g. '
            '--extra-spec aerospike:storage=lvm' % text)
    return key.strip(), value


class Explain(lister.Lister):
    """Run the real filter and weigher over a snapshot and explain each host.

    Hosts that pass are ranked by weight; rejected hosts follow with the
    reason. Without --snapshot the sample cloud shipped with the package is
    used; without --extra-spec the flavor asks for aerospike:storage=local.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument(
            '--snapshot', metavar='FILE',
            help='JSON snapshot of the cloud (default: the packaged sample, '
                 '%s)' % snapshot_format.SAMPLE)
        parser.add_argument(
            '--extra-spec', metavar='KEY=VALUE', action='append',
            default=[], dest='extra_specs',
            help='Flavor extra spec; repeat for several (default: '
                 'aerospike:storage=local)')
        parser.add_argument(
            '--config-file', metavar='PATH', action='append', default=[],
            help='nova.conf to read [aerospike_filters] options and, when '
                 'the snapshot has no pci_aliases, [pci] alias from')
        return parser

    def take_action(self, parsed_args):
        extra_specs = dict(parse_extra_spec(text)
                           for text in parsed_args.extra_specs)
        path = parsed_args.snapshot or snapshot_format.sample_path()
        try:
            data = snapshot_format.load(path)
        except snapshot_format.SnapshotError as exc:
            raise main.UserError(str(exc))
        # Nova is imported only once the input is known to be good.
        from aerospike_filters.cmd import nova_setup
        nova_setup.load_config(parsed_args.config_file)
        from aerospike_filters.scheduler import replay
        if 'pci_aliases' in data:
            replay.use_pci_aliases(data['pci_aliases'])
        rows = replay.explain(
            replay.host_states(data),
            replay.request_spec(extra_specs or DEFAULT_EXTRA_SPECS))
        columns = ('Rank', 'Host', 'Verdict', 'Tier', 'Weight', 'Reason')
        return columns, [
            (row.rank or '', row.host, 'PASS' if row.passes else 'REJECT',
             row.tier or '', '' if row.weight is None
             else round(row.weight, 4), row.reason) for row in rows]
