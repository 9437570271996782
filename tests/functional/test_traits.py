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

"""Placement pre-selects the hosts an Aerospike flavor can use.

The cloud of the issue: ten qcow2 computes registered before two lvm ones,
and placement asked for at most three candidates. Without traits a tagged
boot sees three qcow2 hosts and fails; with the documented tools it lands
on lvm every time.
"""

import json
import time

import fixtures

from aerospike_filters.client import flavors
from tests.functional import base

LVM = 'CUSTOM_AEROSPIKE_STORAGE_LVM'
LVM_RAW = 'CUSTOM_AEROSPIKE_STORAGE_LVM_RAW'
NVME = 'CUSTOM_AEROSPIKE_STORAGE_NVME'
LVM_TRAITS = sorted([LVM, LVM_RAW, 'CUSTOM_AEROSPIKE_STORAGE_NVME_LVM',
                     'CUSTOM_AEROSPIKE_STORAGE_NVME_LVM_RAW'])


class TraitsTestCase(base.CloudTestCase):

    def provider(self, host):
        return self._get_provider_uuid_by_host(host)

    def managed_traits(self, host):
        return sorted(t for t in self._get_provider_traits(
            self.provider(host)) if t.startswith('CUSTOM_AEROSPIKE_'))

    def publish(self, *args):
        status, out, err = self.run_cli('trait', 'publish', '-f', 'json',
                                        *args)
        self.assertEqual(0, status, out + err)
        return {row['Host']: row for row in json.loads(out)}

    def create_flavor(self, name, *args):
        status, out, err = self.run_cli(
            'flavor', 'create', name, '--vcpus', '1', '--ram', '512',
            '--disk', '1', '-f', 'json', *args)
        self.assertEqual(0, status, out + err)
        return json.loads(out)


class TestCandidateCap(TraitsTestCase):

    def setUp(self):
        super().setUp()
        self.flags(max_placement_results=3, group='scheduler')
        layout = {'qcow2-%02d' % i: 'qcow2' for i in range(10)}
        layout.update({'lvm-1': 'lvm', 'lvm-2': 'lvm'})
        self.start_cloud(layout)

    def test_the_documented_way_lands_every_tagged_boot_on_lvm(self):
        rows = self.publish()
        self.assertEqual(LVM_TRAITS, sorted(rows['lvm-1']['Traits']))
        self.assertEqual([], rows['qcow2-03']['Traits'])
        flavor = self.create_flavor('aerospike.local', '--storage', 'local')
        self.assertEqual({'aerospike:storage': 'local',
                          'trait:' + LVM_RAW: 'required'},
                         flavor['extra_specs'])
        landed = [self.host_of(self.boot(flavor['id'])) for _ in range(5)]
        self.assertEqual({'lvm-1', 'lvm-2'}, set(landed), landed)
        # Untagged flavors are scheduled as before: anywhere.
        plain = self.flavor('plain')
        self.assertTrue(self.host_of(self.boot(plain)).startswith('qcow2-'))

    def test_without_traits_placement_hides_the_lvm_hosts(self):
        """Boots fail while lvm hosts are free, and the log says why.

        Placement returns 3 of the 12 hosts; in which order is undefined,
        so it is made random and servers are booted until one fails (each
        misses both lvm hosts with probability 0.55: twenty boots all
        succeeding has a probability of 1e-7).
        """
        self.placement_fixture.conf_fixture.config(
            randomize_allocation_candidates=True, group='placement')
        flavor = self.flavor('aerospike.local', 'local')
        for _ in range(20):
            server = self.boot_until_settled(flavor)
            if server['status'] == 'ERROR':
                break
            self.assertIn(self.host_of(server), ('lvm-1', 'lvm-2'))
        self.assertNoValidHost(server)
        log = self.stdlog.logger.output
        self.assertIn('rejected 3 of 3 hosts: qcow2=3; placement returned '
                      'only [scheduler] max_placement_results=3 candidates '
                      'and the flavor requires no trait', log)
        self.assertIn('aerospike-filters trait publish', log)
        self.assertIn('aerospike-filters flavor repair aerospike.local', log)

    def test_a_moved_host_is_rejected_until_its_traits_are_republished(self):
        self.publish()
        flavor = self.create_flavor('aerospike.lvm', '--storage', 'lvm')
        # An admin moves lvm-2 to qcow2 without republishing: placement
        # still offers it, the filter (the authority) rejects it.
        self.admin_api.remove_host_from_aggregate(
            self.aggregate('aerospike-backend-lvm'), 'lvm-2')
        self.add_to_aggregate('aerospike-backend-qcow2', 'lvm-2')
        for _ in range(4):
            self.assertEqual('lvm-1',
                             self.host_of(self.boot(flavor['id'])))
        status, out, err = self.run_cli(
            'doctor', '--config-file', self.nova_conf(), '-f', 'json')
        drift = [f for f in json.loads(out)
                 if f['Object'] == "host 'lvm-2'"]
        self.assertEqual(1, len(drift), out)
        self.assertIn('carries ' + ', '.join(LVM_TRAITS[:2]), drift[0][
            'Finding'])
        # The fix, applied verbatim, republishes; doctor is then content.
        self.run_printed(drift[0]['Fix'])
        self.assertEqual([], self.managed_traits('lvm-2'))
        status, out, err = self.run_cli(
            'doctor', '--config-file', self.nova_conf(), '-f', 'json')
        self.assertNotIn("host 'lvm-2'", [f['Object']
                                          for f in json.loads(out)])

    def test_doctor_requires_the_trait_where_the_cap_bites(self):
        self.flavor('aerospike.local', 'local')
        conf = self.nova_conf(base.SCHEDULER_CONF +
                              '[scheduler]\nmax_placement_results = 3\n')
        status, out, err = self.run_cli('doctor', '--config-file', conf,
                                        '-f', 'json')
        found = [f for f in json.loads(out)
                 if f['Object'] == "flavor 'aerospike.local'"]
        self.assertEqual(['error'], [f['Severity'] for f in found], out)
        self.assertIn('any 3 of the 12 compute nodes', found[0]['Finding'])
        # No host carries the trait yet: the fix publishes first.
        self.assertTrue(found[0]['Fix'].startswith(
            'aerospike-filters trait publish --config-file '), found[0])
        self.run_printed(found[0]['Fix'])
        flavor = self._flavor_id('aerospike.local')
        landed = {self.host_of(self.boot(flavor)) for _ in range(3)}
        self.assertLessEqual(landed, {'lvm-1', 'lvm-2'})
        status, out, err = self.run_cli('doctor', '--config-file', conf,
                                        '-f', 'json')
        self.assertNotIn("flavor 'aerospike.local'",
                         [f['Object'] for f in json.loads(out)])

    def boot_until_settled(self, flavor):
        """Create a server; wait until ACTIVE, or ERROR with its fault."""
        created = self.api.post_server({'server': self._build_server(
            flavor_id=flavor, networks='none')})
        for _ in range(60):
            server = self.admin_api.get_server(created['id'])
            if server['status'] == 'ACTIVE' or (
                    server['status'] == 'ERROR' and 'fault' in server):
                return server
            time.sleep(0.5)
        self.fail('server %s did not settle: %s' % (created['id'], server))

    def _flavor_id(self, name):
        return [f['id'] for f in self.admin_api.get_flavors()
                if f['name'] == name][0]


class TestTraitsStay(TraitsTestCase):
    """nova-compute's periodic updates and restarts keep the traits."""

    def test_periodic_updates_service_changes_and_restarts(self):
        self.start_cloud({'lvm-1': 'lvm', 'raw-1': 'raw'})
        uuid = self.provider('lvm-1')
        self.placement.put('/traits/CUSTOM_RAID', None, version='1.6')
        self._set_provider_traits(
            uuid, self._get_provider_traits(uuid) + ['CUSTOM_RAID'])
        self.publish()
        before = sorted(self._get_provider_traits(uuid))
        self.assertIn('CUSTOM_RAID', before)
        self._run_periodics()
        # Disabling the service makes nova-compute change the provider's
        # traits itself (COMPUTE_STATUS_DISABLED).
        self.set_service('lvm-1', enabled=False)
        self.assertIn('COMPUTE_STATUS_DISABLED',
                      self._get_provider_traits(uuid))
        self.set_service('lvm-1', enabled=True)
        self._run_periodics()
        self.computes['lvm-1'] = self.restart_compute_service(
            self.computes['lvm-1'])
        self._run_periodics()
        self.assertEqual(before, sorted(self._get_provider_traits(uuid)))
        self.assertEqual(LVM_TRAITS, self.managed_traits('lvm-1'))
        # And publishing again changes nothing.
        self.assertEqual('unchanged', self.publish()['lvm-1']['Result'])


class TestPublishing(TraitsTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2', 'bare-1': None})

    def test_dry_run_idempotence_and_foreign_traits(self):
        uuid = self.provider('qcow2-1')
        for trait in ('CUSTOM_RAID', 'CUSTOM_AEROSPIKE_BACKEND_QCOW2',
                      LVM):
            self.placement.put('/traits/%s' % trait, None, version='1.6')
        self._set_provider_traits(uuid, self._get_provider_traits(uuid) + [
            'CUSTOM_RAID', 'CUSTOM_AEROSPIKE_BACKEND_QCOW2', LVM])
        nova_traits = sorted(t for t in self._get_provider_traits(uuid)
                             if not t.startswith('CUSTOM_AEROSPIKE_'))
        rows = self.publish('--dry-run')
        self.assertEqual('would change', rows['qcow2-1']['Result'])
        self.assertEqual(sorted(['CUSTOM_AEROSPIKE_BACKEND_QCOW2', LVM]),
                         sorted(rows['qcow2-1']['Removed']))
        self.assertEqual([], self.managed_traits('lvm-1'))
        rows = self.publish()
        self.assertEqual('changed', rows['qcow2-1']['Result'])
        self.assertEqual(nova_traits, sorted(self._get_provider_traits(uuid)))
        self.assertEqual(LVM_TRAITS, self.managed_traits('lvm-1'))
        self.assertEqual([], self.managed_traits('bare-1'))
        self.assertEqual({'unchanged'},
                         {r['Result'] for r in self.publish().values()})

    def test_concurrent_with_sync_on_the_computes(self):
        """trait publish from cron while computes run sync --traits."""
        uuid = self.provider('lvm-1')
        self.placement.put('/traits/CUSTOM_RAID', None, version='1.6')
        self._set_provider_traits(
            uuid, self._get_provider_traits(uuid) + ['CUSTOM_RAID'])
        self.run_concurrently((
            ('trait', 'publish'), ('sync', '--host', 'lvm-1', '--backend',
                                   'lvm', '--traits'),
            ('trait', 'publish'), ('sync', '--host', 'bare-1', '--backend',
                                   'raw', '--traits'),
            ('trait', 'publish')))
        self.assertEqual(LVM_TRAITS, self.managed_traits('lvm-1'))
        self.assertIn('CUSTOM_RAID', self._get_provider_traits(uuid))
        # bare-1 is raw now: whoever ran last, the traits follow its facts.
        self.assertEqual({'unchanged'},
                         {r['Result'] for r in self.publish().values()})
        self.assertIn('CUSTOM_AEROSPIKE_STORAGE_RAW',
                      self.managed_traits('bare-1'))

    def test_one_host_and_unknown_hosts(self):
        rows = self.publish('--host', 'lvm-1')
        self.assertEqual(['lvm-1'], list(rows))
        status, out, err = self.run_cli('trait', 'publish', '--host', 'nope')
        self.assertEqual(2, status)
        self.assertEqual('--host nope: no such nova-compute host',
                         err.strip())

    def test_generation_conflicts_are_retried(self):
        """Another writer changes the provider between read and write."""
        uuid = self.provider('lvm-1')
        self.placement.put('/traits/CUSTOM_OTHER', None, version='1.6')
        conn = self.sdk()
        real_put = conn.placement.put
        raced = []

        def put(url, *args, **kwargs):
            if url.endswith('/%s/traits' % uuid) and not raced:
                # A real competing change, through placement.
                raced.append(self._set_provider_traits(
                    uuid, self._get_provider_traits(uuid) +
                    ['CUSTOM_OTHER']))
            return real_put(url, *args, **kwargs)
        conn.placement.put = put
        self.useFixture(fixtures.MonkeyPatch(
            'tests.functional.base.CloudTestCase.sdk', lambda *a, **k: conn))
        rows = self.publish('--host', 'lvm-1')
        self.assertEqual('changed', rows['lvm-1']['Result'])
        self.assertTrue(raced)
        traits = self._get_provider_traits(uuid)
        self.assertIn('CUSTOM_OTHER', traits)
        self.assertEqual(LVM_TRAITS, self.managed_traits('lvm-1'))

    def test_unreachable_placement(self):
        conn = self.sdk()
        conn.placement.endpoint_override = 'http://127.0.0.1:9'
        self.useFixture(fixtures.MonkeyPatch(
            'tests.functional.base.CloudTestCase.sdk', lambda *a, **k: conn))
        status, out, err = self.run_cli('trait', 'publish')
        self.assertEqual(2, status)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertIn('cannot reach the cloud', err)


class TestFlavorTraits(TraitsTestCase):

    def setUp(self):
        super().setUp()
        self.start_cloud({'lvm-1': 'lvm', 'raw-1': 'raw'})

    def test_create_refuses_a_trait_no_host_carries(self):
        status, out, err = self.run_cli('flavor', 'create', 'f', '--storage',
                                        'lvm', '--vcpus', '1', '--ram', '512')
        self.assertEqual(2, status)
        self.assertIn('no compute node carries ' + LVM + ' yet', err)
        self.assertIn('--no-trait', err)
        flavor = self.create_flavor('f', '--storage', 'lvm', '--no-trait')
        self.assertEqual({'aerospike:storage': 'lvm'}, flavor['extra_specs'])

    def test_repair_adds_and_replaces_and_keeps_the_rest(self):
        self.publish()
        missing = self.flavor('missing', 'local',
                              extra_specs={'hw:cpu_policy': 'shared'})
        wrong = self.flavor('wrong', 'lvm', extra_specs={
            'trait:CUSTOM_AEROSPIKE_STORAGE_RAW': 'required',
            'trait:HW_CPU_X86_AVX2': 'forbidden'})
        self.flavor('plain')
        status, out, err = self.run_cli('flavor', 'repair', '--dry-run',
                                        '-f', 'json')
        self.assertEqual(0, status, err)
        rows = {r['Flavor']: r for r in json.loads(out)}
        self.assertEqual(['missing', 'wrong'], sorted(rows))
        self.assertEqual('would change', rows['wrong']['Result'])
        self.assertNotIn('trait:' + LVM_RAW,
                         self.admin_api.get_extra_specs(missing))
        status, out, err = self.run_cli('flavor', 'repair', '-f', 'json')
        self.assertEqual(0, status, err)
        self.assertEqual({'aerospike:storage': 'local',
                          'hw:cpu_policy': 'shared',
                          'trait:' + LVM_RAW: 'required'},
                         self.admin_api.get_extra_specs(missing))
        self.assertEqual({'aerospike:storage': 'lvm',
                          'trait:HW_CPU_X86_AVX2': 'forbidden',
                          'trait:' + LVM: 'required'},
                         self.admin_api.get_extra_specs(wrong))
        self.assertEqual('lvm-1', self.host_of(self.boot(wrong)))
        status, out, err = self.run_cli('flavor', 'repair', '-f', 'json')
        self.assertEqual({'unchanged'},
                         {r['Result'] for r in json.loads(out)})

    def test_repair_leaves_alone_what_it_must_not_touch(self):
        nvme = self.flavor('nvme-only', 'nvme', nvme=1)
        self.admin_api.microversion = '2.85'
        invalid = self.flavor('invalid')
        self.admin_api.post_extra_spec(
            invalid, {'extra_specs': {'aerospike:storage': 'ssd'}})
        status, out, err = self.run_cli('flavor', 'repair', '-f', 'json')
        self.assertEqual(1, status, err)
        rows = {r['Flavor']: r['Result'] for r in json.loads(out)}
        self.assertIn('no compute node carries ' + NVME, rows['nvme-only'])
        self.assertIn('invalid', rows['invalid'])
        self.assertNotIn('trait:' + NVME,
                         self.admin_api.get_extra_specs(nvme))

    def test_a_concurrent_edit_is_planned_for_not_overwritten(self):
        self.publish()
        flavor = self.flavor('moving', 'lvm')
        real = flavors.extra_specs
        edited = []

        def extra_specs(conn, flavor_id):
            if not edited:
                # Another admin widens the flavor right after our read.
                edited.append(self.admin_api.post_extra_spec(
                    flavor, {'extra_specs': {'aerospike:storage': 'local'}}))
            return real(conn, flavor_id)
        self.useFixture(fixtures.MonkeyPatch(
            'aerospike_filters.client.flavors.extra_specs', extra_specs))
        status, out, err = self.run_cli('flavor', 'repair', 'moving')
        self.assertEqual(0, status, err)
        self.assertEqual({'aerospike:storage': 'local',
                          'trait:' + LVM_RAW: 'required'},
                         self.admin_api.get_extra_specs(flavor))


class TestNvmeInPlacement(TraitsTestCase):
    """PCI devices tracked in placement: nvme flavors on free NVMe only."""

    def setUp(self):
        self.flags(report_in_placement=True, group='pci')
        self.flags(pci_in_placement=True, group='filter_scheduler')
        super().setUp()
        self.start_cloud({'nvme-lvm': ('lvm', 1), 'nvme-bare': (None, 2),
                          'nvme-qcow2': ('qcow2', 2), 'lvm-1': 'lvm'})

    def test_nvme_flavor_lands_only_where_free_devices_are(self):
        rows = self.publish('--config-file', self.nova_conf())
        self.assertIn(NVME, rows['nvme-bare']['Traits'])
        self.assertNotIn(NVME, rows['lvm-1']['Traits'])
        self.assertEqual([], rows['nvme-qcow2']['Traits'])
        flavor = self.create_flavor('aerospike.nvme', '--storage', 'nvme',
                                    '--nvme-devices', '1')
        landed = sorted(self.host_of(self.boot(flavor['id']))
                        for _ in range(3))
        self.assertEqual(['nvme-bare', 'nvme-bare', 'nvme-lvm'], landed)
        # Every suitable device is in use now.
        self.assertNoValidHost(self.boot(flavor['id'], expected='ERROR'))
