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

"""The snapshot format, and the facts the tools read out of it."""

from oslotest import base

from aerospike_filters import snapshot_format

NVME_ALIAS = {'name': 'nvme', 'vendor_id': '144D', 'product_id': 'a80a'}
DATA = {
    'hosts': [
        {'host': 'a', 'pci_pools': [{'vendor_id': '144d',
                                     'product_id': 'a80a', 'count': 1}],
         'pci_devices': [{'vendor_id': '144d', 'product_id': 'a80a',
                          'count': 3},
                         {'vendor_id': '10de', 'product_id': '1db6',
                          'count': 2}],
         'traits': ['CUSTOM_AEROSPIKE_STORAGE_LVM']},
        {'host': 'b', 'pci_pools': [{'vendor_id': '144d',
                                     'product_id': 'a80a', 'count': 2}]},
        {'host': 'c'}],
    'aggregates': [{'name': 'x', 'hosts': ['a'],
                    'metadata': {'ephemeral_backend': 'lvm'}}]}


class TestFacts(base.BaseTestCase):

    def test_aggregates_then_host_backends(self):
        facts = snapshot_format.facts_of_hosts(DATA, 'ephemeral_backend',
                                               {'a': 'qcow2', 'b': 'raw'})
        self.assertEqual('lvm', facts['a'].backend.name)
        self.assertEqual(('raw', 'host_backends'),
                         (facts['b'].backend.name, facts['b'].source))
        self.assertIsNone(facts['c'].backend)

    def test_nvme_devices_used_or_free(self):
        count = snapshot_format.nvme_devices
        self.assertEqual(3, count(DATA['hosts'][0], [NVME_ALIAS], {'nvme'}))
        # Without device totals the pools (free devices) count.
        self.assertEqual(2, count(DATA['hosts'][1], [NVME_ALIAS], {'nvme'}))
        self.assertEqual(0, count(DATA['hosts'][2], [NVME_ALIAS], {'nvme'}))
        # Only the aliases named NVMe; without one, nobody can tell.
        self.assertIsNone(count(DATA['hosts'][0], [NVME_ALIAS], {'gpu'}))
        self.assertIsNone(count(DATA['hosts'][0], [], {'nvme'}))
        self.assertIsNone(count(DATA['hosts'][0], [NVME_ALIAS], {'nvme'},
                                pci_known=False))


class TestCheck(base.BaseTestCase):

    def test_new_keys_are_checked(self):
        snapshot_format.check(DATA)
        for bad, fragment in (
                ({'host': 'a', 'traits': 'x'}, 'traits'),
                ({'host': 'a', 'pci_devices': [{'count': 1}]},
                 'pci_devices[0]')):
            exc = self.assertRaises(snapshot_format.SnapshotError,
                                    snapshot_format.check, {'hosts': [bad]})
            self.assertIn(fragment, str(exc))
