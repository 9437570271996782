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

"""The sync plan: leave first, then join; conflicts named, never edited."""

from oslotest import base

from aerospike_filters.sync import aggregate_plan

A = aggregate_plan.Aggregate


def actions(steps):
    return [(s.action, s.aggregate) for s in steps]


class TestPlan(base.BaseTestCase):

    def test_new_host_creates_and_joins(self):
        self.assertEqual([('create', 'aerospike-backend-lvm'),
                          ('join', 'aerospike-backend-lvm')],
                         actions(aggregate_plan.plan('c1', 'lvm', [])))

    def test_move_leaves_before_joining(self):
        aggs = [A(1, 'aerospike-backend-lvm', ['c1', 'c2'],
                  {'ephemeral_backend': 'lvm'}),
                A(2, 'aerospike-backend-qcow2', ['c3'],
                  {'ephemeral_backend': 'qcow2'})]
        steps = aggregate_plan.plan('c1', 'qcow2', aggs)
        self.assertEqual([('leave', 'aerospike-backend-lvm'),
                          ('join', 'aerospike-backend-qcow2')],
                         actions(steps))
        self.assertEqual('openstack aggregate remove host '
                         'aerospike-backend-lvm c1', steps[0].command)

    def test_nothing_to_do(self):
        aggs = [A(1, 'aerospike-backend-raw', ['c1'],
                  {'ephemeral_backend': 'raw'}),
                A(2, 'az1', ['c1'], {'availability_zone': 'az1'})]
        self.assertEqual([], aggregate_plan.plan('c1', 'flat', aggs))

    def test_repairs_missing_metadata(self):
        aggs = [A(1, 'aerospike-backend-raw', ['c1'], {})]
        self.assertEqual([('set-metadata', 'aerospike-backend-raw')],
                         actions(aggregate_plan.plan('c1', 'raw', aggs)))

    def test_unknown_backend_only_leaves(self):
        aggs = [A(1, 'aerospike-backend-lvm', ['c1'],
                  {'ephemeral_backend': 'lvm'})]
        self.assertEqual([('leave', 'aerospike-backend-lvm')],
                         actions(aggregate_plan.plan('c1', None, aggs)))

    def test_unmanaged_conflict_is_reported_not_edited(self):
        aggs = [A(1, 'rack-7', ['c1'], {'ephemeral_backend': 'qcow2',
                                        'availability_zone': 'az7'}),
                A(2, 'rack-8', ['c1'], {'ephemeral_backend': 'lvm'})]
        steps = aggregate_plan.plan('c1', 'lvm', aggs)
        self.assertEqual([('conflict', 'rack-7'),
                          ('create', 'aerospike-backend-lvm'),
                          ('join', 'aerospike-backend-lvm')],
                         actions(steps))

    def test_unknown_backend_name_is_refused(self):
        self.assertRaises(ValueError, aggregate_plan.plan, 'c1', 'zfs', [])

    def test_custom_key(self):
        steps = aggregate_plan.plan('c1', 'lvm', [], backend_key='storage')
        self.assertIn('--property storage=lvm', steps[0].command)


class TestAggregatesAfter(base.BaseTestCase):
    """The aggregates a dry run's traits are computed from."""

    def test_leave_join_and_conflicts_kept(self):
        aggs = [A(1, 'aerospike-backend-qcow2', ['c1', 'c2'],
                  {'ephemeral_backend': 'qcow2'}),
                A(2, 'rack-7', ['c1'], {'ephemeral_backend': 'qcow2'})]
        after = {a.name: a for a in aggregate_plan.aggregates_after(
            'c1', 'lvm', aggs)}
        self.assertEqual(['c2'], after['aerospike-backend-qcow2'].hosts)
        self.assertEqual(['c1'], after['aerospike-backend-lvm'].hosts)
        self.assertEqual({'ephemeral_backend': 'lvm'},
                         after['aerospike-backend-lvm'].metadata)
        self.assertEqual(['c1'], after['rack-7'].hosts)
        # As the real sync leaves them: planning again changes nothing
        # but the conflict sync never edits.
        self.assertEqual([aggregate_plan.CONFLICT], [
            s.action
            for s in aggregate_plan.plan('c1', 'lvm', list(after.values()))])
