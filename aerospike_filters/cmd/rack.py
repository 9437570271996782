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

"""``rack label``: each Aerospike node learns its rack from its metadata."""

from cliff import lister

from aerospike_filters.client import aggregates
from aerospike_filters.client import server_groups
from aerospike_filters.client import servers
from aerospike_filters.cmd import base
from aerospike_filters import rack_spread
from aerospike_filters import storage_request

ACTIVE = 'ACTIVE'


class LabelRacks(base.CommandBase, lister.Lister):
    """Set server metadata aerospike_rack to each node's failure domain.

    For every ACTIVE member of tagged flavors of each server group whose
    policy spreads (anti-affinity, soft-anti-affinity), or of the one
    --server-group: sets the server's metadata aerospike_rack to its host's
    failure domain ([aerospike_filters] failure_domain_key of nova.conf;
    availability zones by default), as the scheduler counts it. The guest
    reads it from the metadata service (meta_data.json, "meta"). Servers
    already labelled are left unchanged; run it again after a move.

    Exit status 1 when a node's host has no failure domain (it is left
    alone; the Result says why and the fix).
    """

    report_columns = ('Server', 'Group', 'Host', 'Rack', 'Result')

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--server-group', metavar='<group>',
                            help='the server group (name or ID) to label '
                                 '(default: every tagged spreading group)')
        parser.add_argument('--dry-run', action='store_true',
                            help='show the labels, set none')
        base.add_cloud_argument(parser)
        base.add_config_file_argument(parser)
        return parser

    def take_action(self, args):
        settings = base.settings_from_files(args.config_file)
        conn = base.connect(self, args.os_cloud)
        rows = []
        with base.cloud_errors('Labelling racks'):
            groups = self._groups(conn, args.server_group)
            by_host = {}
            for aggregate in aggregates.every(conn):
                for host in aggregate.hosts or ():
                    by_host.setdefault(host, []).append(
                        (aggregate.name, dict(aggregate.metadata or {})))
            for group in groups:
                for member in sorted(group.get('members') or ()):
                    row = self._label(conn, group, member, by_host,
                                      settings.failure_domain_key, args)
                    if row is not None:
                        rows.append(row)
        self.needs_attention = any(row[-1].startswith('left alone')
                                   for row in rows)
        return self.report_columns, rows

    @staticmethod
    def _groups(conn, name_or_id):
        if name_or_id is None:
            return [g for g in server_groups.listed(conn)
                    if g.get('policy') in rack_spread.SPREAD_POLICIES]
        try:
            group = server_groups.find(conn, name_or_id)
        except LookupError as exc:
            raise base.CommandError(
                '%s; list them with: openstack server group list '
                '--all-projects' % exc) from None
        if group.get('policy') not in rack_spread.SPREAD_POLICIES:
            raise base.CommandError(
                'server group %r has policy %s, which does not spread; rack '
                'spread applies to %s groups' % (
                    name_or_id, group.get('policy'),
                    ' and '.join(sorted(rack_spread.SPREAD_POLICIES))))
        return [group]

    @staticmethod
    def _label(conn, group, member, by_host, key, args):
        server = servers.get(conn, member)
        if server is None or server.status != ACTIVE:
            return None
        specs = (server.flavor or {}).get('extra_specs') or {}
        if not storage_request.is_tagged(specs):
            return None
        host = server.compute_host
        domain = rack_spread.domain_of(by_host.get(host, []), key)
        shown = (server.name, group.get('name'), host, domain.name)
        if domain.name is None:
            return shown + ('left alone: %s' % domain.error,)
        current = (server.metadata or {}).get(rack_spread.RACK_METADATA_KEY)
        if current == domain.name:
            return shown + ('unchanged',)
        if args.dry_run:
            return shown + ('would set',)
        servers.set_metadata(conn, server,
                             {rack_spread.RACK_METADATA_KEY: domain.name})
        return shown + ('set',)
