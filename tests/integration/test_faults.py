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

"""Faults: restarts, a broken option, the message bus or Ceph going away.

README: "A bad option value stops nova-scheduler at start with a message
naming the option". Restarting nova-scheduler or a compute loses no
server, allocation or host description; a RabbitMQ restart mid-run lets
scheduling resume, and no instance lands on unsuitable storage. Ceph's OSD
stopping fails what needs it within bounded time, and volumes work again
once it is back.
"""

import os
import signal
import subprocess
import threading
import time

import fixtures
import openstack

from tests.integration import base


class TestRestarts(base.RealCloudTestCase):

    def state(self):
        servers = sorted(s.id for s in self.conn.compute.servers(
            details=False, all_projects=True))
        placed = {}
        for server in servers:
            allocations = self.conn.placement.get(
                '/allocations/%s' % server).json()['allocations']
            placed[server] = sorted(allocations)
        aggregates = sorted((a.name, sorted(a.hosts or []),
                             sorted((a.metadata or {}).items()))
                            for a in self.conn.compute.aggregates())
        # The traits placement pre-selects with (nova-compute rewrites its
        # provider's traits at start and periodically: they must stay).
        traits = {host: self.managed_traits(host)
                  for host in base.HOST.values()}
        return servers, placed, aggregates, traits

    def test_restart_scheduler_and_a_compute_loses_nothing(self):
        flavor = self.make_flavor({'aerospike:storage': 'lvm'})
        self.assertEqual(('ACTIVE', base.HOST['lvm']), self.boot(flavor))
        before = self.state()
        self.assertIn('CUSTOM_AEROSPIKE_STORAGE_LVM',
                      before[3][base.HOST['lvm']])
        self.restart('nova-scheduler')
        self.restart('nova-compute-lvm')
        self.assertEqual(before, self.state())
        log = base.ServiceLog('nova-scheduler')
        self.assertEqual(('ACTIVE', base.HOST['lvm']), self.boot(flavor))
        self.assertEqual(1, len(log.matching(
            'AerospikeStorageFilter: flavor %s ' % flavor.name)))
        # A flavor that requires its trait still finds the host.
        self.assertEqual(('ACTIVE', base.HOST['lvm']),
                         self.boot(self.readme_flavor('lvm')))


class TestBadOption(base.RealCloudTestCase):
    """A nova-scheduler with one bad [aerospike_filters] value.

    A second nova-scheduler, with the cloud's config files plus the bad
    value, must refuse to start. It gets an unusable message bus address,
    so it could never take the real scheduler's requests even if it
    started.
    """

    def start_scheduler(self, option, value):
        tmp = self.useFixture(fixtures.TempDir()).path
        log = os.path.join(tmp, 'scheduler.log')
        bad = os.path.join(tmp, 'bad.conf')
        with open(bad, 'w') as stream:
            stream.write('[DEFAULT]\nhost = bad-option-scheduler\n'
                         'log_file = %s\n'
                         'transport_url = rabbit://nobody:none@127.0.0.1:1/\n'
                         '[aerospike_filters]\n%s = %s\n'
                         % (log, option, value))
        argv = [os.path.join(base.BIN, 'nova-scheduler')]
        for path in base.SCHEDULER_CONF + [bad]:
            argv += ['--config-file', path]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True)
        try:
            output, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            self.fail('nova-scheduler started with %s = %s' % (option,
                                                               value))
        with open(log) as stream:
            return process.returncode, stream.read() + output

    def check(self, option, value):
        status, text = self.start_scheduler(option, value)
        self.assertNotEqual(0, status)
        # One line at CRITICAL (its traceback follows at ERROR).
        critical = [line for line in text.splitlines()
                    if ' CRITICAL ' in line]
        self.assertEqual(1, len(critical), '\n'.join(critical))
        self.assertIn('[aerospike_filters]', critical[0])
        self.assertIn(option, critical[0])

    def test_non_numeric_multiplier(self):
        self.check('storage_weight_multiplier', 'heavy')

    def test_unknown_backend_in_host_backends(self):
        self.check('host_backends', 'compute-lvm:floppy')

    def test_non_boolean_flag(self):
        self.check('isolate_dedicated_hosts', 'perhaps')


class TestRabbitMQRestart(base.RealCloudTestCase):

    def test_scheduling_resumes_and_stays_safe(self):
        flavor = self.make_flavor({'aerospike:storage': 'local'})
        created = []
        stop = threading.Event()

        def keep_booting():
            while not stop.is_set() and len(created) < 12:
                try:
                    created.append(self.create(flavor))
                except Exception:
                    pass  # nova-api may answer 500/503 while the bus is gone
                time.sleep(2)

        booter = threading.Thread(target=keep_booting)
        booter.start()
        time.sleep(3)
        self.restart('rabbitmq')
        time.sleep(3)
        stop.set()
        booter.join()
        # After the restart: scheduling works again, on suitable hosts.
        after = [self.boot(flavor) for _ in range(2)]
        self.assertEqual([('ACTIVE', True)] * 2,
                         [(s, h in base.SUITABLE) for s, h in after], after)
        # During it: whatever booted is on suitable storage. A request
        # whose message was lost with the broker stays in BUILD (nova does
        # not resend it): not the plugin's concern, but never on the wrong
        # host.
        for server in created:
            status, where = self.outcome(server, timeout=60,
                                         pending_ok=True)
            if status == 'ACTIVE':
                self.assertIn(where, base.SUITABLE)


class TestCephDies(base.RealCloudTestCase):
    """Ceph's OSD stops mid-suite: what needs it fails, bounded, and says so.

    A volume asked for while the OSD is down goes to error within cinder's
    and Ceph's deadlines (``rados_osd_op_timeout``) instead of hanging the
    test; ``realcloud status`` names the OSD and fails. Once the OSD is
    back, volumes are made again.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base.skip_without(cls, 'cinder')

    def wait_status_ok(self, timeout=180):
        deadline = time.time() + timeout
        while True:
            result = self.realcloud('status', check=False)
            if result.returncode == 0 or time.time() > deadline:
                return result
            time.sleep(3)

    def test_a_volume_fails_in_bounded_time_and_then_works_again(self):
        self.realcloud('stop-service', 'ceph-osd')
        self.addCleanup(self.wait_status_ok)
        self.addCleanup(self.realcloud, 'start-service', 'ceph-osd')
        status = self.realcloud('status', check=False)
        self.assertEqual(1, status.returncode, status.stdout)
        self.assertRegex(status.stdout, r'ceph-osd +NOT RUNNING')

        start = time.time()
        error = self.assertRaises(openstack.exceptions.ResourceFailure,
                                  self.volume_from_image)
        self.assertIn('error', str(error))
        self.assertLess(time.time() - start, base.BOOT_TIMEOUT)

        self.realcloud('start-service', 'ceph-osd')
        result = self.wait_status_ok()
        self.assertEqual(0, result.returncode, result.stdout)
        self.assertEqual('available', self.volume_from_image().status)
