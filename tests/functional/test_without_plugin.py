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

"""Without the filter the same request lands on unsuitable storage.

These tests prove the others measure the plugin, not luck: with the same
cloud and flavor but AerospikeStorageFilter not enabled, nova places the
Aerospike flavor on qcow2 or rbd.
"""

from tests.functional import base


def fuller_lvm_host_then_aerospike(case):
    """Where an Aerospike server lands once lvm-1 is the fuller host.

    nova's RAM weigher then prefers rbd-1: only the plugin prevents it.
    """
    case.start_cloud({'lvm-1': 'lvm', 'rbd-1': 'rbd'})
    case.set_service('rbd-1', enabled=False)
    case.boot(case.flavor('filler', memory_mb=4096))
    case.set_service('rbd-1', enabled=True)
    return case.host_of(case.boot(case.flavor('aerospike.local', 'local')))


class TestWithoutPlugin(base.CloudTestCase):

    PLUGIN = False

    def test_aerospike_flavor_lands_on_qcow2(self):
        self.start_cloud({'qcow2-1': 'qcow2'})
        server = self.boot(self.flavor('aerospike.local', 'local'))
        self.assertEqual('qcow2-1', self.host_of(server))

    def test_unsuitable_host_wins_on_ram_alone(self):
        self.assertEqual('rbd-1', fuller_lvm_host_then_aerospike(self))


class TestWithPluginSameCloud(base.CloudTestCase):

    def test_same_scenario_with_the_plugin_uses_lvm(self):
        self.assertEqual('lvm-1', fuller_lvm_host_then_aerospike(self))
