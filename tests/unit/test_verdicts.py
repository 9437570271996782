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

"""The rule: judge() and its categories."""

from oslotest import base

from aerospike_filters import verdicts
from tests.unit.core_data import ALL
from tests.unit.core_data import facts


class TestJudge(base.BaseTestCase):

    def test_tiers(self):
        self.assertEqual('lvm', verdicts.judge(ALL, facts('lvm')).tier)
        self.assertEqual('raw', verdicts.judge(ALL, facts('flat')).tier)
        supply = verdicts.NvmeSupply(2, 1)
        self.assertEqual('nvme', verdicts.judge(ALL, facts('lvm'),
                                                supply).tier)
        self.assertEqual('lvm', verdicts.judge(frozenset(['lvm']),
                                               facts('lvm'), supply).tier)

    def test_rejections_carry_a_category(self):
        cases = {'qcow2': facts('qcow2'), 'conflict': facts('lvm', 'rbd'),
                 'unknown': facts(), 'unrecognised': facts('zfs'),
                 'tier-mismatch': facts('raw')}
        for category, found in cases.items():
            result = verdicts.judge(frozenset(['lvm']), found)
            self.assertFalse(result.passes)
            self.assertEqual(category, result.category)
            self.assertTrue(result.reason)

    def test_not_enough_nvme(self):
        result = verdicts.judge(frozenset(['nvme']), facts(),
                                verdicts.NvmeSupply(1, 2))
        self.assertFalse(result.passes)
        self.assertIn('1 free NVMe', result.reason)

    def test_untagged(self):
        self.assertTrue(verdicts.judge_untagged(True, False).passes)
        self.assertFalse(verdicts.judge_untagged(True, True).passes)
        self.assertTrue(verdicts.judge_untagged(False, True).passes)
