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

"""The admin's client, openstacksdk, against the in-process nova-api."""

from aerospike_filters.client import flavors
from aerospike_filters.client import http
from tests.functional import base


class TestOpenStackSDK(base.CloudTestCase):

    def test_flavor_and_aggregates_made_with_openstacksdk(self):
        self.start_cloud({'lvm-1': None, 'qcow2-1': None})
        conn = self.sdk()
        for host, backend in (('lvm-1', 'lvm'), ('qcow2-1', 'qcow2')):
            agg = conn.compute.create_aggregate(
                name='aerospike-backend-' + backend)
            conn.compute.set_aggregate_metadata(
                agg, {'ephemeral_backend': backend})
            conn.compute.add_host_to_aggregate(agg, host)
        flavor = conn.compute.create_flavor(
            name='aerospike.local', ram=512, vcpus=1, disk=1)
        conn.compute.create_flavor_extra_specs(
            flavor, {'aerospike:storage': 'local'})
        for _ in range(3):
            self.assertEqual('lvm-1', self.host_of(self.boot(flavor.id)))

    def test_validation_needs_microversion_2_86(self):
        """openstacksdk sets extra specs below 2.86: nova validates nothing.

        That is why ``aerospike-filters flavor create`` sets them at 2.86.
        """
        conn = self.sdk()
        flavor = conn.compute.create_flavor(
            name='bad', ram=512, vcpus=1, disk=1)
        conn.compute.create_flavor_extra_specs(
            flavor, {'aerospike:storage': 'fast'})
        exc = self.assertRaises(
            http.OperationError, flavors.set_extra_specs, conn,
            flavor.id, {'aerospike:storage': 'faster'})
        self.assertIn('HTTP 400', str(exc))
        self.assertIn("'faster'", str(exc))
