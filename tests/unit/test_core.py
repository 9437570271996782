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

"""The pure core: storage vocabulary, request contract, facts, verdicts."""

from oslotest import base

from aerospike_filters import host_facts
from aerospike_filters import request
from aerospike_filters import storage
from aerospike_filters import verdict

KEY = 'ephemeral_backend'
ALL = frozenset(storage.TIERS)


def facts(*values, fallback=None):
    return host_facts.facts_from_aggregates(
        [('agg%d' % i, {KEY: v}) for i, v in enumerate(values)], KEY,
        fallback)


class TestStorage(base.BaseTestCase):

    def test_only_lvm_and_raw_are_suitable(self):
        suitable = {name for name, b in storage.BACKENDS.items() if b.tier}
        self.assertEqual({'lvm', 'raw'}, suitable)

    def test_faq_unsuitable_kinds_are_known(self):
        for name in ('qcow2', 'vmdk', 'vdi', 'vhd', 'vvfat', 'rbd', 'nfs',
                     'iscsi'):
            backend = storage.backend_for(name)
            self.assertIsNotNone(backend, name)
            self.assertIsNone(backend.tier, name)

    def test_spellings(self):
        self.assertEqual('raw', storage.backend_for(' FLAT ').name)
        self.assertEqual('rbd', storage.backend_for('ceph').name)
        self.assertIsNone(storage.backend_for('zfs'))
        self.assertIsNone(storage.backend_for(None))
        self.assertIsNone(storage.backend_for(7))


class TestRequest(base.BaseTestCase):

    def test_untagged(self):
        self.assertFalse(request.parse_request({}).tagged)
        self.assertFalse(request.parse_request(None).tagged)
        self.assertFalse(request.parse_request(
            {'aerospike:other': 'x'}).tagged)

    def test_local_means_every_tier(self):
        self.assertEqual(ALL, request.parse_tiers('local'))
        self.assertEqual(ALL, request.parse_tiers(' Local , LOCAL'))

    def test_subsets(self):
        self.assertEqual({'nvme', 'raw'}, request.parse_tiers('raw, NVME'))
        self.assertEqual({'lvm'}, request.parse_tiers('lvm,lvm'))

    def test_invalid(self):
        for value in ('', ' ', 'ssd', 'lvm,', 'local,lvm', 'lvm raw', 5):
            self.assertRaises(request.InvalidStorageValue,
                              request.parse_tiers, value)
        parsed = request.parse_request({'aerospike:storage': 'ssd'})
        self.assertTrue(parsed.tagged)
        self.assertEqual(frozenset(), parsed.tiers)
        self.assertIn("'ssd'", parsed.error)

    def test_is_tagged_never_raises(self):
        self.assertFalse(request.is_tagged(None))
        self.assertTrue(request.is_tagged({'aerospike:storage': 'x'}))


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


class TestJudge(base.BaseTestCase):

    def test_tiers(self):
        self.assertEqual('lvm', verdict.judge(ALL, facts('lvm')).tier)
        self.assertEqual('raw', verdict.judge(ALL, facts('flat')).tier)
        supply = verdict.NvmeSupply(2, 1)
        self.assertEqual('nvme', verdict.judge(ALL, facts('lvm'),
                                               supply).tier)
        self.assertEqual('lvm', verdict.judge(frozenset(['lvm']),
                                              facts('lvm'), supply).tier)

    def test_rejections_carry_a_category(self):
        cases = {'qcow2': facts('qcow2'), 'conflict': facts('lvm', 'rbd'),
                 'unknown': facts(), 'unrecognised': facts('zfs'),
                 'tier-mismatch': facts('raw')}
        for category, found in cases.items():
            result = verdict.judge(frozenset(['lvm']), found)
            self.assertFalse(result.passes)
            self.assertEqual(category, result.category)
            self.assertTrue(result.reason)

    def test_not_enough_nvme(self):
        result = verdict.judge(frozenset(['nvme']), facts(),
                               verdict.NvmeSupply(1, 2))
        self.assertFalse(result.passes)
        self.assertIn('1 free NVMe', result.reason)

    def test_untagged(self):
        self.assertTrue(verdict.judge_untagged(True, False).passes)
        self.assertFalse(verdict.judge_untagged(True, True).passes)
        self.assertTrue(verdict.judge_untagged(False, True).passes)
