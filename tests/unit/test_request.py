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

"""The flavor extra spec contract."""

from oslotest import base

from aerospike_filters import request
from tests.unit.core_data import ALL


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
