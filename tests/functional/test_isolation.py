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

"""Isolation: plain flavors keep off hosts reserved for Aerospike."""

from tests.functional import base


class TestIsolation(base.CloudTestCase):

    ISOLATE = True

    def test_plain_flavors_avoid_dedicated_hosts(self):
        self.start_cloud({'lvm-1': 'lvm', 'lvm-2': 'lvm', 'qcow2-1': 'qcow2'})
        for host in ('lvm-1', 'lvm-2'):
            self.add_to_aggregate('aerospike-hosts', host,
                                  {'aerospike_dedicated': 'true'})
        plain = self.flavor('plain')
        for _ in range(3):
            self.assertEqual('qcow2-1', self.host_of(self.boot(plain)))
        self.set_service('qcow2-1', enabled=False)
        self.assertNoValidHost(self.boot(plain, expected='ERROR'))
        # Aerospike flavors still use the dedicated hosts.
        aerospike = self.flavor('aerospike.lvm', 'lvm')
        self.assertIn(self.host_of(self.boot(aerospike)), ('lvm-1', 'lvm-2'))


class TestIsolationOff(base.CloudTestCase):

    def test_dedicated_metadata_alone_changes_nothing(self):
        self.start_cloud({'lvm-1': 'lvm'})
        self.add_to_aggregate('aerospike-hosts', 'lvm-1',
                              {'aerospike_dedicated': 'true'})
        self.assertEqual('lvm-1', self.host_of(self.boot(
            self.flavor('plain'))))
