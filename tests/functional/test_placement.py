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

"""Where servers land: only on suitable hosts, best tier first."""

from tests.functional import base

MIXED = {'lvm-1': 'lvm', 'raw-1': 'raw', 'qcow2-1': 'qcow2', 'rbd-1': 'rbd',
         'nfs-1': 'nfs', 'nvme-1': (None, 2)}


class TestPlacement(base.CloudTestCase):

    def test_local_flavor_uses_the_best_tier_left(self):
        self.start_cloud(MIXED)
        flavor = self.flavor('aerospike.local', 'local')
        landed = []
        for host in ('lvm-1', 'raw-1'):
            server = self.boot(flavor)
            landed.append(self.host_of(server))
            self.set_service(landed[-1], enabled=False)
        self.assertEqual(['lvm-1', 'raw-1'], landed)
        # Only qcow2, rbd, nfs and the undescribed NVMe host are left: a
        # flavor that requests no NVMe device has nowhere to go.
        self.assertNoValidHost(self.boot(flavor, expected='ERROR'))

    def test_local_flavor_with_nvme_devices_takes_the_nvme_host(self):
        self.start_cloud(MIXED)
        flavor = self.flavor('aerospike.local-nvme', 'local', nvme=1)
        self.assertEqual('nvme-1', self.host_of(self.boot(flavor)))

    def test_plain_flavor_lands_anywhere(self):
        self.start_cloud({'qcow2-1': 'qcow2', 'rbd-1': 'rbd'})
        plain = self.flavor('plain')
        hosts = {self.host_of(self.boot(plain)) for _ in range(4)}
        self.assertEqual({'qcow2-1', 'rbd-1'}, hosts)

    def test_lvm_flavor_only_on_the_lvm_host(self):
        self.start_cloud(MIXED)
        flavor = self.flavor('aerospike.lvm', 'lvm')
        for _ in range(3):
            self.assertEqual('lvm-1', self.host_of(self.boot(flavor)))

    def test_nvme_flavor_needs_a_free_device(self):
        self.start_cloud({'lvm-1': 'lvm', 'nvme-1': ('qcow2', 2),
                          'nvme-2': (None, 2), 'qcow2-1': 'qcow2'})
        flavor = self.flavor('aerospike.nvme', 'nvme', nvme=1)
        # nvme-1 has drives but a qcow2 backend: rejected.
        servers = self.boot(flavor, count=2)
        self.assertEqual(['nvme-2', 'nvme-2'],
                         [self.host_of(s) for s in servers])
        # Both drives of nvme-2 are used now.
        self.assertNoValidHost(self.boot(flavor, expected='ERROR'))

    def test_multi_create_beyond_the_free_devices_fails_cleanly(self):
        self.start_cloud({'nvme-1': (None, 2), 'lvm-1': 'lvm'})
        flavor = self.flavor('aerospike.nvme', 'nvme', nvme=1)
        servers = self.boot(flavor, count=3, expected='ERROR')
        for server in servers:
            self.assertNoValidHost(server)
        # Nothing was consumed: two still fit.
        servers = self.boot(flavor, count=2)
        self.assertEqual({'nvme-1'}, {self.host_of(s) for s in servers})


class TestNoSuitableHost(base.CloudTestCase):

    def test_error_with_no_valid_host_and_nothing_else_affected(self):
        self.start_cloud({'qcow2-1': 'qcow2', 'rbd-1': 'rbd', 'bare-1': None})
        plain = self.flavor('plain')
        before = self.boot(plain)
        failed = self.boot(self.flavor('aerospike.local', 'local'),
                           expected='ERROR')
        self.assertNoValidHost(failed)
        self.assertEqual('ACTIVE',
                         self.admin_api.get_server(before['id'])['status'])
        after = self.boot(plain)
        self.assertIn(self.host_of(after), ('qcow2-1', 'rbd-1', 'bare-1'))

    def test_tenant_hint_cannot_bypass_the_filter(self):
        """nova's internal rebuild hint, sent by a tenant on a create."""
        self.start_cloud({'qcow2-1': 'qcow2'})
        flavor = self.flavor('aerospike.local', 'local')
        failed = self.boot(flavor, expected='ERROR', api=self.tenant_api,
                           hints={'_nova_check_type': ['rebuild']})
        self.assertNoValidHost(failed)
