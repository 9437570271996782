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
from osc_lib.cli import parseractions

from aerospike_filters import cli
from aerospike_filters import live
from aerospike_filters import request as storage_request

DEFAULT_EXTRA_SPECS = {storage_request.STORAGE_SPEC: 'local'}
COLUMNS = ('Rank', 'Host', 'Verdict', 'Tier', 'Weight', 'Service', 'Reason')


class Explain(cli.CommandBase, lister.Lister):
    """Run the real filter and weigher over a cloud and explain each host.

    Hosts that pass are ranked by weight; rejected hosts follow with the
    reason. The cloud is a live one (--os-cloud), a snapshot file, or the
    sample cloud shipped with the package. The flavor is a live flavor
    (--flavor), extra specs given with --extra-spec (on top of the
    flavor's, for a what-if), or aerospike:storage=local.
    """

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        cli.add_source_arguments(parser)
        parser.add_argument(
            '--flavor', metavar='<flavor>',
            help='name or ID of a flavor of the live cloud')
        parser.add_argument(
            '--extra-spec', metavar='<key=value>',
            action=parseractions.KeyValueAction, dest='extra_specs',
            help='flavor extra spec; repeat for several (default: '
                 'aerospike:storage=local)')
        return parser

    def take_action(self, parsed_args):
        data, conn = cli.load_snapshot(self, parsed_args)
        flavor, specs = None, {}
        if parsed_args.flavor:
            with cli.cloud_errors('Reading flavor %s' % parsed_args.flavor):
                try:
                    flavor, specs = live.flavor_extra_specs(
                        conn, parsed_args.flavor)
                except LookupError as exc:
                    raise cli.CommandError(str(exc)) from None
        specs.update(parsed_args.extra_specs or {})
        if flavor is None and not specs:
            specs = dict(DEFAULT_EXTRA_SPECS)
        replay = cli.replay_with_nova_conf(parsed_args.config_file, data)
        rows = replay.explain(
            replay.host_states(data),
            replay.request_spec(specs, flavor_name=flavor or 'what-if'))
        return COLUMNS, [
            (row.rank or '', row.host, 'PASS' if row.passes else 'REJECT',
             row.tier or '', '' if row.weight is None
             else round(row.weight, 4), row.state, row.reason)
            for row in rows]
