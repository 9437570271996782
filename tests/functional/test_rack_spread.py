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

"""Rack spread with nova's real scheduler: zones, racks, strict, moves."""

import collections

from tests.functional import base


class RackCloud(base.CloudTestCase):
    """Hosts in zones (or racks), the rack filter enabled last."""

    STRICT_FILTER = True

    def configure_scheduler(self):
        super().configure_scheduler()
        if self.STRICT_FILTER:
            self.flags(enabled_filters=base.NOVA_FILTERS + [
                'AerospikeStorageFilter', 'AerospikeRackFilter'],
                group='filter_scheduler')

    def start_racks(self, racks, backend='lvm', key=None):
        """``racks``: {domain: [host, ...]}; all hosts get ``backend``."""
        self.start_cloud({host: backend for hosts in racks.values()
                          for host in hosts})
        for domain, hosts in racks.items():
            if domain is None:
                continue
            metadata = ({'availability_zone': domain} if key is None
                        else {key: domain})
            for host in hosts:
                self.add_to_aggregate('domain-' + domain, host, metadata)
        self.domain_of = {host: domain for domain, hosts in racks.items()
                          for host in hosts}

    def group(self, policy='soft-anti-affinity'):
        return self.api.post_server_groups(
            {'name': 'aerospike-cluster', 'policy': policy})

    def counts(self, servers):
        return collections.Counter(self.domain_of[self.host_of(server)]
                                   for server in servers)


class TestPreferred(RackCloud):

    def test_multi_create_spreads_evenly_over_three_zones(self):
        self.start_racks({'az1': ['h1', 'h2', 'h3'], 'az2': ['h4', 'h5'],
                          'az3': ['h6', 'h7']})
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        servers = self.boot(flavor, count=6, hints={'group': group['id']})
        self.assertEqual({'az1': 2, 'az2': 2, 'az3': 2},
                         dict(self.counts(servers)))

    def test_one_by_one_spreads_over_racks(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        self.start_racks({'r1': ['h1', 'h2', 'h3', 'h4'], 'r2': ['h5']},
                         key='rack')
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        servers = [self.boot(flavor, hints={'group': group['id']})
                   for _ in range(2)]
        self.assertEqual({'r1': 1, 'r2': 1}, dict(self.counts(servers)))

    def test_rack_with_no_suitable_host_is_left_out(self):
        self.start_racks({'az1': ['h1', 'h2'], 'az3': ['h5', 'h6']})
        self.start_cloud({'h3': 'qcow2', 'h4': 'qcow2'})
        for host in ('h3', 'h4'):
            self.add_to_aggregate('domain-az2', host,
                                  {'availability_zone': 'az2'})
            self.domain_of[host] = 'az2'
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        servers = self.boot(flavor, count=4, hints={'group': group['id']})
        self.assertEqual({'az1': 2, 'az3': 2}, dict(self.counts(servers)))


class TestStrict(RackCloud):

    def test_strict_refuses_rather_than_unbalance(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        # r2's only host cannot take a second node (anti-affinity).
        self.start_racks({'r1': ['h1', 'h2', 'h3', 'h5'], 'r2': ['h4']},
                         key='rack')
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group('anti-affinity')
        hints = {'group': group['id'], 'aerospike_rack_spread': 'strict'}
        first = [self.boot(flavor, hints=hints) for _ in range(2)]
        self.assertEqual({'r1': 1, 'r2': 1}, dict(self.counts(first)))
        third = self.boot(flavor, hints=hints)
        self.assertEqual('r1', self.domain_of[self.host_of(third)])
        # r1 has 2, r2 1 and no host left for it: strict refuses a third
        # node in r1.
        fourth = self.boot(flavor, expected='ERROR', hints=hints)
        self.assertNoValidHost(fourth)
        # The tenant opts out: the same request lands.
        self.boot(flavor, hints=dict(hints, aerospike_rack_spread='off'))
        # An untagged flavor in the same group is not the contract's.
        self.boot(self.flavor('plain'), hints=hints)

    def test_invalid_hint_gets_no_host(self):
        self.start_racks({'az1': ['h1'], 'az2': ['h2']})
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        server = self.boot(flavor, expected='ERROR', hints={
            'group': group['id'], 'aerospike_rack_spread': 'strcit'})
        self.assertNoValidHost(server)

    def test_host_in_two_racks_fails_closed_for_that_host_only(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        self.start_racks({'r1': ['h1'], 'r2': ['h2']}, key='rack')
        self.add_to_aggregate('domain-r2', 'h1')
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        hints = {'group': group['id'], 'aerospike_rack_spread': 'strict'}
        servers = [self.boot(flavor, hints=hints) for _ in range(2)]
        self.assertEqual(['h2', 'h2'], [self.host_of(s) for s in servers])

    def test_migration_keeps_the_rule(self):
        self.start_racks({'az1': ['h1', 'h2'], 'az2': ['h3'],
                          'az3': ['h4']})
        flavor = self.flavor('aerospike.lvm', 'lvm')
        group = self.group()
        hints = {'group': group['id'], 'aerospike_rack_spread': 'strict'}
        servers = self.boot(flavor, count=3, hints=hints)
        self.assertEqual({'az1': 1, 'az2': 1, 'az3': 1},
                         dict(self.counts(servers)))
        mover = next(s for s in servers
                     if self.domain_of[self.host_of(s)] == 'az1')
        source = self.host_of(mover)
        self.api.post_server_action(mover['id'], {'migrate': None})
        self._wait_for_state_change(mover, 'VERIFY_RESIZE')
        # The only balanced move: the other host of az1.
        self.assertEqual({'h1', 'h2'} - {source}, {self.host_of(mover)})
