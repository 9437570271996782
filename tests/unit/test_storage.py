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

"""The backend vocabulary and its classification."""

from oslotest import base

from aerospike_filters import storage


class TestStorage(base.BaseTestCase):

    def test_only_lvm_and_raw_are_suitable(self):
        suitable = {name for name, b in storage.BACKENDS.items() if b.tier}
        self.assertEqual({'lvm', 'raw'}, suitable)

    def test_faq_unsuitable_kinds_are_known(self):
        for name in ('qcow2', 'vmdk', 'vdi', 'vhd', 'vvfat', 'rbd', 'nfs',
                     'iscsi'):
            backend = storage.backend_for(name)
            self.assertIsNotNone(backend, name)
            self.assertIsNone(backend.tier, name)

    def test_spellings(self):
        self.assertEqual('raw', storage.backend_for(' FLAT ').name)
        self.assertEqual('rbd', storage.backend_for('ceph').name)
        self.assertIsNone(storage.backend_for('zfs'))
        self.assertIsNone(storage.backend_for(None))
        self.assertIsNone(storage.backend_for(7))
