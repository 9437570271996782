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

"""probe + sync against the real cloud (admin guide, "Probe and sync").

A compute changes backend; the probe says so; sync moves it between the
``aerospike-backend-*`` aggregates, never into two, while servers keep
booting; the scheduler follows (nova-api tells it over RabbitMQ). A
placement outage during ``sync --traits`` ends with a clear error, leaves
nothing half-done, and a rerun converges.
"""

import json
import os
import threading
import time

import fixtures

from tests.integration import base

QCOW2 = base.HOST['qcow2']
RBD = base.HOST['rbd']


class TestProbeAndSync(base.RealCloudTestCase):

    def sync(self, *args, check=True):
        result = self.aerospike('sync', '--os-cloud', 'realcloud', '-f',
                                'json', *args, check=check)
        return result

    def restore(self, host, backend):
        # Runs as a cleanup: put the host back where the cloud had it.
        self.sync('--host', host, '--backend', backend, '--traits')
        self.assertEqual({backend}, self.backend_aggregates().get(host))

    def test_move_a_compute_while_servers_keep_booting(self):
        self.addCleanup(self.restore, QCOW2, 'qcow2')
        # The compute is switched to LVM: its nova.conf says so.
        tmp = self.useFixture(fixtures.TempDir()).path
        conf = os.path.join(tmp, 'nova.conf')
        with open(os.path.join(base.NOVA_ETC, '%s.conf' % QCOW2)) as src:
            text = src.read().replace('images_type = qcow2',
                                      'images_type = lvm\n'
                                      'images_volume_group = nova')
        with open(conf, 'w') as dst:
            dst.write(text)
        report = self.json_of(self.aerospike('probe', '--nova-conf', conf))
        self.assertEqual((QCOW2, 'lvm'),
                         (report['host'], report['ephemeral_backend']))
        report_file = os.path.join(tmp, 'report.json')
        with open(report_file, 'w') as stream:
            json.dump(report, stream)

        # The README's flavor: it requires its trait.
        flavor = self.readme_flavor('lvm')
        created = []

        def keep_booting():
            for _ in range(6):
                created.append((time.time(), self.create(flavor)))
                time.sleep(1)

        booter = threading.Thread(target=keep_booting)
        booter.start()
        time.sleep(2)
        moved_at = time.time()
        result = json.loads(self.sync('--report', report_file,
                                      '--traits').stdout)
        booter.join()
        self.assertTrue(result['changed'])
        self.assertEqual({'lvm'}, self.backend_aggregates()[QCOW2])
        # Its traits follow: placement now offers it to lvm flavors too.
        self.assertIn('CUSTOM_AEROSPIKE_STORAGE_LVM',
                      self.managed_traits(QCOW2))

        for started, server in created:
            status, host = self.outcome(server)
            self.assertEqual('ACTIVE', status, host)
            allowed = {base.HOST['lvm']}
            if started >= moved_at:
                allowed.add(QCOW2)
            self.assertIn(host, allowed)

        # The scheduler sees the move: with the old lvm host off, the
        # moved one takes lvm flavors.
        self.disable_compute(base.HOST['lvm'])
        self.assertEqual(('ACTIVE', QCOW2), self.boot(flavor))

        # A rerun changes nothing.
        again = json.loads(self.sync('--report', report_file,
                                     '--traits').stdout)
        self.assertFalse(again['changed'])


class TestSyncPlacementOutage(base.RealCloudTestCase):

    def test_sync_with_placement_down_then_rerun(self):
        self.addCleanup(self.aerospike, 'sync', '--os-cloud', 'realcloud',
                        '--host', RBD, '--backend', 'rbd', '--traits')
        self.realcloud('stop-service', 'placement')
        self.addCleanup(self.wait_services_up)
        self.addCleanup(self.realcloud, 'start-service', 'placement')
        try:
            failed = self.aerospike(
                'sync', '--os-cloud', 'realcloud', '--host', RBD,
                '--backend', 'raw', '--traits', '--retries', '2',
                check=False, timeout=600)
            state = self.backend_aggregates().get(RBD, set())
        finally:
            self.realcloud('start-service', 'placement')
            self.wait_services_up()
        self.assertNotEqual(0, failed.returncode, failed.stdout)
        error = [line for line in failed.stderr.splitlines() if line]
        self.assertEqual(1, len(error), failed.stderr)
        # Nothing half-done: in its old backend aggregate or in none.
        self.assertIn(state, ({'rbd'}, set()))

        done = json.loads(self.aerospike(
            'sync', '--os-cloud', 'realcloud', '--host', RBD, '--backend',
            'raw', '--traits', '-f', 'json').stdout)
        self.assertEqual('aerospike-backend-raw', done['aggregate'])
        self.assertEqual({'raw'}, self.backend_aggregates()[RBD])
        self.assertEqual(
            ['CUSTOM_AEROSPIKE_STORAGE_LVM_RAW',
             'CUSTOM_AEROSPIKE_STORAGE_NVME_LVM_RAW',
             'CUSTOM_AEROSPIKE_STORAGE_NVME_RAW',
             'CUSTOM_AEROSPIKE_STORAGE_RAW'], self.managed_traits(RBD))
        again = json.loads(self.aerospike(
            'sync', '--os-cloud', 'realcloud', '--host', RBD, '--backend',
            'raw', '--traits', '-f', 'json').stdout)
        self.assertFalse(again['changed'])
