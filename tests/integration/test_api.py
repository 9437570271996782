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

"""nova-api loads the plugin's extra spec validators (README: from compute
API microversion 2.86 on, unknown ``aerospike:*`` keys and invalid values
are rejected with HTTP 400)."""

from tests.integration import base


class TestExtraSpecValidation(base.RealCloudTestCase):

    def setUp(self):
        super().setUp()
        self.flavor = self.make_flavor({})

    def flavor_set(self, prop, version='2.86'):
        return self.openstack('--os-compute-api-version', version, 'flavor',
                              'set', '--property', prop, self.flavor.name,
                              check=False)

    def specs(self):
        return self.conn.compute.fetch_flavor_extra_specs(
            self.flavor).extra_specs or {}

    def test_invalid_value_is_400(self):
        result = self.flavor_set('aerospike:storage=ssd')
        self.assertNotEqual(0, result.returncode, result.stdout)
        self.assertRegex(result.stderr, r'\b400\b.*Validation failed')
        self.assertIn('aerospike:storage', result.stderr)
        self.assertNotIn('aerospike:storage', self.specs())

    def test_unknown_aerospike_key_is_400(self):
        result = self.flavor_set('aerospike:storrage=lvm')
        self.assertNotEqual(0, result.returncode, result.stdout)
        self.assertRegex(result.stderr, r'\b400\b.*Validation failed')
        self.assertIn('aerospike:storrage', result.stderr)
        self.assertNotIn('aerospike:storrage', self.specs())

    def test_valid_values_are_accepted(self):
        for value in ('local', 'lvm', 'LVM,raw', 'nvme,lvm'):
            result = self.flavor_set('aerospike:storage=%s' % value)
            self.assertEqual(0, result.returncode, result.stderr)
            self.assertEqual(value, self.specs()['aerospike:storage'])


class TestServerLifecycle(base.RealCloudTestCase):
    """A tagged server is shown and deleted like any other.

    nova asks the real neutron for its ports and security groups.
    """

    def test_show_and_delete_a_tagged_server(self):
        flavor = self.readme_flavor('local')
        server = self.unique('it-show')
        created = self.openstack('server', 'create', '--flavor', flavor,
                                 '--image', base.IMAGE, '--nic', 'none',
                                 '--wait', server, '-f', 'json',
                                 timeout=base.BOOT_TIMEOUT)
        self.addCleanup(self.delete_server, self.json_of(created)['id'])
        shown = self.json_of(self.openstack('server', 'show', server,
                                            '-f', 'json'))
        self.assertEqual('ACTIVE', shown['status'])
        self.assertIn(shown['OS-EXT-SRV-ATTR:host'], base.SUITABLE)
        self.assertEqual({}, shown['addresses'])
        self.openstack('server', 'delete', '--wait', server,
                       timeout=base.BOOT_TIMEOUT)
        listed = self.openstack('server', 'list', '--name', server,
                                '-f', 'value', '-c', 'ID')
        self.assertEqual('', listed.stdout.strip())
