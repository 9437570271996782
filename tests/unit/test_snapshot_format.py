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


GROUPED = dict(DATA, aggregates=DATA['aggregates'] + [
    {'name': 'r', 'hosts': ['a', 'b'], 'metadata': {'rack': 'r1'}}],
    server_groups=[{'id': 'g-1', 'name': 'cluster',
                    'policy': 'anti-affinity',
                    'members': [{'id': 'm-1', 'host': 'a'},
                                {'id': 'm-2', 'host': None},
                                {'id': 'm-3', 'host': 'a'}]},
                   {'id': 'g-2', 'name': 'twin', 'policy': 'affinity'},
                   {'id': 'g-3', 'name': 'twin', 'policy': 'affinity'}])


class TestServerGroups(base.BaseTestCase):

    def test_checked(self):
        snapshot_format.check(GROUPED)
        for bad, where in (
                ({'id': 1, 'name': 'x', 'policy': 'p'}, "needs a string 'id'"),
                ({'id': 'g', 'name': 'x', 'policy': 'p',
                  'members': [{'id': 'm', 'host': 3}]},
                 'members[0].host must be a string or null')):
            error = self.assertRaises(
                snapshot_format.SnapshotError, snapshot_format.check,
                dict(DATA, server_groups=[bad]))
            self.assertIn('server_groups[0]', str(error))
            self.assertIn(where, str(error))

    def test_find_group_by_id_or_unique_name(self):
        self.assertEqual('g-1', snapshot_format.find_group(
            GROUPED, 'cluster')['id'])
        self.assertEqual('g-3', snapshot_format.find_group(
            GROUPED, 'g-3')['id'])
        self.assertIn('several', str(self.assertRaises(
            LookupError, snapshot_format.find_group, GROUPED, 'twin')))
        self.assertIn('it has: cluster, twin, twin', str(self.assertRaises(
            LookupError, snapshot_format.find_group, GROUPED, 'nope')))

    def test_member_hosts_and_domains(self):
        self.assertEqual({'a': 2}, snapshot_format.member_hosts(
            GROUPED['server_groups'][0]))
        domains = snapshot_format.domains_of_hosts(GROUPED, 'rack')
        self.assertEqual(['r1', 'r1', None],
                         [domains[h].name for h in ('a', 'b', 'c')])
        self.assertEqual('nova', snapshot_format.domains_of_hosts(
            GROUPED)['c'].name)
