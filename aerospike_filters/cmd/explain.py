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

"""``aerospike-filters explain``: rank a cloud's hosts for a flavor."""

from cliff import lister

from aerospike_filters.cmd import cloud
from aerospike_filters.cmd import main
from aerospike_filters import request as storage_request
from aerospike_filters import snapshot as snapshot_format

DEFAULT_EXTRA_SPECS = {storage_request.STORAGE_SPEC: 'local'}
COLUMNS = ('Rank', 'Host', 'Verdict', 'Tier', 'Weight', 'Service', 'Reason')


def parse_extra_spec(text):
    """``key=value`` from the command line, or UserError."""
    key, sep, value = text.partition('=')
    if not sep or not key.strip():
        raise main.UserError(
            '--extra-spec %r is not of the form KEY=VALUE, e.g. '
            '--extra-spec aerospike:storage=lvm' % text)
    return key.strip(), value


def load_cloud(args, app):
    """(snapshot dict, flavor name, flavor extra specs) for the arguments.

    A live cloud with --os-cloud or --flavor (and inside OpenStackClient
    unless --snapshot is given), else the --snapshot file (default: the
    packaged sample). A malformed input is a UserError naming it.
    """
    # Inside OpenStackClient the cloud it is logged in to is the default.
    inside_osc = getattr(app, 'client_manager', None) is not None
    if (args.os_cloud or getattr(args, 'flavor', None) or
            (inside_osc and not args.snapshot)):
        from aerospike_filters import live
        conn = cloud.connect(app, args.os_cloud)
        with cloud.errors_as_user_errors('Reading the cloud'):
            data = live.snapshot(conn)
            name, specs = None, {}
            if getattr(args, 'flavor', None):
                try:
                    name, specs = live.flavor_extra_specs(conn, args.flavor)
                except LookupError as exc:
                    raise main.UserError(str(exc))
        return data, name, specs
    path = args.snapshot or snapshot_format.sample_path()
    try:
        return snapshot_format.load(path), None, {}
    except snapshot_format.SnapshotError as exc:
        raise main.UserError(str(exc))


def prepare_nova(args, data):
    """Load nova.conf and the snapshot's PCI aliases; import nova late."""
    from aerospike_filters.cmd import nova_setup
    nova_setup.load_config(args.config_file)
    from aerospike_filters.scheduler import replay
    if 'pci_aliases' in data:
        replay.use_pci_aliases(data['pci_aliases'])
    return replay


def add_source_arguments(parser):
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        '--snapshot', metavar='FILE',
        help='JSON snapshot of the cloud (default: the packaged sample, '
             '%s)' % snapshot_format.SAMPLE)
    cloud.add_argument(source)
    parser.add_argument(
        '--config-file', metavar='PATH', action='append', default=[],
        help="the scheduler's nova.conf: [aerospike_filters] options and, "
             'unless the snapshot has pci_aliases, [pci] alias')


class Explain(lister.Lister):
    """Run the real filter and weigher over a cloud and explain each host.

    Hosts that pass are ranked by weight; rejected hosts follow with the
    reason. The cloud is a live one (--os-cloud), a snapshot file, or the
    sample cloud shipped with the package. The flavor is a live flavor
    (--flavor), extra specs given with --extra-spec (on top of the
    flavor's, for a what-if), or aerospike:storage=local.
    """

    # Inside OpenStackClient: a snapshot needs no credentials.
    auth_required = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        add_source_arguments(parser)
        parser.add_argument(
            '--flavor', metavar='FLAVOR',
            help='name or ID of a flavor of the live cloud')
        parser.add_argument(
            '--extra-spec', metavar='KEY=VALUE', action='append',
            default=[], dest='extra_specs',
            help='flavor extra spec; repeat for several (default: '
                 'aerospike:storage=local)')
        return parser

    def take_action(self, parsed_args):
        overrides = dict(parse_extra_spec(text)
                         for text in parsed_args.extra_specs)
        data, flavor, specs = load_cloud(parsed_args, self.app)
        specs.update(overrides)
        if flavor is None and not specs:
            specs = dict(DEFAULT_EXTRA_SPECS)
        replay = prepare_nova(parsed_args, data)
        rows = replay.explain(
            replay.host_states(data),
            replay.request_spec(specs, flavor_name=flavor or 'what-if'))
        return COLUMNS, [
            (row.rank or '', row.host, 'PASS' if row.passes else 'REJECT',
             row.tier or '', '' if row.weight is None
             else round(row.weight, 4), row.state, row.reason)
            for row in rows]
