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

import fixtures
from oslotest import base

from aerospike_filters import snapshot


class TestOpenStackClientPlugin(base.BaseTestCase):

    def openstack(self, *args, env=None):
        command = shutil.which('openstack') or os.path.join(
            os.path.dirname(sys.executable), 'openstack')
        if not os.path.exists(command):
            self.skipTest('python-openstackclient is not installed')
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith('OS_')}
        clean.update(env or {})
        return subprocess.run([command] + list(args), capture_output=True,
                              text=True, env=clean, timeout=120)

    def test_explain_a_snapshot_needs_no_credentials(self):
        result = self.openstack('aerospike', 'explain', '--snapshot',
                                snapshot.sample_path(), '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = json.loads(result.stdout)
        self.assertEqual('compute-lvm-1', rows[0]['Host'])

    def test_live_explain_without_credentials_is_one_clear_line(self):
        result = self.openstack('aerospike', 'explain')
        self.assertNotEqual(0, result.returncode)
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual(1, len(result.stderr.strip().splitlines()),
                         result.stderr)
        self.assertIn('--os-cloud', result.stderr)
        self.assertIn('OS_CLOUD', result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_live_commands_use_the_clients_own_credentials(self):
        """OS_CLOUD and --os-cloud reach the commands: they authenticate.

        Keystone is unreachable here, so authenticating fails, with one
        line that says so, never "Failed to load authentication
        information" (the credentials not even read).
        """
        home = self.useFixture(fixtures.TempDir()).path
        os.makedirs(os.path.join(home, '.config', 'openstack'))
        with open(os.path.join(home, '.config', 'openstack', 'clouds.yaml'),
                  'w') as stream:
            stream.write('clouds:\n  lab:\n    auth:\n'
                         '      auth_url: http://127.0.0.1:9/v3\n'
                         '      username: admin\n      password: secret\n'
                         '      project_name: admin\n'
                         '      user_domain_name: Default\n'
                         '      project_domain_name: Default\n')
        for args, env in ((('aerospike', 'explain'), {'OS_CLOUD': 'lab'}),
                          (('--os-cloud', 'lab', 'aerospike', 'doctor'), {}),
                          (('aerospike', 'snapshot'), {'OS_CLOUD': 'lab'})):
            env['HOME'] = home
            result = self.openstack(*args, env=env)
            self.assertEqual(2, result.returncode, result.stderr)
            # The last line is ours (keystoneauth may warn before it).
            self.assertIn('cannot reach',
                          result.stderr.strip().splitlines()[-1])
            self.assertNotIn('Failed to load authentication', result.stderr)
            self.assertNotIn('Traceback', result.stderr)
            self.assertNotIn('secret', result.stderr)

    def test_user_errors_exit_2_as_in_aerospike_filters(self):
        result = self.openstack('aerospike', 'flavor', 'create', 'x',
                                '--storage', 'ssd', '--vcpus', '1',
                                '--ram', '1')
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("'ssd'", result.stderr)
        result = self.openstack('aerospike', 'probe', '--root',
                                '/nonexistent')
        self.assertEqual(2, result.returncode, result.stderr)

    def test_every_command_is_registered(self):
        result = self.openstack('help', 'aerospike')
        listed = result.stdout + result.stderr
        for name in ('aerospike explain', 'aerospike doctor',
                     'aerospike snapshot', 'aerospike sync',
                     'aerospike probe', 'aerospike flavor create'):
            self.assertIn(name, listed)
