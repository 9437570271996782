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

"""The operator commands against the real cloud: ``aerospike-filters``
explain, snapshot, doctor and flavor create, and the same commands as
``openstack aerospike ...`` (README: "With python-openstackclient
installed they are also openstack aerospike ...")."""

import json
import os

import fixtures

from tests.integration import base


def verdicts(rows):
    return {row['Host']: row['Verdict'] for row in rows}


def expected_verdicts(passing):
    """Every compute's verdict when the hosts of these backends pass.

    A parked (disabled) compute the filter passes is one nova would not
    pick: INELIGIBLE.
    """
    parked = base.parked_hosts()
    return {host: ('REJECT' if backend not in passing else
                   'INELIGIBLE' if host in parked else 'PASS')
            for host, backend in base.backends().items()}


LOCAL = ('lvm', 'raw')


class TestAerospikeFilters(base.RealCloudTestCase):

    def test_explain_live_cloud_with_a_flavor(self):
        flavor = self.make_flavor({'aerospike:storage': 'lvm'})
        rows = self.json_of(self.aerospike(
            'explain', '--os-cloud', 'realcloud', '--flavor', flavor.name,
            *self.conf_args(), '-f', 'json'))
        self.assertEqual(expected_verdicts(('lvm',)), verdicts(rows))

    def test_explain_what_if_ranks_lvm_before_raw(self):
        rows = self.json_of(self.aerospike(
            'explain', '--os-cloud', 'realcloud', '--extra-spec',
            'aerospike:storage=local', *self.conf_args(), '-f', 'json'))
        self.assertEqual(expected_verdicts(LOCAL), verdicts(rows))
        ranked = [row['Host'] for row in sorted(
            (r for r in rows if r['Verdict'] == 'PASS'),
            key=lambda r: r['Rank'])]
        # lvm first, then raw (the parked libvirt compute is ineligible).
        self.assertEqual([base.HOST['lvm'], base.HOST['raw']], ranked)

    def test_snapshot_then_explain_offline(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'cloud.json')
        self.aerospike('snapshot', '--os-cloud', 'realcloud', '-o', path)
        with open(path) as stream:
            json.load(stream)
        rows = self.json_of(self.aerospike(
            'explain', '--snapshot', path, '--extra-spec',
            'aerospike:storage=local', *self.conf_args(), '-f', 'json'))
        self.assertEqual(expected_verdicts(LOCAL), verdicts(rows))

    def test_doctor_checks_nova_conf_and_validators(self):
        # Run where nova-api runs: it checks nova-api's validators too.
        result = self.aerospike('doctor', '--no-cloud', *self.conf_args(),
                                '-f', 'json', check=False)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)

    def test_doctor_finds_flavors_that_can_never_schedule(self):
        # No host has room for a flavor bigger than any compute, and no
        # host of this cloud can take a raw,lvm flavor once both are off.
        flavor = self.make_flavor({'aerospike:storage': 'nvme'})
        result = self.aerospike('doctor', '--os-cloud', 'realcloud',
                                *self.conf_args(), '-f', 'json',
                                check=False)
        self.assertEqual(1, result.returncode, result.stderr)
        findings = json.loads(result.stdout)
        named = [f for f in findings if flavor.name in f['Object']]
        self.assertEqual(1, len(named), findings)
        self.assertEqual('error', named[0]['Severity'])
        self.assertIn('requests no NVMe device', named[0]['Finding'])
        # No host has NVMe drives: the fix that boots keeps lvm and raw,
        # and it works as printed.
        self.assertIn('--property aerospike:storage=local',
                      named[0]['Fix'])
        self.apply(named[0]['Fix'])
        status, host = self.boot(flavor.name)
        self.assertEqual('ACTIVE', status, host)
        self.assertIn(host, base.SUITABLE)

    def test_doctor_on_the_documented_cloud_has_nothing_to_say(self):
        # The cloud was built the documented way (devstack's functions:
        # probe, sync --traits, trait publish, flavor create).
        result = self.aerospike('doctor', '--os-cloud', 'realcloud',
                                *self.conf_args(), '-f', 'json',
                                check=False)
        findings = [f for f in json.loads(result.stdout)
                    if f['Severity'] != 'info']
        self.assertEqual([], findings)
        self.assertEqual(0, result.returncode, result.stderr)

    def apply(self, fix):
        """Run a fix a tool printed, verbatim, in the cloud's shell."""
        base.run(['bash', '-c', fix], check=True)

    def flavor_create(self, storage):
        """aerospike-filters flavor create, as the admin guide shows it."""
        name = self.unique('aerospike.' + storage)
        self.aerospike('flavor', 'create', name, '--storage', storage,
                       '--vcpus', '1', '--ram', '1024', '--disk', '1',
                       '--os-cloud', 'realcloud')
        self.addCleanup(self.openstack, 'flavor', 'delete', name,
                        check=False)
        return name

    def test_flavor_create_local_schedules_on_lvm_or_raw(self):
        # Admin guide: aerospike-filters flavor create aerospike.local
        # --storage local; a tenant's guide: "local: whichever of the
        # three is free, best first". This cloud has lvm and raw hosts.
        status, host = self.boot(self.flavor_create('local'))
        self.assertEqual('ACTIVE', status, host)
        self.assertIn(host, base.SUITABLE)

    def test_flavor_create_lvm_schedules_on_lvm(self):
        self.assertEqual(('ACTIVE', base.HOST['lvm']),
                         self.boot(self.flavor_create('lvm')))

    def test_flavor_create_rejects_an_unknown_tier(self):
        result = self.aerospike('flavor', 'create', self.unique('bad'),
                                '--storage', 'ssd', '--vcpus', '1',
                                '--ram', '1024', '--os-cloud', 'realcloud',
                                check=False)
        self.assertEqual(2, result.returncode)
        self.assertEqual(1, len(result.stderr.strip().splitlines()),
                         result.stderr)


class TestOpenStackAerospike(base.RealCloudTestCase):
    """``openstack aerospike ...`` with the cloud from OS_CLOUD.

    As an admin runs the openstack client.
    """

    def test_explain(self):
        rows = self.json_of(self.openstack(
            'aerospike', 'explain', '--extra-spec',
            'aerospike:storage=local', '-f', 'json'))
        self.assertEqual(expected_verdicts(LOCAL), verdicts(rows))

    def test_snapshot(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'cloud.json')
        self.openstack('aerospike', 'snapshot', '-o', path)
        with open(path) as stream:
            self.assertTrue(json.load(stream))

    def test_doctor(self):
        result = self.openstack('aerospike', 'doctor', '-f', 'json',
                                check=False)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        json.loads(result.stdout)

    def test_flavor_create(self):
        name = self.unique('aerospike.lvm')
        self.openstack('aerospike', 'flavor', 'create', name, '--storage',
                       'lvm', '--vcpus', '1', '--ram', '1024')
        self.addCleanup(self.openstack, 'flavor', 'delete', name,
                        check=False)
        self.assertEqual(('ACTIVE', base.HOST['lvm']), self.boot(name))

    def test_probe(self):
        report = self.json_of(self.openstack(
            'aerospike', 'probe', '--nova-conf',
            os.path.join(base.NOVA_ETC, 'compute-lvm.conf')))
        self.assertEqual(('compute-lvm', 'lvm'),
                         (report['host'], report['ephemeral_backend']))

    def test_trait_publish(self):
        # The cloud's traits are current: nothing to change.
        rows = self.json_of(self.openstack(
            'aerospike', 'trait', 'publish', '--config-file',
            base.SCHEDULER_CONF[1], '--dry-run', '-f', 'json'))
        self.assertEqual({'unchanged'}, {row['Result'] for row in rows})
        self.assertEqual(sorted(base.backends()),
                         sorted(row['Host'] for row in rows))

    def test_flavor_repair(self):
        # A tagged flavor made without its trait, repaired: it then
        # requires the trait and boots where placement offers it.
        flavor = self.make_flavor({'aerospike:storage': 'lvm'})
        rows = self.json_of(self.openstack(
            'aerospike', 'flavor', 'repair', flavor.name, '-f', 'json'))
        self.assertEqual([(flavor.name, 'CUSTOM_AEROSPIKE_STORAGE_LVM',
                           'changed')],
                         [(r['Flavor'], r['Trait'], r['Result'])
                          for r in rows])
        specs = self.conn.compute.fetch_flavor_extra_specs(
            flavor).extra_specs
        self.assertEqual('required',
                         specs['trait:CUSTOM_AEROSPIKE_STORAGE_LVM'])
        self.assertEqual(('ACTIVE', base.HOST['lvm']),
                         self.boot(flavor.name))

    def test_sync_dry_run(self):
        result = self.openstack(
            'aerospike', 'sync', '--host', base.HOST['raw'], '--backend',
            'raw', '--dry-run', '-f', 'json')
        self.assertFalse(json.loads(result.stdout)['changed'])
