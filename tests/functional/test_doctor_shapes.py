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

"""doctor exits 0 on a healthy cloud of every shape, and it is healthy.

Each shape the contract allows (lvm only, raw only, NVMe only, mixed;
with and without ``[pci]``): the cloud is set up as the guides say
(trait publish, flavor create), doctor finds nothing and exits 0, and
every flavor it called healthy boots on a host of its tiers. A cron job
that runs doctor can then trust a non-zero status.
"""

import json

from nova.pci import request as pci_request

from tests.functional import base

#: The scheduler's nova.conf of a cloud without NVMe: no [pci] at all,
#: no PciPassthroughFilter.
NO_PCI_CONF = """[filter_scheduler]
available_filters = nova.scheduler.filters.all_filters
available_filters = aerospike_filters.all_filters
enabled_filters = ComputeFilter,AerospikeStorageFilter
weight_classes = nova.scheduler.weights.all_weighers,
  aerospike_filters.all_weighers
"""


class HealthyShape:
    """One shape: its hosts, its flavors (name: where it may land)."""

    LAYOUT = None
    #: (flavor name, flavor create arguments, hosts it may land on)
    FLAVORS = ()
    PCI = True

    def setUp(self):
        self.flags(report_in_placement=True, group='pci')
        super().setUp()
        if not self.PCI:
            self.flags(enabled_filters=['ComputeFilter',
                                        'AerospikeStorageFilter'],
                       group='filter_scheduler')
            self.flags(alias=[], device_spec=[], group='pci')
            pci_request.get_alias_from_config.cache_clear()
        self.start_cloud(self.LAYOUT)
        self.conf = self.nova_conf(base.SCHEDULER_CONF if self.PCI
                                   else NO_PCI_CONF)

    def test_doctor_exits_zero_and_its_flavors_boot(self):
        status, out, err = self.run_cli('trait', 'publish',
                                        '--config-file', self.conf)
        self.assertEqual(0, status, out + err)
        for name, args, _ in self.FLAVORS:
            status, out, err = self.run_cli(
                'flavor', 'create', '--vcpus', '1', '--ram', '512',
                '--disk', '1', '--config-file', self.conf, name, *args)
            self.assertEqual(0, status, out + err)
        status, out, err = self.run_cli('doctor', '--config-file',
                                        self.conf, '-f', 'json')
        self.assertEqual([], json.loads(out), err)
        self.assertEqual(0, status, out + err)
        flavors = {f['name']: f['id']
                   for f in self.admin_api.get_flavors()}
        for name, _, hosts in self.FLAVORS:
            server = self.boot(flavors[name])
            self.assertIn(self.host_of(server), hosts, name)


class TestLvmOnly(HealthyShape, base.CloudTestCase):
    LAYOUT = {'lvm-1': 'lvm', 'lvm-2': 'lvm'}
    FLAVORS = (('aerospike.local', ('--storage', 'local'),
                ('lvm-1', 'lvm-2')),
               ('aerospike.lvm', ('--storage', 'lvm'), ('lvm-1', 'lvm-2')))


class TestLvmOnlyWithoutPci(TestLvmOnly):
    PCI = False


class TestRawOnly(HealthyShape, base.CloudTestCase):
    LAYOUT = {'raw-1': 'raw', 'raw-2': 'raw'}
    FLAVORS = (('aerospike.local', ('--storage', 'local'),
                ('raw-1', 'raw-2')),)


class TestRawOnlyWithoutPci(TestRawOnly):
    PCI = False


class TestNvmeOnly(HealthyShape, base.CloudTestCase):
    LAYOUT = {'nvme-1': ('lvm', 1), 'nvme-2': ('raw', 2)}
    FLAVORS = (('aerospike.nvme', ('--storage', 'nvme', '--nvme-devices',
                                   '1'), ('nvme-1', 'nvme-2')),
               ('aerospike.local', ('--storage', 'local'),
                ('nvme-1', 'nvme-2')))


class TestMixed(HealthyShape, base.CloudTestCase):
    LAYOUT = {'lvm-1': 'lvm', 'raw-1': 'raw', 'nvme-1': ('lvm', 1),
              'qcow2-1': 'qcow2'}
    FLAVORS = (('aerospike.nvme', ('--storage', 'nvme', '--nvme-devices',
                                   '1'), ('nvme-1',)),
               ('aerospike.local', ('--storage', 'local'),
                ('lvm-1', 'raw-1', 'nvme-1')),
               ('aerospike.raw', ('--storage', 'raw'), ('raw-1',)))


class TestMixedWithoutPci(HealthyShape, base.CloudTestCase):
    PCI = False
    LAYOUT = {'lvm-1': 'lvm', 'raw-1': 'raw', 'qcow2-1': 'qcow2'}
    FLAVORS = (('aerospike.local', ('--storage', 'local'),
                ('lvm-1', 'raw-1')),
               ('aerospike.lvm', ('--storage', 'lvm'), ('lvm-1',)))
