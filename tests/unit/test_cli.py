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

import os
import subprocess
import sys

import fixtures
from oslotest import base


class TestWithoutCredentials(base.BaseTestCase):
    """No clouds.yaml, no OS_* variables: say how to give credentials."""

    def run_cli(self, *args):
        home = self.useFixture(fixtures.TempDir()).path
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        env['HOME'] = home
        return subprocess.run(
            [sys.executable, '-c',
             'import sys; from aerospike_filters.cmd import main; '
             'sys.exit(main.main(sys.argv[1:]))'] + list(args),
            capture_output=True, text=True, env=env, cwd=home, timeout=120)

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
