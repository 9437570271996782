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

"""Against a real cloud (devstack with the plugin): skipped without one.

Needs ``OS_CLOUD`` naming an admin cloud in clouds.yaml, as the Zuul job
sets it. Boots servers with the example flavors the plugin created and
checks that each landed on a host whose aggregates publish a suitable
backend, then cleans up.
"""

import os
import time

import openstack
from oslotest import base

from aerospike_filters import host_facts
from aerospike_filters import storage
from aerospike_filters import storage_request

TIMEOUT = int(os.environ.get('AEROSPIKE_FILTERS_BOOT_TIMEOUT', '600'))


class TestOnDevstack(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        cloud = os.environ.get('OS_CLOUD')
        if not cloud:
            self.skipTest('OS_CLOUD is not set: no cloud to test against')
        self.conn = openstack.connect(cloud=cloud)
        self.image = self._image()
        self.network = self._network()

    def _image(self):
        images = [i for i in self.conn.image.images()
                  if i.name and i.name.startswith('cirros')]
        if not images:
            self.skipTest('no cirros image in the cloud')
        return images[0]

    def _network(self):
        for name in ('private', 'shared'):
            network = self.conn.network.find_network(name)
            if network:
                return network
        return None

    def boot(self, flavor_name):
        flavor = self.conn.compute.find_flavor(flavor_name)
        if flavor is None:
            self.skipTest('flavor %s was not created' % flavor_name)
        kwargs = {'networks': [{'uuid': self.network.id}]} \
            if self.network else {'networks': 'none'}
        server = self.conn.compute.create_server(
            name='aerospike-filters-test', flavor_id=flavor.id,
            image_id=self.image.id, **kwargs)
        self.addCleanup(self.conn.compute.delete_server, server,
                        ignore_missing=True)
        server = self.conn.compute.wait_for_server(server, wait=TIMEOUT)
        return self.conn.compute.get_server(server.id)

    def backend_of(self, host):
        aggregates = [(a.name, a.metadata or {})
                      for a in self.conn.compute.aggregates()
                      if host in (a.hosts or [])]
        return host_facts.facts_from_aggregates(
            aggregates, 'ephemeral_backend').backend

    def check_lands_on_suitable_host(self, flavor_name):
        server = self.boot(flavor_name)
        host = server.compute_host
        flavor = self.conn.compute.find_flavor(flavor_name)
        specs = self.conn.compute.fetch_flavor_extra_specs(flavor).extra_specs
        tiers = storage_request.parse_request(specs).tiers
        backend = self.backend_of(host)
        if backend is not None and backend.tier in tiers:
            return
        # Otherwise only NVMe devices can have qualified the host, and
        # never on a known-unsuitable backend.
        self.assertIn(storage.NVME, tiers, (host, backend))
        self.assertTrue(backend is None or backend.tier is not None,
                        (host, backend))

    def test_aerospike_local(self):
        self.check_lands_on_suitable_host('aerospike.local')

    def test_aerospike_lvm_goes_nowhere_without_an_lvm_host(self):
        lvm_hosts = [h for a in self.conn.compute.aggregates()
                     if (a.metadata or {}).get('ephemeral_backend') == 'lvm'
                     for h in (a.hosts or [])]
        if lvm_hosts:
            self.check_lands_on_suitable_host('aerospike.lvm')
            return
        flavor = self.conn.compute.find_flavor('aerospike.lvm')
        if flavor is None:
            self.skipTest('flavor aerospike.lvm was not created')
        server = self.conn.compute.create_server(
            name='aerospike-filters-novalidhost', flavor_id=flavor.id,
            image_id=self.image.id, networks='none')
        self.addCleanup(self.conn.compute.delete_server, server,
                        ignore_missing=True)
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            server = self.conn.compute.get_server(server.id)
            if server.status in ('ERROR', 'ACTIVE'):
                break
            time.sleep(2)
        self.assertEqual('ERROR', server.status)
        self.assertIn('No valid host', (server.fault or {}).get('message',
                                                                ''))
