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

"""AerospikeRackWeigher through nova's HostWeightHandler."""

import logging

import fixtures
from nova import objects
from nova.scheduler import weights
from oslo_utils import uuidutils

from aerospike_filters.scheduler import rack_evaluation
from aerospike_filters.scheduler import rack_weigher
from tests.unit import base


class TestWeigher(base.RackTestCase):

    def setUp(self):
        super().setUp()
        self.weigher = rack_weigher.AerospikeRackWeigher()
        self.log = self.useFixture(fixtures.FakeLogger(
            name=rack_evaluation.__name__, level=logging.INFO))
        self.weigher_log = self.useFixture(fixtures.FakeLogger(
            name=rack_weigher.__name__, level=logging.INFO))

    def weigh(self, hosts, spec):
        return dict(self.weighed(hosts, spec=spec, weigher=self.weigher))

    def test_least_used_zone_first_then_emptiest_host(self):
        hosts = self.racks(base.ZONES)
        members = self.members_on(hosts, {'a1': 1, 'b1': 1})
        result = self.weighed(hosts, spec=self.group_spec(members),
                              weigher=self.weigher)
        # Default multiplier 100; fixed bounds 0 to 1.
        self.assertEqual(('c1', 100.0), result[0])
        self.assertEqual(('a2', 12.5), result[1])
        self.assertEqual({6.25}, {w for _, w in result[2:]})
        self.assertEqual('', self.log.output)

    def test_anti_affinity_too(self):
        hosts = self.racks(base.ZONES)
        members = self.members_on(hosts, {'c1': 1})
        result = self.weigh(hosts, self.group_spec(
            members, policy='anti-affinity'))
        self.assertLess(result['c1'], result['b1'])

    def test_rack_key(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        hosts = self.racks({'r1': ['a1', 'a2'], 'r2': ['b1']}, key='rack')
        members = self.members_on(hosts, {'a1': 1})
        result = self.weigh(hosts, self.group_spec(members))
        self.assertEqual(100.0, result['b1'])
        self.assertEqual(12.5, result['a2'])

    def test_zones_ignored_with_a_rack_key(self):
        # The hosts are in zones but no aggregate sets the rack key: no
        # domain, half weight, one line naming the group.
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(self.members_on(hosts, {'a1': 1}))
        self.assertEqual({50.0}, set(self.weigh(hosts, spec).values()))
        self.assertEqual(1, len(self.log.output.splitlines()))
        self.assertIn('group aerospike (%s): 4 candidate host(s)'
                      % spec.instance_group.uuid, self.log.output)
        self.assertIn('no aggregate of the host sets rack', self.log.output)

    def test_the_instance_being_placed_is_not_counted(self):
        # A move: the instance sits on a1 and is a member; a1's zone still
        # counts as empty.
        hosts = self.racks({'az1': ['a1'], 'az2': ['b1']})
        members = self.members_on(hosts, {'a1': 1, 'b1': 1})
        spec = self.group_spec(members)
        spec.instance_uuid = members[0]
        result = self.weigh(hosts, spec)
        self.assertEqual(100.0, result['a1'])
        self.assertLess(result['b1'], 25.0)

    def test_multi_create_counts_the_nodes_placed_so_far(self):
        # As nova's scheduler does: every node of the request is a member
        # from the start; for each, instance_uuid is set, and the host it
        # gets has it in its instances and joins the group's hosts.
        hosts = self.racks(base.ZONES)
        nodes = [uuidutils.generate_uuid() for _ in range(4)]
        spec = self.group_spec(members=nodes)
        placed = []
        for node in nodes:
            spec.instance_uuid = node
            result = self.weighed(hosts, spec=spec, weigher=self.weigher)
            best = next(h for h in hosts if h.host == result[0][0])
            best.instances[node] = objects.Instance(uuid=node)
            spec.instance_group.hosts.append(best.host)
            placed.append(best.host)
        zones = {h: z for z, names in base.ZONES.items() for h in names}
        self.assertEqual(3, len({zones[h] for h in placed[:3]}))
        self.assertEqual(4, len(set(placed)))

    def test_multiplier_option(self):
        self.flags(rack_weight_multiplier=2.0, group='aerospike_filters')
        weigher = rack_weigher.AerospikeRackWeigher()
        hosts = self.racks(base.ZONES)
        members = self.members_on(hosts, {'a1': 1, 'b1': 1})
        result = dict(self.weighed(hosts, spec=self.group_spec(members),
                                   weigher=weigher))
        self.assertEqual(2.0, result['c1'])
        self.assertEqual(2.0, weigher.weight_multiplier(hosts[0]))

    def test_groupless_requests_are_answered_without_reading_hosts(self):
        evaluations = self.useFixture(fixtures.MockPatchObject(
            rack_evaluation, 'RackEvaluation',
            wraps=rack_evaluation.RackEvaluation)).mock
        base.Untouchable.touched = []
        hosts = [base.Untouchable() for _ in range(1000)]
        objs = [weights.WeighedHost(h, 0.0) for h in hosts]
        affinity = self.group_spec(policy='affinity')
        for spec in (self.spec(base.TAGGED), self.spec({}), affinity):
            self.assertEqual([0.0] * 1000,
                             self.weigher.weigh_objects(objs, spec))
        self.assertEqual([], base.Untouchable.touched)
        self.assertEqual(0, evaluations.call_count)
        self.assertEqual('', self.weigher_log.output)

    def test_untagged_weighs_zero(self):
        hosts = self.racks(base.ZONES)
        members = self.members_on(hosts, {'a1': 1})
        self.assertEqual({0.0}, set(self.weigh(
            hosts, self.group_spec(members, extra_specs={})).values()))

    def test_hint_off_weighs_zero(self):
        hosts = self.racks(base.ZONES)
        members = self.members_on(hosts, {'a1': 1})
        self.assertEqual({0.0}, set(self.weigh(
            hosts, self.group_spec(members, hint='off')).values()))

    def test_strict_is_weighed_as_preferred(self):
        hosts = self.racks(base.ZONES)
        members = self.members_on(hosts, {'a1': 1, 'b1': 1})
        self.assertEqual(100.0, self.weigh(
            hosts, self.group_spec(members, hint='strict'))['c1'])

    def test_bad_hint_weighs_zero_in_one_line(self):
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(self.members_on(hosts, {'a1': 1}),
                               hint='fast')
        self.assertEqual({0.0}, set(self.weigh(hosts, spec).values()))
        lines = self.weigher_log.output.splitlines()
        self.assertEqual(1, len(lines))
        self.assertIn('group aerospike (%s) is not spread: scheduler hint '
                      'aerospike_rack_spread=' % spec.instance_group.uuid,
                      lines[0])

    def test_host_in_two_zones_weighs_half_in_one_line(self):
        hosts = self.racks(base.ZONES)
        hosts[0].aggregates = hosts[0].aggregates + hosts[2].aggregates[-1:]
        spec = self.group_spec(self.members_on(hosts, {'b1': 1}))
        result = self.weigh(hosts, spec)
        self.assertEqual(50.0, result['a1'])
        self.assertEqual(100.0, result['a2'])
        lines = self.log.output.splitlines()
        self.assertEqual(1, len(lines))
        self.assertIn('aerospike (%s)' % spec.instance_group.uuid, lines[0])
        self.assertIn('e.g. a1', lines[0])

    def test_member_host_aggregates_unreadable_counts_nowhere(self):
        # A member on a host that is no candidate; without a database its
        # aggregates cannot be read: one line, the others still spread.
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(self.members_on(hosts, {'a1': 1}) + ['x'],
                               member_hosts=['a1', 'gone-1'])
        result = self.weigh(hosts, spec)
        self.assertEqual(100.0, result['b1'])
        self.assertIn('group aerospike (%s): the aggregates of member '
                      'hosts gone-1 could not be read'
                      % spec.instance_group.uuid, self.log.output)

    def test_broken_spec_weighs_zero_and_never_raises(self):
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(self.members_on(hosts, {'a1': 1}))
        hosts[1].aggregates = None
        objs = [weights.WeighedHost(h, 0.0) for h in hosts]
        self.assertEqual([0.0] * 4, self.weigher.weigh_objects(objs, spec))
        self.assertEqual(0.0, self.weigher._weigh_object(hosts[1], spec))
        for broken in (None, object(), self.spec(base.TAGGED).flavor):
            self.assertEqual([0.0] * 4,
                             self.weigher.weigh_objects(objs, broken))
        self.assertIn('failed unexpectedly for flavor test-flavor',
                      self.weigher_log.output)
        self.assertIn('<unknown flavor>', self.weigher_log.output)
