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

"""The plugin next to a nova it does not support: nothing is lost.

An older nova cannot be installed here next to this one, so the plugin is
told it runs on nova 30; nova-scheduler, conductor, API and computes are
the real ones.
"""

import tests
from tests.functional import base


class TestOlderNova(base.CloudTestCase):

    def setUp(self):
        self.useFixture(tests.NovaVersion('30.2.0'))
        super().setUp()  # starts nova-scheduler with the plugin enabled

    def test_scheduler_starts_untagged_boots_tagged_gets_no_host(self):
        start = [line for line in self.stdlog.logger.output.splitlines()
                 if 'not nova 30.2.0' in line]
        self.assertEqual(1, len(start), self.stdlog.logger.output)
        self.assertIn('ERROR', start[0])
        self.assertIn('supports nova 31 (2025.1) to nova 34 (2026.2)',
                      start[0])
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'})
        self.assertIn(self.host_of(self.boot(self.flavor('plain'))),
                      ('lvm-1', 'qcow2-1'))
        server = self.boot(self.flavor('aerospike.lvm', 'lvm'),
                           expected='ERROR')
        self.assertNoValidHost(server)
        self.assertIn('flavor aerospike.lvm gets no host: this nova is not '
                      'supported', self.stdlog.logger.output)
