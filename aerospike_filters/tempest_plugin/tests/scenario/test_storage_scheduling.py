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

"""The README's promises, checked through tempest's clients.

Which hosts suit an Aerospike flavor is read from the cloud itself: the
``ephemeral_backend`` metadata that ``aerospike-filters sync`` puts on
each compute's aggregate. A flavor of ``aerospike:storage=local`` that
requests no NVMe device may land only where that backend is lvm or raw;
a flavor without the tag lands wherever nova would put it.
"""

import json
import os
import subprocess

from tempest.api.compute import base
from tempest.common import waiters
from tempest import config
from tempest import exceptions as tempest_exceptions
from tempest.lib import decorators
from tempest.lib import exceptions

from aerospike_filters import trait_contract

CONF = config.CONF
SUITABLE_BACKENDS = ('lvm', 'raw')


class AerospikeStorageTest(base.BaseV2ComputeAdminTest):
    """Tagged servers on suitable hosts only, untagged ones anywhere."""

    # 2.74: a requested host goes through the scheduler's filters;
    # 2.86: nova-api validates flavor extra specs.
    min_microversion = '2.86'

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        backends = {}
        for aggregate in cls.os_admin.aggregates_client.list_aggregates()[
                'aggregates']:
            backend = (aggregate.get('metadata') or {}).get(
                'ephemeral_backend')
            for host in aggregate.get('hosts') or []:
                if backend:
                    backends.setdefault(host, set()).add(backend)
        computes = {s['host'] for s in cls.os_admin.services_client.
                    list_services(binary='nova-compute')['services']
                    if s['state'] == 'up' and s['status'] == 'enabled'}
        cls.suitable = sorted(
            h for h in computes
            if len(backends.get(h, ())) == 1 and
            backends[h] <= set(SUITABLE_BACKENDS))
        cls.unsuitable = sorted(
            h for h in computes
            if backends.get(h) and not backends[h] <= set(SUITABLE_BACKENDS))

    def setUp(self):
        super().setUp()
        if not self.suitable:
            raise self.skipException(
                'no compute is described as lvm or raw (aerospike-filters '
                'sync publishes the ephemeral_backend of each compute)')

    def tagged_flavor(self, ram=512):
        flavor = self.create_flavor(ram=ram, vcpus=1, disk=1)
        specs = {'aerospike:storage': 'local'}
        specs[trait_contract.flavor_spec(
            trait_contract.flavor_trait(specs))] = 'required'
        self.admin_flavors_client.set_flavor_extra_spec(flavor['id'],
                                                        **specs)
        return flavor

    def untagged_flavor(self):
        return self.create_flavor(ram=512, vcpus=1, disk=1)

    def boot(self, flavor, wait_until='ACTIVE', **kwargs):
        if 'host' in kwargs:
            # Requesting a host is the admin's right.
            kwargs['clients'] = self.os_admin
        server = self.create_test_server(flavor=flavor['id'],
                                         wait_until=wait_until, **kwargs)
        return server['id']

    def host_of(self, server_id):
        return self.get_host_for_server(server_id)

    @decorators.idempotent_id('4bb9a3b5-0c55-4b0c-9b57-5a0f6f1d2b01')
    def test_tagged_servers_land_only_on_suitable_hosts(self):
        flavor = self.tagged_flavor()
        for _ in range(2):
            host = self.host_of(self.boot(flavor))
            self.assertIn(host, self.suitable)

    @decorators.idempotent_id('2f0c5a8e-7d1b-4f5e-8d8e-6a3c2b1f9e02')
    def test_untagged_server_lands_on_an_unsuitable_host(self):
        if not self.unsuitable:
            raise self.skipException('every compute suits Aerospike')
        host = self.unsuitable[0]
        server_id = self.boot(self.untagged_flavor(), host=host)
        self.assertEqual(host, self.host_of(server_id))

    @decorators.idempotent_id('9c1e7f3a-5b2d-4c6e-9f0a-1d2e3f4a5b03')
    def test_tagged_server_is_refused_an_unsuitable_host(self):
        if not self.unsuitable:
            raise self.skipException('every compute suits Aerospike')
        # Without its trait, so that the filter (not placement) decides.
        flavor = self.create_flavor(ram=512, vcpus=1, disk=1)
        self.admin_flavors_client.set_flavor_extra_spec(
            flavor['id'], **{'aerospike:storage': 'local'})
        server_id = self.boot(flavor, wait_until=None,
                              host=self.unsuitable[0])
        self.assertRaises(tempest_exceptions.BuildErrorException,
                          waiters.wait_for_server_status,
                          self.admin_servers_client, server_id, 'ACTIVE')
        server = self.admin_servers_client.show_server(server_id)['server']
        self.assertIn('No valid host', server['fault']['message'])

    @decorators.idempotent_id('6d2f8a1b-3c4e-4d5f-a6b7-c8d9e0f1a204')
    def test_invalid_aerospike_extra_specs_are_refused(self):
        flavor = self.untagged_flavor()
        for specs in ({'aerospike:storage': 'ssd'},
                      {'aerospike:storrage': 'lvm'}):
            self.assertRaises(exceptions.BadRequest,
                              self.admin_flavors_client.set_flavor_extra_spec,
                              flavor['id'], **specs)
        specs = self.admin_flavors_client.list_flavor_extra_specs(
            flavor['id'])['extra_specs']
        self.assertEqual({}, specs)

    @decorators.idempotent_id('0e3a9b2c-4d5e-4f6a-b7c8-d9e0f1a2b305')
    def test_moves_keep_the_rule(self):
        if not CONF.compute_feature_enabled.cold_migration:
            raise self.skipException('cold migration is not enabled')
        if len(self.suitable) < 2:
            raise self.skipException('fewer than two suitable computes')
        flavor = self.tagged_flavor()
        server_id = self.boot(flavor)
        source = self.host_of(server_id)
        self.admin_servers_client.migrate_server(server_id)
        waiters.wait_for_server_status(self.servers_client, server_id,
                                       'VERIFY_RESIZE')
        self.servers_client.confirm_resize_server(server_id)
        waiters.wait_for_server_status(self.servers_client, server_id,
                                       'ACTIVE')
        moved = self.host_of(server_id)
        self.assertNotEqual(source, moved)
        self.assertIn(moved, self.suitable)
        if CONF.compute_feature_enabled.resize:
            self.resize_server(server_id, self.tagged_flavor(ram=1024)['id'])
            self.assertIn(self.host_of(server_id), self.suitable)

    @decorators.idempotent_id('7f4b0c3d-5e6f-4a7b-8c9d-e0f1a2b3c406')
    def test_doctor_finds_nothing_wrong(self):
        creds = self.os_admin.credentials
        env = dict(os.environ, OS_AUTH_URL=CONF.identity.uri_v3,
                   OS_USERNAME=creds.username, OS_PASSWORD=creds.password,
                   OS_PROJECT_NAME=creds.project_name,
                   OS_USER_DOMAIN_NAME=creds.user_domain_name,
                   OS_PROJECT_DOMAIN_NAME=creds.project_domain_name,
                   OS_REGION_NAME=CONF.identity.region,
                   OS_IDENTITY_API_VERSION='3')
        env.pop('OS_CLOUD', None)
        result = subprocess.run(
            [CONF.aerospike_filters.doctor_command, 'doctor', '-f', 'json'],
            capture_output=True, text=True,
            env=env, timeout=300)
        self.assertEqual(0, result.returncode, result.stderr)
        findings = json.loads(result.stdout or '[]')
        serious = [f for f in findings
                   if f.get('Severity') in ('error', 'warning')]
        self.assertEqual([], serious, result.stdout)
