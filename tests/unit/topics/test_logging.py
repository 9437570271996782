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

"""What the filter logs: bounded, and per-host detail only at DEBUG."""

import logging

import fixtures

from aerospike_filters.scheduler import evaluation
from aerospike_filters.scheduler import memo
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher
from aerospike_filters import version
from tests.unit import base

LOCAL = {'aerospike:storage': 'local'}


class TestLogging(base.NovaTestCase):

    def setUp(self):
        super().setUp()
        # Warnings are deduplicated process-wide; start each test afresh.
        self.useFixture(fixtures.MonkeyPatch(
            'aerospike_filters.scheduler.evaluation._WARNED',
            memo.BoundedMemo()))

    def capture(self, level):
        return self.useFixture(fixtures.FakeLogger(
            name='aerospike_filters', level=level))

    def test_one_info_summary_per_request(self):
        log = self.capture(logging.INFO)
        layout = {'q%d' % i: 'qcow2' for i in range(40)}
        layout.update({'r%d' % i: 'rbd' for i in range(9)})
        layout.update({'u%d' % i: None for i in range(3)})
        layout.update({'l%d' % i: 'lvm' for i in range(28)})
        self.passing(self.hosts(layout), LOCAL)
        lines = log.output.splitlines()
        self.assertEqual(1, len(lines), lines)
        self.assertIn('rejected 52 of 80 hosts: qcow2=40 rbd=9 unknown=3',
                      lines[0])

    def test_nothing_logged_when_nothing_rejected(self):
        log = self.capture(logging.DEBUG)
        self.passing(self.hosts({'l1': 'lvm'}), {})
        self.passing(self.hosts({'l1': 'lvm'}), LOCAL)
        self.assertNotIn('rejected', log.output)

    def test_per_host_reasons_only_at_debug(self):
        hosts = self.hosts({'q1': 'qcow2', 'l1': 'lvm'})
        log = self.capture(logging.INFO)
        self.passing(hosts, LOCAL)
        self.assertNotIn('q1 rejected', log.output)
        log = self.capture(logging.DEBUG)
        self.passing(hosts, LOCAL)
        self.assertIn('q1 rejected: qcow2', log.output)
        self.assertIn('l1 passes: offers lvm', log.output)

    def test_reasons_are_not_even_formatted_without_debug(self):
        # Reasons are built once per aggregate combination, and the debug
        # branch is skipped: no per-host logging call happens at INFO.
        calls = []
        self.useFixture(fixtures.MonkeyPatch(
            'aerospike_filters.scheduler.storage_filter.LOG.debug',
            lambda *a, **k: calls.append(a)))
        self.capture(logging.INFO)
        self.passing(self.hosts({'q%d' % i: 'qcow2' for i in range(50)}),
                     LOCAL)
        self.assertEqual([], calls)

    def test_conflict_warned_once_per_aggregate_pair(self):
        log = self.capture(logging.WARNING)
        extra = [{'name': 'second', 'hosts': ['c1', 'c2'],
                  'metadata': {'ephemeral_backend': 'qcow2'}}]
        hosts = self.hosts({'c1': 'lvm', 'c2': 'lvm'}, extra)
        for _ in range(5):
            self.passing(hosts, LOCAL)
            self.passing(hosts, {'aerospike:storage': 'lvm'})
        lines = log.output.splitlines()
        self.assertEqual(1, len(lines), lines)
        self.assertIn("'backend-lvm'", lines[0])
        self.assertIn("'second'", lines[0])

    def test_unrecognised_value_warned_once_naming_key_and_values(self):
        log = self.capture(logging.WARNING)
        hosts = self.hosts({'z%d' % i: 'zfs' for i in range(20)})
        for _ in range(3):
            self.passing(hosts, LOCAL)
        lines = log.output.splitlines()
        self.assertEqual(1, len(lines), lines)
        self.assertIn("ephemeral_backend='zfs'", lines[0])
        self.assertIn('lvm', lines[0])

    def test_untagged_requests_log_nothing(self):
        log = self.capture(logging.DEBUG)
        self.passing(self.hosts({'q1': 'qcow2', 'z1': 'zfs'}), {})
        self.assertEqual('', log.output)


class TestStartupEvidence(base.NovaTestCase):
    """nova-scheduler's log says the plugin loaded, before any request."""

    def test_filter_and_weigher_each_log_one_line_when_loaded(self):
        self.flags(host_backends={'c1': 'lvm', 'c2': 'raw'},
                   group='aerospike_filters')
        log = self.useFixture(fixtures.FakeLogger(
            name='aerospike_filters', level=logging.INFO))
        storage_filter.AerospikeStorageFilter()
        storage_weigher.AerospikeStorageWeigher()
        lines = log.output.splitlines()
        self.assertEqual(2, len(lines), lines)
        for name, line in zip(('AerospikeStorageFilter',
                               'AerospikeStorageWeigher'), lines):
            self.assertTrue(line.startswith(
                '%s loaded (aerospike-filters %s): ' % (
                    name, version.version_string())), line)
            for option in ('ephemeral_backend_key=ephemeral_backend',
                           'host_backends=2 host(s)', 'nvme_pci_aliases=nvme',
                           'allow_nvme_on_unsuitable_backend=False',
                           'isolate_dedicated_hosts=False',
                           'storage_weight_multiplier=40.0'):
                self.assertIn(option, line)


class TestFilterHoldsNoRequestState(base.NovaTestCase):

    def test_instance_attributes_do_not_change(self):
        filt = storage_filter.AerospikeStorageFilter()
        before = dict(vars(filt))
        filt.filter_all(self.hosts({'l1': 'lvm', 'n1': (None, 2)}),
                        self.spec({'aerospike:storage': 'nvme'}))
        self.assertEqual(before, vars(filt))


class TestBoundedLogging(base.NovaTestCase):
    """10,000 hosts with bad metadata: a bounded number of lines.

    Bound per request: one INFO summary, at most WARNINGS_PER_REQUEST new
    configuration warnings, and at DEBUG at most DEBUG_HOSTS_PER_REQUEST
    per-host lines plus one "more hosts" line.
    """

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch(
            'aerospike_filters.scheduler.evaluation._WARNED',
            memo.BoundedMemo()))
        aggregates = []
        names = ['h%05d' % i for i in range(10000)]
        for i in range(100):
            members = names[i * 100:(i + 1) * 100]
            aggregates.append({'name': 'bad-%d' % i, 'hosts': members,
                               'metadata': {'ephemeral_backend':
                                            'zfs-%d' % i}})
            # Half the hosts also sit in a disagreeing aggregate.
            aggregates.append({'name': 'other-%d' % i,
                               'hosts': members[:50],
                               'metadata': {'ephemeral_backend': 'lvm',
                                            'aerospike_storage_weight_'
                                            'multiplier': 'not-a-number'}})
        self.many = base.replay.host_states(
            {'hosts': [{'host': n} for n in names],
             'aggregates': aggregates})

    def lines_per_request(self, level, requests=3):
        """Plugin lines, and those of the nova helper it calls, per request."""
        counts = []
        # One weigher for all requests, as in nova-scheduler.
        weigher = storage_weigher.AerospikeStorageWeigher()
        for _ in range(requests):
            log = self.useFixture(fixtures.FakeLogger(
                level=level, format='%(name)s %(message)s'))
            self.passing(self.many, LOCAL)
            self.weighed(self.many, LOCAL, weigher=weigher)
            counts.append(len([
                line for line in log.output.splitlines()
                if line.startswith('aerospike_filters') or
                'weight multiplier' in line]))
        return counts

    def test_info(self):
        # + 1: nova's helper reports the bad multiplier once per process.
        counts = self.lines_per_request(logging.INFO)
        self.assertLessEqual(counts[0], 2 + evaluation.WARNINGS_PER_REQUEST)
        for count in counts[1:]:
            self.assertLessEqual(count, 1 + evaluation.WARNINGS_PER_REQUEST)

    def test_debug(self):
        bound = (1 + evaluation.WARNINGS_PER_REQUEST +
                 storage_filter.DEBUG_HOSTS_PER_REQUEST + 1)
        counts = self.lines_per_request(logging.DEBUG)
        self.assertLessEqual(counts[0], bound + 1)
        for count in counts[1:]:
            self.assertLessEqual(count, bound)
