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

"""The trait contract: exact for every valid aerospike:storage value."""

import itertools

from oslotest import base

from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters import trait_contract
from aerospike_filters import verdicts
from tests.unit.core_data import facts

BACKENDS = sorted(storage.BACKEND_NAMES) + ['zfs', None]
VALUES = ['local', 'nvme', 'lvm', 'raw', 'nvme,lvm', 'nvme,raw', 'lvm,raw',
          'nvme,lvm,raw']


def host(value, conflict=False):
    if value is None:
        return facts()
    return facts(value, 'qcow2') if conflict else facts(value)


class TestNames(base.BaseTestCase):

    def test_one_trait_per_tier_set(self):
        self.assertEqual(7, len(set(trait_contract.ALL_TRAITS)))
        self.assertEqual('CUSTOM_AEROSPIKE_STORAGE_LVM_RAW',
                         trait_contract.trait_for_tiers({'raw', 'lvm'}))
        self.assertEqual('CUSTOM_AEROSPIKE_STORAGE_NVME_LVM_RAW',
                         trait_contract.trait_for_tiers(storage.TIERS))
        for trait in trait_contract.ALL_TRAITS:
            self.assertTrue(trait_contract.is_managed(trait))
            # placement's rule for custom traits
            self.assertRegex(trait, r'^CUSTOM_[A-Z0-9_]+$')
            self.assertLessEqual(len(trait), 255)

    def test_old_backend_traits_are_managed_too(self):
        self.assertTrue(trait_contract.is_managed(
            'CUSTOM_AEROSPIKE_BACKEND_LVM'))
        self.assertFalse(trait_contract.is_managed('CUSTOM_RAID'))
        self.assertFalse(trait_contract.is_managed('COMPUTE_STATUS_DISABLED'))


class TestFlavorTrait(base.BaseTestCase):

    def test_every_valid_value_has_exactly_its_effective_set(self):
        for value, devices in itertools.product(VALUES, (0, 2)):
            specs = {'aerospike:storage': value}
            if devices:
                specs['pci_passthrough:alias'] = 'nvme:%d' % devices
            parsed = storage_request.parse_request(specs)
            if parsed.error:
                self.assertIsNone(trait_contract.flavor_trait(specs), specs)
                continue
            self.assertEqual(trait_contract.trait_for_tiers(parsed.tiers),
                             trait_contract.flavor_trait(specs), specs)

    def test_local_without_devices_is_lvm_or_raw(self):
        self.assertEqual('CUSTOM_AEROSPIKE_STORAGE_LVM_RAW',
                         trait_contract.flavor_trait(
                             {'aerospike:storage': 'local'}))

    def test_untagged_and_invalid_flavors_have_none(self):
        self.assertIsNone(trait_contract.flavor_trait({}))
        self.assertIsNone(trait_contract.flavor_trait(
            {'aerospike:storage': 'ssd'}))

    def test_flavor_traits_lists_only_managed_ones(self):
        self.assertEqual(
            {'CUSTOM_AEROSPIKE_STORAGE_LVM': 'required'},
            trait_contract.flavor_traits({
                'trait:CUSTOM_AEROSPIKE_STORAGE_LVM': 'required',
                'trait:HW_CPU_X86_AVX2': 'required',
                'aerospike:storage': 'lvm'}))


class TestHostTraits(base.BaseTestCase):

    def test_a_host_carries_a_trait_exactly_when_the_filter_passes_it(self):
        """The filter's rule is the one source of truth."""
        for value, conflict, devices, allow in itertools.product(
                BACKENDS, (False, True), (0, 1, 3), (False, True)):
            found = host(value, conflict)
            carried = trait_contract.host_traits(found, devices, allow)
            for tiers in trait_contract.TIER_SETS:
                supply = verdicts.NvmeSupply(devices, 1) if devices else None
                passes = verdicts.judge(tiers, found, supply, allow).passes
                self.assertEqual(passes,
                                 trait_contract.trait_for_tiers(
                                     tiers) in carried,
                                 (value, conflict, devices, allow, tiers))

    def test_a_flavor_requiring_its_trait_finds_every_host_that_fits(self):
        """Requiring the flavor's trait loses no host the filter passes."""
        for value, devices, spec in itertools.product(
                BACKENDS, (0, 2), VALUES):
            specs = {'aerospike:storage': spec}
            if 'nvme' in spec and spec != 'local':
                specs['pci_passthrough:alias'] = 'nvme:1'
            parsed = storage_request.parse_request(specs)
            found = host(value)
            supply = verdicts.NvmeSupply(devices, 1) if devices else None
            passes = verdicts.judge(
                parsed.tiers, found,
                supply if parsed.nvme_devices else None).passes
            self.assertEqual(
                passes, trait_contract.flavor_trait(specs) in
                trait_contract.host_traits(found, devices),
                (value, devices, spec))

    def test_examples(self):
        self.assertEqual(
            {'CUSTOM_AEROSPIKE_STORAGE_LVM',
             'CUSTOM_AEROSPIKE_STORAGE_LVM_RAW',
             'CUSTOM_AEROSPIKE_STORAGE_NVME_LVM',
             'CUSTOM_AEROSPIKE_STORAGE_NVME_LVM_RAW'},
            trait_contract.host_traits(facts('lvm'), 0))
        self.assertEqual(
            frozenset(), trait_contract.host_traits(facts('qcow2'), 4))
        self.assertEqual(frozenset(), trait_contract.host_traits(facts(), 0))
        self.assertIn('CUSTOM_AEROSPIKE_STORAGE_NVME',
                      trait_contract.host_traits(facts(), 2))


class TestUnknownNvme(base.BaseTestCase):
    """A host whose NVMe devices are unknown.

    The traits that depend on them stay as they are; every other trait
    follows the facts.
    """

    def test_keeps_nvme_dependent_traits_as_they_are(self):
        nvme_only = 'CUSTOM_AEROSPIKE_STORAGE_NVME'
        stale = 'CUSTOM_AEROSPIKE_STORAGE_RAW'
        kept = trait_contract.traits_to_publish(
            facts('lvm'), None, [nvme_only, stale, 'CUSTOM_RAID'])
        self.assertIn(nvme_only, kept)
        self.assertNotIn(stale, kept)
        self.assertIn('CUSTOM_AEROSPIKE_STORAGE_LVM', kept)
        self.assertNotIn(nvme_only, trait_contract.traits_to_publish(
            facts('lvm'), None, []))

    def test_an_unsuitable_backend_loses_every_trait(self):
        self.assertEqual(frozenset(), trait_contract.traits_to_publish(
            facts('qcow2'), None, list(trait_contract.ALL_TRAITS)))

    def test_known_devices_decide(self):
        self.assertEqual(trait_contract.host_traits(facts('lvm'), 0),
                         trait_contract.traits_to_publish(
                             facts('lvm'), 0,
                             ['CUSTOM_AEROSPIKE_STORAGE_NVME']))

    def test_drift(self):
        self.assertEqual(
            (['CUSTOM_AEROSPIKE_STORAGE_LVM'],
             ['CUSTOM_AEROSPIKE_BACKEND_LVM']),
            trait_contract.drift(['CUSTOM_AEROSPIKE_BACKEND_LVM', 'CUSTOM_X'],
                                 frozenset(['CUSTOM_AEROSPIKE_STORAGE_LVM'])))


class TestFacts(base.BaseTestCase):

    def test_every_backend_has_a_fact_and_it_reads_back(self):
        for name in storage.BACKENDS:
            published = trait_contract.fact_traits(name, 2)
            self.assertTrue(all(trait_contract.is_fact(t) for t in published))
            self.assertEqual(trait_contract.Facts(name, 2, []),
                             trait_contract.facts_of(
                                 published + ['HW_CPU_X86_AVX']))

    def test_facts_are_not_managed_so_publishing_never_removes_them(self):
        fact = trait_contract.backend_fact('lvm')
        self.assertEqual('CUSTOM_AEROSPIKE_FACT_BACKEND_LVM', fact)
        self.assertFalse(trait_contract.is_managed(fact))
        self.assertTrue(trait_contract.is_managed(
            trait_contract.ALL_TRAITS[0]))
        self.assertEqual(([], []), trait_contract.drift([fact], frozenset()))

    def test_no_nvme_drive_publishes_no_count(self):
        self.assertEqual(['CUSTOM_AEROSPIKE_FACT_BACKEND_RAW'],
                         trait_contract.fact_traits('raw', 0))
        self.assertEqual(trait_contract.Facts('raw', 0, []),
                         trait_contract.facts_of(
                             ['CUSTOM_AEROSPIKE_FACT_BACKEND_RAW']))

    def test_two_backends_or_counts_conflict(self):
        stale = ['CUSTOM_AEROSPIKE_FACT_BACKEND_LVM',
                 'CUSTOM_AEROSPIKE_FACT_BACKEND_QCOW2']
        self.assertEqual(trait_contract.Facts(None, 0, stale),
                         trait_contract.facts_of(stale))
        counts = ['CUSTOM_AEROSPIKE_FACT_BACKEND_LVM',
                  'CUSTOM_AEROSPIKE_FACT_NVME_1',
                  'CUSTOM_AEROSPIKE_FACT_NVME_2']
        self.assertEqual(trait_contract.Facts(None, 0, counts),
                         trait_contract.facts_of(counts))

    def test_no_facts_and_a_count_alone(self):
        self.assertIsNone(trait_contract.facts_of(
            ['CUSTOM_AEROSPIKE_STORAGE_LVM']))
        self.assertEqual(trait_contract.Facts(None, 0, []),
                         trait_contract.facts_of(
                             ['CUSTOM_AEROSPIKE_FACT_NVME_1']))
        # A later release's fact is not this one's to judge.
        self.assertEqual(trait_contract.Facts('lvm', 0, []),
                         trait_contract.facts_of([
                             'CUSTOM_AEROSPIKE_FACT_BACKEND_LVM',
                             'CUSTOM_AEROSPIKE_FACT_FUTURE']))
