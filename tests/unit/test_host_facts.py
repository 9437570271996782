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

"""What aggregate metadata says of a host."""

from oslotest import base

from aerospike_filters import host_facts
from tests.unit.core_data import facts
from tests.unit.core_data import KEY


class TestHostFacts(base.BaseTestCase):

    def test_agreeing_aggregates(self):
        found = facts('raw', 'FLAT')
        self.assertEqual('raw', found.backend.name)
        self.assertEqual((), found.conflict)

    def test_disagreeing_aggregates(self):
        found = facts('raw', 'qcow2', 'lvm')
        self.assertIsNone(found.backend)
        self.assertEqual(3, len(host_facts.conflicting_pairs(found.conflict)))

    def test_two_different_unrecognised_values_conflict(self):
        self.assertTrue(facts('zfs', 'xfs').conflict)
        self.assertFalse(facts('zfs', 'ZFS').conflict)

    def test_fallback_only_when_no_aggregate_says(self):
        self.assertEqual('lvm', facts(fallback=('lvm', 'map')).backend.name)
        self.assertEqual('qcow2',
                         facts('qcow2', fallback=('lvm', 'map')).backend.name)

    def test_dedicated(self):
        self.assertTrue(host_facts.facts_from_aggregates(
            [('a', {'aerospike_dedicated': 'Yes'})], KEY).dedicated)
        self.assertFalse(host_facts.facts_from_aggregates(
            [('a', {'aerospike_dedicated': 'no'})], KEY).dedicated)
