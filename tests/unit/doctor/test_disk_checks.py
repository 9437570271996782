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

"""The check of tagged flavors whose guests can have no local disk."""

from aerospike_filters import conf
from aerospike_filters.doctor import disk_checks
from aerospike_filters.doctor import findings
from tests.unit import base
from tests.unit import doctor


def flavor(name='zero', disk=0, ephemeral=0, **specs):
    specs = specs or {'aerospike:storage': 'lvm,raw'}
    return {'name': name, 'extra_specs': specs, 'disk': disk,
            'ephemeral': ephemeral, 'vcpus': 2, 'ram': 2048}


class TestDiskChecks(base.NovaTestCase):

    def run_check(self, flavors, tool_args=''):
        data = base.snapshot({'lvm-1': 'lvm'})
        data['flavors'] = flavors
        return disk_checks.local_disk(doctor.make_context(
            self, data=data, tool_args=tool_args))

    def test_zero_disk_tagged_flavor(self):
        self.assertEqual([findings.Finding(
            findings.WARNING, "flavor 'zero'",
            'has no root disk, no ephemeral disk and no NVMe device: '
            'tenants can only boot it from a volume (nova lets only admins '
            'boot a zero-disk flavor from an image), and then its guest '
            'has no local disk, so the filter gives it no host; create a '
            "flavor with an ephemeral disk (an existing one's cannot "
            "change) and boot with it",
            "aerospike-filters flavor create zero.ephemeral --storage "
            "lvm,raw --vcpus 2 --ram 2048 --disk 0 --ephemeral 10 "
            "--os-cloud lab")],
            self.run_check([flavor()], '--os-cloud lab'))

    def test_names_are_quoted_in_the_fix(self):
        found = self.run_check([flavor("it's")])
        self.assertIn("flavor create 'it'\"'\"'s.ephemeral' ", found[0].fix)

    def test_flavors_with_a_local_disk_or_devices_or_untagged(self):
        self.assertEqual([], self.run_check([
            flavor('root', disk=10), flavor('eph', ephemeral=10),
            flavor('nv', **{'aerospike:storage': 'nvme',
                            'pci_passthrough:alias': 'nvme:1'}),
            flavor('plain', **{'hw:cpu_policy': 'dedicated'}),
            {'name': 'sizes unknown',
             'extra_specs': {'aerospike:storage': 'lvm'}}]))

    def test_no_cloud_no_finding(self):
        self.assertEqual([], disk_checks.local_disk(
            doctor.make_context(self)))

    def test_flavor_create_asks_the_same_of_one_flavor(self):
        self.assertEqual(
            self.run_check([flavor()]),
            disk_checks.flavors_without_local_disk(
                {'flavors': [flavor()]}, conf.read_settings()))
