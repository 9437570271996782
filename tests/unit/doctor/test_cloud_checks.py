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

"""The checks of the cloud's aggregates, hosts and flavors.

"No host can take it" is the real filter's answer, through nova's own
HostStates built from the data.
"""

from aerospike_filters.doctor import cloud_checks
from aerospike_filters.doctor import findings
from tests.unit import base
from tests.unit import doctor

LVM_FACT = 'CUSTOM_AEROSPIKE_FACT_BACKEND_LVM'
RAW_FACT = 'CUSTOM_AEROSPIKE_FACT_BACKEND_RAW'
TOOL_ARGS = '--os-cloud lab'


class TestCloudChecks(base.NovaTestCase):

    def run_check(self, check, data, conf_text=None):
        return check(doctor.make_context(self, conf_text, data, TOOL_ARGS))

    def test_no_cloud_no_finding(self):
        for check in (cloud_checks.aggregate_values,
                      cloud_checks.host_backends,
                      cloud_checks.published_facts,
                      cloud_checks.flavor_placement,
                      cloud_checks.dedicated_aggregates):
            self.assertEqual([], self.run_check(check, None),
                             check.__name__)

    def test_a_healthy_cloud_has_no_finding(self):
        data = base.snapshot({'lvm-1': 'lvm', 'raw-1': 'raw'})
        data['flavors'] = [{'name': 'lvm', 'extra_specs': {
            'aerospike:storage': 'lvm'}}, {'name': 'plain'}]
        for check in (cloud_checks.aggregate_values,
                      cloud_checks.host_backends,
                      cloud_checks.published_facts,
                      cloud_checks.flavor_placement,
                      cloud_checks.dedicated_aggregates):
            self.assertEqual([], self.run_check(check, data),
                             check.__name__)

    def test_unrecognised_backend_value(self):
        data = base.snapshot({'c1': 'lvm'}, [{
            'name': 'weird one', 'hosts': [],
            'metadata': {'ephemeral_backend': 'floppy'}}])
        self.assertEqual([findings.Finding(
            findings.ERROR, "aggregate 'weird one'",
            "ephemeral_backend='floppy' is not a recognised backend; its "
            "hosts count as unsuitable",
            "openstack aggregate unset --property ephemeral_backend "
            "'weird one'")],
            self.run_check(cloud_checks.aggregate_values, data))

    def test_hosts_in_disagreeing_aggregates_and_undescribed(self):
        data = base.snapshot({'both': 'lvm', 'bare': None}, [{
            'name': 'raw-too', 'hosts': ['both'],
            'metadata': {'ephemeral_backend': 'raw'}}])
        found = self.run_check(cloud_checks.host_backends, data)
        self.assertEqual([(findings.ERROR, "host 'both'"),
                          (findings.WARNING, "host 'bare'")],
                         [f[:2] for f in found])
        self.assertIn('disagree on ephemeral_backend', found[0].problem)
        self.assertTrue(found[0].fix.startswith(
            'on both: aerospike-filters probe > report.json && '
            'aerospike-filters sync --report report.json'))
        self.assertIn('(or, if its backend is lvm: openstack aggregate add '
                      'host aerospike-backend-lvm bare)', found[1].fix)

    def test_host_backends_entry_describes_a_host(self):
        data = base.snapshot({'bare': None})
        self.assertEqual([], self.run_check(
            cloud_checks.host_backends, data, doctor.GOOD_CONF +
            '[aerospike_filters]\nhost_backends = bare:lvm\n'))

    def test_published_facts_against_aggregates(self):
        data = base.snapshot({'agrees': 'lvm', 'differs': 'lvm',
                              'stale': 'lvm'})
        facts = {'agrees': [LVM_FACT], 'differs': [RAW_FACT],
                 'stale': [LVM_FACT, RAW_FACT]}
        for host in data['hosts']:
            host['facts'] = facts[host['host']]
        found = self.run_check(cloud_checks.published_facts, data)
        self.assertEqual([
            findings.Finding(
                findings.WARNING, "host 'differs'",
                'its nova-compute published backend raw, its aggregates '
                'say lvm',
                'aerospike-filters trait sync-facts --host differs '
                '--os-cloud lab'),
            (findings.ERROR, "host 'stale'")],
            [found[0], found[1][:2]])
        self.assertIn('publishes conflicting facts %s, %s' % (
            LVM_FACT, RAW_FACT), found[1].problem)

    def test_invalid_flavor_gets_the_fix_that_boots(self):
        data = base.snapshot({'lvm-1': 'lvm'})
        data['flavors'] = [{'name': 'nv', 'extra_specs': {
            'aerospike:storage': 'nvme'}}]
        found = self.run_check(cloud_checks.flavor_placement, data)
        self.assertEqual([(findings.ERROR, "flavor 'nv'")],
                         [f[:2] for f in found])
        self.assertIn('requests no NVMe device', found[0].problem)
        # No host has NVMe devices: the fix keeps lvm and raw instead.
        self.assertEqual('openstack --os-compute-api-version 2.86 flavor '
                         'set --property aerospike:storage=local nv',
                         found[0].fix)

    def test_flavor_no_host_can_take(self):
        data = base.snapshot({'lvm-1': 'lvm'})
        data['flavors'] = [{'name': 'raw', 'extra_specs': {
            'aerospike:storage': 'raw'}}]
        found = self.run_check(cloud_checks.flavor_placement, data)
        self.assertEqual([(
            findings.ERROR, "flavor 'raw'",
            'no host can take it: no host offers raw; every boot fails '
            'with NoValidHost')], [f[:3] for f in found])
        self.assertTrue(found[0].fix.startswith('publish suitable hosts'))

    def test_nvme_flavor_where_placement_has_no_devices(self):
        data = base.snapshot({'lvm-1': ('lvm', 2)})
        data['pci_in_placement'] = False
        data['flavors'] = [{'name': 'nv', 'extra_specs': {
            'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'nvme:1'}}]
        found = self.run_check(cloud_checks.flavor_placement, data)
        self.assertEqual([(findings.INFO, "flavor 'nv'")],
                         [f[:2] for f in found])
        self.assertTrue(found[0].fix.endswith('flavor repair nv'))

    def test_dedicated_aggregates(self):
        dedicated = {'name': 'reserved', 'hosts': ['lvm-1'],
                     'metadata': {'aerospike_dedicated': 'true'}}
        data = base.snapshot({'lvm-1': 'lvm'}, [dedicated])
        data['flavors'] = [{'name': 'plain'}]
        found = self.run_check(cloud_checks.dedicated_aggregates, data)
        self.assertEqual([(findings.WARNING, "aggregate 'reserved'")],
                         [f[:2] for f in found])
        self.assertIn('openstack aggregate unset --property '
                      'aerospike_dedicated reserved', found[0].fix)
        data['flavors'].append({'name': 'lvm', 'extra_specs': {
            'aerospike:storage': 'lvm'}})
        found = self.run_check(cloud_checks.dedicated_aggregates, data)
        self.assertEqual([(findings.INFO, "aggregate 'reserved'")],
                         [f[:2] for f in found])
        self.assertEqual([], self.run_check(
            cloud_checks.dedicated_aggregates, data, doctor.GOOD_CONF +
            '[aerospike_filters]\nisolate_dedicated_hosts = true\n'))
        # Without flavors in the data, nothing to judge.
        del data['flavors']
        self.assertEqual([], self.run_check(
            cloud_checks.dedicated_aggregates, data))
