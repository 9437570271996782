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

"""Rack spread, checked through tempest's clients.

A cluster's tagged nodes booted into a ``soft-anti-affinity`` server group
in one multi-create request land one per availability zone, as long as
each zone has a suitable host (lvm or raw, read from the
``ephemeral_backend`` metadata ``aerospike-filters sync`` publishes). The
test reads the zones the cloud has and creates none: on a cloud with
fewer than two zones holding a suitable, enabled compute it skips, saying
so.
"""

import collections

from tempest.api.compute import base
from tempest.lib.common.utils import data_utils
from tempest.lib import decorators

from aerospike_filters import trait_contract

SUITABLE_BACKENDS = ('lvm', 'raw')
#: At most this many nodes (one per zone) in the test's cluster.
MAX_NODES = 3


class AerospikeRackSpreadTest(base.BaseV2ComputeAdminTest):
    """A server group's tagged nodes, one per zone."""

    # 2.64: server groups with a single policy; 2.86: nova-api validates
    # flavor extra specs.
    min_microversion = '2.86'

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        backends = collections.defaultdict(set)
        for aggregate in cls.os_admin.aggregates_client.list_aggregates()[
                'aggregates']:
            backend = (aggregate.get('metadata') or {}).get(
                'ephemeral_backend')
            for host in aggregate.get('hosts') or []:
                if backend:
                    backends[host].add(backend)
        usable = {s['host'] for s in cls.os_admin.services_client.
                  list_services(binary='nova-compute')['services']
                  if s['state'] == 'up' and s['status'] == 'enabled'}
        suitable = {h for h in usable
                    if len(backends[h]) == 1 and
                    backends[h] <= set(SUITABLE_BACKENDS)}
        # zone -> its suitable computes (a host in no zone aggregate is in
        # nova's default zone, which the detailed list shows too).
        cls.zone_hosts = collections.defaultdict(set)
        for zone in cls.os_admin.availability_zone_client.\
                list_availability_zones(detail=True)['availabilityZoneInfo']:
            for host in (zone.get('hosts') or {}):
                if host in suitable:
                    cls.zone_hosts[zone['zoneName']].add(host)

    def setUp(self):
        super().setUp()
        if len(self.zone_hosts) < 2:
            raise self.skipException(
                'fewer than two availability zones hold an enabled compute '
                'described as lvm or raw (found %s): put computes in zones '
                '(openstack aggregate create --zone) to run it' % (
                    dict((z, sorted(h)) for z, h in self.zone_hosts.items())
                    or 'none'))

    def tagged_flavor(self):
        flavor = self.create_flavor(ram=512, vcpus=1, disk=1)
        specs = {'aerospike:storage': 'local'}
        specs[trait_contract.flavor_spec(
            trait_contract.flavor_trait(specs))] = 'required'
        self.admin_flavors_client.set_flavor_extra_spec(flavor['id'],
                                                        **specs)
        return flavor

    @decorators.idempotent_id('b3d1f0a2-6c7e-4d8f-9a0b-1c2d3e4f5a07')
    def test_group_nodes_land_one_per_zone(self):
        nodes = min(len(self.zone_hosts), MAX_NODES)
        group = self.create_test_server_group(
            name=data_utils.rand_name('aerospike-cluster'),
            policy='soft-anti-affinity')
        name = data_utils.rand_name('aerospike-node')
        self.create_test_server(flavor=self.tagged_flavor()['id'],
                                name=name, min_count=nodes,
                                max_count=nodes, wait_until='ACTIVE',
                                scheduler_hints={'group': group['id']})
        servers = [s for s in self.os_admin.servers_client.list_servers(
            detail=True, all_tenants=True)['servers']
            if s['name'].startswith(name)]
        self.assertEqual(nodes, len(servers), servers)
        zones = collections.Counter()
        for server in servers:
            shown = self.os_admin.servers_client.show_server(
                server['id'])['server']
            zone = shown['OS-EXT-AZ:availability_zone']
            self.assertIn(shown['OS-EXT-SRV-ATTR:host'],
                          self.zone_hosts.get(zone, ()), shown)
            zones[zone] += 1
        # Balanced: every node in a zone of its own.
        self.assertEqual([1] * nodes, list(zones.values()), dict(zones))
