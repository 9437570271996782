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

"""AerospikeStorageWeigher through nova's HostWeightHandler."""

from nova.scheduler import weights

from aerospike_filters.scheduler import storage_weigher
from tests.unit import base

LOCAL = {'aerospike:storage': 'local'}
LOCAL_NVME = {'aerospike:storage': 'local', 'pci_passthrough:alias': 'nvme:1'}


class TestWeigher(base.NovaTestCase):

    def order(self, hosts, extra_specs):
        return [name for name, _ in self.weighed(hosts, extra_specs)]

    def test_nvme_then_lvm_then_raw(self):
        hosts = self.hosts({'raw-1': 'raw', 'lvm-1': 'lvm',
                            'nvme-1': (None, 1)})
        self.assertEqual(['nvme-1', 'lvm-1', 'raw-1'],
                         self.order(hosts, LOCAL_NVME))

    def test_nvme_hosts_rank_by_backend_without_a_device_request(self):
        hosts = self.hosts({'raw-1': 'raw', 'lvm-nvme': ('lvm', 4),
                            'raw-nvme': ('raw', 4)})
        result = dict(self.weighed(hosts, LOCAL))
        self.assertEqual(result['raw-nvme'], result['raw-1'])
        self.assertGreater(result['lvm-nvme'], result['raw-nvme'])

    def test_ties_broken_by_more_free_nvme(self):
        hosts = self.hosts({'n1': (None, 1), 'n3': ('lvm', 3),
                            'n2': ('raw', 2)})
        self.assertEqual(['n3', 'n2', 'n1'], self.order(hosts, LOCAL_NVME))

    def test_only_accepted_tiers_count(self):
        # An lvm host with NVMe devices ranks as lvm when nvme is not
        # accepted, so it ties with the plain lvm host.
        hosts = self.hosts({'lvm-nvme': ('lvm', 4), 'lvm-1': 'lvm',
                            'raw-1': 'raw'})
        result = dict(self.weighed(hosts, {'aerospike:storage': 'lvm,raw'}))
        self.assertEqual(result['lvm-nvme'], result['lvm-1'])
        self.assertGreater(result['lvm-1'], result['raw-1'])

    def test_fixed_scale_and_default_multiplier(self):
        hosts = self.hosts({'raw-1': 'raw', 'lvm-1': 'lvm'})
        # Normalised 0.5 and 0.25, times the default multiplier 40.
        self.assertEqual([('lvm-1', 20.0), ('raw-1', 10.0)],
                         self.weighed(hosts, LOCAL))

    def test_untagged_weighs_zero(self):
        hosts = self.hosts({'raw-1': 'raw', 'nvme-1': ('lvm', 4)})
        self.assertEqual({0.0}, {w for _, w in self.weighed(hosts, {})})

    def test_invalid_flavor_weighs_zero(self):
        hosts = self.hosts({'raw-1': 'raw', 'lvm-1': 'lvm'})
        self.assertEqual({0.0}, {w for _, w in self.weighed(
            hosts, {'aerospike:storage': 'fast'})})

    def test_multiplier_option(self):
        self.flags(storage_weight_multiplier=-2.0, group='aerospike_filters')
        hosts = self.hosts({'raw-1': 'raw', 'lvm-1': 'lvm'})
        self.assertEqual([('raw-1', -0.5), ('lvm-1', -1.0)],
                         self.weighed(hosts, LOCAL))

    def test_aggregate_overrides_multiplier(self):
        aggs = [{'name': 'no-preference', 'hosts': ['lvm-1'],
                 'metadata': {'aerospike_storage_weight_multiplier': '0'}}]
        hosts = self.hosts({'raw-1': 'raw', 'lvm-1': 'lvm'}, aggs)
        self.assertEqual([('raw-1', 10.0), ('lvm-1', 0.0)],
                         self.weighed(hosts, LOCAL))

    def test_bad_aggregate_multiplier_falls_back_to_option(self):
        aggs = [{'name': 'typo', 'hosts': ['lvm-1'],
                 'metadata': {'aerospike_storage_weight_multiplier': 'x'}}]
        hosts = self.hosts({'raw-1': 'raw', 'lvm-1': 'lvm'}, aggs)
        self.assertEqual(['lvm-1', 'raw-1'], self.order(hosts, LOCAL))

    def test_error_weighs_zero_and_does_not_raise(self):
        hosts = self.hosts({'raw-1': 'raw', 'lvm-1': 'lvm'})
        hosts[0].aggregates = None
        weigher = storage_weigher.AerospikeStorageWeigher()
        objs = [weights.WeighedHost(h, 0.0) for h in hosts]
        self.assertEqual([0.0, 0.0],
                         weigher.weigh_objects(objs, self.spec(LOCAL)))
        self.assertEqual(40.0, weigher.weight_multiplier(hosts[0]))

    def test_weigh_object_single_host(self):
        weigher = storage_weigher.AerospikeStorageWeigher()
        host = self.hosts({'lvm-1': 'lvm'})[0]
        self.assertEqual(2.0, weigher._weigh_object(host, self.spec(LOCAL)))
