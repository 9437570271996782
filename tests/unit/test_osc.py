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

"""The commands as ``openstack aerospike ...`` (OpenStackClient plugin)."""

import json
import os
import shutil
import subprocess
import sys

from oslotest import base

from aerospike_filters import snapshot


class TestOpenStackClientPlugin(base.BaseTestCase):

    def openstack(self, *args):
        command = shutil.which('openstack') or os.path.join(
            os.path.dirname(sys.executable), 'openstack')
        if not os.path.exists(command):
            self.skipTest('python-openstackclient is not installed')
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        return subprocess.run([command] + list(args), capture_output=True,
                              text=True, env=env, timeout=120)

    def test_explain_a_snapshot_needs_no_credentials(self):
        result = self.openstack('aerospike', 'explain', '--snapshot',
                                snapshot.sample_path(), '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = json.loads(result.stdout)
        self.assertEqual('compute-nvme-1', rows[0]['Host'])

    def test_live_explain_without_credentials_is_one_clear_line(self):
        result = self.openstack('aerospike', 'explain')
        self.assertNotEqual(0, result.returncode)
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual(1, len(result.stderr.strip().splitlines()),
                         result.stderr)
        self.assertIn('--os-cloud', result.stderr)
        self.assertIn('OS_CLOUD', result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_every_command_is_registered(self):
        result = self.openstack('help', 'aerospike')
        listed = result.stdout + result.stderr
        for name in ('aerospike explain', 'aerospike doctor',
                     'aerospike snapshot', 'aerospike sync',
                     'aerospike probe', 'aerospike flavor create'):
            self.assertIn(name, listed)
