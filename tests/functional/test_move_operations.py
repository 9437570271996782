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

"""Move operations keep Aerospike servers on suitable hosts."""

from tests.functional import base

LAYOUT = {'lvm-1': 'lvm', 'lvm-2': 'lvm', 'qcow2-1': 'qcow2',
          'rbd-1': 'rbd'}


class TestMoves(base.CloudTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud(LAYOUT)
        self.aerospike = self.flavor('aerospike.lvm', 'lvm')

    def boot_on(self, host, flavor):
        """Boot where nothing but ``host`` is enabled, then enable all."""
        others = [h for h in LAYOUT if h != host]
        for other in others:
            self.set_service(other, enabled=False)
        server = self.boot(flavor)
        for other in others:
            self.set_service(other, enabled=True)
        self.assertEqual(host, self.host_of(server))
        return server

    def test_resize_from_plain_to_aerospike_moves_to_a_suitable_host(self):
        server = self.boot_on('qcow2-1', self.flavor('plain'))
        self._resize_server(server, self.aerospike)
        self._confirm_resize(server)
        self.assertIn(self.host_of(server), ('lvm-1', 'lvm-2'))

    def test_cold_migration_chooses_the_other_lvm_host(self):
        server = self.boot_on('lvm-1', self.aerospike)
        self._migrate_server(server)
        self._confirm_resize(server)
        self.assertEqual('lvm-2', self.host_of(server))

    def test_live_migration_chooses_the_other_lvm_host(self):
        server = self.boot_on('lvm-1', self.aerospike)
        self._live_migrate(server)
        self.assertEqual('lvm-2', self.host_of(server))

    def test_evacuation_chooses_the_other_lvm_host(self):
        server = self.boot_on('lvm-1', self.aerospike)
        self.computes['lvm-1'].stop()
        service = self.admin_api.get_services(
            binary='nova-compute', host='lvm-1')[0]
        self.admin_api.put_service_force_down(service['id'], True)
        # Since microversion 2.95 an evacuated server arrives stopped.
        self._evacuate_server(server, expected_host='lvm-2')
        self.assertEqual('lvm-2', self.host_of(server))

    def test_no_suitable_target_fails_the_migration_not_the_server(self):
        server = self.boot_on('lvm-1', self.aerospike)
        self.set_service('lvm-2', enabled=False)
        self.admin_api.post_server_action(server['id'], {'migrate': None})
        self._wait_for_migration_status(server, ['error'])
        server = self._wait_for_state_change(server, 'ACTIVE')
        self.assertEqual('lvm-1', self.host_of(server))
