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

"""rack label: each node's rack in its metadata, as the guest reads it."""

import json

from nova.api.metadata import base as metadata_base
from nova import context as nova_context
from nova import objects

from tests.functional import test_rack_spread

RACK_CONF = '[aerospike_filters]\nfailure_domain_key = rack\n'


class TestRackLabel(test_rack_spread.RackCloud):

    STRICT_FILTER = False

    def setUp(self):
        super().setUp()
        self.start_racks({'r1': ['h1', 'h2'], 'r2': ['h3', 'h4'],
                          'r3': ['h5', 'h6']}, key='rack')
        self.conf = self.nova_conf(RACK_CONF)
        flavor = self.flavor('aerospike.lvm', 'lvm')
        self.group_id = self.group()['id']
        self.servers = self.boot(flavor, count=3,
                                 hints={'group': self.group_id})
        # An untagged server in the group is not an Aerospike node.
        plain = self.flavor('plain')
        self.plain = self.boot(plain, hints={'group': self.group_id})

    def label(self, *args):
        return self.run_cli('rack', 'label', '--config-file', self.conf,
                            '-f', 'json', *args)

    def meta(self, server):
        return self.admin_api.get_server(server['id'])['metadata']

    def test_every_node_gets_its_rack_and_sees_it(self):
        status, out, err = self.label()
        self.assertEqual(0, status, err)
        rows = json.loads(out)
        self.assertEqual(3, len(rows))
        self.assertEqual({'set'}, {row['Result'] for row in rows})
        for server in self.servers:
            rack = self.domain_of[self.host_of(server)]
            self.assertEqual({'aerospike_rack': rack}, self.meta(server))
            # What the guest reads: meta_data.json from nova's own
            # metadata handler.
            context = nova_context.get_admin_context()
            instance = objects.Instance.get_by_uuid(
                context, server['id'],
                expected_attrs=['metadata', 'system_metadata', 'flavor',
                                'info_cache', 'security_groups',
                                'keypairs', 'device_metadata', 'ec2_ids'])
            seen = metadata_base.InstanceMetadata(
                instance, network_info=[]).get_openstack_item(
                ['latest', 'meta_data.json'])
            self.assertEqual(rack, json.loads(seen)['meta']['aerospike_rack'])
        self.assertEqual({}, self.meta(self.plain))

    def test_idempotent_and_one_group(self):
        self.assertEqual(0, self.label('--server-group', self.group_id)[0])
        status, out, err = self.label('--server-group', 'aerospike-cluster')
        self.assertEqual(0, status, err)
        self.assertEqual({'unchanged'},
                         {row['Result'] for row in json.loads(out)})

    def test_dry_run_sets_nothing(self):
        status, out, _ = self.label('--dry-run')
        self.assertEqual(0, status)
        self.assertEqual({'would set'},
                         {row['Result'] for row in json.loads(out)})
        self.assertEqual({}, self.meta(self.servers[0]))

    def test_host_without_rack_is_left_alone_exit_1(self):
        conf = self.nova_conf('[aerospike_filters]\n'
                              'failure_domain_key = row\n')
        status, out, _ = self.run_cli('rack', 'label', '--config-file',
                                      conf, '-f', 'json')
        self.assertEqual(1, status, out + _)
        results = {row['Result'] for row in json.loads(out)}
        self.assertEqual({"left alone: no aggregate of the host sets row; "
                          "add the host to its rack's aggregate"}, results)
        self.assertEqual({}, self.meta(self.servers[0]))

    def test_unknown_group_one_line_exit_2(self):
        for argv in (('rack', 'label', '--server-group', 'nope'),
                     ('aerospike', 'rack', 'label', '--server-group',
                      'nope')):
            status, out, err = self.run_cli(*argv[-4:])
            self.assertEqual(2, status)
            self.assertEqual('', out)
            self.assertEqual(
                "no server group named or with ID 'nope'; list them with: "
                "openstack server group list --all-projects\n", err)

    def test_group_that_does_not_spread_exit_2(self):
        self.api.post_server_groups({'name': 'together',
                                     'policy': 'affinity'})
        status, _, err = self.run_cli('rack', 'label', '--server-group',
                                      'together')
        self.assertEqual(2, status)
        self.assertIn("server group 'together' has policy affinity", err)
        self.assertEqual(1, len(err.splitlines()))
