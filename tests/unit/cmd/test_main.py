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

"""What the commands share: exit statuses and one-line errors."""

import io
import json
import os
import subprocess
import sys
import types

import fixtures
from nova.pci import request as pci_request
from oslotest import base

from aerospike_filters.cmd import main
from aerospike_filters import conf


class CliTestCase(base.BaseTestCase):
    """Run aerospike-filters with no clouds.yaml and no OS_* variables."""

    def run_cli(self, *args, env=None):
        """The console script in a process of its own."""
        home = self.useFixture(fixtures.TempDir()).path
        extra, env = env or {}, {k: v for k, v in os.environ.items()
                                 if not k.startswith('OS_')}
        env.update(extra)
        env['HOME'] = home
        return subprocess.run(
            [sys.executable, '-c',
             'import sys; from aerospike_filters.cmd import main; '
             'sys.exit(main.main(sys.argv[1:]))'] + list(args),
            capture_output=True, text=True, env=env, cwd=home, timeout=120)

    def run_here(self, *args, env=None):
        """The console script's app in this process (nova loads once)."""
        for name in os.environ:
            if name.startswith('OS_'):
                self.useFixture(fixtures.EnvironmentVariable(name))
        self.useFixture(fixtures.EnvironmentVariable(
            'HOME', self.useFixture(fixtures.TempDir()).path))
        for name, value in (env or {}).items():
            self.useFixture(fixtures.EnvironmentVariable(name, value))
        # The commands load nova.conf into nova's global CONF, as
        # nova-scheduler does: leave it unparsed for the next test.
        self.addCleanup(pci_request.get_alias_from_config.cache_clear)
        self.addCleanup(conf.CONF.reset)
        out, err = io.StringIO(), io.StringIO()
        status = main.AerospikeFiltersApp(stdout=out, stderr=err).run(
            list(args))
        return types.SimpleNamespace(returncode=status,
                                     stdout=out.getvalue(),
                                     stderr=err.getvalue())


class TestWithoutCredentials(CliTestCase):
    """No clouds.yaml, no OS_* variables: say how to give credentials."""

    def test_each_live_command_names_the_way_to_credentials(self):
        for args in (('snapshot',),
                     ('sync', '--host', 'c1', '--backend', 'lvm',
                      '--dry-run'),
                     ('flavor', 'create', 'f', '--storage', 'lvm',
                      '--vcpus', '1', '--ram', '512'),
                     ('trait', 'publish', '--dry-run'),
                     ('flavor', 'repair', '--dry-run')):
            result = self.run_cli(*args)
            self.assertEqual(2, result.returncode, (args, result.stderr))
            lines = result.stderr.strip().splitlines()
            self.assertEqual(1, len(lines), (args, result.stderr))
            self.assertIn('--os-cloud', lines[0])
            self.assertIn('OS_CLOUD', lines[0])
            self.assertNotIn('Traceback', result.stderr)

    def test_parser_errors_are_one_line_and_status_2(self):
        result = self.run_cli('trait', 'publish', '--retries', '0')
        self.assertEqual(2, result.returncode)
        self.assertEqual(1, len(result.stderr.strip().splitlines()),
                         result.stderr)
        self.assertIn('--retries', result.stderr)


class TestOneLineRule(CliTestCase):
    """Each mistake the admin's first hour met: one line, the fix, status 2.

    Run in a directory holding the files the cases name.
    """

    def files(self, home):
        bad = os.path.join(home, 'bad.conf')
        with open(bad, 'w') as stream:
            stream.write('[aerospike_filters]\nstorage_weight_multiplier = '
                         'abc\n')
        backends = os.path.join(home, 'backends.conf')
        with open(backends, 'w') as stream:
            stream.write('[aerospike_filters]\nhost_backends = c1:zfs\n')
        snap = os.path.join(home, 'bad.json')
        with open(snap, 'w') as stream:
            stream.write('{"hosts": [{"host": 5}]}')
        return bad, backends, snap

    def test_every_case_is_one_line_naming_the_thing(self):
        home = self.useFixture(fixtures.TempDir()).path
        bad, backends, snap = self.files(home)
        cases = [
            (('doctor', '--no-cloud', '--config-file', home), 'a directory'),
            (('--log-file', '/nonexistent/dir/x.log', 'explain'),
             '--log-file /nonexistent/dir/x.log'),
            (('explain', '--snapshot', '-c', 'Nosuch'), '-c Nosuch'),
            (('help', 'nosuch'), 'help nosuch: no such command'),
            (('explain', '--snapshot', '--config-file', bad),
             'storage_weight_multiplier in %s' % bad),
            (('explain', '--snapshot', '--config-file', backends),
             "found 'zfs'"),
            (('doctor', '--config-file', 'nope.conf'),
             '--config-file nope.conf: no such file'),
            (('explain', '--snapshot', '--extra-spec',
              'pci_passthrough:alias=nvme'), "'nvme' is not <alias>:<count>"),
            (('explain', '--snapshot', '--extra-spec',
              'aerospike:storage=LOCAL,nvme'), "'local' stands alone"),
            (('explain', '--snapshot', snap), 'hosts[0].host must be'),
            (('trait', 'publish', '--snapshot', snap),
             'hosts[0].host must be'),
            (('explain', '--snapshot', '--extra-spec',
              'aerospike:storage=nvme'),
             'try --extra-spec pci_passthrough:alias=nvme:1'),
            (('explain', '--snapshot', '--flavor', 'nosuch'),
             'the snapshot has no such flavor'),
            ((), 'name a command'),
            (('explain', '--snapshot', '--os-cloud', 'x'),
             '--snapshot and --os-cloud name two clouds'),
        ]
        for args, fragment in cases:
            result = self.run_here(*args)
            self.assertEqual(2, result.returncode, (args, result.stderr))
            lines = [line for line in result.stderr.splitlines()
                     if not line.startswith(('Using the packaged sample',
                                             'Aggregates '))]
            self.assertEqual(1, len(lines), (args, result.stderr))
            self.assertIn(fragment, lines[0], args)
            for raw in ('Traceback', 'LocationInfo', 'Errno', 'what-if '
                        'flavor', "flavor set --property"):
                self.assertNotIn(raw, result.stderr, args)

    def test_the_sample_is_said_and_named_in_every_report(self):
        home = self.useFixture(fixtures.TempDir()).path
        result = self.run_cli('explain', '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('Using the packaged sample cloud (no --os-cloud, '
                      'OS_CLOUD or OS_* credentials)', result.stderr)
        rows = json.loads(result.stdout)
        self.assertIn('packaged sample', rows[0]['Source'])
        # Missing numbers are null, as in OpenStackClient.
        rejected = [r for r in rows if r['Verdict'] == 'REJECT']
        self.assertEqual([None, None], [rejected[0]['Rank'],
                                        rejected[0]['Weight']])
        result = self.run_cli('explain')
        self.assertTrue(result.stdout.startswith('Source: the packaged'))
        del home

    def test_an_openrc_names_the_cloud(self):
        """OS_AUTH_URL and friends: the live cloud, never the sample."""
        result = self.run_cli('explain', env={
            'OS_AUTH_URL': 'http://127.0.0.1:9/v3', 'OS_USERNAME': 'admin',
            'OS_PASSWORD': 'secret', 'OS_PROJECT_NAME': 'admin',
            'OS_USER_DOMAIN_NAME': 'Default',
            'OS_PROJECT_DOMAIN_NAME': 'Default'})
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertNotIn('sample', result.stderr)
        self.assertIn('cannot reach the cloud of the OS_* variables: no '
                      'answer from http://127.0.0.1:9', result.stderr)
        self.assertEqual(1, len(result.stderr.strip().splitlines()),
                         result.stderr)
        self.assertNotIn('secret', result.stderr)
        result = self.run_cli('explain', env={'OS_CLOUD': 'nosuch'})
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn("cloud 'nosuch': no clouds.yaml defines it",
                      result.stderr)
        # probe needs no cloud: a wrong OS_CLOUD does not stop it.
        result = self.run_cli('probe', '--root', '/nonexistent',
                              env={'OS_CLOUD': 'nosuch'})
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertIn('--root /nonexistent', result.stderr)

    def test_global_options_before_the_command(self):
        result = self.run_cli('--os-region-name', 'R2', '--insecure',
                              '--os-cacert', '/nonexistent.pem', 'explain',
                              '--snapshot', '-f', 'value', '-c', 'Host')
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn('compute-lvm-1', result.stdout)
        result = self.run_cli('--version')
        # pbr's full version: 0.1.0.devN between releases.
        self.assertRegex(result.stdout + result.stderr,
                         r' \d+\.\d+\.\d+(\.dev\d+)?\n')
