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

"""The flavor contract."""

from oslotest import base

from aerospike_filters import storage_request
from tests.unit.core_data import ALL

LVM_RAW = frozenset(['lvm', 'raw'])


def parse(**specs):
    return storage_request.parse_request({k.replace('_', ':', 1): v
                                          for k, v in specs.items()})


class TestTiers(base.BaseTestCase):

    def test_local_names_every_tier(self):
        self.assertEqual(ALL, storage_request.parse_tiers('local'))
        self.assertEqual(ALL, storage_request.parse_tiers(' Local , LOCAL'))

    def test_subsets(self):
        self.assertEqual(
            {'nvme', 'raw'}, storage_request.parse_tiers('raw, NVME'))
        self.assertEqual({'lvm'}, storage_request.parse_tiers('lvm,lvm'))

    def test_invalid(self):
        for value in ('', ' ', 'ssd', 'lvm,', 'local,lvm', 'lvm raw', 5):
            self.assertRaises(storage_request.InvalidStorageValue,
                              storage_request.parse_tiers, value)

    def test_tier_value_is_canonical(self):
        self.assertEqual('local', storage_request.tier_value(ALL))
        self.assertEqual(
            'nvme,raw', storage_request.tier_value({'raw', 'nvme'}))


class TestRequest(base.BaseTestCase):

    def test_untagged(self):
        self.assertFalse(storage_request.parse_request({}).tagged)
        self.assertFalse(storage_request.parse_request(None).tagged)
        self.assertFalse(storage_request.parse_request(
            {'hw:cpu_policy': 'dedicated'}).tagged)

    def test_local_without_nvme_devices_is_lvm_or_raw(self):
        parsed = storage_request.parse_request({'aerospike:storage': 'local'})
        self.assertEqual(LVM_RAW, parsed.tiers)
        self.assertEqual(ALL, parsed.requested)
        self.assertEqual(0, parsed.nvme_devices)
        self.assertIsNone(parsed.error)

    def test_nvme_counts_with_devices_through_an_nvme_alias(self):
        parsed = storage_request.parse_request({
            'aerospike:storage': 'local',
            'pci_passthrough:alias': 'gpu:1, nvme:2'})
        self.assertEqual(ALL, parsed.tiers)
        self.assertEqual(2, parsed.nvme_devices)
        # Devices of an alias that is not an NVMe alias count for nothing.
        parsed = storage_request.parse_request({
            'aerospike:storage': 'nvme,lvm', 'pci_passthrough:alias': 'gpu:1'})
        self.assertEqual({'lvm'}, parsed.tiers)
        # The aliases come from the nvme_pci_aliases option.
        parsed = storage_request.parse_request({
            'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'fast:1'},
            nvme_aliases=('fast',))
        self.assertEqual({'nvme'}, parsed.tiers)

    def test_nvme_alone_without_devices_is_invalid(self):
        parsed = storage_request.parse_request({'aerospike:storage': 'nvme'})
        self.assertTrue(parsed.tagged)
        self.assertEqual(frozenset(), parsed.tiers)
        self.assertIn('requests no NVMe device', parsed.error)
        self.assertEqual((storage_request.Change('pci_passthrough:alias',
                                                 'nvme:1'),), parsed.fix)

    def test_the_fix_keeps_other_pci_requests(self):
        parsed = storage_request.parse_request({
            'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'gpu:2'})
        self.assertEqual((storage_request.Change('pci_passthrough:alias',
                                                 'gpu:2,nvme:1'),), parsed.fix)
        fixed = storage_request.parse_request({
            'aerospike:storage': 'nvme',
            'pci_passthrough:alias': parsed.fix[0].value})
        self.assertEqual({'nvme'}, fixed.tiers)

    def test_invalid_value_is_fixed_with_local(self):
        parsed = storage_request.parse_request({'aerospike:storage': 'ssd'})
        self.assertIn("'ssd'", parsed.error)
        self.assertEqual(
            (storage_request.Change('aerospike:storage', 'local'),),
            parsed.fix)

    def test_unknown_key_makes_the_flavor_invalid_not_untagged(self):
        parsed = storage_request.parse_request({'aerospike:storag': 'lvm'})
        self.assertTrue(parsed.tagged)
        self.assertIn('aerospike:storag', parsed.error)
        # The misspelt key's value is kept under the right key.
        self.assertEqual((storage_request.Change('aerospike:storage', 'lvm'),
                          storage_request.Change('aerospike:storag', None)),
                         parsed.fix)
        parsed = storage_request.parse_request({'aerospike:storage': 'lvm',
                                                'aerospike:speed': 'fast'})
        self.assertEqual((storage_request.Change('aerospike:speed', None),),
                         parsed.fix)
        parsed = storage_request.parse_request({'aerospike:tiers': 'fast'})
        self.assertEqual(storage_request.Change('aerospike:storage', 'local'),
                         parsed.fix[0])

    def test_malformed_alias_request(self):
        for value in ('nvme:abc', 'nvme', 'nvme:0', ':1', 'nvme:1,', 7):
            parsed = storage_request.parse_request(
                {'aerospike:storage': 'lvm', 'pci_passthrough:alias': value})
            self.assertIn('pci_passthrough:alias', parsed.error, value)
            self.assertEqual((storage_request.Change('pci_passthrough:alias',
                                                     None),), parsed.fix)
        # An nvme flavor gets its device request back, well formed.
        parsed = storage_request.parse_request(
            {'aerospike:storage': 'nvme', 'pci_passthrough:alias': 'nvme:x'})
        self.assertEqual((storage_request.Change('pci_passthrough:alias',
                                                 'nvme:1'),), parsed.fix)

    def test_every_fix_gives_a_valid_flavor(self):
        cases = [{'aerospike:storage': 'ssd'},
                 {'aerospike:storag': 'raw,lvm'},
                 {'aerospike:storage': 'nvme'},
                 {'aerospike:storage': 'nvme', 'aerospike:x': 'y',
                  'pci_passthrough:alias': 'gpu:1'},
                 {'aerospike:storage': 'lvm',
                  'pci_passthrough:alias': 'nvme:x'}]
        for specs in cases:
            parsed = storage_request.parse_request(specs)
            self.assertIsNotNone(parsed.error, specs)
            # One fix repairs every fault, also those the first one hides.
            fixed = dict(specs)
            for change in parsed.fix:
                if change.value is None:
                    fixed.pop(change.key)
                else:
                    fixed[change.key] = change.value
            self.assertIsNone(storage_request.parse_request(fixed).error,
                              (specs, fixed))

    def test_is_tagged_never_raises(self):
        self.assertFalse(storage_request.is_tagged(None))
        self.assertTrue(storage_request.is_tagged({'aerospike:storage': 'x'}))
        self.assertTrue(storage_request.is_tagged({'aerospike:typo': 'x'}))


class TestFixCommand(base.BaseTestCase):

    def test_sets_at_the_validating_microversion_and_unsets(self):
        self.assertEqual(
            "openstack --os-compute-api-version 2.86 flavor set --property "
            "aerospike:storage=lvm big.flavor && openstack flavor unset "
            "--property aerospike:storag big.flavor",
            storage_request.fix_command('big.flavor', [
                storage_request.Change('aerospike:storage', 'lvm'),
                storage_request.Change('aerospike:storag', None)]))

    def test_names_are_quoted_for_the_shell(self):
        self.assertIn("'my flavor'", storage_request.fix_command(
            'my flavor',
            [storage_request.Change('aerospike:storage', 'local')]))


class TestNoLocalDisk(base.BaseTestCase):
    """Boot from volume: tagged guests need an ephemeral disk or NVMe."""

    def check(self, specs, bfv, ephemeral):
        return storage_request.no_local_disk(
            storage_request.parse_request(specs), bfv, ephemeral)

    def test_tagged_volume_boot_without_local_disk(self):
        why = self.check({'aerospike:storage': 'raw'}, True, 0)
        self.assertIn('no local disk', why)

    def test_a_local_disk_or_no_volume_boot_is_fine(self):
        tagged = {'aerospike:storage': 'local'}
        self.assertIsNone(self.check(tagged, True, 20))
        self.assertIsNone(self.check(tagged, False, 0))
        self.assertIsNone(self.check(
            dict(tagged, **{'pci_passthrough:alias': 'nvme:1'}), True, 0))

    def test_untagged_and_invalid_are_left_alone(self):
        self.assertIsNone(self.check({}, True, 0))
        self.assertIsNone(self.check({'aerospike:storage': 'ssd'}, True, 0))
