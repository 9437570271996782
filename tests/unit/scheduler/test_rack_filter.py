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

"""AerospikeRackFilter through nova's HostFilterHandler."""

import logging

import fixtures
from nova import context as nova_context
from nova import objects
from nova.scheduler import filters
from oslo_utils import uuidutils

from aerospike_filters.scheduler import rack_evaluation
from aerospike_filters.scheduler import rack_filter
from tests.unit import base

EVERY = ['a1', 'a2', 'b1', 'c1']


class FilterCase(base.RackTestCase):

    def setUp(self):
        super().setUp()
        self.filter = rack_filter.AerospikeRackFilter()
        self.log = self.useFixture(fixtures.FakeLogger(
            name=rack_filter.__name__, level=logging.INFO))

    def kept(self, hosts, spec):
        return self.passing(hosts, spec=spec)


class TestStrict(FilterCase):

    def test_strict_keeps_only_the_least_used_domains(self):
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(self.members_on(hosts, {'a1': 1, 'c1': 1}),
                               hint='strict')
        self.assertEqual(['b1'], self.kept(hosts, spec))
        lines = self.log.output.splitlines()
        self.assertEqual(1, len(lines))
        self.assertEqual(
            'AerospikeRackFilter: group aerospike (%s): 1 of 4 hosts keep '
            'it balanced (nodes per domain: az1=1 az2=0 az3=1)'
            % spec.instance_group.uuid, lines[0])

    def test_strict_tie_keeps_every_host_silently(self):
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(
            self.members_on(hosts, {'a1': 1, 'b1': 1, 'c1': 1}),
            hint='strict')
        self.assertEqual(EVERY, self.kept(hosts, spec))
        self.assertEqual('', self.log.output)

    def test_rack_key(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        hosts = self.racks({'r1': ['a1'], 'r2': ['b1']}, key='rack')
        spec = self.group_spec(self.members_on(hosts, {'a1': 1}),
                               hint='strict')
        self.assertEqual(['b1'], self.kept(hosts, spec))

    def test_host_without_domain_fails_closed_for_itself_only(self):
        hosts = self.racks({'az1': ['a1'], 'az2': ['b1'], 'az3': ['c1']})
        # a1 in two zones: no domain.
        hosts[0].aggregates = hosts[0].aggregates + hosts[1].aggregates[-1:]
        spec = self.group_spec(hint='strict')
        self.assertEqual(['b1', 'c1'], self.kept(hosts, spec))

    def test_bad_hint_gets_no_host_in_one_line(self):
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(hint='fast')
        self.assertEqual([], self.kept(hosts, spec))
        lines = self.log.output.splitlines()
        self.assertEqual(1, len(lines))
        self.assertIn('group aerospike (%s) gets no host: scheduler hint '
                      'aerospike_rack_spread=' % spec.instance_group.uuid,
                      lines[0])

    def test_host_passes_single_host_form(self):
        self.flags(failure_domain_key='rack', group='aerospike_filters')
        hosts = self.racks({'r1': ['a1'], None: ['x1']}, key='rack')
        spec = self.group_spec(hint='strict')
        self.assertTrue(self.filter.host_passes(hosts[0], spec))
        self.assertFalse(self.filter.host_passes(hosts[1], spec))

    def test_rebuild_on_its_own_host_is_not_refused(self):
        hosts = self.racks({'az1': ['a1'], 'az2': ['b1']})
        spec = self.group_spec(self.members_on(hosts, {'a1': 2}),
                               hint='strict')
        spec.scheduler_hints['_nova_check_type'] = ['rebuild']
        spec.force_hosts = ['a1']
        self.assertEqual(['a1'], sorted(
            h.host for h in self.filter.filter_all(hosts[:1], spec)))


class TestNotStrict(FilterCase):

    def test_preferred_and_off_pass_every_host(self):
        hosts = self.racks(base.ZONES)
        members = self.members_on(hosts, {'a1': 2})
        for hint in (None, 'preferred', 'off'):
            self.assertEqual(EVERY, self.kept(
                hosts, self.group_spec(members, hint=hint)), hint)
        self.assertEqual('', self.log.output)

    def test_untagged_strict_passes_every_host(self):
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(self.members_on(hosts, {'a1': 2}),
                               hint='strict', extra_specs={})
        self.assertEqual(EVERY, self.kept(hosts, spec))

    def test_groupless_requests_are_answered_without_reading_hosts(self):
        evaluations = self.useFixture(fixtures.MockPatchObject(
            rack_evaluation, 'RackEvaluation',
            wraps=rack_evaluation.RackEvaluation)).mock
        base.Untouchable.touched = []
        hosts = [base.Untouchable() for _ in range(1000)]
        strict_affinity = self.group_spec(policy='affinity', hint='strict')
        strict_alone = self.spec(base.TAGGED)
        strict_alone.scheduler_hints = {'aerospike_rack_spread': ['strict']}
        for spec in (self.spec(base.TAGGED), self.spec({}),
                     strict_affinity, strict_alone):
            self.assertIs(hosts, self.filter.filter_all(hosts, spec))
        self.assertEqual([], base.Untouchable.touched)
        self.assertEqual(0, evaluations.call_count)
        self.assertEqual('', self.log.output)


class TestNeverRaises(FilterCase):

    def test_broken_strict_request_fails_closed(self):
        hosts = self.racks(base.ZONES)
        spec = self.group_spec(self.members_on(hosts, {'a1': 1}),
                               hint='strict')
        hosts[1].aggregates = None
        self.assertEqual([], self.filter.filter_all(hosts, spec))
        self.assertEqual(1, self.log.output.count('failed unexpectedly'))
        self.assertIn('rejecting every host (fail closed)', self.log.output)

    def test_no_request_spec_at_all_fails_closed(self):
        hosts = self.racks(base.ZONES)
        for broken in (None, object()):
            self.assertEqual([], self.filter.filter_all(hosts, broken))
        self.assertIn('flavor <unknown flavor>', self.log.output)


class TestFullRack(FilterCase):
    """Member hosts that are no candidates, read from the API database."""

    USES_DB = True

    def aggregate(self, name, metadata, hosts):
        agg = objects.Aggregate(nova_context.get_admin_context(), name=name,
                                metadata=metadata)
        agg.create()
        for host in hosts:
            agg.add_host(host)

    def test_a_full_rack_holds_the_others_back(self):
        # az3's only host is full (no candidate) with one node; az1 and
        # az2 hold two: strict gets no host rather than a third in them.
        self.aggregate('domain-az3', {'availability_zone': 'az3'},
                       ['c-full'])
        hosts = self.racks({'az1': ['a1'], 'az2': ['b1']})
        members = self.members_on(hosts, {'a1': 2, 'b1': 2})
        on_c = uuidutils.generate_uuid()
        spec = self.group_spec(members + [on_c], hint='strict',
                               member_hosts=['a1', 'b1', 'c-full'])
        handler = filters.HostFilterHandler()
        self.assertEqual([], list(handler.get_filtered_objects(
            [self.filter], hosts, spec) or []))
        self.assertIn('0 of 2 hosts keep it balanced', self.log.output)

    def test_a_full_rack_ahead_does_not(self):
        self.aggregate('domain-az3', {'availability_zone': 'az3'},
                       ['c-full'])
        hosts = self.racks({'az1': ['a1'], 'az2': ['b1']})
        members = self.members_on(hosts, {'a1': 1})
        others = [uuidutils.generate_uuid(), uuidutils.generate_uuid()]
        spec = self.group_spec(members + others, hint='strict',
                               member_hosts=['a1', 'c-full', 'c-full'])
        self.assertEqual(['b1'], self.kept(hosts, spec))

    def test_the_source_host_of_a_move_is_not_counted(self):
        # The node leaves c-full (ignore_hosts): az3 holds none then.
        self.aggregate('domain-az3', {'availability_zone': 'az3'},
                       ['c-full'])
        hosts = self.racks({'az1': ['a1'], 'az2': ['b1']})
        members = self.members_on(hosts, {'a1': 2, 'b1': 2})
        moving = uuidutils.generate_uuid()
        spec = self.group_spec(members + [moving], hint='strict',
                               member_hosts=['a1', 'b1', 'c-full'])
        self.assertEqual([], self.kept(hosts, spec))
        spec.ignore_hosts = ['c-full']
        spec.instance_uuid = moving
        self.assertEqual(['a1', 'b1'], self.kept(hosts, spec))
