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

"""sync against the in-process cloud, through openstacksdk.

Covers the move of a host between backend aggregates, idempotency,
concurrent runs, faults injected at every API call of a move (the host is
then in its old backend aggregate or in none, never in two, and a rerun
converges), and that the filter follows what sync publishes.
"""

import threading

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from aerospike_filters.client import http
from aerospike_filters.sync import aggregate_plan
from aerospike_filters.sync import apply
from tests.functional import base

NO_WAIT = http.Retrying(attempts=3, delay=0, sleep=lambda _: None)


class FaultyCompute:
    """The SDK's compute proxy, failing the n-th mutating call once.

    Only what cannot exist here is simulated: an API error or a timeout in
    the middle of a move. Every other call reaches the real nova-api.
    """

    MUTATING = ('create_aggregate', 'set_aggregate_metadata',
                'add_host_to_aggregate', 'remove_host_from_aggregate')

    def __init__(self, compute, fail_at, error):
        self._compute = compute
        self.fail_at = fail_at
        self.error = error
        self.calls = 0

    def __getattr__(self, name):
        real = getattr(self._compute, name)
        if name not in self.MUTATING:
            return real

        def call(*args, **kwargs):
            self.calls += 1
            if self.calls == self.fail_at:
                raise self.error
            return real(*args, **kwargs)
        return call


class FaultyConnection:
    def __init__(self, conn, fail_at, error):
        self.compute = FaultyCompute(conn.compute, fail_at, error)
        self.placement = conn.placement


class TestSync(base.CloudTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud({'c1': None, 'c2': None, 'c3': None})
        self.conn = self.sdk()

    def memberships(self, host):
        """Names of the backend aggregates the host is in."""
        return sorted(a.name for a in self.conn.compute.aggregates()
                      if host in (a.hosts or []) and
                      aggregate_plan.is_managed(a.name))

    def sync(self, host, backend, conn=None):
        return apply.Publisher(conn or self.conn, retry=NO_WAIT).sync(
            host, backend)

    def test_move_from_lvm_to_qcow2(self):
        self.sync('c1', 'lvm')
        self.assertEqual(['aerospike-backend-lvm'], self.memberships('c1'))
        outcome = self.sync('c1', 'qcow2')
        self.assertEqual(['leave', 'create', 'join'],
                         [s.action for s in outcome.steps])
        self.assertEqual(['aerospike-backend-qcow2'],
                         self.memberships('c1'))
        agg = self.conn.compute.find_aggregate('aerospike-backend-qcow2')
        self.assertEqual({'ephemeral_backend': 'qcow2'}, agg.metadata)

    def test_second_run_changes_nothing(self):
        self.sync('c1', 'raw')
        self.assertEqual([], self.sync('c1', 'flat').steps)

    def test_the_filter_follows_what_sync_publishes(self):
        for host, backend in (('c1', 'qcow2'), ('c2', 'lvm'),
                              ('c3', 'rbd')):
            self.sync(host, backend)
        flavor = self.flavor('aerospike.local', 'local')
        self.assertEqual('c2', self.host_of(self.boot(flavor)))
        self.sync('c2', 'qcow2')
        self.assertNoValidHost(self.boot(flavor, expected='ERROR'))

    def test_concurrent_syncs_into_one_new_aggregate(self):
        errors = []

        def run(host):
            try:
                self.sync(host, 'lvm', conn=self.sdk())
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(h,))
                   for h in ('c1', 'c2', 'c3')]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        aggs = [a for a in self.conn.compute.aggregates()
                if a.name == 'aerospike-backend-lvm']
        self.assertEqual(1, len(aggs))
        self.assertEqual(['c1', 'c2', 'c3'], sorted(aggs[0].hosts))

    def test_faults_at_every_step_never_leave_two_aggregates(self):
        faults = (sdk_exceptions.HttpException(message='boom',
                                               http_status=500),
                  ks_exceptions.ConnectTimeout('timed out'),
                  sdk_exceptions.BadRequestException(message='no',
                                                     http_status=400))
        for fault in faults:
            for fail_at in range(1, 5):
                self.sync('c1', 'lvm')
                conn = FaultyConnection(self.conn, fail_at, fault)
                try:
                    self.sync('c1', 'rbd', conn=conn)
                except Exception:
                    pass
                self.assertIn(self.memberships('c1'),
                              ([], ['aerospike-backend-lvm'],
                               ['aerospike-backend-rbd']),
                              (fault, fail_at))
                # A rerun converges.
                self.sync('c1', 'rbd')
                self.assertEqual(['aerospike-backend-rbd'],
                                 self.memberships('c1'))

    def test_failure_between_leave_and_join_leaves_the_host_unknown(self):
        self.sync('c1', 'lvm')
        flavor = self.flavor('aerospike.local', 'local')
        # Fail the join (call 3: leave, create, then join) for good.
        conn = FaultyConnection(self.conn, 3,
                                sdk_exceptions.BadRequestException(
                                    message='no', http_status=400))
        self.assertRaises(http.OperationError, self.sync, 'c1', 'raw', conn)
        self.assertEqual([], self.memberships('c1'))
        # Unknown: the filter rejects it for Aerospike.
        self.assertNoValidHost(self.boot(flavor, expected='ERROR'))
        self.sync('c1', 'raw')
        self.assertEqual('c1', self.host_of(self.boot(flavor)))
