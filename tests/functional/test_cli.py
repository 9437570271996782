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

"""The operator commands against the in-process cloud, via openstacksdk.

Each command runs in this process as the console script runs it, with the
openstacksdk connection handed over the way OpenStackClient hands over its
own (``client_manager.sdk_connection``), so requests reach the real
nova-api and placement through wsgi-intercept.
"""

import io
import json
import os


import fixtures

from tests.functional import base


class CliTestCase(base.CloudTestCase):

    def json_of(self, *argv):
        status, out, err = self.run_cli(*(argv + ('-f', 'json')))
        self.assertEqual(0, status, err)
        return json.loads(out)


GOOD_CONF = base.SCHEDULER_CONF


class TestSnapshotAndExplain(CliTestCase):

    def setUp(self):
        self.flags(report_in_placement=True, group='pci')
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'raw-1': 'raw', 'qcow2-1': 'qcow2',
                          'rbd-1': 'rbd', 'nfs-1': 'nfs',
                          'nvme-1': (None, 3), 'bare-1': None})
        self.set_service('raw-1', enabled=False)

    def test_snapshot_captures_hosts_aggregates_pci_and_flavors(self):
        status, out, err = self.run_cli('snapshot')
        self.assertEqual(0, status, err)
        data = json.loads(out)
        hosts = {h['host']: h for h in data['hosts']}
        self.assertEqual(7, len(hosts))
        self.assertTrue(hosts['raw-1']['disabled'])
        self.assertFalse(hosts['lvm-1']['disabled'])
        self.assertEqual([{'vendor_id': '144d', 'product_id': 'a80a',
                           'dev_type': 'type-PCI', 'count': 3}],
                         hosts['nvme-1']['pci_pools'])
        backends = {a['name']: a['metadata']['ephemeral_backend']
                    for a in data['aggregates']}
        self.assertEqual('rbd', backends['aerospike-backend-rbd'])
        self.assertIn('m1.small', [f['name'] for f in data['flavors']])
        # The file explain reads back.
        path = os.path.join(self.useFixture(
            fixtures.TempDir()).path, 'cloud.json')
        self.assertEqual(0, self.run_cli('snapshot', '-o', path)[0])
        rows = self.json_of('explain', '--snapshot', path,
                            '--config-file', self.nova_conf(GOOD_CONF),
                            '--extra-spec', 'aerospike:storage=nvme',
                            '--extra-spec', 'pci_passthrough:alias=nvme:3')
        self.assertEqual(('nvme-1', 'nvme', 'PASS'), (
            rows[0]['Host'], rows[0]['Tier'], rows[0]['Verdict']))

    def test_snapshot_pages_through_every_compute_node(self):
        """Clouds beyond nova's max_limit (1000) come in pages."""
        self.flags(max_limit=2, group='api')
        status, out, err = self.run_cli('snapshot')
        self.assertEqual(0, status, err)
        pools = {h['host']: h.get('pci_pools') for h in
                 json.loads(out)['hosts']}
        self.assertEqual(7, len(pools))
        self.assertTrue(pools['nvme-1'])

    def test_explain_live_flavor_and_what_if(self):
        flavor = self.flavor('aerospike.lvm', 'lvm')
        conf = self.nova_conf(GOOD_CONF)
        rows = self.json_of('explain', '--flavor', 'aerospike.lvm',
                            '--config-file', conf)
        verdicts = {r['Host']: (r['Verdict'], r['Service']) for r in rows}
        self.assertEqual(('PASS', 'up'), verdicts['lvm-1'])
        self.assertEqual(('REJECT', 'disabled'), verdicts['raw-1'])
        self.assertEqual(['lvm-1'], [r['Host'] for r in rows
                                     if r['Verdict'] == 'PASS'])
        del flavor
        # What if the flavor accepted lvm and raw? raw-1 passes the filter
        # but its service is disabled: not eligible, not ranked.
        rows = self.json_of('explain', '--flavor', 'aerospike.lvm',
                            '--extra-spec', 'aerospike:storage=local',
                            '--config-file', conf)
        self.assertEqual(['lvm-1'],
                         [r['Host'] for r in rows if r['Verdict'] == 'PASS'])
        self.assertEqual(['raw-1'], [r['Host'] for r in rows
                                     if r['Verdict'] == 'INELIGIBLE'])
        reasons = {r['Host']: r['Reason'] for r in rows}
        self.assertIn('network-backed', reasons['nfs-1'])
        self.assertIn('no ephemeral_backend', reasons['bare-1'])

    def test_unknown_flavor(self):
        status, out, err = self.run_cli('explain', '--flavor', 'nope')
        self.assertEqual(2, status)
        self.assertIn("no flavor named or with ID 'nope'", err)


class TestDoctor(CliTestCase):

    def test_broken_cloud_and_nova_conf(self):
        self.start_cloud({'lvm-1': 'lvm', 'both-1': 'lvm', 'bare-1': None})
        self.add_to_aggregate('aerospike-backend-qcow2', 'both-1',
                              {'ephemeral_backend': 'qcow2'})
        self.add_to_aggregate('reserved', 'bare-1',
                              {'aerospike_dedicated': 'true'})
        nvme = self.flavor('aerospike.nvme', 'nvme')
        self.flavor('aerospike.raw', 'raw')
        legacy = self.flavor('legacy')
        self.admin_api.microversion = '2.85'  # before validation existed
        self.admin_api.post_extra_spec(
            legacy, {'extra_specs': {'aerospike:storage': 'ssd'}})
        del nvme
        conf = self.nova_conf('[filter_scheduler]\nenabled_filters = '
                              'ComputeFilter\n')
        status, out, err = self.run_cli('doctor', '--config-file', conf,
                                        '-f', 'json')
        self.assertEqual(1, status, err)
        found = json.loads(out)
        expect = {
            ('[filter_scheduler] available_filters', 'error'): 'not available',
            ('[filter_scheduler] enabled_filters', 'error'): 'not enabled',
            ("host 'both-1'", 'error'): 'disagree',
            ("host 'bare-1'", 'warning'): 'no aggregate',
            ("flavor 'legacy'", 'error'): "'ssd'",
            ("flavor 'aerospike.nvme'", 'error'): 'requests no NVMe device',
            ("flavor 'aerospike.raw'", 'error'): 'NoValidHost',
        }
        # No flavor requests NVMe devices (aerospike.nvme's own finding
        # says so and its fix drops nvme): no [pci] finding to chase.
        self.assertEqual([], [f for f in found
                              if f['Object'] == '[pci] alias'])
        for (name, severity), fragment in expect.items():
            matching = [f for f in found if f['Object'] == name and
                        f['Severity'] == severity and
                        fragment in f['Finding'] and f['Fix']]
            self.assertTrue(matching, (name, fragment, found))
        fixes = {f['Object']: f['Fix'] for f in found
                 if f['Object'].startswith('flavor')}
        self.assertEqual('openstack --os-compute-api-version 2.86 flavor set '
                         '--property aerospike:storage=local legacy',
                         fixes["flavor 'legacy'"])
        # Without NVMe devices anywhere (and no [pci] alias), the fix that
        # boots keeps lvm and raw: adding a device request would not.
        self.assertEqual('openstack --os-compute-api-version 2.86 flavor set '
                         '--property aerospike:storage=local aerospike.nvme',
                         fixes["flavor 'aerospike.nvme'"])

    def test_healthy_cloud_exits_zero(self):
        # NVMe devices are visible to tools when nova reports them.
        self.flags(report_in_placement=True, group='pci')
        self.start_cloud({'lvm-1': 'lvm', 'nvme-1': ('lvm', 1)})
        conf = self.nova_conf(GOOD_CONF)
        self.assertEqual(0, self.run_cli('trait', 'publish',
                                         '--config-file', conf)[0])
        # A root disk: a zero-disk tagged flavor without ephemeral disk
        # or NVMe devices can only boot from a volume, which doctor flags.
        for args in (('aerospike.local', '--storage', 'local', '--disk', '1'),
                     ('aerospike.nvme', '--storage', 'nvme',
                      '--nvme-devices', '1')):
            self.assertEqual(0, self.run_cli(
                'flavor', 'create', '--vcpus', '1', '--ram', '512',
                '--config-file', conf, *args)[0])
        status, out, err = self.run_cli(
            'doctor', '--config-file', self.nova_conf(GOOD_CONF),
            '-f', 'json')
        self.assertEqual(0, status, out + err)
        self.assertEqual([], json.loads(out))

    def test_nvme_supply_unknown_without_pci_in_placement(self):
        self.start_cloud({'lvm-1': 'lvm', 'nvme-1': ('lvm', 1)})
        self.flavor('aerospike.nvme', 'nvme', nvme=1)
        status, out, err = self.run_cli(
            'doctor', '--config-file', self.nova_conf(GOOD_CONF),
            '-f', 'json')
        self.assertEqual(0, status, out + err)
        found = [f for f in json.loads(out)
                 if f['Object'] == "flavor 'aerospike.nvme'"]
        self.assertEqual(['info'], [f['Severity'] for f in found])
        self.assertIn('report_in_placement', found[0]['Fix'])


class TestFlavorCreate(CliTestCase):

    def test_creates_a_consistent_nvme_flavor(self):
        data = self.json_of('flavor', 'create', 'aerospike.nvme2',
                            '--storage', 'nvme,lvm', '--vcpus', '4',
                            '--ram', '2048', '--disk', '10',
                            '--nvme-devices', '2', '--no-trait')
        self.assertEqual({'aerospike:storage': 'nvme,lvm',
                          'pci_passthrough:alias': 'nvme:2'},
                         data['extra_specs'])
        specs = self.admin_api.get_extra_specs(data['id'])
        self.assertEqual(data['extra_specs'], specs)

    def test_local_flavor_requests_no_device_unless_asked(self):
        """On a cloud without NVMe drives, local must still boot."""
        self.start_cloud({'lvm-1': 'lvm'})
        self.assertEqual(0, self.run_cli('trait', 'publish')[0])
        data = self.json_of('flavor', 'create', 'aerospike.any',
                            '--storage', 'local', '--vcpus', '1',
                            '--ram', '512')
        self.assertEqual({'aerospike:storage': 'local',
                          'trait:CUSTOM_AEROSPIKE_STORAGE_LVM_RAW':
                              'required'},
                         data['extra_specs'])
        self.assertEqual('lvm-1', self.host_of(self.boot(data['id'])))

    def test_refuses_inconsistent_combinations(self):
        for args, fragment in (
                (('--storage', 'lvm', '--nvme-devices', '2'), 'accepts nvme'),
                (('--storage', 'nvme'), '--nvme-devices <count>'),
                (('--storage', 'nvme,raw'), 'or use --storage raw'),
                (('--storage', 'ssd'), "'ssd'"),
                (('--storage', 'nvme', '--nvme-devices', '0'), '1 or more')):
            status, out, err = self.run_cli(
                'flavor', 'create', 'x', '--vcpus', '1', '--ram', '512',
                *args)
            self.assertEqual(2, status)
            self.assertIn(fragment, err)
        names = [f['name'] for f in self.admin_api.get_flavors()]
        self.assertNotIn('x', names)

    def test_existing_name(self):
        self.flavor('taken')
        status, out, err = self.run_cli('flavor', 'create', 'taken',
                                        '--storage', 'lvm', '--vcpus', '1',
                                        '--ram', '512')
        self.assertEqual(2, status)
        self.assertIn('exists already', err)


class TestConnectionErrors(CliTestCase):

    def test_unknown_cloud_name(self):
        status, out, err = self.run_cli('snapshot', '--os-cloud', 'nope',
                                        connection=False)
        self.assertEqual(2, status)
        self.assertIn("cloud 'nope': no clouds.yaml defines it", err)

    def test_unreachable_endpoint(self):
        conn = self.sdk()
        conn.compute.endpoint_override = 'http://127.0.0.1:9/v2.1'
        out, err = io.StringIO(), io.StringIO()
        app = base.InProcessCloudApp(conn, stdout=out, stderr=err)
        self.assertEqual(2, app.run(['snapshot']))
        self.assertIn('cannot reach the cloud', err.getvalue())


class TestSyncCommand(CliTestCase):

    def test_dry_run_then_sync_then_nothing_to_do(self):
        self.start_cloud({'c1': 'qcow2'})
        dry = self.json_of('sync', '--host', 'c1', '--backend', 'lvm',
                           '--dry-run')
        self.assertEqual(
            ['openstack aggregate remove host aerospike-backend-qcow2 c1',
             'openstack aggregate create --property ephemeral_backend=lvm '
             'aerospike-backend-lvm',
             'openstack aggregate add host aerospike-backend-lvm c1'],
            dry['steps'])
        self.assertFalse(dry['changed'])
        self.assertEqual(['aerospike-backend-qcow2'], [
            a['name'] for a in self.admin_api.api_get(
                '/os-aggregates').body['aggregates'] if 'c1' in a['hosts']])
        done = self.json_of('sync', '--host', 'c1', '--backend', 'lvm')
        self.assertTrue(done['changed'])
        again = self.json_of('sync', '--host', 'c1', '--backend', 'flat')
        self.assertTrue(again['changed'])
        settled = self.json_of('sync', '--host', 'c1', '--backend', 'raw')
        self.assertFalse(settled['changed'])
        self.assertEqual([], settled['steps'])
        status, out, err = self.run_cli('sync', '--host', 'c1',
                                        '--backend', 'raw')
        self.assertEqual(0, status)
        self.assertIn('c1: already in aerospike-backend-raw only; nothing '
                      'changed', err)

    def test_sync_from_a_probe_report(self):
        self.start_cloud({'c1': None})
        report = os.path.join(self.useFixture(fixtures.TempDir()).path,
                              'report.json')
        with open(report, 'w') as stream:
            json.dump({'host': 'c1', 'ephemeral_backend': 'lvm',
                       'nvme_devices': [], 'reasons': []}, stream)
        data = self.json_of('sync', '--report', report, '--traits')
        self.assertEqual('aerospike-backend-lvm', data['aggregate'])
        self.assertEqual(['CUSTOM_AEROSPIKE_STORAGE_LVM',
                          'CUSTOM_AEROSPIKE_STORAGE_LVM_RAW',
                          'CUSTOM_AEROSPIKE_STORAGE_NVME_LVM',
                          'CUSTOM_AEROSPIKE_STORAGE_NVME_LVM_RAW'],
                         data['traits'])
        flavor = self.flavor('aerospike.lvm', 'lvm')
        self.assertEqual('c1', self.host_of(self.boot(flavor)))

    def test_the_backend_key_comes_from_the_schedulers_nova_conf(self):
        """The filter reads what sync publishes, whatever the key."""
        self.flags(ephemeral_backend_key='storage_kind',
                   group='aerospike_filters')
        self.start_cloud({'c1': None, 'c2': None})
        conf = self.nova_conf('[aerospike_filters]\n'
                              'ephemeral_backend_key = storage_kind\n')
        data = self.json_of('sync', '--host', 'c1', '--backend', 'lvm',
                            '--config-file', conf)
        self.assertTrue(data['changed'])
        aggs = self.admin_api.api_get('/os-aggregates').body['aggregates']
        self.assertEqual([{'storage_kind': 'lvm'}], [
            {k: v for k, v in a['metadata'].items()
             if k != 'availability_zone'}
            for a in aggs if 'c1' in a['hosts']])
        flavor = self.flavor('aerospike.lvm', 'lvm')
        self.assertEqual('c1', self.host_of(self.boot(flavor)))

    def test_a_conflict_that_keeps_the_host_rejected_exits_1(self):
        """cron must notice: the host stays rejected until an admin acts."""
        self.start_cloud({'c1': None})
        self.add_to_aggregate('rack-7', 'c1', {'ephemeral_backend': 'qcow2'})
        status, out, err = self.run_cli('sync', '--host', 'c1', '--backend',
                                        'lvm', '-f', 'json')
        self.assertEqual(1, status, err)
        self.assertEqual(
            ['openstack aggregate unset --property ephemeral_backend rack-7'],
            json.loads(out)['conflicts'])
        self.assertIn('fix by hand', err)
        # Once the admin applies the printed fix, sync is content.
        self.run_printed(json.loads(out)['conflicts'][0])
        self.assertEqual(0, self.run_cli('sync', '--host', 'c1',
                                         '--backend', 'lvm')[0])

    def test_unknown_backend_is_refused_before_any_call(self):
        status, out, err = self.run_cli('sync', '--host', 'c1',
                                        '--backend', 'zfs')
        self.assertEqual(2, status)
        self.assertIn("'zfs' is not a known ephemeral backend", err)
