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

"""nova-api validates aerospike:* extra specs through the plugin."""

from nova.tests.functional.api import client

from tests.functional import base


class TestExtraSpecValidation(base.CloudTestCase):

    def setUp(self):
        super().setUp()
        self.flavor_id = self.flavor('target')

    def post(self, specs, microversion):
        self.admin_api.microversion = microversion
        return self.admin_api.post_extra_spec(
            self.flavor_id, {'extra_specs': specs})

    def assertRejected(self, specs, *fragments, microversion='2.86'):
        exc = self.assertRaises(client.OpenStackApiException, self.post,
                                specs, microversion)
        self.assertEqual(400, exc.response.status_code)
        for fragment in fragments:
            self.assertIn(fragment, exc.response.text)

    def test_valid_values_are_accepted(self):
        for value in ('local', 'nvme', 'lvm,raw', ' NVMe , lvm '):
            self.post({'aerospike:storage': value}, '2.86')
            self.assertEqual(
                value, self.admin_api.get_extra_spec(
                    self.flavor_id, 'aerospike:storage')['aerospike:storage'])

    def test_bad_values_get_400_naming_the_fix(self):
        for value in ('ssd', 'qcow2', '', 'local,lvm'):
            self.assertRejected({'aerospike:storage': value},
                                'aerospike:storage', 'nvme, lvm, raw')

    def test_unknown_aerospike_keys_get_400(self):
        self.assertRejected({'aerospike:tier': 'lvm'}, 'aerospike:tier')
        self.assertRejected({'aerospike:storage': 'lvm',
                             'aerospike:typo': 'x'}, 'aerospike:typo')
        # A misspelt key names the key meant.
        self.assertRejected({'aerospike:storag': 'lvm'},
                            'unknown extra spec aerospike:storag (did you '
                            'mean aerospike:storage?)')

    def test_before_286_nothing_is_validated(self):
        # Older microversions keep nova's historical behaviour; the
        # scheduler then fails such a flavor closed.
        self.post({'aerospike:storage': 'ssd'}, '2.85')

    def test_other_namespaces_unaffected(self):
        self.post({'hw:cpu_policy': 'dedicated'}, 'latest')
