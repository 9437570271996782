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

from aerospike_filters import snapshot_format


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
        """The README's main job: the default request, aerospike.local."""
        result = run('explain', '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = json.loads(result.stdout)
        passed = [(r['Host'], r['Tier']) for r in rows
                  if r['Verdict'] == 'PASS']
        # NVMe counts for nothing without a device request: the NVMe host
        # of the lvm aggregate is an lvm host, the undescribed one no host.
        self.assertEqual([('compute-lvm-1', 'lvm'), ('compute-nvme-1', 'lvm'),
                          ('compute-raw-1', 'raw')], passed)
        reasons = {r['Host']: r['Reason'] for r in rows}
        self.assertIn('qcow2', reasons['compute-qcow2-1'])
        self.assertIn('network-backed', reasons['compute-rbd-1'])
        self.assertIn('network-backed', reasons['compute-nfs-1'])
        self.assertIn('disagree', reasons['compute-conflict-1'])
        self.assertIn('no ephemeral_backend', reasons['compute-unknown-1'])
        self.assertIn('no ephemeral_backend', reasons['compute-nvme-2'])
        self.assertEqual([1, 2, 3], [r['Rank'] for r in rows[:3]])
        self.assertEqual([20.0, 20.0, 10.0], [r['Weight'] for r in rows[:3]])
        self.assertIn('Request: flavor what-if (aerospike:storage=local): '
                      'accepts lvm,raw (nvme does not count: no NVMe device '
                      'requested); requires no trait (its trait is '
                      'CUSTOM_AEROSPIKE_STORAGE_LVM_RAW)', result.stderr)
        self.assertNotIn('Traceback', result.stderr)

    def test_a_device_request_leaves_only_nvme_hosts_eligible(self):
        result = run('explain', '-f', 'json',
                     '--extra-spec', 'aerospike:storage=local',
                     '--extra-spec', 'pci_passthrough:alias=nvme:1')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = {r['Host']: r for r in json.loads(result.stdout)}
        self.assertEqual(['compute-nvme-1', 'compute-nvme-2'], sorted(
            h for h, r in rows.items() if r['Verdict'] == 'PASS'))
        self.assertEqual('nvme', rows['compute-nvme-1']['Tier'])
        # The filter passes lvm and raw hosts; nova's PciPassthroughFilter
        # would not pick them: no drive to pass through.
        for host in ('compute-lvm-1', 'compute-raw-1'):
            self.assertEqual('INELIGIBLE', rows[host]['Verdict'])
            self.assertIn('lacks the PCI devices', rows[host]['Reason'])
        self.assertIn('accepts local (1 NVMe device(s) requested)',
                      result.stderr)

    def test_ineligible_hosts_are_not_ranked(self):
        path = self.write('cloud.json', json.dumps({
            'pci_aliases': [{'name': 'nvme', 'vendor_id': '144d',
                             'product_id': 'a80a'}],
            'hosts': [{'host': 'up'}, {'host': 'off', 'disabled': True},
                      {'host': 'gone', 'down': True}, {'host': 'q'}],
            'aggregates': [{'name': 'lvm', 'hosts': ['up', 'off', 'gone'],
                            'metadata': {'ephemeral_backend': 'lvm'}},
                           {'name': 'q', 'hosts': ['q'],
                            'metadata': {'ephemeral_backend': 'qcow2'}}]}))
        result = run('explain', '--snapshot', path, '-f', 'json')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = {r['Host']: r for r in json.loads(result.stdout)}
        self.assertEqual((1, 'PASS'), (rows['up']['Rank'],
                                       rows['up']['Verdict']))
        # A lone passing host still shows what the weigher adds.
        self.assertEqual(20.0, rows['up']['Weight'])
        for host, state in (('off', 'disabled'), ('gone', 'down')):
            self.assertEqual((None, 'INELIGIBLE', state),
                             (rows[host]['Rank'], rows[host]['Verdict'],
                              rows[host]['Service']))
            self.assertIn('service is %s' % state, rows[host]['Reason'])
        self.assertEqual('REJECT', rows['q']['Verdict'])
        # Missing requested PCI devices: nova's PciPassthroughFilter says.
        result = run('explain', '--snapshot', path, '-f', 'json',
                     '--extra-spec', 'pci_passthrough:alias=nvme:1')
        rows = {r['Host']: r for r in json.loads(result.stdout)}
        self.assertEqual('INELIGIBLE', rows['up']['Verdict'])
        self.assertIn('lacks the PCI devices', rows['up']['Reason'])

    def test_hosts_without_the_required_trait_are_not_offered(self):
        """What placement would not return, explain does not rank."""
        trait = 'CUSTOM_AEROSPIKE_STORAGE_LVM'
        path = self.write('cloud.json', json.dumps({
            'hosts': [{'host': 'published', 'traits': [trait]},
                      {'host': 'unpublished', 'traits': []}],
            'aggregates': [{'name': 'lvm',
                            'hosts': ['published', 'unpublished'],
                            'metadata': {'ephemeral_backend': 'lvm'}}]}))
        result = run('explain', '--snapshot', path, '-f', 'json',
                     '--extra-spec', 'aerospike:storage=lvm',
                     '--extra-spec', 'trait:%s=required' % trait)
        self.assertEqual(0, result.returncode, result.stderr)
        rows = {r['Host']: r for r in json.loads(result.stdout)}
        self.assertEqual('PASS', rows['published']['Verdict'])
        self.assertEqual('INELIGIBLE', rows['unpublished']['Verdict'])
        self.assertIn('placement does not offer it: it lacks ' + trait,
                      rows['unpublished']['Reason'])
        self.assertIn('requires its trait ' + trait, result.stderr)

    def test_what_if_extra_specs(self):
        result = run('explain', '-f', 'value', '-c', 'Host', '-c', 'Verdict',
                     '--extra-spec', 'aerospike:storage=nvme',
                     '--extra-spec', 'pci_passthrough:alias=nvme:2')
        self.assertEqual(0, result.returncode, result.stderr)
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

    def test_extra_specs_are_checked_as_nova_api_checks_them(self):
        self.assertUserError(
            run('explain', '--extra-spec', 'aerospike:storag=lvm'),
            "aerospike:storag=lvm", 'unknown extra spec aerospike:storag '
            '(did you mean aerospike:storage?)')
        self.assertUserError(
            run('explain', '--extra-spec', 'aerospike:storage=ssd'),
            "'ssd'")
        self.assertUserError(
            run('explain', '--extra-spec', 'pci_passthrough:alias=nvme:abc'),
            "pci_passthrough:alias='nvme:abc'")

    def test_undefined_pci_alias_names_the_option_and_the_fix(self):
        path = self.write('cloud.json', json.dumps({'hosts': [{'host': 'a'}]}))
        self.assertUserError(
            run('explain', '--snapshot', path, '--extra-spec',
                'pci_passthrough:alias=nvme:2'),
            'PCI alias nvme is not defined', '[pci] alias', '--config-file')

    def test_without_nova_names_the_install(self):
        """A plain install without nova: one line saying what to do."""
        code = ('import sys\n'
                'sys.modules["nova"] = None\n'
                'from aerospike_filters.cmd import main\n'
                'sys.exit(main.main(sys.argv[1:]))\n')
        for command in ('explain', 'doctor'):
            result = subprocess.run(
                [sys.executable, '-c', code, command], capture_output=True,
                text=True, timeout=120)
            self.assertUserError(result, "pip install "
                                 "'aerospike-filters[nova]'")

    def test_bad_option_in_config_file(self):
        conf = self.write('nova.conf', '[aerospike_filters]\n'
                          'host_backends = b:zfs\n')
        self.assertUserError(run('explain', '--config-file', conf),
                             'host_backends')

    def test_packaged_sample_is_valid(self):
        data = snapshot_format.load(snapshot_format.sample_path())
        backends = {a['metadata'].get('ephemeral_backend')
                    for a in data['aggregates']}
        expected = {'lvm', 'raw', 'qcow2', 'rbd', 'nfs'}
        self.assertEqual(expected, expected & backends)


RACKS = {
    'hosts': [{'host': h} for h in ('h1', 'h2', 'h3', 'h4')],
    'aggregates': [
        {'name': 'lvm', 'hosts': ['h1', 'h2', 'h3'],
         'metadata': {'ephemeral_backend': 'lvm'}},
        {'name': 'z1', 'hosts': ['h1', 'h2'],
         'metadata': {'availability_zone': 'az1'}},
        {'name': 'z2', 'hosts': ['h3'],
         'metadata': {'availability_zone': 'az2'}},
        {'name': 'z3', 'hosts': ['h4'],
         'metadata': {'availability_zone': 'az2'}},
        {'name': 'z4', 'hosts': ['h4'],
         'metadata': {'availability_zone': 'az1'}}],
    'flavors': [{'name': 'aerospike.lvm',
                 'extra_specs': {'aerospike:storage': 'lvm'}}],
    'server_groups': [{'id': 'g-1', 'name': 'cluster',
                       'policy': 'soft-anti-affinity',
                       'members': [{'id': 'm-1', 'host': 'h1'}]}]}


class TestExplainServerGroup(base.BaseTestCase):
    """--server-group over a snapshot: h4 in two zones has none."""

    write = TestExplain.write

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir())

    def explain(self, *args):
        path = self.write('racks.json', json.dumps(RACKS))
        return run('explain', '--snapshot', path, '--flavor', 'aerospike.lvm',
                   '-f', 'json', *args)

    def test_domains_weights_and_strict(self):
        result = self.explain('--server-group', 'cluster')
        self.assertEqual(0, result.returncode, result.stderr)
        rows = {r['Host']: r for r in json.loads(result.stdout)}
        self.assertEqual(['az1', 'az1', 'az2'],
                         [rows[h]['Domain'] for h in ('h1', 'h2', 'h3')])
        self.assertTrue(rows['h4']['Domain'].startswith('none: '))
        self.assertEqual(1, rows['h3']['Rank'])
        self.assertIn('Server group cluster (g-1): policy soft-anti-affinity, '
                      'rack spread preferred; 1 node(s), per domain '
                      '(availability_zone): az1=1 az2=0', result.stderr)
        result = self.explain('--server-group', 'g-1', '--rack-spread',
                              'strict')
        verdicts = {r['Host']: r['Verdict'] for r in json.loads(result.stdout)}
        self.assertEqual({'h1': 'REJECT', 'h2': 'REJECT', 'h3': 'PASS',
                          'h4': 'REJECT'}, verdicts)

    def test_bad_group_arguments_are_one_line(self):
        for args, line in (
                (('--rack-spread', 'strict'), '--rack-spread strict: the '
                 'hint acts on a server group; add --server-group'),
                (('--server-group', 'nope'), '--server-group nope: the '
                 'snapshot has no server group')):
            result = self.explain(*args)
            self.assertEqual(2, result.returncode)
            self.assertIn(line, result.stderr)
            self.assertNotIn('Traceback', result.stderr)
