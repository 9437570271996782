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

"""sync never shows credentials, whatever goes wrong; a report names
its own host."""

import json
import os
import subprocess
import sys

import fixtures
from oslotest import base

from tests.unit.cmd import test_main

SECRET = 'S3cr3t-Passw0rd-do-not-print'
CLOUDS = '''clouds:
  unreachable:
    auth:
      auth_url: http://127.0.0.1:9/v3
      username: admin
      password: %s
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
''' % SECRET


class TestNoSecrets(base.BaseTestCase):

    def test_failures_do_not_print_the_password(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        clouds = os.path.join(tmp, 'clouds.yaml')
        with open(clouds, 'w') as stream:
            stream.write(CLOUDS)
        env = dict(os.environ, OS_CLIENT_CONFIG_FILE=clouds)
        for args in (['sync', '--os-cloud', 'unreachable', '--host', 'c1',
                      '--backend', 'lvm', '--retries', '1'],
                     ['sync', '--os-cloud', 'unreachable', '--host', 'c1',
                      '--backend', 'lvm', '--retries', '1', '--debug'],
                     ['snapshot', '--os-cloud', 'unreachable'],
                     ['sync', '--os-cloud', 'missing', '--host', 'c1',
                      '--backend', 'lvm']):
            result = subprocess.run(
                [sys.executable, '-c',
                 'import sys; from aerospike_filters.cmd import main; '
                 'sys.exit(main.main(sys.argv[1:]))'] + args,
                capture_output=True, text=True, env=env, timeout=120)
            self.assertNotEqual(0, result.returncode, args)
            self.assertNotIn(SECRET, result.stdout + result.stderr, args)


class TestReportOnTheController(test_main.CliTestCase):
    """sync --report --host on the controller: a report for that host."""

    def test_a_report_never_speaks_for_another_host(self):
        tmp = self.useFixture(fixtures.TempDir()).path
        report = os.path.join(tmp, 'c1.json')
        with open(report, 'w') as stream:
            json.dump({'host': 'c2', 'ephemeral_backend': 'lvm'}, stream)
        result = self.run_here('sync', '--report', report, '--host', 'c1',
                               '--dry-run')
        self.assertEqual(2, result.returncode, result.stderr)
        self.assertEqual(
            "%s describes host 'c2', not --host c1: bring each compute's "
            "own report\n" % report, result.stderr)
