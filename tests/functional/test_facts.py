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

"""Computes describe themselves through nova's provider config.

The documented flow, with no credential on any compute: the probe writes
the facts as a provider config, the in-process nova-compute (started with
``[compute] provider_config_location`` on that directory) adds them to
its own resource provider, and ``trait sync-facts`` (the controller's
admin) moves the host into its backend aggregate and publishes its tier
traits; the filter then lands or refuses tagged boots accordingly.
"""

import json
import os
import shlex
import sys

from unittest import mock

from nova.compute import provider_config as nova_provider_config

from tests.functional import base
from tests.unit.probe import fakehost

LVM_FACT = 'CUSTOM_AEROSPIKE_FACT_BACKEND_LVM'
QCOW2_FACT = 'CUSTOM_AEROSPIKE_FACT_BACKEND_QCOW2'
LVM_CONF = '[libvirt]\nimages_type = lvm\nimages_volume_group = vg0\n'


class FactsTestCase(base.CloudTestCase):

    def setUp(self):
        super().setUp()
        #: A compute's root tree per host (NVMe drives and mounts cannot
        #: exist here): what the probe reads under --root.
        self.roots = {}
        self.qcow2_conf = '[libvirt]\nimages_type = qcow2\n'

    def root(self, host):
        if host not in self.roots:
            self.roots[host] = self.useFixture(fakehost.FakeHost())
            self.roots[host].mkdir('/var/lib/nova/instances')
            self.roots[host].mkdir('/etc/nova/provider_config')
        return self.roots[host]

    def config_dir(self, host):
        return self.root(host).path('/etc/nova/provider_config')

    def config_file(self, host):
        return os.path.join(self.config_dir(host), 'aerospike.yaml')

    def probe(self, host, nova_conf, status=0):
        """Run the probe as the ExecStartPre= of host's nova-compute does."""
        self.root(host).nova_conf('[DEFAULT]\nhost = %s\n%s'
                                  % (host, nova_conf))
        code, out, err = self.run_cli(
            'probe', '--root', self.root(host).root,
            '--provider-config', self.config_file(host), connection=False)
        self.assertEqual(status, code, out + err)
        return err

    def start(self, host, nova_conf):
        """The probe, then nova-compute reading its provider config."""
        self.probe(host, nova_conf)
        self.flags(provider_config_location=self.config_dir(host),
                   group='compute')
        return self._start_compute(host)

    def restart(self, host):
        self.flags(provider_config_location=self.config_dir(host),
                   group='compute')
        self.computes[host] = self.restart_compute_service(
            self.computes[host])

    def facts(self, host):
        return sorted(t for t in self._get_provider_traits(
            self._get_provider_uuid_by_host(host))
            if t.startswith('CUSTOM_AEROSPIKE_FACT_'))

    def tiers(self, host):
        return sorted(t for t in self._get_provider_traits(
            self._get_provider_uuid_by_host(host))
            if t.startswith('CUSTOM_AEROSPIKE_STORAGE_'))

    def backend_aggregates(self, host):
        return sorted(a['name'] for a in self.admin_api.api_get(
                          '/os-aggregates').body['aggregates']
                      if a['name'].startswith('aerospike-backend-') and
                      host in a['hosts'])

    def sync_facts(self, *args, status=0, http=None):
        code, out, err = self.run_cli('trait', 'sync-facts', '-f', 'json',
                                      *args, http=http)
        self.assertEqual(status, code, out + err)
        return {row['Host']: row for row in json.loads(out or '[]')}, err


class TestProviderConfig(FactsTestCase):

    def test_nova_loads_the_file_and_nova_compute_publishes_the_facts(self):
        err = self.probe('lvm-1', LVM_CONF)
        self.assertIn('aerospike.yaml: written', err)
        self.assertEqual(0o644, os.stat(self.config_file('lvm-1')).st_mode
                         & 0o777)
        # nova's own loader, as nova-compute reads the directory.
        loaded = nova_provider_config.get_provider_configs(
            self.config_dir('lvm-1'))
        self.assertEqual([LVM_FACT], loaded['$COMPUTE_NODE']['traits'][
            'additional'])
        self.assertEqual(['aerospike.yaml'],
                         os.listdir(self.config_dir('lvm-1')))
        # Unchanged: not rewritten.
        before = os.stat(self.config_file('lvm-1')).st_mtime_ns
        self.assertIn('unchanged, not rewritten',
                      self.probe('lvm-1', LVM_CONF))
        self.assertEqual(before,
                         os.stat(self.config_file('lvm-1')).st_mtime_ns)
        self.flags(provider_config_location=self.config_dir('lvm-1'),
                   group='compute')
        self._start_compute('lvm-1')
        self.assertEqual([LVM_FACT], self.facts('lvm-1'))

    def test_a_file_nova_would_refuse_is_never_written(self):
        self.probe('lvm-1', LVM_CONF)
        with open(self.config_file('lvm-1')) as stream:
            old = stream.read()
        other = os.path.join(self.config_dir('lvm-1'), 'other.yaml')
        # A second definition of $COMPUTE_NODE stops nova-compute.
        with open(other, 'w') as stream:
            stream.write("meta: {schema_version: '1.0'}\nproviders:\n"
                         "- identification: {uuid: $COMPUTE_NODE}\n"
                         "  traits: {additional: [CUSTOM_OTHER]}\n")
        err = self.probe('lvm-1', self.qcow2_conf, status=2)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertIn('other.yaml also configures $COMPUTE_NODE', err)
        # One nova's loader refuses (an unknown schema major version).
        with open(other, 'w') as stream:
            stream.write("meta: {schema_version: '2.0'}\nproviders: []\n")
        err = self.probe('lvm-1', self.qcow2_conf, status=2)
        self.assertIn('nova would refuse the provider config', err)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        with open(self.config_file('lvm-1')) as stream:
            self.assertEqual(old, stream.read())
        self.assertEqual(['aerospike.yaml', 'other.yaml'],
                         sorted(os.listdir(self.config_dir('lvm-1'))))

    def test_without_nova_nothing_is_written(self):
        # A host without nova: importing it fails.
        with mock.patch.dict(sys.modules, {'nova': None}):
            err = self.probe('lvm-1', LVM_CONF, status=2)
        self.assertIn('nova is not importable here', err)
        self.assertEqual(1, len(err.strip().splitlines()), err)
        self.assertFalse(os.path.exists(self.config_file('lvm-1')))


class TestSyncFacts(FactsTestCase):

    def setUp(self):
        super().setUp()
        self.start('lvm-1', LVM_CONF)
        self.start('qcow2-1', self.qcow2_conf)
        # A compute that published no facts: left alone.
        self.flags(provider_config_location=self.config_dir('bare-1'),
                   group='compute')
        self._start_compute('bare-1')
        self.add_to_aggregate('aerospike-backend-qcow2', 'bare-1',
                              {'ephemeral_backend': 'qcow2'})
        self.tagged = self.flavor('aerospike.local', storage='local')

    def test_hosts_follow_their_facts_and_boots_follow_the_hosts(self):
        dry, _ = self.sync_facts('--dry-run')
        self.assertEqual('would change', dry['lvm-1']['Result'])
        self.assertEqual([], self.backend_aggregates('lvm-1'))
        http = base.Http()
        rows, _ = self.sync_facts(http=http)
        self.assertEqual({'lvm-1', 'qcow2-1'}, set(rows))
        self.assertEqual('lvm', rows['lvm-1']['Backend'])
        self.assertEqual(['aerospike-backend-lvm'],
                         self.backend_aggregates('lvm-1'))
        self.assertEqual(['aerospike-backend-qcow2'],
                         self.backend_aggregates('qcow2-1'))
        self.assertEqual(['aerospike-backend-qcow2'],
                         self.backend_aggregates('bare-1'))
        self.assertIn('CUSTOM_AEROSPIKE_STORAGE_LVM_RAW', self.tiers('lvm-1'))
        self.assertEqual([], self.tiers('qcow2-1'))
        # trait publish owns the tier traits, never the facts.
        status, out, err = self.run_cli('trait', 'publish')
        self.assertEqual(0, status, out + err)
        self.assertEqual([LVM_FACT], self.facts('lvm-1'))
        self.assertEqual([QCOW2_FACT], self.facts('qcow2-1'))
        self.assertEqual('lvm-1', self.host_of(self.boot(self.tagged)))
        # Steady state: nothing changes, no request per host.
        again = base.Http()
        rows, _ = self.sync_facts(http=again)
        self.assertEqual({'unchanged'}, {r['Result'] for r in rows.values()})
        self.assertEqual(0, sum(1 for method, _ in again.sent
                                if method != 'GET'))
        self.assertLess(len(again.sent), len(http.sent))

    def test_stale_fact_fails_closed_then_resolves(self):
        self.sync_facts()
        self.assertEqual('lvm-1', self.host_of(self.boot(self.tagged)))
        # nova.conf changes to qcow2; the documented restart probes first.
        self.probe('lvm-1', self.qcow2_conf)
        self.restart('lvm-1')
        # nova-compute added the new fact and kept the stale one.
        self.assertEqual([LVM_FACT, QCOW2_FACT], self.facts('lvm-1'))
        dry, err = self.sync_facts('--dry-run', status=1)
        self.assertEqual('would fail closed', dry['lvm-1']['Result'])
        self.assertEqual([LVM_FACT, QCOW2_FACT], self.facts('lvm-1'))
        rows, err = self.sync_facts(status=1)
        self.assertEqual('failed closed', rows['lvm-1']['Result'])
        self.assertIn('lvm-1: conflicting facts %s, %s' % (LVM_FACT,
                                                           QCOW2_FACT), err)
        self.assertIn('restart its nova-compute', err)
        self.assertEqual([], self.backend_aggregates('lvm-1'))
        self.assertEqual([], self.facts('lvm-1'))
        self.assertEqual([], self.tiers('lvm-1'))
        self.assertNoValidHost(self.boot(self.tagged, expected='ERROR'))
        # The restart the line asks for publishes the current fact only.
        self.restart('lvm-1')
        self.assertEqual([QCOW2_FACT], self.facts('lvm-1'))
        rows, _ = self.sync_facts()
        self.assertEqual(['aerospike-backend-qcow2'],
                         self.backend_aggregates('lvm-1'))
        self.assertNoValidHost(self.boot(self.tagged, expected='ERROR'))
        # Restoring nova.conf restores the boots.
        self.probe('lvm-1', LVM_CONF)
        self.restart('lvm-1')
        self.sync_facts(status=1)
        self.restart('lvm-1')
        self.sync_facts()
        self.assertEqual(['aerospike-backend-lvm'],
                         self.backend_aggregates('lvm-1'))
        self.assertEqual('lvm-1', self.host_of(self.boot(self.tagged)))

    def test_placement_failing_mid_run_names_the_provider_and_reruns(self):
        http = base.Http()
        http.faults.append(lambda request: http.response(
            400, b'{"errors": [{"detail": "refused"}]}') if (
            request.method == 'PUT' and 'traits' in request.url and
            '/resource_providers/' in request.url) else None)
        rows, err = self.sync_facts('--retries', '1', status=1, http=http)
        self.assertIn('(provider lvm-1)', err)
        self.assertTrue(rows['lvm-1']['Result'].startswith('failed: '))
        # The aggregate move was made; the rerun converges.
        self.assertEqual(['aerospike-backend-lvm'],
                         self.backend_aggregates('lvm-1'))
        rows, _ = self.sync_facts()
        self.assertIn('CUSTOM_AEROSPIKE_STORAGE_LVM_RAW', self.tiers('lvm-1'))
        rows, _ = self.sync_facts()
        self.assertEqual({'unchanged'}, {r['Result'] for r in rows.values()})

    def doctor_on(self, host):
        status, out, err = self.run_cli('doctor', '--config-file',
                                        self.nova_conf(), '-f', 'json')
        return [f for f in json.loads(out)
                if f['Object'] == "host '%s'" % host and
                ('published' in f['Finding'] or
                 'conflicting facts' in f['Finding'])]

    def test_doctor_reports_facts_and_aggregates_that_disagree(self):
        found = self.doctor_on('lvm-1')
        self.assertEqual(1, len(found), found)
        self.assertIn('published backend lvm, its aggregates say none',
                      found[0]['Finding'])
        self.run_printed(found[0]['Fix'])
        self.assertEqual([], self.doctor_on('lvm-1'))
        self.assertEqual(['aerospike-backend-lvm'],
                         self.backend_aggregates('lvm-1'))
        # A stale fact: an error, whose fix strips it.
        self.probe('lvm-1', self.qcow2_conf)
        self.restart('lvm-1')
        found = self.doctor_on('lvm-1')
        self.assertEqual(['error'], [f['Severity'] for f in found], found)
        self.assertIn('conflicting facts', found[0]['Finding'])
        # Verbatim; exit 1: its nova-compute must be restarted.
        status, out, err = self.run_cli(*shlex.split(found[0]['Fix'])[1:])
        self.assertEqual(1, status, out + err)
        self.assertEqual([], self.facts('lvm-1'))
        self.assertEqual([], self.backend_aggregates('lvm-1'))
