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

"""The checks of placement pre-selection: flavors' and hosts' traits."""

import itertools

from aerospike_filters.doctor import findings
from aerospike_filters.doctor import trait_checks
from aerospike_filters import trait_contract
from tests.unit import base
from tests.unit import doctor

LVM_TRAIT = 'CUSTOM_AEROSPIKE_STORAGE_LVM'
RAW_TRAIT = 'CUSTOM_AEROSPIKE_STORAGE_RAW'
TOOL_ARGS = '--os-cloud lab'


def lvm_flavor(**traits):
    specs = {'aerospike:storage': 'lvm'}
    specs.update(('trait:' + name, value) for name, value in traits.items())
    return {'name': 'lvm', 'extra_specs': specs}


def traits_of(backend):
    """The traits of every tier set a host of ``backend`` meets."""
    return sorted(trait_contract.trait_for_tiers(set(tiers))
                  for count in (1, 2, 3)
                  for tiers in itertools.combinations(
                      ('nvme', 'lvm', 'raw'), count)
                  if backend in tiers)


class TestTraitChecks(base.NovaTestCase):

    def run_check(self, check, data, conf_text=None):
        return check(doctor.make_context(self, conf_text, data, TOOL_ARGS))

    def test_no_cloud_no_finding(self):
        self.assertEqual([], self.run_check(trait_checks.flavor_traits,
                                            None))
        self.assertEqual([], self.run_check(trait_checks.host_traits, None))

    def test_untraited_flavor_on_a_cloud_without_traits(self):
        data = base.snapshot({'lvm-1': 'lvm', 'raw-1': 'raw'})
        data['flavors'] = [lvm_flavor()]
        self.assertEqual([findings.Finding(
            findings.WARNING, "flavor 'lvm'",
            'requires no trait, so placement picks its candidates without '
            'regard to storage: all 2 compute nodes today, any 1000 of '
            'them ([scheduler] max_placement_results) once the cloud has '
            'more, suitable or not',
            'aerospike-filters trait publish --os-cloud lab && '
            'aerospike-filters flavor repair lvm --os-cloud lab')],
            self.run_check(trait_checks.flavor_traits, data))
        # Before the cloud uses traits, no host drifts.
        self.assertEqual([], self.run_check(trait_checks.host_traits, data))

    def test_untraited_flavor_where_the_cap_bites(self):
        data = base.snapshot({'lvm-1': 'lvm', 'raw-1': 'raw'})
        for host in data['hosts']:
            host['traits'] = [LVM_TRAIT] if host['host'] == 'lvm-1' else []
        data['flavors'] = [lvm_flavor()]
        found = self.run_check(trait_checks.flavor_traits, data,
                               doctor.GOOD_CONF + '[scheduler]\n'
                               'max_placement_results = 1\n')
        self.assertEqual([(findings.ERROR, "flavor 'lvm'")],
                         [f[:2] for f in found])
        self.assertIn('any 1 of the 2 compute nodes', found[0].problem)
        # lvm-1 carries the trait: repair alone is the fix.
        self.assertEqual('aerospike-filters flavor repair lvm --os-cloud lab',
                         found[0].fix)

    def test_flavor_with_a_wrong_trait(self):
        data = base.snapshot({'lvm-1': 'lvm'})
        data['flavors'] = [lvm_flavor(**{RAW_TRAIT: 'required'})]
        found = self.run_check(trait_checks.flavor_traits, data)
        self.assertEqual([(findings.ERROR, "flavor 'lvm'")],
                         [f[:2] for f in found])
        self.assertIn('requires %s, which does not match its '
                      'aerospike:storage (that calls for %s)'
                      % (RAW_TRAIT, LVM_TRAIT), found[0].problem)

    def test_traited_flavor_and_traited_hosts_have_no_finding(self):
        data = base.snapshot({'lvm-1': 'lvm'})
        data['hosts'][0]['traits'] = traits_of('lvm')
        data['flavors'] = [lvm_flavor(**{LVM_TRAIT: 'required'})]
        self.assertEqual([], self.run_check(trait_checks.flavor_traits,
                                            data))
        self.assertEqual([], self.run_check(trait_checks.host_traits, data))

    def test_hosts_whose_traits_drifted(self):
        data = base.snapshot({'lvm-1': 'lvm', 'raw-1': 'raw'})
        traits = {'lvm-1': [RAW_TRAIT], 'raw-1': traits_of('raw')}
        for host in data['hosts']:
            host['traits'] = traits[host['host']]
        found = self.run_check(trait_checks.host_traits, data)
        self.assertEqual([(findings.WARNING, "host 'lvm-1'")],
                         [f[:2] for f in found])
        self.assertIn('lacks %s' % LVM_TRAIT, found[0].problem)
        self.assertIn('carries %s' % RAW_TRAIT, found[0].problem)
        self.assertEqual(
            'aerospike-filters trait publish --host lvm-1 --os-cloud lab',
            found[0].fix)
