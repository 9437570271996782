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

"""The devstack plugin's functions, as the real cloud sources them.

tools/realcloud runs devstack/lib/aerospike-filters with INI functions
that behave like devstack's (tools/realcloud/ini.py), over the README's
snippet. devstack/README.rst: "Re-running ./stack.sh changes nothing
twice"; ``clean`` "removes the plugin's nova.conf lines".
"""

import os
import shutil

import fixtures

from tests.integration import base

SNIPPET = os.path.join(base.TOP, 'etc', 'nova.conf.aerospike-snippet')


class TestDevstackFunctions(base.RealCloudTestCase):

    def setUp(self):
        super().setUp()
        self.conf = os.path.join(self.useFixture(fixtures.TempDir()).path,
                                 'nova.conf')

    def devstack(self, function):
        self.realcloud('devstack', function, self.conf)
        with open(self.conf) as stream:
            return stream.read()

    def lines(self, text, option):
        return [line for line in text.splitlines()
                if line.startswith(option + ' ')]

    def test_configure_over_the_readme_lines_changes_nothing(self):
        shutil.copy(SNIPPET, self.conf)
        text = self.devstack('configure_aerospike_filters')
        self.assertEqual(['available_filters = '
                          'nova.scheduler.filters.all_filters',
                          'available_filters = '
                          'aerospike_filters.all_filters'],
                         self.lines(text, 'available_filters'))

    def test_configure_twice_on_devstacks_nova_conf(self):
        with open(self.conf, 'w') as stream:
            stream.write('[filter_scheduler]\n'
                         'enabled_filters = ComputeFilter,'
                         'AvailabilityZoneFilter\n')
        first = self.devstack('configure_aerospike_filters')
        self.assertEqual(first, self.devstack('configure_aerospike_filters'))
        # The rack filter last: it counts the hosts the others left.
        self.assertEqual(['enabled_filters = ComputeFilter,'
                          'AvailabilityZoneFilter,AerospikeStorageFilter,'
                          'AerospikeRackFilter'],
                         self.lines(first, 'enabled_filters'))

    def test_clean_removes_the_plugins_lines(self):
        with open(self.conf, 'w') as stream:
            stream.write('[filter_scheduler]\n'
                         'enabled_filters = ComputeFilter\n')
        self.devstack('configure_aerospike_filters')
        text = self.devstack('unconfigure_aerospike_filters')
        self.assertNotIn('aerospike_filters.all_filters', text)
        self.assertNotIn('AerospikeStorageFilter', text)
        self.assertNotIn('AerospikeRackFilter', text)
        self.assertNotIn('aerospike_filters.all_weighers', text)
