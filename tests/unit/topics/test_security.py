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

"""Only admin-controlled inputs decide: flavor extra specs, aggregate
metadata and nova.conf. Tenant inputs (scheduler hints, image properties)
neither grant nor bypass anything."""

from nova import objects

from tests.unit import base

LOCAL = {'aerospike:storage': 'local'}
LAYOUT = {'lvm-1': 'lvm', 'qcow2-1': 'qcow2', 'rbd-1': 'rbd'}
DEDICATED = [{'name': 'reserved', 'hosts': ['lvm-1'],
              'metadata': {'aerospike_dedicated': 'true'}}]
TENANT_HINTS = {'aerospike:storage': ['local'],
                'aerospike_dedicated': ['true'],
                'ephemeral_backend': ['lvm'],
                '_nova_check_type': ['rebuild']}


class TestTenantInputs(base.NovaTestCase):

    def spec_with(self, extra_specs, hints=None, image_props=None):
        spec = self.spec(extra_specs)
        spec.scheduler_hints = dict(hints or {})
        spec.image = objects.ImageMeta.from_dict(
            {'properties': dict(image_props or {})})
        return spec

    def test_hints_cannot_bypass_the_filter(self):
        hosts = self.hosts(LAYOUT)
        spec = self.spec_with(LOCAL, TENANT_HINTS)
        self.assertEqual(['lvm-1'], self.passing(hosts, spec=spec))

    def test_hints_cannot_tag_an_untagged_flavor(self):
        self.flags(isolate_dedicated_hosts=True, group='aerospike_filters')
        hosts = self.hosts(LAYOUT, DEDICATED)
        spec = self.spec_with({}, TENANT_HINTS)
        self.assertEqual(['qcow2-1', 'rbd-1'],
                         self.passing(hosts, spec=spec))

    def test_image_properties_change_nothing(self):
        self.flags(isolate_dedicated_hosts=True, group='aerospike_filters')
        hosts = self.hosts(LAYOUT, DEDICATED)
        props = {'hw_disk_bus': 'virtio', 'img_hv_type': 'kvm'}
        self.assertEqual(['lvm-1'], self.passing(
            hosts, spec=self.spec_with(LOCAL, image_props=props)))
        self.assertEqual(['qcow2-1', 'rbd-1'], self.passing(
            hosts, spec=self.spec_with({}, image_props=props)))

    def test_weigher_ignores_hints(self):
        hosts = self.hosts({'lvm-1': 'lvm', 'raw-1': 'raw'})
        plain = self.weighed(hosts, spec=self.spec_with(LOCAL))
        hinted = self.weighed(hosts, spec=self.spec_with(
            LOCAL, {'aerospike:storage': ['raw']}))
        self.assertEqual(plain, hinted)
