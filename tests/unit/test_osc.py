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
import subprocess

import fixtures
from oslotest import base

from aerospike_filters import snapshot_format
import tests


class DoorsTestCase(base.BaseTestCase):
    """Run ``openstack`` or ``aerospike-filters`` without any OS_* variable."""

    def run_tool(self, name, *args, env=None):
        command = tests.executable(self, name)
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith('OS_')}
        clean.update(env or {})
        return subprocess.run([command] + list(args), capture_output=True,
                              text=True, env=clean, timeout=120)

    def openstack(self, *args, env=None):
        return self.run_tool('openstack', *args, env=env)


class TestOpenStackClientPlugin(DoorsTestCase):

    def test_explain_a_snapshot_needs_no_credentials(self):
        result = self.openstack('aerospike', 'explain', '--snapshot',
                                snapshot_format.sample_path(), '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = json.loads(result.stdout)
        self.assertEqual('compute-lvm-1', rows[0]['Host'])

    def test_without_credentials_explain_says_it_uses_the_sample(self):
        result = self.openstack('aerospike', 'explain', '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('Using the packaged sample cloud (no --os-cloud, '
                      'OS_CLOUD or OS_* credentials)', result.stderr)
        self.assertIn('packaged sample', json.loads(result.stdout)[0][
            'Source'])

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
                     'aerospike probe', 'aerospike flavor create',
                     'aerospike rack label'):
            self.assertIn(name, listed)


class TestTwoDoors(DoorsTestCase):
    """openstack aerospike X and aerospike-filters X: one tool.

    Each command, with good and bad input, through OpenStackClient's real
    ``openstack`` shell and through the console script: the same exit
    status, the same output, the same last line on standard error.
    """

    def compare(self, *cases):
        """Each case through both doors: status, stdout, last stderr line."""
        home = self.useFixture(fixtures.TempDir()).path
        env = {'HOME': home}
        conf = os.path.join(home, 'nova.conf')
        with open(conf, 'w') as stream:
            stream.write('[aerospike_filters]\nstorage_weight_multiplier = '
                         'abc\n')
        for args in cases:
            args = tuple(conf if word == 'BAD_CONF' else word
                         for word in args)
            osc = self.openstack('aerospike', *args, env=dict(env))
            ours = self.run_tool('aerospike-filters', *args, env=dict(env))
            self.assertEqual(ours.returncode, osc.returncode,
                             (args, ours.stderr, osc.stderr))
            self.assertEqual(ours.stdout, osc.stdout, args)
            self.assertEqual(
                ours.stderr.strip().splitlines()[-1:],
                [line.replace('openstack aerospike', 'aerospike-filters')
                 for line in osc.stderr.strip().splitlines()[-1:]], args)
            self.assertNotIn('Traceback', osc.stderr + ours.stderr)

    def test_explain(self):
        self.compare(
            ('explain', '-f', 'json'),
            ('explain', '--snapshot', '-f', 'value', '-c', 'Host'),
            ('explain', '--extra-spec', 'aerospike:storage=ssd'),
            ('explain', '--config-file', 'nope.conf'),
            ('explain', '--snapshot', '--flavor', 'aerospike.nvme', '-f',
             'json'),
            ('explain', '-c', 'Nosuch'))

    def test_explain_into_a_server_group(self):
        from tests.unit.cmd import test_explain
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'racks.json')
        with open(path, 'w') as stream:
            json.dump(test_explain.RACKS, stream)
        self.compare(
            ('explain', '--snapshot', path, '--flavor', 'aerospike.lvm',
             '--server-group', 'cluster', '--rack-spread', 'strict', '-f',
             'json'),
            ('explain', '--snapshot', '--server-group', 'nope'))

    def test_doctor_probe_and_flavor_create(self):
        self.compare(
            ('doctor', '--no-cloud', '--config-file', 'BAD_CONF'),
            ('doctor', '--snapshot', '-f', 'yaml'),
            ('probe', '--root', '/nonexistent'),
            ('flavor', 'create', 'x', '--storage', 'LOCAL,nvme', '--vcpus',
             '1', '--ram', '1'))

    def test_commands_that_change_a_cloud(self):
        self.compare(
            ('trait', 'publish', '--snapshot', '/nonexistent.json'),
            ('snapshot',),
            ('sync', '--backend', 'lvm'),
            ('flavor', 'repair', '--dry-run'),
            ('rack', 'label', '--dry-run'))
