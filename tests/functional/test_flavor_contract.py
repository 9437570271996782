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

"""The flavor contract end to end: what doctor proposes boots.

Broken flavors are made as an admin could make them (below microversion
2.86, where nova validates nothing); doctor checks the cloud; each fix it
proposes is applied verbatim (OpenStackClient's own commands run it), and
a server of the repaired flavor must boot, on a suitable host.
"""

import json

from nova.tests.functional.api import client

from tests.functional import base

LVM_HOSTS = ('lvm-1', 'nvme-1')


class TestDoctorFixesBoot(base.CloudTestCase):

    def setUp(self):
        # Tools see NVMe devices when nova reports them to placement.
        self.flags(report_in_placement=True, group='pci')
        super().setUp()

    def broken_flavor(self, name, extra_specs):
        flavor = self.flavor(name)
        self.admin_api.microversion = '2.85'  # nova validated nothing
        self.admin_api.post_extra_spec(flavor, {'extra_specs': extra_specs})
        self.admin_api.microversion = self.MICROVERSION
        return flavor

    def doctor_findings(self, flavor_name):
        status, out, err = self.run_cli(
            'doctor', '--config-file', self.nova_conf(), '-f', 'json')
        return [f for f in json.loads(out)
                if f['Object'] == "flavor '%s'" % flavor_name]

    def assertNoServerBoots(self, flavor):
        try:
            server = self.boot(flavor, expected='ERROR')
        except client.OpenStackApiException as exc:
            # nova-api itself fails on a malformed pci_passthrough:alias
            # (HTTP 500, nova 34): doctor is the one to say so.
            self.assertEqual(500, exc.response.status_code)
        else:
            self.assertNoValidHost(server)

    def assertFixBoots(self, name, extra_specs, hosts):
        """Each fix doctor proposes boots; applying them all contents it.

        The first fixes the contract; in a cloud without traits yet, the
        next publishes them and gives the flavor its trait.
        """
        flavor = self.broken_flavor(name, extra_specs)
        self.assertNoServerBoots(flavor)
        for _ in range(2):
            findings = self.doctor_findings(name)
            if not findings:
                break
            self.assertEqual(1, len(findings), findings)
            self.run_printed(findings[0]['Fix'])
            self.assertIn(self.host_of(self.boot(flavor)), hosts)
        self.assertEqual([], self.doctor_findings(name))

    def test_each_fix_on_a_cloud_with_nvme_drives(self):
        self.start_cloud({'lvm-1': 'lvm', 'nvme-1': ('lvm', 2),
                          'raw-1': 'raw', 'qcow2-1': 'qcow2'})
        self.assertFixBoots('typo', {'aerospike:storag': 'lvm'}, LVM_HOSTS)
        self.assertFixBoots('bad-value', {'aerospike:storage': 'ssd'},
                            LVM_HOSTS + ('raw-1',))
        self.assertFixBoots('nvme-no-device', {'aerospike:storage': 'nvme'},
                            ('nvme-1',))
        self.assertFixBoots('bad-alias', {'aerospike:storage': 'lvm',
                                          'pci_passthrough:alias': 'nvme:x'},
                            LVM_HOSTS)

    def test_nvme_fix_without_nvme_drives_keeps_lvm_and_raw(self):
        """Adding a device request would not boot here: doctor knows."""
        self.start_cloud({'lvm-1': 'lvm', 'qcow2-1': 'qcow2'})
        self.assertFixBoots('nvme-no-device', {'aerospike:storage': 'nvme'},
                            ('lvm-1',))


class TestTiersOutweighNovasWeighers(base.CloudTestCase):
    """nvme > lvm > raw by default, with every weigher of nova enabled.

    The lvm host is busy (less free RAM and CPU), so nova's RAM and CPU
    weighers favour the raw host; the default storage multiplier still
    puts a tagged flavor on lvm.
    """

    def make_lvm_busy(self):
        self.start_cloud({'lvm-1': 'lvm', 'raw-1': 'raw'})
        filler = self.flavor('filler', memory_mb=2048, vcpu=2)
        for _ in range(2):
            server = self._build_server(flavor_id=filler, networks='none',
                                        az='nova:lvm-1')
            self._wait_for_state_change(self.api.post_server(
                {'server': server}), 'ACTIVE')

    def test_lvm_wins_over_a_less_loaded_raw_host(self):
        self.make_lvm_busy()
        flavor = self.flavor('aerospike.local', 'local')
        self.assertEqual('lvm-1', self.host_of(self.boot(flavor)))


class TestWeakMultiplierLosesToNovasWeighers(TestTiersOutweighNovasWeighers):
    """Shows the setup above is a real contest: at 1.0 raw wins."""

    WEIGHT_MULTIPLIER = 1.0

    def test_lvm_wins_over_a_less_loaded_raw_host(self):
        self.make_lvm_busy()
        flavor = self.flavor('aerospike.local', 'local')
        self.assertEqual('raw-1', self.host_of(self.boot(flavor)))
