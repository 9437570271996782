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

"""``aerospike-filters explain`` as an operator runs it."""

import json
import os
import subprocess
import sys

import fixtures
from oslotest import base

from aerospike_filters import snapshot


def run(*args):
    """Run the installed console script's code in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, '-c',
         'import sys; from aerospike_filters.cmd import main; '
         'sys.exit(main.main(sys.argv[1:]))'] + list(args),
        capture_output=True, text=True, timeout=120)


class TestExplain(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir())

    def write(self, name, text):
        path = os.path.join(self.tmp.path, name)
        with open(path, 'w') as stream:
            stream.write(text)
        return path

    def test_sample_ranks_the_mixed_cloud(self):
        result = run('explain', '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = json.loads(result.stdout)
        passed = [(r['Host'], r['Tier']) for r in rows
                  if r['Verdict'] == 'PASS']
        self.assertEqual([('compute-nvme-1', 'nvme'),
                          ('compute-nvme-2', 'nvme'),
                          ('compute-lvm-1', 'lvm'),
                          ('compute-raw-1', 'raw')], passed)
        reasons = {r['Host']: r['Reason'] for r in rows}
        self.assertIn('qcow2', reasons['compute-qcow2-1'])
        self.assertIn('network-backed', reasons['compute-rbd-1'])
        self.assertIn('network-backed', reasons['compute-nfs-1'])
        self.assertIn('disagree', reasons['compute-conflict-1'])
        self.assertIn('no ephemeral_backend', reasons['compute-unknown-1'])
        self.assertEqual([1, 2, 3, 4], [r['Rank'] for r in rows[:4]])
        self.assertEqual(sorted(w for w in (r['Weight'] for r in rows[:4])),
                         [r['Weight'] for r in rows[:4]][::-1])
        self.assertNotIn('Traceback', result.stderr)

    def test_what_if_extra_specs(self):
        result = run('explain', '-f', 'value', '-c', 'Host', '-c', 'Verdict',
                     '--extra-spec', 'aerospike:storage=nvme',
                     '--extra-spec', 'pci_passthrough:alias=nvme:2')
        self.assertEqual(0, result.returncode, result.stderr)
        passing = [line.split()[0] for line in result.stdout.splitlines()
                   if line.endswith('PASS')]
        self.assertEqual(['compute-nvme-1'], passing)

    def test_untagged_flavor_passes_everywhere(self):
        result = run('explain', '-f', 'json',
                     '--extra-spec', 'hw:cpu_policy=dedicated')
        rows = json.loads(result.stdout)
        self.assertEqual({'PASS'}, {r['Verdict'] for r in rows})

    def test_own_snapshot_and_config_file(self):
        path = self.write('cloud.json', json.dumps({
            'hosts': [{'host': 'a'}, {'host': 'b'}],
            'aggregates': [{'name': 'x', 'hosts': ['a'],
                            'metadata': {'storage': 'lvm'}}]}))
        conf = self.write('nova.conf', '[aerospike_filters]\n'
                          'ephemeral_backend_key = storage\n'
                          'host_backends = b:raw\n')
        result = run('explain', '--snapshot', path, '--config-file', conf,
                     '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        tiers = {r['Host']: r['Tier'] for r in json.loads(result.stdout)}
        self.assertEqual({'a': 'lvm', 'b': 'raw'}, tiers)

    def assertUserError(self, result, *fragments):
        self.assertEqual(2, result.returncode, result.stdout)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, lines[0])

    def test_malformed_snapshots(self):
        cases = {
            'not json': ('not valid JSON',),
            '[]': ('top level',),
            '{"hosts": []}': ("'hosts'",),
            '{"hosts": [{"host": "a"}, {"host": "a"}]}': ('twice',),
            '{"hosts": [{"host": "a", "pci_pools": [{"count": 1}]}]}':
                ('pci_pools[0]', 'vendor_id'),
            '{"hosts": [{"host": "a"}], "aggregates": [{"name": "x", '
            '"hosts": ["b"]}]}': ("'b'",),
            '{"hosts": [{"host": "a"}], "aggregates": [{"name": "x", '
            '"metadata": {"k": 1}}]}': ('metadata',),
        }
        for text, fragments in cases.items():
            path = self.write('bad.json', text)
            self.assertUserError(run('explain', '--snapshot', path),
                                 path, *fragments)

    def test_missing_snapshot(self):
        self.assertUserError(run('explain', '--snapshot', '/nonexistent'),
                             '/nonexistent', 'cannot read')

    def test_bad_extra_spec_argument(self):
        self.assertUserError(run('explain', '--extra-spec', 'novalue'),
                             'key=value')

    def test_bad_option_in_config_file(self):
        conf = self.write('nova.conf', '[aerospike_filters]\n'
                          'host_backends = b:zfs\n')
        self.assertUserError(run('explain', '--config-file', conf),
                             'host_backends')

    def test_packaged_sample_is_valid(self):
        data = snapshot.load(snapshot.sample_path())
        backends = {a['metadata'].get('ephemeral_backend')
                    for a in data['aggregates']}
        expected = {'lvm', 'raw', 'qcow2', 'rbd', 'nfs'}
        self.assertEqual(expected, expected & backends)
